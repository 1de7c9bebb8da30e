import * as assert from 'assert';
import { runReflection } from '../../src/core/loop';
import { failureSignature, progressToward } from '../../src/core/scoring';
import { ModelError, TestRunRequest } from '../../src/core/ports';
import type { CoverageSpectrum } from '../../src/core/types';
import { change, deps, drain, opts, prop, SRC, TESTS, world } from '../support/loopWorld';

describe('runReflection (the loop, with an in-memory world)', () => {
  it('reports nothing to fix when every test passes, without asking the proposer', async () => {
    const w = world({ ...SRC, 'src/sum.js': 'a + b' }, TESTS);
    const { d, proposals } = deps(w, () => []);
    const { events, result } = await drain(runReflection(d, opts(), new AbortController().signal));
    assert.strictEqual(result.status, 'nothing-to-fix');
    assert.strictEqual(proposals.length, 0);
    assert.deepStrictEqual(events.map((e) => e.type), ['run-start', 'baseline-start', 'baseline', 'run-end']);
  });

  it('ends in an error, not "nothing to fix", when the baseline was cut by its time limit with no failure reported', async () => {
    const w = world(SRC, TESTS);
    const runner = { run: async (req: TestRunRequest) => {
      const report = await w.runner.run(req);
      // One file reported its passing test; the rest of the run was cut by the time limit.
      return { ...report, timedOut: true, tests: report.tests.filter((t) => t.status === 'passed') };
    } };
    const { d, proposals } = deps(w, () => []);
    const { result } = await drain(runReflection({ ...d, runner }, opts({ testTimeoutMs: 3000 }), new AbortController().signal));
    assert.strictEqual(result.status, 'error');
    assert.strictEqual(result.error, 'the baseline test run hit its time limit (3 s) before the tests finished; raise --test-timeout (reflect.testTimeoutSeconds) or narrow the run with --only');
    assert.strictEqual(proposals.length, 0);
  });

  it('feeds round 1 critique to round 2 and stops verified when a candidate passes targets and the full suite', async () => {
    const w = world(SRC, TESTS);
    const { d, proposals, critiques } = deps(w, (r) => (r.round === 1 ? [prop('times', change('src/sum.js', 'a * b'))] : [prop('plus', change('src/sum.js', 'a + b'))]),
      (r) => `the candidate multiplied; ${r.failures[0].failure!.message}`);
    const { events, result } = await drain(runReflection(d, opts({ candidates: 1 }), new AbortController().signal));
    assert.strictEqual(result.status, 'verified');
    assert.strictEqual(result.stopReason, 'r2c1 passes the 1 target test(s) and the full suite');
    assert.deepStrictEqual(result.files, ['src/sum.js']);
    assert.ok(result.patch.includes('-a - b') && result.patch.includes('+a + b'), result.patch);
    assert.strictEqual(critiques.length, 1);
    assert.strictEqual(critiques[0].failures[0].failure!.message, 'expected 3, got 2');
    assert.deepStrictEqual(proposals[1].memory.map((m) => m.text), ['the candidate multiplied; expected 3, got 2']);
    assert.strictEqual(proposals[1].failures[0].id, 'test/sum.test.js::adds');
    const end = events[events.length - 1];
    assert.ok(end.type === 'run-end');
    assert.deepStrictEqual(end.trace.rounds.map((r) => r.candidates.map((c) => `${c.id}:${c.status}`)), [['r1c1:failed'], ['r2c1:verified']]);
    assert.strictEqual(end.trace.rounds[0].reflection!.text, 'the candidate multiplied; expected 3, got 2');
    assert.deepStrictEqual(w.stats().disposed, w.stats().created);
  });

  it('rejects a candidate that edits a test file and never tests it', async () => {
    const w = world(SRC, TESTS);
    const { d } = deps(w, () => [prop('cheat', change('test/sum.test.js', 'expect -1')), prop('plus', change('src/sum.js', 'a + b'))]);
    const { events, result } = await drain(runReflection(d, opts(), new AbortController().signal));
    assert.strictEqual(result.status, 'verified');
    const rejected = events.find((e) => e.type === 'candidate' && e.candidate.status === 'rejected');
    assert.ok(rejected && rejected.type === 'candidate');
    assert.strictEqual(rejected.candidate.rejectReason, 'it edits the test file test/sum.test.js; tests are read-only unless test edits are allowed (--allow-test-edits)');
    assert.ok(w.runs.every((r) => r.files['test/sum.test.js'] === 'expect 3'));
  });

  it('does not accept a candidate that passes the target but breaks another test, and keeps looking', async () => {
    const w = world(SRC, TESTS);
    const { d } = deps(w, (r) => (r.round === 1 ? [prop('plus zero', change('src/sum.js', 'a + b + 0'))] : [prop('plus', change('src/sum.js', 'a + b'))]));
    const { events, result } = await drain(runReflection(d, opts({ candidates: 1 }), new AbortController().signal));
    const first = events.find((e) => e.type === 'candidate-result');
    assert.ok(first && first.type === 'candidate-result');
    assert.strictEqual(first.candidate.status, 'passed-targets');
    assert.deepStrictEqual(first.candidate.newFailures, ['test/other.test.js::other']);
    assert.strictEqual(result.status, 'verified');
    assert.strictEqual(result.best!.id, 'r2c1');
  });

  it('keeps the best candidate: a later worse one never replaces it', async () => {
    const w = world({ ...SRC }, [...TESTS, { file: 'test/sum.test.js', name: 'twice', passes: (f) => (f['src/sum.js'] === 'a * b' ? true : 'no') }]);
    const { d } = deps(w, (r) => (r.round === 1 ? [prop('times', change('src/sum.js', 'a * b'))] : [prop('minus', change('src/sum.js', 'b - a'))]));
    const { result } = await drain(runReflection(d, opts({ candidates: 1, rounds: 2 }), new AbortController().signal));
    assert.strictEqual(result.status, 'improved');
    assert.strictEqual(result.best!.id, 'r1c1');
    assert.strictEqual(result.best!.targetsPassed, 1);
  });

  it('records an unusable reply and goes on to the next round', async () => {
    const w = world(SRC, TESTS);
    const { d } = deps(w, (r) => (r.round === 1 ? [{ summary: 'no edit', changes: [], source: 'model', rejectReason: 'the reply contains no SEARCH/REPLACE block' }] : [prop('plus', change('src/sum.js', 'a + b'))]));
    const { events, result } = await drain(runReflection(d, opts({ candidates: 1 }), new AbortController().signal));
    assert.strictEqual(result.status, 'verified');
    const end = events[events.length - 1];
    assert.ok(end.type === 'run-end');
    assert.strictEqual(end.trace.rounds[0].candidates[0].rejectReason, 'the reply contains no SEARCH/REPLACE block');
  });

  it('records a candidate whose scratch copy cannot be written as untestable and goes on with a fresh copy', async () => {
    const w = world(SRC, TESTS);
    const scratch = {
      async create() {
        const ws = await w.scratch.create();
        return { ...ws, apply: async (c: { path: string; after: string }[]) => { if (c[0].after === 'a * b') throw new Error('EACCES: permission denied'); return ws.apply(c); } };
      },
    };
    const { d } = deps(w, () => [prop('times', change('src/sum.js', 'a * b')), prop('plus', change('src/sum.js', 'a + b'))]);
    const { result, events } = await drain(runReflection({ ...d, scratch }, opts({ concurrency: 1 }), new AbortController().signal));
    const first = events.find((e) => e.type === 'candidate-result');
    assert.ok(first?.type === 'candidate-result');
    assert.strictEqual(first.candidate.rejectReason, 'it could not be tested: EACCES: permission denied');
    assert.strictEqual(result.status, 'verified');
    assert.deepStrictEqual(w.stats().disposed, w.stats().created);
  });

  it('stops on stagnation when the same failure repeats two rounds in a row', async () => {
    const w = world(SRC, TESTS);
    let n = 0;
    const { d, critiques } = deps(w, () => [prop(`times ${++n}`, change('src/sum.js', n % 2 ? 'a * b' : 'a *  b'))]);
    const { result } = await drain(runReflection(d, opts({ candidates: 1, rounds: 5 }), new AbortController().signal));
    assert.strictEqual(result.status, 'no-fix');
    assert.strictEqual(result.stopReason, 'the same tests failed the same way in rounds 1 and 2');
    assert.strictEqual(critiques.length, 1);
  });

  it('turns a ModelError from the proposer into status error with its message', async () => {
    const w = world(SRC, TESTS);
    const { d } = deps(w, () => { throw new ModelError('the server refused the API key (401); set OPENAI_API_KEY', 'auth'); });
    const { result } = await drain(runReflection(d, opts(), new AbortController().signal));
    assert.strictEqual(result.status, 'error');
    assert.strictEqual(result.error, 'the server refused the API key (401); set OPENAI_API_KEY');
    assert.deepStrictEqual(w.stats().disposed, w.stats().created);
  });

  it('is cancelled by the signal, and cleans up its workspaces', async () => {
    const w = world(SRC, TESTS);
    const controller = new AbortController();
    const { d } = deps(w, () => { controller.abort(); return [prop('plus', change('src/sum.js', 'a + b'))]; });
    const { result } = await drain(runReflection(d, opts(), controller.signal));
    assert.strictEqual(result.status, 'cancelled');
    assert.deepStrictEqual(w.stats().disposed, w.stats().created);
  });

  it('tests many proposals with bounded concurrency and stops the round once one is verified', async () => {
    const w = world(SRC, TESTS);
    const many = ['a * b', 'b - a', 'a - b - 0', 'a + b', 'a / b', 'a % b', 'a ** b'].map((v) => prop(v, change('src/sum.js', v)));
    const { d } = deps(w, () => many);
    const { events, result } = await drain(runReflection(d, opts({ concurrency: 2 }), new AbortController().signal));
    assert.strictEqual(result.status, 'verified');
    assert.strictEqual(result.best!.summary, 'a + b');
    const tested = events.flatMap((e) => (e.type === 'candidate-result' ? [e.candidate.summary] : []));
    assert.ok(!tested.includes('a ** b'), `tested ${tested.join(', ')}`);
    assert.strictEqual(w.stats().maxInFlight, 2);
  });

  it('stops the candidates still being tested once another is verified, and leaves them untested', async () => {
    const w = world(SRC, TESTS);
    let stopped = 0;
    const runner = { run: async (req: TestRunRequest) => {
      // The first lane's candidate ('slow', in the baseline's copy) hangs until its run is stopped.
      if (req.root !== '/scratch/1' || !req.only) return w.runner.run(req);
      await new Promise<void>((resolve) => req.signal!.addEventListener('abort', () => { stopped++; resolve(); }, { once: true }));
      return { framework: 'node-test' as const, command: 'fake', exitCode: null, durationMs: 1, timedOut: false, summary: { passed: 0, failed: 0, skipped: 0 }, tests: [], error: 'the test run was cancelled' };
    } };
    const { d } = deps(w, () => [prop('slow', change('src/sum.js', 'a - b - 0')), prop('right', change('src/sum.js', 'a + b'))]);
    const { events, result } = await drain(runReflection({ ...d, runner }, opts({ concurrency: 2 }), new AbortController().signal));
    assert.strictEqual(result.status, 'verified');
    assert.strictEqual(stopped, 1);
    // 'right' comes twice: tested, then once more with its minimality record.
    const results = events.flatMap((e) => (e.type === 'candidate-result' ? [[e.candidate.summary, e.candidate.minimality?.summary]] : []));
    assert.deepStrictEqual(results, [['right', undefined], ['right', 'minimal: its one hunk is needed; without the patch the target tests fail: 1 on their assertion']]);
    const end = events[events.length - 1];
    assert.ok(end.type === 'run-end');
    assert.deepStrictEqual(end.trace.rounds[0].candidates.map((c) => [c.summary, c.status]), [['slow', 'pending'], ['right', 'verified']]);
  });

  it('rejects a change already tested in an earlier round without running it again', async () => {
    const w = world(SRC, TESTS);
    const { d } = deps(w, () => [prop('times', change('src/sum.js', 'a * b'))]);
    const { events } = await drain(runReflection(d, opts({ candidates: 1, rounds: 2 }), new AbortController().signal));
    const second = events.filter((e) => e.type === 'candidate' && e.round === 2);
    assert.ok(second[0].type === 'candidate');
    assert.strictEqual(second[0].candidate.rejectReason, 'the same change as r1c1, already tested');
  });

  it('stops inside a round when the time budget runs out, killing the tests via the signal, as no-fix', async () => {
    const w = world(SRC, TESTS);
    let aborted = false;
    const slow = { run: async (req: TestRunRequest) => {
      if (!req.only) return w.runner.run(req);
      await new Promise<void>((resolve) => req.signal!.addEventListener('abort', () => { aborted = true; resolve(); }));
      return w.runner.run(req);
    } };
    const { d } = deps(w, () => [prop('plus', change('src/sum.js', 'a + b'))]);
    const { result } = await drain(runReflection({ ...d, runner: slow }, opts({ candidates: 1, maxDurationMs: 300 }), new AbortController().signal));
    assert.strictEqual(result.status, 'no-fix');
    assert.strictEqual(result.stopReason, 'the time budget of 0.3 s ran out during round 1');
    assert.strictEqual(aborted, true);
    assert.deepStrictEqual(w.stats().disposed, w.stats().created);
  });

  it('stops when the token budget is spent', async () => {
    const w = world(SRC, TESTS);
    const { d } = deps(w, (r) => {
      r.emit({ type: 'model-call', round: r.round, call: { id: 'c', role: 'actor', model: 'm', round: r.round, usage: { prompt: 900, completion: 200 }, durationMs: 1 } });
      return [prop(`try ${r.round}`, change('src/sum.js', `a * b${' '.repeat(r.round)}`))];
    });
    const { result } = await drain(runReflection(d, opts({ candidates: 1, maxTokens: 1000 }), new AbortController().signal));
    assert.strictEqual(result.stopReason, 'the token budget of 1000 was reached (1100 used)');
    assert.deepStrictEqual(result.tokens, { prompt: 900, completion: 200 });
  });
});

describe('failureSignature (stagnation)', () => {
  const with_ = (message: string) => ({ remainingFailures: [{ id: 't::x', message }], newFailures: [] as string[] }) as unknown as Parameters<typeof failureSignature>[0];
  it('tells apart failures that differ only after a generic first line', () => {
    assert.notStrictEqual(failureSignature(with_('Expected values to be strictly equal:\n\n2 !== 18')), failureSignature(with_('Expected values to be strictly equal:\n\n19.9 !== 18')));
  });
  it('treats the same failure with another timing as the same', () => {
    assert.strictEqual(failureSignature(with_('timed out after 120ms: 2 !== 18')), failureSignature(with_('timed out after 95ms: 2 !== 18')));
  });
  it('tells apart the same failure reached by changes in different places (exploring, not stuck)', () => {
    const changed = (diff: string) => ({ ...with_('2 !== 18'), diff }) as Parameters<typeof failureSignature>[0];
    const at = (line: number, text: string) => `--- a/src/a.js\n+++ b/src/a.js\n@@ -${line},3 +${line},3 @@ f\n-x\n+${text}\n`;
    assert.notStrictEqual(failureSignature(changed(at(4, 'y'))), failureSignature(changed(at(12, 'y'))));
    assert.strictEqual(failureSignature(changed(at(4, 'y'))), failureSignature(changed(at(4, 'z'))));
  });
});

describe('progressToward (partial progress)', () => {
  it('measures numbers by distance and other values by edit distance, only toward the same expected value', () => {
    assert.strictEqual(progressToward({ expected: '18', actual: '2' }, { expected: '18', actual: '19' }), 1 - 1 / 16);
    assert.strictEqual(progressToward({ expected: '18', actual: '19' }, { expected: '18', actual: '2' }), 0);
    assert.strictEqual(progressToward({ expected: "'abc'", actual: "'xyz'" }, { expected: "'abc'", actual: "'abz'" }), 1 - 1 / 3);
    assert.strictEqual(progressToward({ expected: '18', actual: '2' }, { expected: '17', actual: '17.5' }), 0);
    assert.strictEqual(progressToward({ expected: '18' }, { expected: '18', actual: '17' }), 0);
  });
});

describe('runReflection: the baseline measures coverage for the ranking', () => {
  const spectrum: CoverageSpectrum = { granularity: 'test', source: 'in-memory tracer', entries: [
    { label: 'test/sum.test.js::adds', failed: true, lines: { 'src/sum.js': [1] } },
    { label: 'test/other.test.js::other', failed: false, lines: {} },
  ] };

  it('asks for coverage on the baseline only, hands the spectrum to the proposer, and keeps it out of events and the trace', async () => {
    const w = world(SRC, TESTS);
    const requests: TestRunRequest[] = [];
    const runner = { run: async (req: TestRunRequest) => {
      requests.push(req);
      const report = await w.runner.run(req);
      return req.coverage ? { ...report, coverage: spectrum } : report;
    } };
    const { d, proposals } = deps(w, () => [prop('plus', change('src/sum.js', 'a + b'))]);
    const { events, result } = await drain(runReflection({ ...d, runner }, opts({ candidates: 1 }), new AbortController().signal));
    assert.strictEqual(result.status, 'verified');
    assert.deepStrictEqual(requests.map((r) => r.coverage === true), [true, ...requests.slice(1).map(() => false)]);
    assert.strictEqual(proposals[0].baseline.coverage, spectrum);
    const baseline = events.find((e) => e.type === 'baseline');
    assert.ok(baseline && baseline.type === 'baseline' && !('coverage' in baseline.report));
    const end = events[events.length - 1];
    assert.ok(end.type === 'run-end');
    assert.strictEqual(end.trace.baseline!.coverage, 'in-memory tracer, per test (2 entries, 1 failing)');
  });

  it('runs the baseline plainly with coverage off, and again plainly when the measured run gave no results', async () => {
    const w = world(SRC, TESTS);
    const seen: (boolean | undefined)[] = [];
    const runner = { run: async (req: TestRunRequest) => {
      seen.push(req.coverage);
      const report = await w.runner.run(req);
      return req.coverage ? { ...report, tests: [], error: 'the coverage provider crashed' } : report;
    } };
    const { d } = deps(w, () => [prop('plus', change('src/sum.js', 'a + b'))]);
    const { events, result } = await drain(runReflection({ ...d, runner }, opts({ candidates: 1 }), new AbortController().signal));
    assert.strictEqual(result.status, 'verified');
    assert.deepStrictEqual(seen.slice(0, 2), [true, undefined]);
    assert.ok(events.some((e) => e.type === 'log' && e.message === 'the baseline run with coverage gave no results (the coverage provider crashed); running it again without coverage'));

    seen.length = 0;
    const off = await drain(runReflection({ ...d, runner }, opts({ candidates: 1, coverage: false }), new AbortController().signal));
    assert.strictEqual(off.result.status, 'verified');
    assert.ok(seen.every((c) => c !== true), 'no run measured coverage');
    const end = off.events[off.events.length - 1];
    assert.ok(end.type === 'run-end' && end.trace.baseline!.coverage === 'not measured (turned off)');
  });
});
