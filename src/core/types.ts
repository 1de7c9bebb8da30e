/**
 * Plain, serialisable data shared by the engine and every front end (extension, CLI, benchmark).
 * Conventions: paths are workspace-relative with forward slashes; `line` is 1-based wherever it appears
 * in test evidence (it is what test tools print).
 */
import type { ProtectedRule } from './protectedPaths';

/** Frameworks the test layer knows how to drive with a machine-readable reporter. */
export type FrameworkId = 'node-test' | 'jest' | 'vitest' | 'mocha' | 'pytest' | 'generic';

/** Final status of one test in a report. `flaky`: failed, then passed on a re-run. */
export type TestStatus = 'passed' | 'failed' | 'skipped' | 'timedOut' | 'flaky';

/** A place in a workspace file: workspace-relative path, 1-based line, optional 1-based column. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
}

/** The evidence a failing test leaves behind. */
export interface TestFailure {
  message: string;
  expected?: string;
  actual?: string;
  stack?: string;
  /** Where the failing assertion (or throw) is, in a test file when the test file asserted. */
  location?: SourceLocation;
  /** Stack frames that pass through workspace files (not node_modules, not the framework), top first. */
  frames: SourceLocation[];
}

/** One test's outcome. `id` is stable across runs: `${file}::${name}`. */
export interface TestResult {
  id: string;
  file: string;
  /** Full name, suites joined with ' > ' (e.g. "math > sum > adds"). */
  name: string;
  status: TestStatus;
  durationMs: number;
  failure?: TestFailure;
}

export interface TestSummary {
  passed: number;
  failed: number;
  skipped: number;
  timedOut?: number;
  flaky?: number;
}

/** The structured result of one test run (full or targeted). */
export interface TestReport {
  framework: FrameworkId;
  command: string;
  exitCode: number | null;
  durationMs: number;
  timedOut: boolean;
  summary: TestSummary;
  tests: TestResult[];
  /** Set when the run could not produce results at all (e.g. the command was not found). */
  error?: string;
  /** Head and tail of the combined output, capped. */
  output?: string;
  /** Things a person should know about the run (e.g. a test name that matched several tests, all run). */
  notes?: string[];
  /** Which lines the tests ran, when the request asked for coverage and the framework could measure it. */
  coverage?: CoverageSpectrum;
}

/**
 * Which lines the tests ran, as a spectrum: one entry per test, per test file or per whole run (as finely as the
 * framework lets the lines be attributed), each saying whether it failed. Spectrum-based ranking (Ochiai) scores
 * a line by how many failing entries ran it against how many passing ones did.
 */
export interface CoverageSpectrum {
  /** How finely lines are attributed: to each test, to each test file (its own process), or to the whole run. */
  granularity: 'test' | 'file' | 'run';
  /** What measured it, for the trace (e.g. "V8 (NODE_V8_COVERAGE)", "jest --coverage (v8)", "reflect pytest tracer"). */
  source: string;
  entries: CoverageEntry[];
}

export interface CoverageEntry {
  /** A test id, a test file, or "run". */
  label: string;
  /** True when a test of this entry failed (or errored, or timed out). */
  failed: boolean;
  /** Workspace-relative source file ('/' separators) → the 1-based lines it ran, ascending; test files left out. */
  lines: Record<string, number[]>;
}

/** Selects tests: a whole file, or one test in it by full name (`FILE::NAME` on the command line). */
export interface TestSelector {
  file: string;
  name?: string;
}

/** The new content of one workspace file a candidate changes. `before` is what the engine started from. */
export interface FileChange {
  path: string;
  before: string;
  after: string;
}

/** Token counts of a model call; `estimated` when the server sent no usage. */
export interface TokenUsage {
  prompt: number;
  completion: number;
  estimated?: boolean;
}

export type ModelRole = 'actor' | 'critic';

/** One completed call to a language model. */
export interface ModelCall {
  id: string;
  role: ModelRole;
  model: string;
  round: number;
  usage: TokenUsage;
  durationMs: number;
  /** Set when the call failed; the text says what happened, never a secret. */
  error?: string;
}

export type CandidateStatus = 'pending' | 'rejected' | 'failed' | 'improved' | 'passed-targets' | 'verified';

/** One proposed fix and what the tests said about it. */
export interface Candidate {
  id: string;
  round: number;
  index: number;
  source: 'model' | 'builtin' | 'hybrid';
  /** One line: what the candidate changes ("`<` → `<=` at src/range.js:4"). */
  summary: string;
  /** Why: the sentence of the critique or the model's rationale that motivated it. */
  rationale?: string;
  /** What the model asked to see before answering, and what it got ("read_file(src/x.js) → src/x.js (40 lines)"). */
  asked?: string[];
  changes: FileChange[];
  /** Unified diff of all changes (workspace-relative paths, a/ b/ prefixes). */
  diff: string;
  status: CandidateStatus;
  rejectReason?: string;
  /** The protected-path rule a rejected candidate broke (see protectedPaths.ts), when that was the reason. */
  rejectRule?: ProtectedRule;
  /** Test-setup changes allowed by --allow-test-edits, each a reason as protectedPaths.ts words it. */
  warnings?: string[];
  /** Results of the targeted run (failing tests of the baseline) and of the full suite, when run. */
  targeted?: TestSummary;
  full?: TestSummary;
  targetsPassed: number;
  targetsTotal: number;
  /** Ids of tests that passed in the baseline and fail, are skipped or are missing with this candidate. */
  newFailures: string[];
  /** The new failures with no result at all in the full run (their file stopped loading, or they were not run). */
  missingTests?: string[];
  /** Why a candidate that passed its targets is not verified, when that is not just its new failures. */
  notVerifiedReason?: string;
  /** Ids of target tests that still fail, with their failure messages. */
  remainingFailures: { id: string; message: string }[];
  /**
   * Per-test results of the candidate's runs: every target test, and the other tests that failed in the full suite
   * (with expected/actual, location and frames), for views that show a candidate's run test by test.
   */
  tests?: TestResult[];
  score: number;
  durationMs: number;
  /** Set on a verified candidate once every hunk was shown to be needed (or the unneeded ones dropped). */
  minimality?: Minimality;
}

/** The result of trying a verified candidate without each of its hunks (see minimality.ts). */
export interface Minimality {
  /** Hunks of the verified patch, and how many the target tests need (the patch the user gets). */
  hunks: number;
  kept: number;
  /** Targeted runs the check took (at most one per hunk), and its time including the smaller patch's full run. */
  targetRuns: number;
  durationMs: number;
  /** How each target test fails without the patch (from the baseline). */
  targetsFailWithout: { id: string; on: 'assertion' | 'load error' | 'exception' }[];
  /** The verified patch before hunks were dropped (set only when some were). */
  originalDiff?: string;
  /** Why hunks that looked unneeded were kept after all. */
  note?: string;
  /** The verdict in one line, as the CLI, panel and trace show it ("minimal: each of 2 hunks is needed; …"). */
  summary: string;
}

/** A critique written after a round: what was tried, what the evidence proves, what to try next. */
export interface Reflection {
  round: number;
  author: 'model' | 'builtin';
  model?: string;
  text: string;
  /** The candidate the critique is mostly about (the closest one). */
  candidateId?: string;
  durationMs: number;
  usage?: TokenUsage;
}

export interface Round {
  index: number;
  candidates: Candidate[];
  reflection?: Reflection;
  bestCandidateId?: string;
  calls: ModelCall[];
  tokens: TokenUsage;
  durationMs: number;
}

export type RunStatus = 'verified' | 'improved' | 'no-fix' | 'nothing-to-fix' | 'cancelled' | 'error';

export interface RunResult {
  status: RunStatus;
  /** One sentence a person can read: why the run stopped. */
  stopReason: string;
  best?: Candidate;
  /** Unified diff of the best candidate ('' when none). */
  patch: string;
  files: string[];
  tokens: TokenUsage;
  durationMs: number;
  error?: string;
  /**
   * Paths in the user's folder that changed during the run although Reflect wrote none of them (tests or
   * candidate code reaching the real folder, or another program); absent when nothing changed or unchecked.
   */
  outsideChanges?: string[];
  /**
   * What a verified fix teaches (lessons on): not stored by the loop; the front end stores it once the fix is
   * applied (`reflect fix --apply`, the tools' `apply`, an accepted review).
   */
  lesson?: Lesson;
}

/** A short lesson kept after a verified fix was applied, offered to later runs on the same files or tests. */
export interface Lesson {
  id: string;
  createdAt: string;
  files: string[];
  tests: string[];
  symbols: string[];
  text: string;
}

export const TRACE_VERSION = 1;

/** The whole story of a run, as JSON. Never contains a secret. */
export interface Trace {
  version: typeof TRACE_VERSION;
  id: string;
  startedAt: string;
  workspaceName: string;
  provider: string;
  model?: string;
  criticModel?: string;
  options: LoopOptions;
  targets: TestSelector[];
  baseline?: {
    summary: TestSummary; failing: string[]; flaky: string[]; durationMs: number;
    /** What measured the baseline's coverage and how finely, or why there is none. */
    coverage?: string;
  };
  rounds: Round[];
  result?: RunResult;
}

/** Options of a reflection run: the same object from VS Code settings, CLI flags or the benchmark. */
export interface LoopOptions {
  rounds: number;
  candidates: number;
  /** Per test run, in milliseconds. */
  testTimeoutMs: number;
  /**
   * A candidate's test run is cut off at this many times the longest finished run of the project (at least
   * 2 s, at most `testTimeoutMs`), so a mutation that loops forever costs seconds, not the whole limit. 0 = off.
   */
  candidateTimeoutFactor: number;
  allowTestEdits: boolean;
  /** Stop when prompt + completion tokens exceed this (0 = no limit). */
  maxTokens: number;
  /** Tokens of code context in an actor prompt (default 6000). */
  contextTokens?: number;
  /**
   * Measure which lines the baseline run's tests execute (where the framework can) and rank suspicious code by it
   * (Ochiai), for both engines. Default true; false runs the baseline exactly as `reflect test` does.
   */
  coverage?: boolean;
  /** Stop when the run has taken longer (0 = no limit). */
  maxDurationMs: number;
  /**
   * Extra tries for a failing test before it counts as failing. 'auto': one re-run, only of failures that look
   * non-deterministic (timing, network, randomness), since re-running every assertion failure doubles a run's cost.
   */
  flakyRetries: number | 'auto';
  /** How many candidates are tested at once. */
  concurrency: number;
  /** A person's hint for the next round's prompt. */
  hint?: string;
  /** Restrict the run to these tests (default: every failing test of the baseline). */
  only?: TestSelector[];
}

export const DEFAULT_LOOP_OPTIONS: LoopOptions = {
  rounds: 3,
  candidates: 3,
  testTimeoutMs: 120_000,
  candidateTimeoutFactor: 5,
  allowTestEdits: false,
  maxTokens: 0,
  maxDurationMs: 0,
  flakyRetries: 'auto',
  concurrency: 2,
};

/** Everything the loop tells the outside world, in order. Front ends render these; the trace records them. */
export type LoopEvent =
  | { type: 'run-start'; runId: string; startedAt: string; provider: string; options: LoopOptions }
  | { type: 'baseline-start' }
  | { type: 'baseline'; report: TestReport; failing: string[]; flaky: string[] }
  | { type: 'round-start'; round: number }
  | { type: 'model-delta'; round: number; role: ModelRole; callId: string; text: string; completionTokens: number }
  | { type: 'model-call'; round: number; call: ModelCall }
  | { type: 'candidate'; round: number; candidate: Candidate }
  | { type: 'candidate-result'; round: number; candidate: Candidate }
  | { type: 'reflection'; round: number; reflection: Reflection }
  | { type: 'round-end'; round: Round }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'run-end'; result: RunResult; trace: Trace };
