/**
 * One round of the loop, in three named steps: propose K candidates and screen them (`proposeRound`), test the
 * survivors each in its own scratch copy (`testRound`), and, unless the round ends the run, critique it citing the
 * evidence (`critiqueRound`). `runRound` puts them together and says whether the run goes on.
 */
import { bestCheckedAttempt } from './bestAttempt';
import { budgetExceeded } from './budget';
import { candidateFromProposal, diffOfChanges, screenCandidate, testCandidate, type TestContext, type TestedCandidate } from './candidates';
import { forEachBounded } from './events';
import { lessonOf } from './lessons';
import { minimizeCandidate, type MinimizeContext } from './minimality';
import type { ScratchWorkspace } from './ports';
import type { RunState } from './runState';
import { emit, endRound, finish, finishUnfixed, stopped } from './runState';
import { failureSignature, isBetter } from './scoring';
import type { CandidateTimeout } from './testTimeout';
import type { Candidate, Lesson, LoopEvent, Round, RunResult, TestReport, TestResult, TestSelector } from './types';

/** How many recent reflections the actor sees (Reflexion keeps a short episodic memory). */
const MEMORY_SIZE = 3;

/** What the baseline established, which every round works from. */
export interface BaselineFacts {
  report: TestReport;
  failingTests: TestResult[];
  targets: TestSelector[];
  targetIds: string[];
  timeout: CandidateTimeout;
  /** The full suite's baseline (run once, when the first candidate passes its targets, if the baseline was partial). */
  fullBaseline: () => Promise<TestReport>;
  lessons: Lesson[];
}

/** Runs round `index`; a result when the run ends with it, undefined when the next round should follow. */
export async function runRound(state: RunState, facts: BaselineFacts, index: number): Promise<RunResult | undefined> {
  const { options, deps } = state;
  const overBudget = budgetExceeded(options, state.totals, deps.clock.now() - state.started);
  if (overBudget) return await finishUnverified(state, facts, overBudget);
  const roundStart = deps.clock.now();
  const round: Round = { index, candidates: [], calls: [], tokens: { prompt: 0, completion: 0 }, durationMs: 0 };
  state.currentRound = round;
  state.trace.rounds.push(round);
  state.push({ type: 'round-start', round: index });

  const toTest = await proposeRound(state, facts, round);
  if (toTest === 'aborted') return stopped(state, `while the proposer was working (round ${index})`);
  if (toTest === 'none') {
    endRound(state, round, roundStart);
    return await finishUnverified(state, facts, 'the proposer had nothing more to try');
  }
  const { tested, verified } = await testRound(state, facts, round, toTest);
  if (state.signal.aborted) return stopped(state, `during round ${index}`);

  for (const entry of tested.values()) if (entry.candidate.status !== 'verified') state.attempts.push(entry);
  const closest = closestTested(round.candidates, tested);
  for (const candidate of round.candidates) {
    const entry = tested.get(candidate.id);
    if (entry && isBetter(entry.candidate, state.best?.candidate)) state.best = entry;
  }
  if (state.best && state.best.candidate.round === index) round.bestCandidateId = state.best.candidate.id;
  if (verified) {
    const ctx = { ...checkContext(state, facts), baselineFailures: facts.failingTests, diff: deps.diff ?? diffOfChanges };
    const minimal = await minimized(verified, state.pool[0], ctx, (e) => emit(state, e));
    if (state.signal.aborted) return stopped(state, `while checking that each hunk of ${minimal.candidate.id} is needed`);
    // The round shows the patch the user gets; its minimality record keeps the verified original.
    round.candidates[minimal.candidate.index] = minimal.candidate;
    state.push({ type: 'candidate-result', round: index, candidate: minimal.candidate });
    return finishVerified(state, facts, round, roundStart, minimal);
  }

  state.failures = state.best ? state.best.failures : facts.failingTests;
  const signature = closest ? failureSignature(closest.candidate) : undefined;
  const stagnated = signature !== undefined && signature === state.previousSignature;
  state.previousSignature = signature ?? state.previousSignature;
  const budgetNow = budgetExceeded(options, state.totals, deps.clock.now() - state.started);
  // The last round's critique would feed no one: skip it and save the tokens.
  const last = index === options.rounds || stagnated || budgetNow !== undefined;
  if (!last && (await critiqueRound(state, facts, round, closest)) === 'aborted') return stopped(state, `during round ${index}`);
  endRound(state, round, roundStart);
  if (stagnated) return await finishUnverified(state, facts, `the same tests failed the same way in rounds ${index - 1} and ${index}`);
  if (budgetNow) return await finishUnverified(state, facts, budgetNow);
  return undefined;
}

/** Ends the run with its verified candidate; with lessons on, its lesson rides on the result (stored once applied). */
async function finishVerified(state: RunState, facts: BaselineFacts, round: Round, roundStart: number, verified: TestedCandidate): Promise<RunResult> {
  const { deps } = state;
  state.best = verified;
  round.bestCandidateId = verified.candidate.id;
  endRound(state, round, roundStart);
  if (deps.lessons) state.lesson = lessonOf(verified.candidate, facts.targetIds, state.memory, deps.clock);
  return finish(state, 'verified', `${verified.candidate.id} passes the ${facts.targetIds.length} target test(s) and the full suite`);
}

/** Ends a run without a verified fix; the best attempt offered has been run against the full suite. */
export async function finishUnverified(state: RunState, facts: BaselineFacts, stopReason: string): Promise<RunResult> {
  if (state.attempts.length && !state.signal.aborted) {
    state.best = await bestCheckedAttempt(state.attempts, state.pool[0], checkContext(state, facts), (candidate) => {
      const round = state.trace.rounds[candidate.round - 1];
      if (round) round.candidates[candidate.index] = candidate;
      state.push({ type: 'candidate-result', round: candidate.round, candidate });
    });
  }
  if (state.signal.aborted) return stopped(state, 'while the best attempt ran against the full suite');
  return finishUnfixed(state, stopReason);
}

/** How a candidate is run against the tests of this run (targets, then the full suite). */
function checkContext(state: RunState, facts: BaselineFacts, signal: AbortSignal = state.signal): TestContext {
  const { deps, options } = state;
  return {
    runner: deps.runner, targets: facts.targets, targetIds: facts.targetIds, timeout: facts.timeout, flakyRetries: options.flakyRetries,
    fullBaseline: facts.fullBaseline, signal, now: () => deps.clock.now(),
  };
}

/** The verified candidate with only the hunks its targets need; on a scratch-copy failure, as it was. */
async function minimized(verified: TestedCandidate, ws: ScratchWorkspace, ctx: MinimizeContext, emitEvent: (e: LoopEvent) => void): Promise<TestedCandidate> {
  try {
    const candidate = await minimizeCandidate(verified.candidate, ws, ctx);
    return { ...verified, candidate };
  } catch (error) {
    emitEvent({ type: 'log', level: 'warn', message: `could not check that each hunk of ${verified.candidate.id} is needed: ${(error as Error).message}` });
    return verified;
  }
}

/** Asks the proposer for candidates and screens each (rules, duplicates, syntax); returns those worth testing. */
async function proposeRound(state: RunState, facts: BaselineFacts, round: Round): Promise<Candidate[] | 'aborted' | 'none'> {
  const { deps, options } = state;
  const proposals = await deps.proposer.propose({
    round: round.index, count: options.candidates, baseline: facts.report, failures: state.failures, files: deps.files,
    syntax: deps.syntax, memory: [...state.memory], best: state.best?.candidate, previousRounds: state.trace.rounds.slice(0, -1),
    hint: options.hint, lessons: facts.lessons, isTestFile: deps.isTestFile, signal: state.signal, emit: (e) => emit(state, e),
    ...(options.contextTokens !== undefined ? { contextTokens: options.contextTokens } : {}),
  });
  if (state.signal.aborted) return 'aborted';
  if (proposals.length === 0) return 'none';
  const toTest: Candidate[] = [];
  for (const [i, proposal] of proposals.entries()) {
    let candidate = candidateFromProposal(proposal, round.index, i, facts.targetIds.length, deps.diff ?? diffOfChanges);
    if (candidate.status !== 'rejected') {
      const screening = await screenCandidate(candidate, state.seenDiffs, {
        ...options, isTestFile: deps.isTestFile, syntax: deps.syntax, files: deps.files, validate: deps.validate, generatedPath: deps.generatedPath,
      });
      if (screening.warnings.length) candidate = { ...candidate, warnings: screening.warnings };
      if (screening.rejectReason) {
        candidate = { ...candidate, status: 'rejected', rejectReason: screening.rejectReason, score: -1, ...(screening.rejectRule ? { rejectRule: screening.rejectRule } : {}) };
      } else {
        state.seenDiffs.set(candidate.diff, candidate.id);
        toTest.push(candidate);
      }
    }
    round.candidates.push(candidate);
    state.push({ type: 'candidate', round: round.index, candidate });
  }
  return toTest;
}

/**
 * Tests the candidates, as many at once as there are scratch copies; once one is verified, the ones still being
 * tested are stopped (their results would change nothing).
 */
async function testRound(
  state: RunState, facts: BaselineFacts, round: Round, toTest: Candidate[],
): Promise<{ tested: Map<string, TestedCandidate>; verified?: TestedCandidate }> {
  const { deps, options, pool, signal } = state;
  const tested = new Map<string, TestedCandidate>();
  let verified: TestedCandidate | undefined;
  const roundDone = new AbortController();
  const roundSignal = AbortSignal.any([signal, roundDone.signal]);
  const settle = (candidate: Candidate) => {
    round.candidates[candidate.index] = candidate;
    state.push({ type: 'candidate-result', round: round.index, candidate });
  };
  await forEachBounded(toTest, options.concurrency, () => verified !== undefined || signal.aborted, async (candidate, slot) => {
    pool[slot] ??= await deps.scratch.create();
    let result: TestedCandidate;
    try {
      result = await testCandidate(candidate, pool[slot], { ...checkContext(state, facts, roundSignal), baselineFailures: facts.failingTests });
    } catch (error) {
      if (roundSignal.aborted) return;
      // A copy that could not be written or reset is replaced; the candidate is recorded as not testable.
      const broken = pool[slot];
      pool[slot] = await deps.scratch.create();
      await broken.dispose().catch(() => undefined);
      settle({ ...candidate, status: 'rejected', score: -1, rejectReason: `it could not be tested: ${(error as Error).message}` });
      return;
    }
    if (roundSignal.aborted) return;
    tested.set(candidate.id, result);
    settle(result.candidate);
    if (result.candidate.status === 'verified') {
      verified ??= result;
      roundDone.abort();
    }
  });
  return { tested, verified };
}

/** The critique of the round, about the candidate that got furthest; it joins the short memory the next round sees. */
async function critiqueRound(state: RunState, facts: BaselineFacts, round: Round, closest: TestedCandidate | undefined): Promise<'aborted' | 'done'> {
  const reflection = await state.deps.critic.critique({
    round: round.index, candidates: round.candidates, best: state.best?.candidate, baseline: facts.report,
    failures: closest ? closest.failures : facts.failingTests, files: state.deps.files, memory: [...state.memory],
    hint: state.options.hint, signal: state.signal, emit: (e) => emit(state, e),
  });
  if (state.signal.aborted) return 'aborted';
  round.reflection = reflection;
  state.memory.push(reflection);
  if (state.memory.length > MEMORY_SIZE) state.memory.shift();
  state.push({ type: 'reflection', round: round.index, reflection });
  return 'done';
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
