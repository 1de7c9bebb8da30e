import * as assert from 'assert';
import type { Candidate, LoopEvent } from '../../src/core/types';
import type { PanelEvent, RunView } from '../../src/panel/protocol';
import { DIFF_VIEW_LIMIT, MAX_LOG_LINES, MAX_RECENT_RUNS } from '../../src/panel/protocol';
import { diffLineKind, formatDuration, formatTokens, runStatusText, verdictLines } from '../../src/webview/format';
import type { PanelChange } from '../../src/panel/panelModel';
import { toCandidateView, toPanelEvent } from '../../src/vscode/panelEvents';
import { applyPanelEvent, createRun } from '../../src/panel/panelModel';
import { INTERRUPTED_REASON, PERSISTED_BUDGET, PERSISTED_DIFF_LIMIT, persistableRuns, restoreRuns } from '../../src/vscode/persistedRuns';
import { languageOf, tokenize } from '../../src/webview/syntax';
import { SAMPLE_TARGETS, eventsOfRound, sampleRunEvents } from '../support/sampleEvents';

/** Folds loop events into a fresh run the way the host does, returning every change list. */
function fold(events: LoopEvent[], run: RunView = createRun('run-1', 'Fix range')): { run: RunView; changes: PanelChange[][] } {
  const changes = events.map((e) => applyPanelEvent(run, toPanelEvent(e)));
  return { run, changes };
}

function candidateEvent(events: LoopEvent[], type: 'candidate' | 'candidate-result', id: string): Extract<LoopEvent, { type: 'candidate' }> {
  const e = events.find((x) => x.type === type && x.candidate.id === id);
  assert.ok(e, `no ${type} event for ${id}`);
  return e as Extract<LoopEvent, { type: 'candidate' }>;
}

describe('trace panel model', () => {
  const events = sampleRunEvents({ rounds: 3, candidates: 3 });

  describe('toPanelEvent', () => {
    it('drops file contents from candidates and keeps their paths and diff', () => {
      const loopCandidate = candidateEvent(events, 'candidate', 'r1c1').candidate;
      const e = toPanelEvent({ type: 'candidate', round: 1, candidate: loopCandidate });
      assert.ok(e.type === 'candidate');
      assert.strictEqual('changes' in e.candidate, false);
      assert.deepStrictEqual(e.candidate.files, ['src/range.js']);
      assert.strictEqual(e.candidate.diff, loopCandidate.diff);
      assert.strictEqual(e.candidate.diffTruncated, undefined);
    });

    it('cuts a huge diff at a line boundary within the limit and says so', () => {
      const base = candidateEvent(events, 'candidate', 'r1c1').candidate;
      const line = `+${'x'.repeat(98)}\n`; // 100 characters
      const big: Candidate = { ...base, diff: line.repeat(DIFF_VIEW_LIMIT / 100 + 5) };
      const view = toCandidateView(big);
      assert.strictEqual(view.diffTruncated, true);
      assert.strictEqual(view.diff, line.repeat(DIFF_VIEW_LIMIT / 100));
    });

    it('replaces the run-end trace by the result with the best candidate id', () => {
      const end = events[events.length - 1];
      const e = toPanelEvent(end);
      assert.deepStrictEqual(e, {
        type: 'run-end',
        result: {
          status: 'verified',
          stopReason: 'r3c1 passes the 3 target test(s) and the full suite',
          bestCandidateId: 'r3c1',
          tokens: end.type === 'run-end' ? end.result.tokens : undefined,
          durationMs: end.type === 'run-end' ? end.result.durationMs : undefined,
          error: undefined,
        },
      });
    });

    it('keeps the baseline summary and failing ids but not the per-test results', () => {
      const e = toPanelEvent(events[2]);
      assert.deepStrictEqual(e, {
        type: 'baseline',
        baseline: { framework: 'jest', command: 'npx jest --json', summary: { passed: 17, failed: 3, skipped: 0 }, failing: [...SAMPLE_TARGETS], flaky: [], durationMs: 2310 },
      });
    });
  });

  describe('applyPanelEvent', () => {
    it('folds a whole run into rounds, candidates, critiques, the best candidate and the final status', () => {
      const { run } = fold(events);
      assert.deepStrictEqual(run.rounds.map((r) => r.index), [1, 2, 3]);
      assert.deepStrictEqual(
        run.rounds.map((r) => r.candidates.map((c) => `${c.id}:${c.status}`)),
        [
          ['r1c1:improved', 'r1c2:failed', 'r1c3:improved'],
          ['r2c1:improved', 'r2c2:failed', 'r2c3:improved'],
          ['r3c1:verified', 'r3c2:failed', 'r3c3:rejected'],
        ],
      );
      assert.deepStrictEqual(run.rounds.map((r) => r.reflection?.text.slice(0, 8)), ['Round 1:', 'Round 2:', undefined]);
      assert.deepStrictEqual(run.rounds.map((r) => r.ended), [true, true, true]);
      assert.strictEqual(run.status, 'verified');
      assert.strictEqual(run.bestCandidateId, 'r3c1');
      assert.deepStrictEqual(run.streams, []);
      const end = events[events.length - 1];
      assert.ok(end.type === 'run-end');
      assert.deepStrictEqual(run.tokens, end.result.tokens);
      assert.deepStrictEqual(run.rounds[0].calls.map((c) => c.role), ['actor', 'critic']);
    });

    it('accumulates streamed text per call and ends the stream when the call completes', () => {
      const run = createRun('run-1', 'Fix range');
      const round1 = eventsOfRound(events, 1);
      const deltas = round1.filter((e) => e.type === 'model-delta' && e.role === 'actor');
      assert.strictEqual(deltas.length, 6);
      for (const e of deltas) applyPanelEvent(run, toPanelEvent(e));
      const expected = deltas.map((e) => (e.type === 'model-delta' ? e.text : '')).join('');
      assert.deepStrictEqual(run.streams.map((s) => [s.callId, s.role, s.text, s.completionTokens]), [['run-1-r1-actor', 'actor', expected, 72]]);
      const callEvent = round1.find((e) => e.type === 'model-call')!;
      const changes = applyPanelEvent(run, toPanelEvent(callEvent));
      assert.deepStrictEqual(run.streams, []);
      assert.deepStrictEqual(changes[0], { kind: 'stream-end', callId: 'run-1-r1-actor' });
      assert.deepStrictEqual(run.rounds[0].tokens, { prompt: 1920, completion: 420 });
      assert.deepStrictEqual(run.tokens, { prompt: 1920, completion: 420 });
    });

    it('replaces a pending candidate by its result and reports only that candidate', () => {
      const run = createRun('run-1', 'Fix range');
      applyPanelEvent(run, { type: 'round-start', round: 1 });
      applyPanelEvent(run, toPanelEvent(candidateEvent(events, 'candidate', 'r1c1')));
      const changes = applyPanelEvent(run, toPanelEvent(candidateEvent(events, 'candidate-result', 'r1c1')));
      assert.deepStrictEqual(changes, [{ kind: 'candidate', round: 1, candidateId: 'r1c1' }]);
      assert.deepStrictEqual(run.rounds[0].candidates.map((c) => [c.id, c.status, c.targetsPassed]), [['r1c1', 'improved', 2]]);
    });

    it('a round end carries only its figures: it redraws the round, the run and the best mark, no candidate', () => {
      const round1 = eventsOfRound(events, 1);
      const { run } = fold(round1.slice(0, -1));
      const changes = applyPanelEvent(run, toPanelEvent(round1[round1.length - 1]));
      assert.deepStrictEqual(changes.filter((c) => c.kind === 'candidate'), []);
      assert.deepStrictEqual(changes.map((c) => c.kind), ['round', 'run', 'best']);
    });

    it('keeps rounds and candidates in index order whatever order they arrive in', () => {
      const run = createRun('run-1', 'Fix range');
      const c = (id: string) => toPanelEvent(candidateEvent(events, 'candidate', id));
      for (const e of [c('r2c2'), c('r1c3'), c('r2c1'), c('r1c1')]) applyPanelEvent(run, e);
      assert.deepStrictEqual(run.rounds.map((r) => [r.index, r.candidates.map((x) => x.id)]), [[1, ['r1c1', 'r1c3']], [2, ['r2c1', 'r2c2']]]);
    });

    it('marks the round best at round end and moves the mark only to a higher score', () => {
      const run = createRun('run-1', 'Fix range');
      const ends = fold(eventsOfRound(events, 1), run).changes;
      assert.deepStrictEqual(ends[ends.length - 1].filter((c) => c.kind === 'best'), [{ kind: 'best', previous: undefined, current: 'r1c1' }]);
      const round2 = fold(eventsOfRound(events, 2), run).changes.flat();
      assert.deepStrictEqual(round2.filter((c) => c.kind === 'best'), []);
      assert.strictEqual(run.bestCandidateId, 'r1c1');
    });

    it('takes the best from the run result at the end, and clears it when the result has none', () => {
      const run = createRun('run-1', 'Fix range');
      fold(eventsOfRound(events, 1), run);
      const changes = applyPanelEvent(run, {
        type: 'run-end',
        result: { status: 'no-fix', stopReason: 'cancelled by the budget', tokens: { prompt: 5, completion: 6 }, durationMs: 42 },
      });
      assert.strictEqual(run.bestCandidateId, undefined);
      assert.deepStrictEqual(changes, [{ kind: 'run' }, { kind: 'best', previous: 'r1c1', current: undefined }]);
      assert.deepStrictEqual([run.status, run.stopReason, run.tokens, run.durationMs], ['no-fix', 'cancelled by the budget', { prompt: 5, completion: 6 }, 42]);
    });

    it('redraws candidates left untested when the run ends, and calls them not tested', () => {
      const run = createRun('run-1', 'Fix range');
      const round1 = eventsOfRound(events, 1);
      fold(round1.filter((e) => e.type !== 'candidate-result' || e.candidate.id !== 'r1c3').slice(0, -1), run);
      const changes = applyPanelEvent(run, { type: 'run-end', result: { status: 'cancelled', stopReason: 'cancelled', tokens: run.tokens, durationMs: 9 } });
      assert.deepStrictEqual(changes.filter((c) => c.kind === 'candidate'), [{ kind: 'candidate', round: 1, candidateId: 'r1c3' }]);
      const pending = run.rounds[0].candidates[2];
      assert.strictEqual(pending.status, 'pending');
      assert.deepStrictEqual(verdictLines(pending, run.baseline, true), ['Not tested: the run ended first']);
      assert.deepStrictEqual(verdictLines(pending, run.baseline, false), ['Testing…']);
    });

    it('counts calls made before the first round in the run tokens without inventing a round 0', () => {
      const run = createRun('run-1', 'Fix range');
      const call = { id: 'lessons', role: 'critic' as const, model: 'm', round: 0, usage: { prompt: 10, completion: 3 }, durationMs: 5 };
      applyPanelEvent(run, { type: 'model-call', round: 0, call });
      assert.deepStrictEqual(run.rounds, []);
      assert.deepStrictEqual(run.tokens, { prompt: 10, completion: 3 });
    });

    it('keeps only the last log lines', () => {
      const run = createRun('run-1', 'Fix range');
      for (let i = 0; i < MAX_LOG_LINES + 5; i++) applyPanelEvent(run, { type: 'log', level: 'info', message: `line ${i}` });
      assert.strictEqual(run.logs.length, MAX_LOG_LINES);
      assert.deepStrictEqual(run.logs[0], { level: 'info', message: 'line 5' });
    });
  });

  describe('persistence', () => {
    it('persists at most the recent runs and never live model output', () => {
      const runs = Array.from({ length: MAX_RECENT_RUNS + 3 }, (_, i) => createRun(`run-${i}`, `Run ${i}`));
      runs[0].streams.push({ callId: 'c', round: 1, role: 'actor', text: 'partial', completionTokens: 1 });
      const saved = persistableRuns(runs);
      assert.deepStrictEqual(saved.map((r) => r.id), runs.slice(0, MAX_RECENT_RUNS).map((r) => r.id));
      assert.deepStrictEqual(saved[0].streams, []);
      assert.strictEqual(runs[0].streams.length, 1, 'the live run keeps its stream');
    });

    it('caps persisted diffs and drops older runs beyond the size budget, keeping the newest', () => {
      const run = (id: string, diffChars: number) => {
        const { run: r } = fold(eventsOfRound(events, 1), createRun(id, id));
        r.rounds[0].candidates[0] = { ...r.rounds[0].candidates[0], diff: `+${'y'.repeat(98)}\n`.repeat(diffChars / 100) };
        return r;
      };
      const big = run('big', PERSISTED_DIFF_LIMIT * 3);
      const [saved] = persistableRuns([big]);
      assert.strictEqual(saved.rounds[0].candidates[0].diffTruncated, true);
      assert.strictEqual(saved.rounds[0].candidates[0].diff.length, PERSISTED_DIFF_LIMIT);
      assert.strictEqual(big.rounds[0].candidates[0].diff.length, PERSISTED_DIFF_LIMIT * 3, 'the live run keeps its diff');

      const many = Array.from({ length: 8 }, (_, i) => run(`r${i}`, 1000));
      for (const r of many) r.logs = Array.from({ length: 100 }, () => ({ level: 'info' as const, message: 'z'.repeat(PERSISTED_BUDGET / 300) }));
      const kept = persistableRuns(many).map((r) => r.id);
      assert.deepStrictEqual(kept, ['r0', 'r1']);
    });

    it('restores a JSON round trip, turning a run that was still going into a cancelled one', () => {
      const { run: done } = fold(events, createRun('run-1', 'Done'));
      const going = createRun('run-2', 'Going');
      applyPanelEvent(going, { type: 'baseline-start' } as PanelEvent);
      const restored = restoreRuns(JSON.parse(JSON.stringify(persistableRuns([going, done]))));
      assert.deepStrictEqual(restored.map((r) => [r.id, r.status, r.stopReason ?? '', r.baselineRunning ?? false]), [
        ['run-2', 'cancelled', INTERRUPTED_REASON, false],
        ['run-1', 'verified', 'r3c1 passes the 3 target test(s) and the full suite', false],
      ]);
      assert.deepStrictEqual(restored[1].rounds, JSON.parse(JSON.stringify(done.rounds)));
    });

    it('restores nothing from state that is not a run list, and skips malformed entries', () => {
      assert.deepStrictEqual(restoreRuns(undefined), []);
      assert.deepStrictEqual(restoreRuns({ runs: [] }), []);
      const ok = createRun('a', 'A');
      ok.status = 'no-fix';
      assert.deepStrictEqual(restoreRuns([null, { id: 3 }, { id: 'b', title: 'B' }, ok]).map((r) => r.id), ['a']);
    });
  });

  describe('panel text', () => {
    it('states a tested candidate’s verdict: targets, flipped tests, remaining and new failures', () => {
      const { run } = fold(events);
      const [c1, c2] = run.rounds[0].candidates;
      assert.deepStrictEqual(verdictLines(c1, run.baseline), [
        'Targets passed 2/3',
        'Now passing: test/range.test.js::range > includes the end, test/range.test.js::range > handles a single step',
        'Still failing: test/range.test.js::range > counts down (expected [5,4,3] to equal [5,4])',
        'Tested in 1.5 s',
      ]);
      assert.deepStrictEqual(verdictLines(c2, run.baseline), [
        'Targets passed 0/3',
        `Still failing: ${SAMPLE_TARGETS.map((id) => `${id} (expected [5,4,3] to equal [5,4])`).join('; ')}`,
        'New failures: test/other.test.js::other > case 7',
        'Tested in 1.6 s',
      ]);
      const verified = run.rounds[2].candidates[0];
      assert.deepStrictEqual(verdictLines(verified, run.baseline).slice(-2), ['Full suite: 20 passed, 0 failed', 'Tested in 1.5 s']);
      assert.deepStrictEqual(verdictLines(run.rounds[2].candidates[2], run.baseline), [
        'Rejected: it edits the test file test/range.test.js; tests are read-only unless test edits are allowed',
      ]);
    });

    it('formats durations, tokens and run status', () => {
      assert.deepStrictEqual([formatDuration(850), formatDuration(12_340), formatDuration(125_000)], ['850 ms', '12.3 s', '2 min 05 s']);
      assert.strictEqual(formatTokens({ prompt: 12_000, completion: 340, estimated: true }), '12,000 in · 340 out tokens (estimated)');
      assert.strictEqual(formatTokens({ prompt: 0, completion: 0 }), 'no model tokens');
      const run = createRun('run-1', 'Fix range');
      assert.strictEqual(runStatusText(run), 'Running…');
      applyPanelEvent(run, { type: 'baseline-start' });
      assert.strictEqual(runStatusText(run), 'Running… the baseline tests');
      fold(events.slice(2, events.findIndex((e) => e.type === 'round-start') + 1), run);
      assert.strictEqual(runStatusText(run), 'Running… round 1');
      applyPanelEvent(run, { type: 'run-end', result: { status: 'no-fix', stopReason: 'nothing passed', tokens: run.tokens, durationMs: 1 } });
      assert.strictEqual(runStatusText(run), 'no-fix: nothing passed');
    });

    it('classifies unified-diff lines for colouring', () => {
      assert.deepStrictEqual(
        ['--- a/x.js', '+++ b/x.js', '@@ -1,3 +1,3 @@', '+added', '-removed', ' same', '\\ No newline at end of file'].map(diffLineKind),
        ['file', 'file', 'hunk', 'add', 'del', 'context', 'meta'],
      );
    });
  });

  describe('diff syntax colouring', () => {
    it('splits JavaScript into keywords, strings, numbers and comments, losing no character', () => {
      const line = "  const label = 'a\\'b' + `x${n}` + 0x1f + 2.5e3; // why: \"quoted\" <b>";
      const tokens = tokenize(line, 'js');
      assert.deepStrictEqual(tokens, [
        ['', '  '], ['keyword', 'const'], ['', ' label = '], ['string', "'a\\'b'"], ['', ' + '], ['string', '`x${n}`'],
        ['', ' + '], ['number', '0x1f'], ['', ' + '], ['number', '2.5e3'], ['', '; '], ['comment', '// why: "quoted" <b>'],
      ]);
      assert.strictEqual(tokens.map((t) => t[1]).join(''), line);
    });

    it('splits Python, with its own keywords and # comments', () => {
      assert.deepStrictEqual(tokenize('    return [i for i in range(lo, hi + 1)]  # inclusive', 'py'), [
        ['', '    '], ['keyword', 'return'], ['', ' [i '], ['keyword', 'for'], ['', ' i '], ['keyword', 'in'],
        ['', ' range(lo, hi + '], ['number', '1'], ['', ')]  '], ['comment', '# inclusive'],
      ]);
      assert.deepStrictEqual(tokenize("x = f'{y}' if buffer else None", 'py').filter((t) => t[0]), [['string', "f'{y}'"], ['keyword', 'if'], ['keyword', 'else'], ['keyword', 'None']]);
    });

    it('leaves unknown languages and empty lines alone, and picks the language from the path', () => {
      assert.deepStrictEqual(tokenize('for x in y', 'plain'), [['', 'for x in y']]);
      assert.deepStrictEqual(tokenize('', 'js'), []);
      assert.deepStrictEqual(['src/a.ts', 'b.mjs', 'c.tsx', 'd.py', 'e.rb', 'Makefile'].map(languageOf), ['js', 'js', 'js', 'py', 'plain', 'plain']);
    });
  });
});
