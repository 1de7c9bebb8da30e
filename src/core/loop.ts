/**
 * The reflection loop (Reflexion with the user's real tests): baseline → rounds of propose K candidates → test each
 * in its own scratch copy (targets, then the full suite) → keep the best so far → critique citing the evidence →
 * remember → retry. Stops on the tests' verdict, never on the model's. One async generator of typed events.
 */
import { bestCheckedAttempt } from './bestAttempt';
import { addUsage, budgetExceeded } from './budget';
import { candidateFromProposal, diffOfChanges, screenCandidate, testCandidate, TestedCandidate, ValidateChanges } from './candidates';
import { createEventQueue, forEachBounded } from './events';
import { recordLesson, relevantLessons } from './lessons';
import { minimizeCandidate, type MinimizeContext } from './minimality';
import type { Clock, Critic, LessonStore, Proposer, ScratchProvider, ScratchWorkspace, SourceFiles, SyntaxParser, TestRunner } from './ports';
import { ModelError } from './ports';
import { failureSignature, isBetter, isFailing } from './scoring';
import { createCandidateTimeout } from './testTimeout';
import { createTrace, newRunId, recordBaseline } from './trace';
import { warmUpSyntax } from './warmUp';
import type { Candidate, FileChange, Lesson, LoopEvent, LoopOptions, Reflection, Round, RunResult, RunStatus, TestReport, TestResult, TestSelector, TokenUsage } from './types';

/** Names of the errors the ports throw for a project set up in a way we cannot run (see src/node). */
const SETUP_ERRORS = new Set(['TestSetupError', 'WorkspaceLinkError']);

/** Everything the loop needs from the outside world. */
export interface LoopDeps {
  /** Absolute path of the user's workspace (never written by the loop). */
  root: string;
  runner: TestRunner;
  scratch: ScratchProvider;
  files: SourceFiles;
  syntax: SyntaxParser;
  proposer: Proposer;
  critic: Critic;
  lessons?: LessonStore;
  isTestFile(path: string): boolean;
  /** What a path is when it is made rather than written (build output, git-ignored), for the `generated` rule. */
  generatedPath?: (path: string) => string | undefined;
  clock: Clock;
  /** Shown in the trace, e.g. "openai-compatible (http://127.0.0.1:11434/v1)" — never a key. */
  providerLabel: string;
  model?: string;
  criticModel?: string;
  /** Shown in the trace (default: the last segment of root). */
  workspaceName?: string;
  /** Extra checks before testing (e.g. the result must still parse). */
  validate?: ValidateChanges;
  /** Unified diff of changes (default: jsdiff, 3 lines of context). */
  diff?: (changes: FileChange[]) => string;
}

/** How many recent reflections the actor sees (Reflexion keeps a short episodic memory). */
const MEMORY_SIZE = 3;

/** Runs one reflection session. Yields events as they happen (also while tests run); returns the result. */
export async function* runReflection(deps: LoopDeps, options: LoopOptions, signal: AbortSignal): AsyncGenerator<LoopEvent, RunResult> {
  const queue = createEventQueue<LoopEvent>();
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (signal.aborted) controller.abort();
  else signal.addEventListener('abort', onAbort, { once: true });
  // The time budget also holds inside a long round: when it runs out, the run stops like a cancel (test
  // processes killed) but ends as no-fix/improved with the best candidate so far.
  const budget = { timeUp: false };
  const timer = options.maxDurationMs > 0
    ? setTimeout(() => {
      budget.timeUp = true;
      controller.abort();
    }, options.maxDurationMs)
    : undefined;
  let result: RunResult | undefined;
  const body = runSession(deps, options, controller.signal, (e) => queue.push(e), budget).then((r) => {
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

async function runSession(
  deps: LoopDeps, options: LoopOptions, signal: AbortSignal, push: (e: LoopEvent) => void, budget: { timeUp: boolean },
): Promise<RunResult> {
  const { clock } = deps;
  const started = clock.now();
  const runId = newRunId(started);
  const startedAt = new Date(started).toISOString();
  const trace = createTrace({
    runId, startedAt, workspaceName: deps.workspaceName ?? deps.root.split(/[\\/]/).filter(Boolean).pop() ?? deps.root,
    provider: deps.providerLabel, model: deps.model, criticModel: deps.criticModel, options,
  });
  const totals: TokenUsage = { prompt: 0, completion: 0 };
  const pool: ScratchWorkspace[] = [];
  let best: TestedCandidate | undefined;
  let currentRound: Round | undefined;
  let warming: Promise<unknown> = Promise.resolve();

  const emit = (event: LoopEvent) => {
    if (event.type === 'model-call') {
      addUsage(totals, event.call.usage);
      if (currentRound) {
        currentRound.calls.push(event.call);
        addUsage(currentRound.tokens, event.call.usage);
      }
    }
    push(event);
  };
  const finish = (status: RunStatus, stopReason: string, error?: string): RunResult => {
    const winner = best?.candidate;
    const result: RunResult = {
      status, stopReason,
      ...(winner ? { best: winner } : {}),
      patch: winner?.diff ?? '',
      files: winner ? winner.changes.map((c) => c.path) : [],
      tokens: { ...totals },
      durationMs: clock.now() - started,
      ...(error ? { error } : {}),
    };
    trace.result = result;
    push({ type: 'run-end', result, trace });
    return result;
  };

  /** Ends an aborted run: a person's cancel, or the time budget running out. */
  const stopped = (where: string): RunResult => budget.timeUp
    ? finish(best ? 'improved' : 'no-fix', `the time budget of ${options.maxDurationMs / 1000} s ran out${where ? ` ${where}` : ''}`)
    : finish('cancelled', `cancelled${where ? ` ${where}` : ''}`);

  push({ type: 'run-start', runId, startedAt, provider: deps.providerLabel, options });
  try {
    push({ type: 'baseline-start' });
    pool.push(await deps.scratch.create());
    // While the baseline runs: load tree-sitter and make the other scratch copies candidates will need.
    // A copy that fails here is made again when a candidate needs it (and then reports its error).
    warming = Promise.all([
      warmUpSyntax(deps.files, deps.syntax),
      ...Array.from({ length: Math.max(0, options.concurrency - 1) }, (_, i) => deps.scratch.create().then((ws) => { pool[i + 1] = ws; }, () => undefined)),
    ]);
    const baseline = await deps.runner.run({ root: pool[0].root, only: options.only, timeoutMs: options.testTimeoutMs, flakyRetries: options.flakyRetries, signal });
    const timeout = createCandidateTimeout(options.testTimeoutMs, options.candidateTimeoutFactor);
    timeout.observe(baseline);
    await warming;
    if (signal.aborted) return stopped('before the baseline finished');
    const failingTests = baseline.tests.filter(isFailing);
    const flaky = baseline.tests.filter((t) => t.status === 'flaky').map((t) => t.id);
    recordBaseline(trace, baseline, failingTests.map((t) => t.id), flaky);
    push({ type: 'baseline', report: baseline, failing: failingTests.map((t) => t.id), flaky });
    if (baseline.error && failingTests.length === 0) return finish('error', `the tests could not be run: ${baseline.error}`, baseline.error);
    // A run that executed nothing proves nothing: never "nothing to fix" (a fresh clone whose tests need a build).
    if (baseline.tests.length === 0) {
      const why = `${baseline.command} ran no test; check the test command (scripts.test or --command), its build step and the --only selection`;
      return finish('error', `the tests could not be run: ${why}`, why);
    }
    if (baseline.timedOut && failingTests.length === 0) {
      // Tests cut off by the limit never reported: "nothing to fix" would be a guess, not a result.
      const why = `the baseline test run hit its time limit (${options.testTimeoutMs / 1000} s) before the tests finished; raise --test-timeout (reflect.testTimeoutSeconds) or narrow the run with --only`;
      return finish('error', why, why);
    }
    if (failingTests.length === 0) {
      return finish('nothing-to-fix', flaky.length ? `no test fails consistently (flaky: ${flaky.join(', ')})` : 'every targeted test passes');
    }
    const targets: TestSelector[] = failingTests.map((t) => ({ file: t.file, name: t.name }));
    trace.targets = targets;
    const targetIds = failingTests.map((t) => t.id);
    // Tests passing in the baseline must keep passing; with --only the baseline was partial, so run the suite once.
    let fullBaseline: Promise<TestReport> | undefined = options.only ? undefined : Promise.resolve(baseline);
    const getFullBaseline = () => (fullBaseline ??= deps.runner.run({ root: pool[0].root, timeoutMs: options.testTimeoutMs, flakyRetries: options.flakyRetries, signal })
      .then((report) => { timeout.observe(report); return report; }));
    if (options.only) await getFullBaseline();
    /** Every tested candidate that did not verify: what a best attempt is chosen from at the end. */
    const attempts: TestedCandidate[] = [];
    /** Ends a run without a verified fix; the best attempt offered has been run against the full suite. */
    const finishUnverified = async (stopReason: string): Promise<RunResult> => {
      if (attempts.length && !signal.aborted) {
        const ctx = { runner: deps.runner, targets, targetIds, timeout, flakyRetries: options.flakyRetries, fullBaseline: getFullBaseline, signal, now: () => clock.now() };
        best = await bestCheckedAttempt(attempts, pool[0], ctx, (candidate) => {
          const round = trace.rounds[candidate.round - 1];
          if (round) round.candidates[candidate.index] = candidate;
          push({ type: 'candidate-result', round: candidate.round, candidate });
        });
      }
      if (signal.aborted) return stopped('while the best attempt ran against the full suite');
      return finish(best ? 'improved' : 'no-fix', stopReason);
    };

    const lessons: Lesson[] = deps.lessons ? await relevantLessons(deps.lessons, failingTests, emit) : [];
    const memory: Reflection[] = [];
    const rounds: Round[] = [];
    const seenDiffs = new Map<string, string>();
    let failures: TestResult[] = failingTests;
    let previousSignature: string | undefined;

    for (let index = 1; index <= options.rounds; index++) {
      const budget = budgetExceeded(options, totals, clock.now() - started);
      if (budget) return await finishUnverified(budget);
      const roundStart = clock.now();
      const round: Round = { index, candidates: [], calls: [], tokens: { prompt: 0, completion: 0 }, durationMs: 0 };
      currentRound = round;
      trace.rounds.push(round);
      rounds.push(round);
      push({ type: 'round-start', round: index });

      const proposals = await deps.proposer.propose({
        round: index, count: options.candidates, baseline, failures, files: deps.files, syntax: deps.syntax,
        memory: [...memory], best: best?.candidate, previousRounds: rounds.slice(0, -1), hint: options.hint, lessons,
        isTestFile: deps.isTestFile, signal, emit,
      });
      if (signal.aborted) return stopped(`while the proposer was working (round ${index})`);
      if (proposals.length === 0) {
        endRound(round, roundStart, clock, push);
        return await finishUnverified('the proposer had nothing more to try');
      }

      const toTest: Candidate[] = [];
      for (const [i, proposal] of proposals.entries()) {
        let candidate = candidateFromProposal(proposal, index, i, targetIds.length, deps.diff ?? diffOfChanges);
        if (candidate.status !== 'rejected') {
          const screening = await screenCandidate(candidate, seenDiffs, {
            ...options, isTestFile: deps.isTestFile, syntax: deps.syntax, files: deps.files, validate: deps.validate, generatedPath: deps.generatedPath,
          });
          if (screening.warnings.length) candidate = { ...candidate, warnings: screening.warnings };
          if (screening.rejectReason) {
            candidate = { ...candidate, status: 'rejected', rejectReason: screening.rejectReason, score: -1, ...(screening.rejectRule ? { rejectRule: screening.rejectRule } : {}) };
          } else {
            seenDiffs.set(candidate.diff, candidate.id);
            toTest.push(candidate);
          }
        }
        round.candidates.push(candidate);
        push({ type: 'candidate', round: index, candidate });
      }

      const tested = new Map<string, TestedCandidate>();
      let verified: TestedCandidate | undefined;
      // Once a candidate is verified, the ones still being tested are stopped: their results would change nothing.
      const roundDone = new AbortController();
      const roundSignal = AbortSignal.any([signal, roundDone.signal]);
      const testContext = {
        runner: deps.runner, targets, targetIds, timeout, flakyRetries: options.flakyRetries,
        fullBaseline: getFullBaseline, baselineFailures: failingTests, signal: roundSignal, now: () => clock.now(),
      };
      await forEachBounded(toTest, options.concurrency, () => verified !== undefined || signal.aborted, async (candidate, slot) => {
        pool[slot] ??= await deps.scratch.create();
        let result: TestedCandidate;
        try {
          result = await testCandidate(candidate, pool[slot], testContext);
        } catch (error) {
          if (roundSignal.aborted) return;
          // A copy that could not be written or reset is replaced; the candidate is recorded as not testable.
          const broken = pool[slot];
          pool[slot] = await deps.scratch.create();
          await broken.dispose().catch(() => undefined);
          const rejected: Candidate = { ...candidate, status: 'rejected', score: -1, rejectReason: `it could not be tested: ${(error as Error).message}` };
          round.candidates[candidate.index] = rejected;
          push({ type: 'candidate-result', round: index, candidate: rejected });
          return;
        }
        if (roundSignal.aborted) return;
        tested.set(candidate.id, result);
        round.candidates[candidate.index] = result.candidate;
        push({ type: 'candidate-result', round: index, candidate: result.candidate });
        if (result.candidate.status === 'verified') {
          verified ??= result;
          roundDone.abort();
        }
      });
      if (signal.aborted) return stopped(`during round ${index}`);

      for (const entry of tested.values()) if (entry.candidate.status !== 'verified') attempts.push(entry);
      const closest = closestTested(round.candidates, tested);
      for (const candidate of round.candidates) {
        const entry = tested.get(candidate.id);
        if (entry && isBetter(entry.candidate, best?.candidate)) best = entry;
      }
      if (best && best.candidate.round === index) round.bestCandidateId = best.candidate.id;
      if (verified) {
        verified = await minimized(verified, pool[0], { ...testContext, signal, baselineFailures: failingTests, diff: deps.diff ?? diffOfChanges }, emit);
        if (signal.aborted) return stopped(`while checking that each hunk of ${verified.candidate.id} is needed`);
        // The round shows the patch the user gets; its minimality record keeps the verified original.
        round.candidates[verified.candidate.index] = verified.candidate;
        push({ type: 'candidate-result', round: index, candidate: verified.candidate });
        best = verified;
        round.bestCandidateId = verified.candidate.id;
        endRound(round, roundStart, clock, push);
        if (deps.lessons) await recordLesson(deps.lessons, verified.candidate, targetIds, memory, clock, emit);
        return finish('verified', `${verified.candidate.id} passes the ${targetIds.length} target test(s) and the full suite`);
      }

      failures = best ? best.failures : failingTests;
      const signature = closest ? failureSignature(closest.candidate) : undefined;
      const stagnated = signature !== undefined && signature === previousSignature;
      previousSignature = signature ?? previousSignature;
      const budgetNow = budgetExceeded(options, totals, clock.now() - started);
      const last = index === options.rounds || stagnated || budgetNow !== undefined;
      // The last round's critique would feed no one: skip it and save the tokens.
      if (!last) {
        const reflection = await deps.critic.critique({
          round: index, candidates: round.candidates, best: best?.candidate, baseline,
          failures: closest ? closest.failures : failingTests, files: deps.files, memory: [...memory], hint: options.hint, signal, emit,
        });
        if (signal.aborted) return stopped(`during round ${index}`);
        round.reflection = reflection;
        memory.push(reflection);
        if (memory.length > MEMORY_SIZE) memory.shift();
        push({ type: 'reflection', round: index, reflection });
      }
      endRound(round, roundStart, clock, push);
      if (stagnated) return await finishUnverified(`the same tests failed the same way in rounds ${index - 1} and ${index}`);
      if (budgetNow) return await finishUnverified(budgetNow);
    }
    return await finishUnverified(`no candidate passed every target test and the full suite within ${options.rounds} round(s)`);
  } catch (error) {
    if (signal.aborted) return stopped('');
    const message = error instanceof Error ? error.message : String(error);
    // Model errors and setup errors (a framework not installed, a link leaving the project) explain themselves.
    const setup = error instanceof Error && SETUP_ERRORS.has(error.name);
    const prefix = error instanceof ModelError || setup ? '' : 'internal error: ';
    return finish('error', `${prefix}${message}`, `${prefix}${message}`);
  } finally {
    currentRound = undefined;
    await warming;
    await Promise.all(pool.filter(Boolean).map((ws) => ws.dispose().catch(() => undefined)));
  }
}

/** The verified candidate with only the hunks its targets need; on a scratch-copy failure, as it was. */
async function minimized(verified: TestedCandidate, ws: ScratchWorkspace, ctx: MinimizeContext, emit: (e: LoopEvent) => void): Promise<TestedCandidate> {
  try {
    const candidate = await minimizeCandidate(verified.candidate, ws, ctx);
    return { ...verified, candidate };
  } catch (error) {
    emit({ type: 'log', level: 'warn', message: `could not check that each hunk of ${verified.candidate.id} is needed: ${(error as Error).message}` });
    return verified;
  }
}

function endRound(round: Round, started: number, clock: Clock, push: (e: LoopEvent) => void): void {
  round.durationMs = clock.now() - started;
  push({ type: 'round-end', round });
}

/** The tested candidate of the round that got furthest (what the critique is mostly about). */
function closestTested(candidates: Candidate[], tested: Map<string, TestedCandidate>): TestedCandidate | undefined {
  let closest: TestedCandidate | undefined;
  for (const c of candidates) {
    const entry = tested.get(c.id);
    if (entry && (!closest || entry.candidate.score > closest.candidate.score)) closest = entry;
  }
  return closest;
}
