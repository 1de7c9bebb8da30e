/**
 * The panel's DOM: a header (run picker, status, Stop), the baseline, the rounds, the live model output, the run's
 * actions (Review best, Reject, Retry with a hint, Export) and its log. `render` builds a run from scratch (after a snapshot or a
 * change of run); `apply` patches only what an event changed, so a long trace stays fast to update.
 * DOM contract: `data-testid="run-status"` (aria-live) holds the run status; `data-testid="stream"` holds the text
 * the model is writing; action buttons carry `data-action="stop|reject|retry|export|review"` (review buttons also
 * `data-candidate-id`; export buttons `data-format="markdown|json"`).
 */
import type { RunView, ViewMessage } from '../panel/protocol';
import { renderCandidate, setBestMark } from './candidateView';
import { h, replaceChildren } from './dom';
import { baselineText, formatDuration, formatTokens, runStatusText } from './format';
import type { PanelChange } from '../panel/panelModel';
import { findCandidate } from '../panel/panelModel';
import { createRound, updateRound, updateRoundMeta } from './roundView';
import type { RoundElements } from './roundView';

export interface PanelView {
  /** Rebuilds the run picker and the whole selected run. */
  render(runs: RunView[], selected: RunView | undefined): void;
  /** Patches the selected run's DOM after `applyPanelEvent` returned `changes`. */
  apply(run: RunView, changes: PanelChange[]): void;
  /** Refreshes the run picker (labels and order) without touching the run. */
  updatePicker(runs: RunView[], selectedId: string | undefined): void;
}

/** Builds the panel inside `root`; actions go to `post`, a choice in the run picker to `onSelect`. */
export function createPanelView(root: HTMLElement, post: (m: ViewMessage) => void, onSelect: (runId: string) => void): PanelView {
  const picker = h('select', { class: 'run-picker', 'data-testid': 'run-picker', 'aria-label': 'Recent runs' });
  const status = h('p', { class: 'run-status', 'data-testid': 'run-status', role: 'status', 'aria-live': 'polite' });
  const meta = h('p', { class: 'run-meta' });
  const stop = h('button', { type: 'button', 'data-action': 'stop', class: 'danger', 'aria-label': 'Stop the run' }, '■ Stop');
  const baseline = h('p', { class: 'baseline', 'data-testid': 'baseline' });
  const empty = h('p', { class: 'empty' }, 'No runs yet. Run “Reflect: Fix Failing Tests” to start one; each round will appear here.');
  const rounds = h('div', { class: 'rounds' });
  const streamLabel = h('p', { class: 'stream-label' });
  const stream = h('div', { class: 'stream', 'data-testid': 'stream', 'aria-live': 'off', tabindex: 0, 'aria-label': 'Model output' });
  const streamBlock = h('section', { class: 'stream-block', hidden: true, 'aria-label': 'Model output' }, streamLabel, stream);
  const hint = h('input', { type: 'text', id: 'retry-hint', class: 'hint', placeholder: 'e.g. the bug is in the loop bound, not the test' });
  const retryForm = h(
    'form',
    { class: 'retry' },
    h('label', { for: 'retry-hint' }, 'Hint for another try'),
    h('div', { class: 'retry-row' }, hint, h('button', { type: 'submit', 'data-action': 'retry' }, 'Retry')),
  );
  const reviewBest = h('button', { type: 'button', 'data-action': 'review', class: 'review-best' }, 'Review best');
  const finishedActions = h(
    'div',
    { class: 'finished-actions' },
    reviewBest,
    h('button', { type: 'button', 'data-action': 'reject', class: 'secondary', 'aria-label': 'Reject this run’s result' }, 'Reject'),
    retryForm,
  );
  const exportActions = h(
    'div',
    { class: 'export-actions' },
    h('button', { type: 'button', 'data-action': 'export', 'data-format': 'markdown', class: 'secondary' }, 'Export Markdown'),
    h('button', { type: 'button', 'data-action': 'export', 'data-format': 'json', class: 'secondary' }, 'Export JSON'),
  );
  const logList = h('ul', { class: 'log-lines' });
  const logSummary = h('summary', {}, 'Log');
  const log = h('details', { class: 'log', hidden: true }, logSummary, logList);
  const body = h(
    'div',
    { class: 'run', hidden: true },
    h('header', { class: 'run-header' }, h('div', { class: 'run-line' }, picker, stop), status, meta),
    baseline,
    rounds,
    streamBlock,
    h('footer', { class: 'run-actions', 'aria-label': 'Run actions' }, finishedActions, exportActions),
    log,
  );
  replaceChildren(root, empty, body);

  let current: RunView | undefined;
  const roundEls = new Map<number, RoundElements>();
  const candidateEls = new Map<string, HTMLElement>();
  const streamText = new Map<string, { el: HTMLElement; text: Text }>();

  // One listener for every action button: buttons are re-created as the trace grows.
  root.addEventListener('click', (ev) => {
    const button = (ev.target as Element).closest<HTMLButtonElement>('button[data-action]');
    const summary = (ev.target as Element).closest('summary');
    if (summary?.parentElement) summary.parentElement.dataset.toggled = 'true';
    if (!button || !current || button.type === 'submit') return;
    const runId = current.id;
    const action = button.dataset.action;
    if (action === 'stop') post({ type: 'stop', runId });
    else if (action === 'reject') post({ type: 'reject', runId });
    else if (action === 'review' && button.dataset.candidateId) post({ type: 'review', runId, candidateId: button.dataset.candidateId });
    else if (action === 'export') post({ type: 'export', runId, format: button.dataset.format === 'json' ? 'json' : 'markdown' });
  });
  retryForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!current) return;
    post({ type: 'retry', runId: current.id, hint: hint.value.trim() });
    hint.value = '';
  });
  picker.addEventListener('change', () => onSelect(picker.value));

  function updateHeader(run: RunView): void {
    // Only real changes: rewriting the same text would make screen readers announce it again.
    setText(status, runStatusText(run));
    status.className = `run-status status-${run.status}`;
    const parts = [run.title];
    if (run.provider) parts.push(run.provider);
    parts.push(formatTokens(run.tokens));
    if (run.durationMs !== undefined) parts.push(formatDuration(run.durationMs));
    if (run.error) parts.push(`error: ${run.error}`);
    setText(meta, parts.join(' · '));
    stop.hidden = run.status !== 'running';
    finishedActions.hidden = run.status === 'running';
    const best = findCandidate(run, run.bestCandidateId);
    reviewBest.hidden = !best || !best.diff;
    if (best) {
      reviewBest.dataset.candidateId = best.id;
      reviewBest.setAttribute('aria-label', `Review the best candidate, ${best.round}.${best.index + 1}, inline`);
    }
  }

  function setText(el: HTMLElement, value: string): void {
    if (el.textContent !== value) el.textContent = value;
  }

  function ensureRound(index: number): RoundElements {
    let els = roundEls.get(index);
    if (!els) {
      els = createRound(index);
      roundEls.set(index, els);
      const next = [...roundEls.entries()].filter(([i]) => i > index).sort(([a], [b]) => a - b)[0];
      rounds.insertBefore(els.section, next ? next[1].section : null);
    }
    return els;
  }

  function renderOneCandidate(run: RunView, roundIndex: number, id: string): void {
    const round = run.rounds.find((r) => r.index === roundIndex);
    const c = round?.candidates.find((x) => x.id === id);
    if (!round || !c) return;
    const els = ensureRound(roundIndex);
    const old = candidateEls.get(id);
    // Keep the diff open or closed only if the person chose; otherwise the new status decides.
    const wasOpen = old?.querySelector<HTMLDetailsElement>('details[data-toggled]')?.open;
    const el = renderCandidate(c, { best: run.bestCandidateId === id, baseline: run.baseline, wasOpen, runEnded: run.status !== 'running' });
    candidateEls.set(id, el);
    if (old) {
      // Keep keyboard focus where it was: a redraw must not throw a keyboard user back to the top of the page.
      const focused = old.contains(document.activeElement) ? (document.activeElement as HTMLElement) : undefined;
      old.replaceWith(el);
      if (focused) focusCounterpart(el, focused);
    } else {
      // Insert before the next candidate of the round (model order) that is already on screen.
      const after = round.candidates.slice(round.candidates.indexOf(c) + 1).find((x) => candidateEls.has(x.id));
      els.candidates.insertBefore(el, after ? candidateEls.get(after.id)! : null);
    }
  }

  function focusCounterpart(el: HTMLElement, focused: HTMLElement): void {
    const action = focused.dataset.action;
    const target = action ? el.querySelector<HTMLElement>(`[data-action="${action}"]`) : el.querySelector<HTMLElement>(focused.tagName.toLowerCase());
    (target ?? el.querySelector<HTMLElement>('summary'))?.focus();
  }

  function streamDelta(run: RunView, callId: string, piece: string): void {
    let s = streamText.get(callId);
    if (!s) {
      const text = document.createTextNode('');
      s = { el: h('div', { class: 'stream-call', 'data-call-id': callId }, text), text };
      streamText.set(callId, s);
      stream.appendChild(s.el);
    }
    s.text.appendData(piece);
    followStream();
    const live = run.streams.find((x) => x.callId === callId);
    if (live) streamLabel.textContent = `The ${live.role} model is writing (round ${live.round}, ${live.completionTokens} tokens so far)…`;
    streamBlock.hidden = false;
  }

  let followScheduled = false;
  /** Keeps the newest streamed text in sight (once per frame), unless the person scrolled up to read. */
  function followStream(): void {
    if (followScheduled || stream.scrollHeight - stream.scrollTop - stream.clientHeight > 40) return;
    followScheduled = true;
    requestAnimationFrame(() => {
      followScheduled = false;
      stream.scrollTop = stream.scrollHeight;
    });
  }

  function streamEnd(callId: string): void {
    streamText.get(callId)?.el.remove();
    streamText.delete(callId);
    if (streamText.size === 0) streamBlock.hidden = true;
  }

  function renderLog(run: RunView): void {
    log.hidden = run.logs.length === 0;
    logSummary.textContent = `Log (${run.logs.length})`;
    replaceChildren(logList, ...run.logs.map((l) => h('li', { class: `log-${l.level}` }, `${l.level}: ${l.message}`)));
  }

  function updatePicker(runs: RunView[], selectedId: string | undefined): void {
    replaceChildren(
      picker,
      ...runs.map((r) => h('option', { value: r.id, selected: r.id === selectedId }, `${r.title} — ${r.status === 'running' ? 'running' : r.status}`)),
    );
    if (selectedId !== undefined) picker.value = selectedId;
  }

  function render(runs: RunView[], selected: RunView | undefined): void {
    current = selected;
    roundEls.clear();
    candidateEls.clear();
    streamText.clear();
    replaceChildren(rounds);
    replaceChildren(stream);
    streamBlock.hidden = true;
    updatePicker(runs, selected?.id);
    empty.hidden = !!selected;
    body.hidden = !selected;
    if (!selected) return;
    updateHeader(selected);
    baseline.textContent = baselineText(selected.baseline, selected.baselineRunning);
    for (const r of selected.rounds) {
      updateRound(ensureRound(r.index), r, selected.status !== 'running');
      for (const c of r.candidates) renderOneCandidate(selected, r.index, c.id);
    }
    for (const s of selected.streams) {
      streamDelta(selected, s.callId, s.text);
    }
    renderLog(selected);
  }

  function apply(run: RunView, changes: PanelChange[]): void {
    if (run !== current) return;
    const done = new Set<string>();
    for (const ch of changes) {
      const key = ch.kind === 'round' ? `r${ch.round}` : ch.kind === 'candidate' ? `c${ch.candidateId}` : ch.kind === 'run' ? 'run' : '';
      if (key && done.has(key)) continue;
      if (key) done.add(key);
      if (ch.kind === 'run') updateHeader(run);
      else if (ch.kind === 'baseline') {
        baseline.textContent = baselineText(run.baseline, run.baselineRunning);
        updateHeader(run);
      }
      else if (ch.kind === 'round') {
        const r = run.rounds.find((x) => x.index === ch.round);
        if (r) updateRound(ensureRound(ch.round), r, run.status !== 'running');
        updateHeader(run);
      } else if (ch.kind === 'candidate') {
        renderOneCandidate(run, ch.round, ch.candidateId);
        const r = run.rounds.find((x) => x.index === ch.round);
        if (r) updateRoundMeta(ensureRound(ch.round), r, run.status !== 'running');
      }
      else if (ch.kind === 'best') {
        updateHeader(run);
        for (const id of [ch.previous, ch.current]) {
          const el = id !== undefined ? candidateEls.get(id) : undefined;
          if (el) setBestMark(el, id === run.bestCandidateId);
        }
      } else if (ch.kind === 'stream-delta') streamDelta(run, ch.callId, ch.text);
      else if (ch.kind === 'stream-end') streamEnd(ch.callId);
      else if (ch.kind === 'log') renderLog(run);
    }
    // A candidate can be re-rendered before its round's best is known; the mark follows the model either way.
    const best = findCandidate(run, run.bestCandidateId);
    if (best) {
      const el = candidateEls.get(best.id);
      if (el && el.getAttribute('data-best') !== 'true') setBestMark(el, true);
    }
  }

  return { render, apply, updatePicker };
}
