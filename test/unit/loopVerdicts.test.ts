import * as assert from 'assert';
import { runReflection } from '../../src/core/loop';
import { changesWith, hunksOf, minimalityText } from '../../src/core/minimality';
import { deps, drain, opts, prop, SRC, TESTS, world, type FakeTest } from '../support/loopWorld';

/** What the loop offers: only needed hunks when it verifies, and a best attempt run against the full suite when not. */

const FAR = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n');
const SUM = `a - b\n${FAR}\n// end\n`;

describe('the loop offers only what the tests need', () => {
  it('drops a hunk the target tests do not need, re-verifies the smaller patch, and keeps the original in the trace', async () => {
    const w = world({ ...SRC, 'src/sum.js': SUM }, TESTS);
    const both = { path: 'src/sum.js', before: SUM, after: `a + b\n${FAR}\n// the end\n` };
    const { d } = deps(w, () => [prop('plus, and a comment', both)]);
    const { events, result } = await drain(runReflection(d, opts({ candidates: 1 }), new AbortController().signal));
    assert.strictEqual(result.status, 'verified');
    assert.deepStrictEqual(result.best!.changes, [{ path: 'src/sum.js', before: SUM, after: `a + b\n${FAR}\n// end\n` }]);
    assert.ok(!result.patch.includes('the end') && result.patch.includes('+a + b'), result.patch);
    const m = result.best!.minimality!;
    assert.deepStrictEqual([m.hunks, m.kept, m.targetRuns], [2, 1, 2]);
    assert.ok(m.originalDiff!.includes('+// the end'));
    assert.strictEqual(m.summary, 'minimal after dropping 1 of 2 hunks the tests do not need: its one hunk is needed; without the patch the target tests fail: 1 on their assertion');
    // Tested runs: baseline, the candidate's targets and full suite, one targeted run per hunk, the smaller patch's full run.
    assert.deepStrictEqual(w.runs.map((r) => (r.only ? 'targets' : 'full')), ['full', 'targets', 'full', 'targets', 'targets', 'full']);
    const end = events[events.length - 1];
    assert.ok(end.type === 'run-end' && end.trace.rounds[0].candidates[0].minimality?.originalDiff === m.originalDiff);
  });

  it('keeps every hunk when each one is needed', async () => {
    const twice: FakeTest = { file: 'test/sum.test.js', name: 'ends', passes: (f) => (f['src/sum.js'].includes('// the end') ? true : 'expected the end') };
    const w = world({ ...SRC, 'src/sum.js': SUM }, [...TESTS, twice]);
    const both = { path: 'src/sum.js', before: SUM, after: `a + b\n${FAR}\n// the end\n` };
    const { d } = deps(w, () => [prop('plus, and the end', both)]);
    const { result } = await drain(runReflection(d, opts({ candidates: 1 }), new AbortController().signal));
    assert.strictEqual(result.best!.minimality!.summary, 'minimal: each of 2 hunks is needed; without the patch the target tests fail: 2 on their assertion');
    assert.strictEqual(result.best!.changes[0].after, both.after);
  });
});

describe('the loop runs its best attempt against the full suite', () => {
  const TWICE: FakeTest = { file: 'test/sum.test.js', name: 'twice', passes: (f) => (f['src/sum.js'].includes('*') ? true : 'expected 4, got 0') };

  it('lists what the best attempt breaks, and prefers an attempt that breaks nothing', async () => {
    const w = world(SRC, [...TESTS, TWICE]);
    const breaks = prop('plus zero', { path: 'src/sum.js', before: 'a - b', after: 'a + b + 0' });
    const safe = prop('times', { path: 'src/sum.js', before: 'a - b', after: 'a * b' });
    const { d } = deps(w, () => [breaks, safe]);
    const { events, result } = await drain(runReflection(d, opts({ candidates: 2, rounds: 1 }), new AbortController().signal));
    assert.strictEqual(result.status, 'improved');
    assert.strictEqual(result.best!.summary, 'times');
    assert.deepStrictEqual([result.best!.full, result.best!.newFailures], [{ passed: 2, failed: 1, skipped: 0 }, []]);
    const rechecked = events.flatMap((e) => (e.type === 'candidate-result' && e.candidate.full ? [[e.candidate.summary, e.candidate.status, e.candidate.newFailures]] : []));
    assert.deepStrictEqual(rechecked, [['plus zero', 'failed', ['test/other.test.js::other']], ['times', 'improved', []]]);
  });
});

describe('hunks of a change', () => {
  it('splits a change into diff hunks and applies any subset of them', () => {
    const c = { path: 'f.js', before: SUM, after: `a + b\n${FAR}\n// the end\n` };
    const hunks = hunksOf([c]);
    assert.strictEqual(hunks.length, 2);
    assert.strictEqual(changesWith([c], [hunks[1]])[0].after, `a - b\n${FAR}\n// the end\n`);
    assert.deepStrictEqual(changesWith([c], []), []);
    assert.strictEqual(minimalityText({ hunks: 1, kept: 1, targetRuns: 0, durationMs: 0, targetsFailWithout: [{ id: 'a', on: 'load error' }, { id: 'b', on: 'exception' }] }),
      'minimal: its one hunk is needed; without the patch the target tests fail: 1 on a load error, 1 on an exception');
  });
});
