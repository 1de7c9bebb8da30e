/**
 * The messages between the extension host and the trace panel's webview, and the plain view-model types they carry.
 * The host owns the state: the view posts `ready`, the host answers with a `snapshot` of the recent runs, then sends
 * incremental `run-start` and `event` messages. Everything here is JSON: it crosses `postMessage` and is persisted in
 * the workspace state so the panel restores after a window reload.
 *
 * The view model is a slimmed copy of the core data: file contents (`FileChange.before/after`), full test reports and
 * the final `Trace` stay in the host, because the panel only shows diffs, summaries and verdicts.
 */
import type {
  Candidate,
  LoopEvent,
  FrameworkId,
  ModelCall,
  ModelRole,
  Reflection,
  RunStatus,
  TestSummary,
  TokenUsage,
} from '../core/types';

// Re-exported so that webview files, which may import only this module, can name the core's data types.
export type {
  Candidate,
  CandidateStatus,
  LoopEvent,
  ModelCall,
  ModelRole,
  Reflection,
  Round,
  RunStatus,
  TestSummary,
  TokenUsage,
} from '../core/types';

/** A candidate as the panel shows it: the core `Candidate` without file contents, with its diff capped. */
export type CandidateView = Omit<Candidate, 'changes'> & {
  /** Workspace-relative paths of the files the candidate changes. */
  files: string[];
  /** Set when `diff` was cut at `DIFF_VIEW_LIMIT` characters. */
  diffTruncated?: boolean;
};

/** One round as the panel shows it. `ended` turns true at the round's `round-end` event. */
export interface RoundView {
  index: number;
  candidates: CandidateView[];
  reflection?: Reflection;
  bestCandidateId?: string;
  calls: ModelCall[];
  tokens: TokenUsage;
  durationMs?: number;
  ended: boolean;
}

/** What a round's end tells the panel: the figures known only once the round is over. */
export type RoundEndView = Pick<RoundView, 'index' | 'bestCandidateId' | 'tokens' | 'durationMs'>;

/** The baseline run, without the per-test details. */
export interface BaselineView {
  framework: FrameworkId;
  command: string;
  summary: TestSummary;
  failing: string[];
  flaky: string[];
  durationMs: number;
  error?: string;
}

/** Text a model is writing right now (from `model-delta` events); dropped when its `model-call` arrives. */
export interface StreamView {
  callId: string;
  round: number;
  role: ModelRole;
  text: string;
  completionTokens: number;
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** A run's status in the panel: `running` until its `run-end` event. */
export type RunViewStatus = 'running' | RunStatus;

/** Everything the panel shows about one run. */
export interface RunView {
  id: string;
  title: string;
  startedAt?: string;
  provider?: string;
  status: RunViewStatus;
  stopReason?: string;
  error?: string;
  baseline?: BaselineView;
  baselineRunning?: boolean;
  rounds: RoundView[];
  /** The candidate marked best: the run result's best once finished, else the best-scoring round best so far. */
  bestCandidateId?: string;
  tokens: TokenUsage;
  durationMs?: number;
  /** The last log lines (bounded). */
  logs: LogLine[];
  /** Live model output; never persisted. */
  streams: StreamView[];
}

/** The result part of a `run-end` event, without the trace. */
export interface RunResultView {
  status: RunStatus;
  stopReason: string;
  bestCandidateId?: string;
  tokens: TokenUsage;
  durationMs: number;
  error?: string;
}

/**
 * A `LoopEvent` as sent to the panel: the same event types and fields, except that candidates, rounds, the
 * baseline and the run result are their slim view forms.
 */
export type PanelEvent =
  /** Events that reach the panel unchanged. */
  | Extract<LoopEvent, { type: 'baseline-start' | 'round-start' | 'model-delta' | 'model-call' | 'reflection' | 'log' }>
  | { type: 'run-start'; runId: string; startedAt: string; provider: string }
  | { type: 'baseline'; baseline: BaselineView }
  | { type: 'candidate' | 'candidate-result'; round: number; candidate: CandidateView }
  /** Only the round's own figures: its candidates, calls and critique reached the panel in their own events. */
  | { type: 'round-end'; round: RoundEndView }
  | { type: 'run-end'; result: RunResultView };

/** Messages from the host to the view. */
export type HostMessage =
  /** The whole state: sent in reply to `ready` (after the view was created, shown again, or reloaded). */
  | { type: 'snapshot'; runs: RunView[]; activeRunId?: string }
  /** A new run began; the view selects it. */
  | { type: 'run-start'; runId: string; title: string }
  | { type: 'event'; runId: string; event: PanelEvent };

/** Messages from the view to the host. Each action names the run it is about. */
export type ViewMessage =
  | { type: 'ready' }
  | { type: 'stop'; runId: string }
  | { type: 'review'; runId: string; candidateId: string }
  /** Compare this candidate with another of the run (the host asks which) in the multi-file diff editor. */
  | { type: 'compare'; runId: string; candidateId: string }
  | { type: 'reject'; runId: string }
  | { type: 'retry'; runId: string; hint: string }
  | { type: 'export'; runId: string; format: 'markdown' | 'json' };

/** How many runs the host keeps and persists. */
export const MAX_RECENT_RUNS = 10;
/** How much of a candidate's diff the panel keeps (characters). */
export const DIFF_VIEW_LIMIT = 40_000;
/** How many log lines a run keeps. */
export const MAX_LOG_LINES = 100;
