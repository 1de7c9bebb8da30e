import * as assert from 'assert';
import { runReflection, LoopDeps } from '../../src/core/loop';
import { failureSignature, progressToward } from '../../src/core/scoring';
import { CritiqueRequest, ModelError, ProposalRequest, Proposal, ScratchWorkspace, TestRunRequest } from '../../src/core/ports';
import { DEFAULT_LOOP_OPTIONS, LoopEvent, LoopOptions, RunResult, TestReport } from '../../src/core/types';

/**
 * An in-memory world: a workspace of files and tests that are predicates over the files. The loop itself is real;
 * only the world (disk, test processes, the model) is simulated here. Real processes are in test/integration.
 */
interface FakeTest { file: string; name: string; passes(files: Record<string, string>): string | true }

function world(initial: Record<string, string>, tests: FakeTest[]) {
  const spaces = new Map<string, Record<string, string>>();
  const runs: { root: string; only?: string[]; files: Record<string, string> }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let created = 0;
  let disposed = 0;
  const runner = {
    async run(req: TestRunRequest): Promise<TestReport> {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const files = spaces.get(req.root)!;
      runs.push({ root: req.root, only: req.only?.map((s) => `${s.file}::${s.name}`), files: { ...files } });
      const selected = tests.filter((t) => !req.only || req.only.some((s) => s.file === t.file && (!s.name || s.name === t.name)));
      const results = selected.map((t) => {
        const verdict = t.passes(files);
        return verdict === true
          ? { id: `${t.file}::${t.name}`, file: t.file, name: t.name, status: 'passed' as const, durationMs: 1 }
          : { id: `${t.file}::${t.name}`, file: t.file, name: t.name, status: 'failed' as const, durationMs: 1, failure: { message: verdict, frames: [] } };
      });
      const failed = results.filter((r) => r.status === 'failed').length;
      return { framework: 'node-test', command: 'fake', exitCode: failed ? 1 : 0, durationMs: 5, timedOut: false, summary: { passed: results.length - failed, failed, skipped: 0 }, tests: results };
    },
  };
  const scratch = {
    async create(): Promise<ScratchWorkspace> {
      const root = `/scratch/${++created}`;
      spaces.set(root, { ...initial });
      return {
        root,
        async apply(changes) { for (const c of changes) spaces.get(root)![c.path] = c.after; },
        async reset() { spaces.set(root, { ...initial }); },
        async dispose() { disposed++; },
      };
    },
  };
  return { runner, scratch, runs, stats: () => ({ maxInFlight, created, disposed }) };
}

const SRC = { 'src/sum.js': 'a - b', 'src/other.js': 'ok', 'test/sum.test.js': 'expect 3' };
const TESTS: FakeTest[] = [
  { file: 'test/sum.test.js', name: 'adds', passes: (f) => (f['src/sum.js'].startsWith('a + b') || f['test/sum.test.js'] === 'expect -1' ? true : `expected 3, got ${f['src/sum.js'].includes('*') ? 2 : -1}`) },
  { file: 'test/other.test.js', name: 'other', passes: (f) => (f['src/sum.js'] !== 'a + b + 0' ? true : 'other broke') },
];

function change(path: string, after: string): Proposal['changes'][number] {
  return { path, before: (SRC as Record<string, string>)[path], after };
}

function deps(w: ReturnType<typeof world>, propose: (r: ProposalRequest) => Proposal[] | Promise<Proposal[]>, critic?: (r: CritiqueRequest) => string) {
  const proposals: ProposalRequest[] = [];
  const critiques: CritiqueRequest[] = [];
  let t = 1_700_000_000_000;
  const d: LoopDeps = {
    root: '/work/project', runner: w.runner, scratch: w.scratch,
    files: { read: async (p) => (SRC as Record<string, string>)[p], list: async () => Object.keys(SRC) },
    syntax: { languageOf: () => undefined, parse: async () => { throw new Error('no parser in this test'); } },
    proposer: { name: 'scripted', propose: async (r) => { proposals.push(r); return propose(r); } },
    critic: { critique: async (r) => { critiques.push(r); return { round: r.round, author: 'model', text: critic ? critic(r) : `critique ${r.round}`, durationMs: 1 }; } },
    isTestFile: (p) => p.startsWith('test/'),
    clock: { now: () => (t += 10) },
    providerLabel: 'scripted',
  };
  return { d, proposals, critiques };
}

async function drain(gen: AsyncGenerator<LoopEvent, RunResult>): Promise<{ events: LoopEvent[]; result: RunResult }> {
  const events: LoopEvent[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { events, result: next.value };
    events.push(next.value);
  }
}

const opts = (o: Partial<LoopOptions> = {}): LoopOptions => ({ ...DEFAULT_LOOP_OPTIONS, flakyRetries: 0, ...o });
const prop = (summary: string, ...changes: Proposal['changes']): Proposal => ({ summary, changes, source: 'model' });

describe('runReflection (the loop, with an in-memory world)', () => {
  it('reports nothing to fix when every test passes, without asking the proposer', async () => {
    const w = world({ ...SRC, 'src/sum.js': 'a + b' }, TESTS);
    const { d, proposals } = deps(w, () => []);
    const { events, result } = await drain(runReflection(d, opts(), new AbortController().signal));
    assert.strictEqual(result.status, 'nothing-to-fix');
    assert.strictEqual(proposals.length, 0);
    assert.deepStrictEqual(events.map((e) => e.type), ['run-start', 'baseline-start', 'baseline', 'run-end']);
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
    const results = events.flatMap((e) => (e.type === 'candidate-result' ? [e.candidate.summary] : []));
    assert.deepStrictEqual(results, ['right']);
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
