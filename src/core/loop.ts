/**
 * The reflection loop (Reflexion with the user's real tests): baseline → rounds of propose K candidates → test each
 * in its own scratch copy (targets, then the full suite) → keep the best so far → critique citing the evidence →
 * remember → retry. Stops on the tests' verdict, never on the model's. One async generator of typed events.
 * The run is a few named steps over one `RunState` (runState.ts): `runBaseline` here, then `runRound` (round.ts).
 */
import { createEventQueue } from './events';
import { relevantLessons } from './lessons';
import { ModelError } from './ports';
import type { BaselineFacts } from './round';
import { finishUnverified, runRound } from './round';
import type { LoopDeps, RunState } from './runState';
import { emit, finish, stopped } from './runState';
import { isFailing } from './scoring';
import { ochiaiScores } from './spectrum';
import { createCandidateTimeout } from './testTimeout';
import { createTrace, newRunId, recordBaseline } from './trace';
import type { LoopEvent, LoopOptions, RunResult, TestReport, TestSelector } from './types';
import { warmUpSyntax } from './warmUp';

export type { LoopDeps } from './runState';

/** Names of the errors the ports throw for a project set up in a way we cannot run (see src/node). */
const SETUP_ERRORS = new Set(['TestSetupError', 'WorkspaceLinkError']);

/** Runs one reflection session. Yields events as they happen (also while tests run); returns the result. */
export async function* runReflection(deps: LoopDeps, options: LoopOptions, signal: AbortSignal): AsyncGenerator<LoopEvent, RunResult> {
  const queue = createEventQueue<LoopEvent>();
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', onAbort, { once: true });
  // The time budget also holds inside a long round: when it runs out, the run stops like a cancel (test
  // processes killed) but ends as no-fix/improved with the best candidate so far.
  const timeUp = { value: false };
  const timer = options.maxDurationMs > 0
    ? setTimeout(() => {
      timeUp.value = true;
      controller.abort();
    }, options.maxDurationMs)
    : undefined;
  let result: RunResult | undefined;
  const body = runSession(deps, options, controller.signal, (e) => queue.push(e), timeUp).then((r) => {
    result = r;
    if (timer) clearTimeout(timer);
    queue.close();
  });
  try {
    for (let event = await queue.next(); event !== undefined; event = await queue.next()) yield event;
    await body;
    return result!;
  } finally {
    // A consumer that stops early (break, return) cancels the run so no test process outlives it.
    signal.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
    if (!result) {
      controller.abort();
      await body.catch(() => undefined);
    }
  }
}

/** The run: its state, the baseline, then rounds until one ends it; scratch copies are disposed whatever happens. */
async function runSession(
  deps: LoopDeps, options: LoopOptions, signal: AbortSignal, push: (e: LoopEvent) => void, timeUp: { value: boolean },
): Promise<RunResult> {
  const state = startRun(deps, options, signal, push, timeUp);
  try {
    const facts = await runBaseline(state);
    if ('status' in facts) return facts;
    for (let index = 1; index <= options.rounds; index++) {
      const ended = await runRound(state, facts, index);
      if (ended) return ended;
    }
    return await finishUnverified(state, facts, `no candidate passed every target test and the full suite within ${options.rounds} round(s)`);
  } catch (error) {
    if (signal.aborted) return stopped(state, '');
    const message = error instanceof Error ? error.message : String(error);
    // Model errors and setup errors (a framework not installed, a link leaving the project) explain themselves.
    const setup = error instanceof Error && SETUP_ERRORS.has(error.name);
    const prefix = error instanceof ModelError || setup ? '' : 'internal error: ';
    return finish(state, 'error', `${prefix}${message}`, `${prefix}${message}`);
  } finally {
    state.currentRound = undefined;
    await state.warming;
    await Promise.all(state.pool.filter(Boolean).map((ws) => ws.dispose().catch(() => undefined)));
  }
}

/** A new run: its id (minted here, once), its trace, and the run-start event. */
function startRun(deps: LoopDeps, options: LoopOptions, signal: AbortSignal, push: (e: LoopEvent) => void, timeUp: { value: boolean }): RunState {
  const started = deps.clock.now();
  const runId = newRunId(started);
  const startedAt = new Date(started).toISOString();
  const trace = createTrace({
    runId, startedAt, workspaceName: deps.workspaceName ?? deps.root.split(/[\\/]/).filter(Boolean).pop() ?? deps.root,
    provider: deps.providerLabel, model: deps.model, criticModel: deps.criticModel, options,
  });
  push({ type: 'run-start', runId, startedAt, provider: deps.providerLabel, options });
  return {
    deps, options, signal, push, timeUp, started, trace, totals: { prompt: 0, completion: 0 }, pool: [],
    warming: Promise.resolve(), memory: [], seenDiffs: new Map(), failures: [], attempts: [],
  };
}

/**
 * Runs the tests once as they are (in a scratch copy) and decides whether there is anything to fix: what fails
 * becomes the targets, what passes must keep passing. A result when the run ends here.
 */
async function runBaseline(state: RunState): Promise<BaselineFacts | RunResult> {
  const { deps, options, signal, pool } = state;
  state.push({ type: 'baseline-start' });
  pool.push(await deps.scratch.create());
  // While the baseline runs: load tree-sitter and make the other scratch copies candidates will need.
  // A copy that fails here is made again when a candidate needs it (and then reports its error).
  state.warming = Promise.all([
    warmUpSyntax(deps.files, deps.syntax),
    ...Array.from({ length: Math.max(0, options.concurrency - 1) }, (_, i) => deps.scratch.create().then((ws) => { pool[i + 1] = ws; }, () => undefined)),
  ]);
  const report = await runBaselineTests(state, pool[0].root);
  const timeout = createCandidateTimeout(options.testTimeoutMs, options.candidateTimeoutFactor);
  timeout.observe(report);
  await state.warming;
  if (signal.aborted) return stopped(state, 'before the baseline finished');
  const failingTests = report.tests.filter(isFailing);
  const flaky = report.tests.filter((t) => t.status === 'flaky').map((t) => t.id);
  const coverage = coverageSummary(report, options);
  recordBaseline(state.trace, report, failingTests.map((t) => t.id), flaky, coverage);
  if (coverage && failingTests.length > 0) emit(state, { type: 'log', level: 'info', message: `coverage of the baseline: ${coverage}` });
  // The spectrum is for the ranking; front ends and the trace get its one-line summary instead.
  const { coverage: _spectrum, ...shown } = report;
  state.push({ type: 'baseline', report: shown, failing: failingTests.map((t) => t.id), flaky });
  const unusable = unusableBaseline(report, failingTests.length, options);
  if (unusable) return finish(state, 'error', unusable.stopReason, unusable.error);
  if (failingTests.length === 0) {
    return finish(state, 'nothing-to-fix', flaky.length ? `no test fails consistently (flaky: ${flaky.join(', ')})` : 'every targeted test passes');
  }
  const targets: TestSelector[] = failingTests.map((t) => ({ file: t.file, name: t.name }));
  state.trace.targets = targets;
  state.failures = failingTests;
  // Tests passing in the baseline must keep passing; with --only the baseline was partial, so run the suite once.
  let full: Promise<TestReport> | undefined = options.only ? undefined : Promise.resolve(report);
  const fullBaseline = () => (full ??= deps.runner.run({ root: pool[0].root, timeoutMs: options.testTimeoutMs, flakyRetries: options.flakyRetries, signal })
    .then((r) => { timeout.observe(r); return r; }));
  if (options.only) await fullBaseline();
  const lessons = deps.lessons ? await relevantLessons(deps.lessons, failingTests, (e) => emit(state, e)) : [];
  return { report, failingTests, targets, targetIds: failingTests.map((t) => t.id), timeout, fullBaseline, lessons };
}

/**
 * The baseline test run, measuring coverage unless the options say not to. Coverage never decides whether the
 * tests can run: a measured run that produced no results is run again plainly, and that run's report stands.
 */
async function runBaselineTests(state: RunState, root: string): Promise<TestReport> {
  const { deps, options, signal } = state;
  const plain = { root, only: options.only, timeoutMs: options.testTimeoutMs, flakyRetries: options.flakyRetries, signal };
  if (options.coverage === false) return deps.runner.run(plain);
  const measured = await deps.runner.run({ ...plain, coverage: true });
  if ((measured.error === undefined && measured.tests.length > 0) || measured.timedOut || signal.aborted) return measured;
  emit(state, { type: 'log', level: 'warn', message: `the baseline run with coverage gave no results (${measured.error ?? 'no test ran'}); running it again without coverage` });
  return deps.runner.run(plain);
}

/** One line for the trace: what measured the baseline's coverage, or why nothing did. */
function coverageSummary(report: TestReport, options: LoopOptions): string | undefined {
  if (options.coverage === false) return 'not measured (turned off)';
  const scores = ochiaiScores(report.coverage);
  if (scores) return scores.describe;
  if (report.coverage) return `${report.coverage.source}: no failing test to contrast`;
  return report.notes?.find((n) => n.startsWith('coverage:'))?.replace(/^coverage:\s*/, 'not measured: ');
}

/** Why a baseline cannot be worked from (the tests did not run, ran nothing, or were cut off before failing). */
function unusableBaseline(report: TestReport, failing: number, options: LoopOptions): { stopReason: string; error: string } | undefined {
  if (report.error && failing === 0) return { stopReason: `the tests could not be run: ${report.error}`, error: report.error };
  // A run that executed nothing proves nothing: never "nothing to fix" (a fresh clone whose tests need a build).
  if (report.tests.length === 0) {
    const why = `${report.command} ran no test; check the test command (scripts.test or --command), its build step and the --only selection`;
    return { stopReason: `the tests could not be run: ${why}`, error: why };
  }
  if (report.timedOut && failing === 0) {
    // Tests cut off by the limit never reported: "nothing to fix" would be a guess, not a result.
    const why = `the baseline test run hit its time limit (${options.testTimeoutMs / 1000} s) before the tests finished; raise --test-timeout (reflect.testTimeoutSeconds) or narrow the run with --only`;
    return { stopReason: why, error: why };
  }
  return undefined;
}
