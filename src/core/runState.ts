/**
 * What one reflection run carries from step to step (the loop's `RunState`), and the ways a run ends. The steps
 * themselves are in loop.ts (the run) and round.ts (one round); each takes the state and says what it changed.
 */
import { addUsage } from './budget';
import type { TestedCandidate, ValidateChanges } from './candidates';
import type { Clock, Critic, LessonStore, Proposer, ScratchProvider, ScratchWorkspace, SourceFiles, SyntaxParser, TestRunner } from './ports';
import type { FileChange, Lesson, LoopEvent, LoopOptions, Reflection, Round, RunResult, RunStatus, TestResult, TokenUsage, Trace } from './types';

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
  /** Lessons on: earlier lessons are read from it and the verified fix's lesson is put on the result (never added here). */
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

/** One run in progress. */
export interface RunState {
  readonly deps: LoopDeps;
  readonly options: LoopOptions;
  readonly signal: AbortSignal;
  /** Hands an event to the consumer of the loop. */
  readonly push: (e: LoopEvent) => void;
  /** Set when the time budget ran out (the signal is then aborted too). */
  readonly timeUp: { value: boolean };
  readonly started: number;
  readonly trace: Trace;
  /** Tokens of every model call of the run. */
  readonly totals: TokenUsage;
  /** Scratch copies, one per candidate tested at once; slot 0 also runs the baseline. */
  readonly pool: ScratchWorkspace[];
  /** The best tested candidate so far, with the failures it leaves. */
  best?: TestedCandidate;
  /** Every tested candidate that did not verify: what a best attempt is chosen from at the end. */
  readonly attempts: TestedCandidate[];
  /** The round whose model calls `emit` adds to. */
  currentRound?: Round;
  /** Work started while the baseline runs (tree-sitter, scratch copies); awaited before the copies are disposed. */
  warming: Promise<unknown>;
  /** The last few critiques, newest last (Reflexion's short episodic memory). */
  readonly memory: Reflection[];
  /** Diffs already tested (a repeat is rejected as a duplicate of the first). */
  readonly seenDiffs: Map<string, string>;
  /** The failures the next round works on: the best candidate's, else the baseline's. */
  failures: TestResult[];
  /** How the closest candidate of the last round failed (two rounds alike: the run has stagnated). */
  previousSignature?: string;
  /** The verified fix's lesson, put on the result for the front end to store once the fix is applied. */
  lesson?: Lesson;
}

/** Emits an event a proposer or critic produced, counting a model call's tokens for the run and its round. */
export function emit(state: RunState, event: LoopEvent): void {
  if (event.type === 'model-call') {
    addUsage(state.totals, event.call.usage);
    if (state.currentRound) {
      state.currentRound.calls.push(event.call);
      addUsage(state.currentRound.tokens, event.call.usage);
    }
  }
  state.push(event);
}

/** Ends the run: the result (with the best candidate so far), in the trace and as the last event. */
export function finish(state: RunState, status: RunStatus, stopReason: string, error?: string): RunResult {
  const winner = state.best?.candidate;
  const result: RunResult = {
    status, stopReason,
    ...(winner ? { best: winner } : {}),
    patch: winner?.diff ?? '',
    files: winner ? winner.changes.map((c) => c.path) : [],
    tokens: { ...state.totals },
    durationMs: state.deps.clock.now() - state.started,
    ...(error ? { error } : {}),
    ...(state.lesson ? { lesson: state.lesson } : {}),
  };
  state.trace.result = result;
  state.push({ type: 'run-end', result, trace: state.trace });
  return result;
}

/** Ends a run without a verified fix: improved when some candidate got further than the baseline, else no-fix. */
export function finishUnfixed(state: RunState, stopReason: string): RunResult {
  return finish(state, state.best ? 'improved' : 'no-fix', stopReason);
}

/** Ends an aborted run: a person's cancel, or the time budget running out (then like a run out of rounds). */
export function stopped(state: RunState, where: string): RunResult {
  const at = where ? ` ${where}` : '';
  return state.timeUp.value
    ? finishUnfixed(state, `the time budget of ${state.options.maxDurationMs / 1000} s ran out${at}`)
    : finish(state, 'cancelled', `cancelled${at}`);
}

/** Stamps the round's duration and announces its end. */
export function endRound(state: RunState, round: Round, roundStart: number): void {
  round.durationMs = state.deps.clock.now() - roundStart;
  state.push({ type: 'round-end', round });
}
