import * as assert from 'assert';
import type { Browser, Page } from 'playwright-core';
import type { LoopEvent } from '../../src/core/types';
import type { HostMessage, RunView } from '../../src/panel/protocol';
import { toPanelEvent } from '../../src/vscode/panelEvents';
import { applyPanelEvent, createRun } from '../../src/panel/panelModel';
import type { PanelServer } from '../support/panelPage';
import { buildWebviewBundle, launchChromium, openPanel, postedBy, sendToView, startPanelServer } from '../support/panelPage';
import { eventsOfRound, sampleRunEvents } from '../support/sampleEvents';

function asMessages(runId: string, events: LoopEvent[]): HostMessage[] {
  return events.map((e) => ({ type: 'event', runId, event: toPanelEvent(e) }));
}

function startMessages(runId: string, title: string, events: LoopEvent[]): HostMessage[] {
  return [{ type: 'run-start', runId, title }, ...asMessages(runId, events)];
}

/** The host's view of a finished run, as the snapshot carries it. */
function hostRun(runId: string, title: string, events: LoopEvent[]): RunView {
  const run = createRun(runId, title);
  for (const e of events) applyPanelEvent(run, toPanelEvent(e));
  return JSON.parse(JSON.stringify(run));
}

const candidates = (page: Page) =>
  page.$$eval('[data-testid="candidate"]', (els) => els.map((e) => `${e.getAttribute('data-candidate-id')}:${e.getAttribute('data-status')}:${e.getAttribute('data-best') ?? ''}`));
const critiques = (page: Page) => page.$$eval('[data-testid="critique"]', (els) => els.map((e) => e.textContent));
const text = (page: Page, selector: string) => page.$eval(selector, (e) => e.textContent ?? '');
const visible = (page: Page, selector: string) => page.$eval(selector, (e) => (e as HTMLElement).offsetParent !== null);

describe('trace panel in chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: PanelServer;
  const events = sampleRunEvents({ rounds: 3, candidates: 3, runId: 'run-1' });
  const reflections = events.flatMap((e) => (e.type === 'reflection' ? [e.reflection.text] : []));

  before(async () => {
    server = await startPanelServer(await buildWebviewBundle());
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  let page: Page;
  afterEach(async () => {
    if (page) {
      const violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
      assert.deepStrictEqual(violations, [], 'the page broke its own Content-Security-Policy');
      await page.close();
    }
  });

  it('says ready on load and shows a hint when there are no runs', async () => {
    page = await openPanel(browser, server);
    assert.deepStrictEqual(await postedBy(page), [{ type: 'ready' }]);
    await sendToView(page, [{ type: 'snapshot', runs: [] }]);
    assert.match(await text(page, '.empty'), /^No runs yet\./);
    assert.strictEqual(await visible(page, '.empty'), true);
    assert.strictEqual(await visible(page, '[data-testid="run-status"]'), false);
  });

  it('renders a run event by event: rounds, candidates, verdicts, critiques, best mark and final status', async () => {
    page = await openPanel(browser, server);
    await sendToView(page, [{ type: 'snapshot', runs: [] }, ...startMessages('run-1', 'Fix range', events.slice(0, events.findIndex((e) => e.type === 'round-start')))]);
    assert.strictEqual(await text(page, '[data-testid="run-status"]'), 'Running…');
    assert.strictEqual(await visible(page, 'button[data-action="stop"]'), true);
    assert.strictEqual(await visible(page, 'button[data-action="reject"]'), false);
    assert.match(await text(page, '[data-testid="baseline"]'), /^Baseline \(jest, 2\.3 s\): 17 passed, 3 failed; 3 failing to fix$/);

    await sendToView(page, asMessages('run-1', eventsOfRound(events, 1)));
    assert.deepStrictEqual(await candidates(page), ['r1c1:improved:true', 'r1c2:failed:', 'r1c3:improved:']);
    assert.deepStrictEqual(await critiques(page), [reflections[0]]);
    // Incremental: round 1's section must survive later rounds untouched.
    await page.$eval('[data-round="1"]', (e) => ((e as unknown as { marker: number }).marker = 7));

    const rest = events.slice(events.indexOf(eventsOfRound(events, 1).slice(-1)[0]) + 1);
    await sendToView(page, asMessages('run-1', rest));
    assert.strictEqual(await page.$eval('[data-round="1"]', (e) => (e as unknown as { marker?: number }).marker), 7);
    assert.deepStrictEqual(await candidates(page), [
      'r1c1:improved:', 'r1c2:failed:', 'r1c3:improved:',
      'r2c1:improved:', 'r2c2:failed:', 'r2c3:improved:',
      'r3c1:verified:true', 'r3c2:failed:', 'r3c3:rejected:',
    ]);
    assert.deepStrictEqual(await critiques(page), reflections);
    assert.deepStrictEqual(await page.$$eval('.round h2', (els) => els.map((e) => e.textContent)), ['Round 1', 'Round 2', 'Round 3']);
    assert.strictEqual(await text(page, '[data-testid="run-status"]'), 'verified: r3c1 passes the 3 target test(s) and the full suite');
    assert.strictEqual(await visible(page, 'button[data-action="stop"]'), false);
    assert.strictEqual(await visible(page, 'button[data-action="reject"]'), true);
    assert.deepStrictEqual(
      await page.$$eval('[data-candidate-id="r3c3"] .verdict li', (els) => els.map((e) => e.textContent)),
      ['Rejected: it edits the test file test/range.test.js; tests are read-only unless test edits are allowed'],
    );
    // Review is offered on tested candidates only, never on a rejected one; the run's actions add one for the best.
    assert.deepStrictEqual(
      await page.$$eval('.candidate button[data-action="review"]', (els) => els.map((e) => e.getAttribute('data-candidate-id'))),
      ['r1c1', 'r1c2', 'r1c3', 'r2c1', 'r2c2', 'r2c3', 'r3c1', 'r3c2'],
    );
    assert.deepStrictEqual(
      await page.$eval('.run-actions button[data-action="review"]', (e) => [e.getAttribute('data-candidate-id'), e.textContent, e.getAttribute('aria-label')]),
      ['r3c1', 'Review best', 'Review the best candidate, 3.1, inline'],
    );
    assert.strictEqual(await text(page, '.round[data-round="1"] .round-meta'), '3 candidates: 2 improved, 1 failed · 3,840 in · 580 out tokens · 9.3 s');
    assert.strictEqual(await text(page, '.round[data-round="3"] .round-meta'), '3 candidates: 1 verified, 1 failed, 1 rejected · 2,160 in · 420 out tokens · 9.8 s');
    assert.deepStrictEqual(await page.$$eval('.round[data-round="1"] .calls li', (els) => els.map((e) => e.textContent)), [
      'actor · gpt-4o-mini · 1,920 in · 420 out tokens · 3.4 s',
      'critic · gpt-4o-mini · 1,920 in · 160 out tokens · 1.2 s',
    ]);
  });

  it('shows candidates a stopped run never tested as not tested, keeping their pending status', async () => {
    page = await openPanel(browser, server);
    const round1 = eventsOfRound(events, 1);
    const firstResult = round1.findIndex((e) => e.type === 'candidate-result');
    await sendToView(page, [{ type: 'snapshot', runs: [] }, ...startMessages('run-1', 'Fix range', [...events.slice(0, 3), ...round1.slice(0, firstResult + 1)])]);
    assert.strictEqual(await text(page, '[data-candidate-id="r1c2"] .badge.status-pending'), 'Testing…');
    await sendToView(page, [{ type: 'event', runId: 'run-1', event: { type: 'run-end', result: { status: 'cancelled', stopReason: 'cancelled during round 1', tokens: { prompt: 1, completion: 1 }, durationMs: 5 } } }]);
    assert.deepStrictEqual(await candidates(page), ['r1c1:improved:', 'r1c2:pending:', 'r1c3:pending:']);
    assert.deepStrictEqual(await page.$$eval('[data-status="pending"] .badge.status-pending', (els) => els.map((e) => e.textContent)), ['Not tested', 'Not tested']);
    assert.strictEqual(await text(page, '[data-testid="run-status"]'), 'cancelled: cancelled during round 1');
    assert.match(await text(page, '.round[data-round="1"] .round-meta'), /^3 candidates: 1 improved, 2 not tested · /);
  });

  it('colours diff lines with the theme’s diff and git decoration colours', async () => {
    page = await openPanel(browser, server, { theme: true });
    await sendToView(page, [{ type: 'snapshot', runs: [] }, ...startMessages('run-1', 'Fix range', events)]);
    const lines = await page.$$eval('[data-candidate-id="r1c1"] .diff .line', (els) =>
      els.map((e) => [e.className, (e.textContent ?? '').slice(0, 4), getComputedStyle(e).color, getComputedStyle(e).backgroundColor]),
    );
    assert.deepStrictEqual(lines.slice(0, 3).map((l) => l.slice(0, 2)), [['line file', '--- '], ['line file', '+++ '], ['line hunk', '@@ -']]);
    const add = lines.find((l) => l[0] === 'line add')!;
    const del = lines.find((l) => l[0] === 'line del')!;
    assert.deepStrictEqual([add[2], add[3]], ['rgb(129, 184, 139)', 'rgba(155, 185, 85, 0.2)']);
    assert.deepStrictEqual([del[2], del[3]], ['rgb(199, 78, 57)', 'rgba(255, 0, 0, 0.2)']);
    assert.strictEqual(lines.find((l) => l[0] === 'line hunk')![2], 'rgb(55, 148, 255)');
    // Code inside the diff is coloured by the file's language (src/range.js: JavaScript).
    const changed = await page.$eval('[data-candidate-id="r1c1"] .diff .line.add', (e) =>
      [...e.children].map((t) => [t.className, t.textContent, getComputedStyle(t).color]),
    );
    assert.deepStrictEqual(changed, [
      ['tok-keyword', 'for', 'rgb(86, 156, 214)'],
      ['tok-keyword', 'let', 'rgb(86, 156, 214)'],
    ]);
    assert.strictEqual(await text(page, '[data-candidate-id="r1c1"] .diff .line.add'), '+  for (let i = start; i <= end; i += step) {\n');
    // A failed candidate's diff starts closed and is built when opened (by keyboard here).
    assert.strictEqual(await page.$$eval('[data-candidate-id="r1c2"] .diff .line', (els) => els.length), 0);
    await page.focus('[data-candidate-id="r1c2"] summary');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-candidate-id="r1c2"] .diff .line.add');
    assert.strictEqual(await text(page, '[data-candidate-id="r1c2"] .diff .line.file'), '--- a/src/range.js\n');
  });

  it('streams model text while the model writes and clears it when the call completes', async () => {
    page = await openPanel(browser, server);
    const round1 = eventsOfRound(events, 1);
    const firstCall = round1.findIndex((e) => e.type === 'model-call');
    const deltas = round1.slice(0, firstCall);
    await sendToView(page, [{ type: 'snapshot', runs: [] }, ...startMessages('run-1', 'Fix range', events.slice(0, 3)), ...asMessages('run-1', deltas)]);
    const streamed = deltas.flatMap((e) => (e.type === 'model-delta' ? [e.text] : [])).join('');
    assert.strictEqual(await text(page, '[data-testid="stream"]'), streamed);
    assert.strictEqual(await visible(page, '[data-testid="stream"]'), true);
    assert.strictEqual(await text(page, '.stream-label'), 'The actor model is writing (round 1, 72 tokens so far)…');
    await sendToView(page, asMessages('run-1', [round1[firstCall]]));
    assert.strictEqual(await text(page, '[data-testid="stream"]'), '');
    assert.strictEqual(await visible(page, '[data-testid="stream"]'), false);
  });

  it('posts each action for the shown run, by mouse and by keyboard', async () => {
    page = await openPanel(browser, server);
    await sendToView(page, [{ type: 'snapshot', runs: [] }, ...startMessages('run-1', 'Fix range', events.slice(0, -1))]);
    await page.click('button[data-action="stop"]');
    await page.click('button[data-action="review"][data-candidate-id="r3c1"]');
    await page.click('button[data-action="compare"][data-candidate-id="r3c1"]');
    await sendToView(page, asMessages('run-1', events.slice(-1)));
    await page.focus('button[data-action="reject"]');
    await page.keyboard.press('Enter');
    await page.fill('#retry-hint', 'the step can be negative');
    await page.press('#retry-hint', 'Enter');
    await page.focus('button[data-action="export"][data-format="json"]');
    await page.keyboard.press('Space');
    await page.click('button[data-action="export"][data-format="markdown"]');
    await page.click('text=Review best');
    assert.deepStrictEqual((await postedBy(page)).slice(1), [
      { type: 'stop', runId: 'run-1' },
      { type: 'review', runId: 'run-1', candidateId: 'r3c1' },
      { type: 'compare', runId: 'run-1', candidateId: 'r3c1' },
      { type: 'reject', runId: 'run-1' },
      { type: 'retry', runId: 'run-1', hint: 'the step can be negative' },
      { type: 'export', runId: 'run-1', format: 'json' },
      { type: 'export', runId: 'run-1', format: 'markdown' },
      { type: 'review', runId: 'run-1', candidateId: 'r3c1' },
    ]);
    assert.strictEqual(await page.inputValue('#retry-hint'), '');
  });

  it('keeps keyboard focus on a candidate’s button when the candidate is redrawn', async () => {
    page = await openPanel(browser, server);
    const round1 = eventsOfRound(events, 1);
    const result = round1.find((e) => e.type === 'candidate-result' && e.candidate.id === 'r1c1')!;
    await sendToView(page, [{ type: 'snapshot', runs: [] }, ...startMessages('run-1', 'Fix range', events.slice(0, events.indexOf(result) + 1))]);
    await page.focus('button[data-action="review"][data-candidate-id="r1c1"]');
    assert.ok(result.type === 'candidate-result');
    const rerun = { ...result, candidate: { ...result.candidate, full: { passed: 19, failed: 1, skipped: 0 } } };
    await sendToView(page, asMessages('run-1', [rerun]));
    assert.ok((await text(page, '[data-candidate-id="r1c1"] .verdict')).includes('Full suite: 19 passed, 1 failed'));
    assert.deepStrictEqual(
      await page.evaluate(() => [document.activeElement?.getAttribute('data-action'), document.activeElement?.getAttribute('data-candidate-id')]),
      ['review', 'r1c1'],
    );
    await page.keyboard.press('Enter');
    assert.deepStrictEqual((await postedBy(page)).slice(-1), [{ type: 'review', runId: 'run-1', candidateId: 'r1c1' }]);
  });

  it('shows model text containing HTML and script as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const bad = sampleRunEvents({ rounds: 2, candidates: 3, runId: 'run-x', modelText: hostile });
    page = await openPanel(browser, server);
    const lastRound = eventsOfRound(bad, 2);
    const deltas = lastRound.slice(0, lastRound.findIndex((e) => e.type === 'model-call'));
    await sendToView(page, [{ type: 'snapshot', runs: [] }, ...startMessages('run-x', hostile, bad.slice(0, bad.indexOf(lastRound[0]))), ...asMessages('run-x', deltas)]);
    assert.ok((await text(page, '[data-testid="stream"]')).includes(hostile.slice(0, 20)));
    await sendToView(page, asMessages('run-x', bad.slice(bad.indexOf(lastRound[0]) + deltas.length)));
    const critique = await critiques(page);
    assert.ok(critique[0]!.endsWith(` ${hostile}`), critique[0]!);
    assert.ok((await text(page, '[data-candidate-id="r1c1"] .summary')).endsWith(` ${hostile}`));
    assert.ok((await text(page, '[data-testid="run-status"]')).length > 0);
    assert.ok((await page.$eval('select[data-testid="run-picker"] option', (o) => o.textContent ?? '')).startsWith(hostile));
    assert.strictEqual(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.strictEqual(await page.$$eval('img', (els) => els.length), 0);
    assert.strictEqual(await page.$$eval('script', (els) => els.length), 1);
  });

  it('restores from a snapshot, lets the picker switch runs and keeps the choice across a reload', async () => {
    const other = sampleRunEvents({ rounds: 2, candidates: 2, runId: 'run-2', verify: false });
    const runs = [hostRun('run-2', 'Second run', other), hostRun('run-1', 'First run', events)];
    page = await openPanel(browser, server);
    await sendToView(page, [{ type: 'snapshot', runs, activeRunId: 'run-2' }]);
    assert.deepStrictEqual(await candidates(page), ['r1c1:improved:true', 'r1c2:failed:', 'r2c1:improved:', 'r2c2:failed:']);
    assert.match(await text(page, '[data-testid="run-status"]'), /^improved: /);
    assert.deepStrictEqual(await page.$$eval('[data-testid="run-picker"] option', (els) => els.map((e) => e.textContent)), [
      'Second run — improved',
      'First run — verified',
    ]);
    await page.selectOption('[data-testid="run-picker"]', 'run-1');
    assert.deepStrictEqual((await candidates(page)).length, 9);
    assert.deepStrictEqual(await critiques(page), reflections);
    const state = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    assert.deepStrictEqual(state, { selectedRunId: 'run-1' });
    await page.close();

    // A reload (hidden view shown again, or a window reload): the view state picks the run, the host's snapshot fills it.
    page = await openPanel(browser, server, { state });
    await sendToView(page, [{ type: 'snapshot', runs, activeRunId: 'run-2' }]);
    assert.strictEqual(await page.$eval('[data-testid="run-picker"]', (e) => (e as HTMLSelectElement).value), 'run-1');
    assert.deepStrictEqual(await critiques(page), reflections);
    assert.deepStrictEqual(await postedBy(page), [{ type: 'ready' }]);
  });

  it('shows a running run’s live model text from a snapshot (a view shown again mid-stream)', async () => {
    const round1 = eventsOfRound(events, 1);
    const deltas = round1.slice(0, round1.findIndex((e) => e.type === 'model-call'));
    const running = hostRun('run-1', 'Fix range', [...events.slice(0, 3), ...deltas]);
    page = await openPanel(browser, server);
    await sendToView(page, [{ type: 'snapshot', runs: [running], activeRunId: 'run-1' }]);
    assert.strictEqual(await text(page, '[data-testid="stream"]'), running.streams[0].text);
    assert.strictEqual(await text(page, '[data-testid="run-status"]'), 'Running… round 1');
    assert.strictEqual(await visible(page, 'button[data-action="stop"]'), true);
  });

  it('announces status changes to screen readers and labels its controls', async () => {
    page = await openPanel(browser, server);
    await sendToView(page, [{ type: 'snapshot', runs: [] }, ...startMessages('run-1', 'Fix range', events)]);
    const status = await page.$eval('[data-testid="run-status"]', (e) => [e.getAttribute('role'), e.getAttribute('aria-live')]);
    assert.deepStrictEqual(status, ['status', 'polite']);
    assert.strictEqual(await page.$eval('[data-testid="run-picker"]', (e) => e.getAttribute('aria-label')), 'Recent runs');
    assert.strictEqual(await page.$eval('#retry-hint', (e) => (e as HTMLInputElement).labels?.[0]?.textContent), 'Hint for another try');
    const unlabeled = await page.$$eval('button', (els) => els.filter((b) => !(b.getAttribute('aria-label') || b.textContent?.trim())).length);
    assert.strictEqual(unlabeled, 0);
  });
});
