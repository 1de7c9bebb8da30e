/**
 * The small interfaces the engine depends on. Each has a real implementation in src/node (or src/vscode)
 * and, for unit tests, an in-memory one. Nothing here imports Node built-ins or `vscode`.
 */
import type {
  Candidate, FileChange, Lesson, LoopEvent, ModelRole, Reflection, Round, TestReport, TestResult, TestSelector,
  TokenUsage,
} from './types';

/** Runs a workspace's tests in a given directory (the user's folder or a scratch copy of it). */
export interface TestRunner {
  run(request: TestRunRequest): Promise<TestReport>;
}

export interface TestRunRequest {
  /** Absolute directory to run in. */
  root: string;
  /** Only these tests (default: the whole suite). */
  only?: TestSelector[];
  timeoutMs?: number;
  /**
   * Extra tries for failing tests before they count as failing (flaky detection); default 0 here. 'auto': one
   * re-run of the failures that look non-deterministic.
   */
  flakyRetries?: number | 'auto';
  signal?: AbortSignal;
  /** Extra environment for the test process. */
  env?: Record<string, string>;
  /**
   * Also measure which lines the tests run (TestReport.coverage), where the framework can do it without changing
   * what the tests do; otherwise the report carries a note saying why not. Only the first run measures (not
   * flaky re-runs).
   */
  coverage?: boolean;
  /** Progress for a person: a short line now and then. */
  onProgress?: (message: string) => void;
}

/** Reads the user's workspace as the user sees it (unsaved editor buffers win over the disk). */
export interface SourceFiles {
  /** Workspace-relative path → text, or undefined when there is no such file. */
  read(path: string): Promise<string | undefined>;
  /** Workspace-relative paths of the source and test files (heavy and ignored folders left out). */
  list(): Promise<string[]>;
}

/** An isolated copy of the workspace in which candidates are applied and tested. */
export interface ScratchWorkspace {
  /** Absolute path of the copy's root. */
  readonly root: string;
  /** Writes the candidate's files (workspace-relative paths) into the copy. */
  apply(changes: Pick<FileChange, 'path' | 'after'>[]): Promise<void>;
  /** Puts every file changed since creation back to its original content (fast: no full re-copy). */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

export interface ScratchProvider {
  /** A fresh copy of the workspace with the editor's unsaved buffers overlaid. */
  create(): Promise<ScratchWorkspace>;
}

/** Languages with tree-sitter grammars bundled. */
export type LanguageId = 'javascript' | 'typescript' | 'tsx' | 'python';

/** 0-based row and column, as tree-sitter reports them. */
export interface SyntaxPoint {
  row: number;
  column: number;
}

/** The part of a tree-sitter node the engine uses (web-tree-sitter's `Node` satisfies it structurally). */
export interface SyntaxNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: SyntaxPoint;
  readonly endPosition: SyntaxPoint;
  readonly isNamed: boolean;
  readonly isMissing: boolean;
  readonly hasError: boolean;
  readonly parent: SyntaxNode | null;
  readonly children: ReadonlyArray<SyntaxNode | null>;
  readonly namedChildren: ReadonlyArray<SyntaxNode | null>;
  childForFieldName(fieldName: string): SyntaxNode | null;
}

/** Parses source text with tree-sitter. The tree lives only during `use` (WASM memory is freed after). */
export interface SyntaxParser {
  languageOf(path: string): LanguageId | undefined;
  parse<T>(language: LanguageId, text: string, use: (root: SyntaxNode) => T): Promise<T>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** On an assistant message: the tools it called (OpenAI tool calling). */
  toolCalls?: ToolCall[];
  /** On a tool message: the call it answers. */
  toolCallId?: string;
}

/** A tool call as the model sent it (`arguments` is the raw JSON text, untrusted). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A tool offered to the model, as the OpenAI protocol describes it (JSON Schema parameters). */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  role: ModelRole;
  /** Overrides the provider's default model (e.g. the critic's model). */
  model?: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /** Called with each streamed piece of text. */
  onDelta?: (text: string) => void;
  /** Read-only tools the model may call instead of answering (a model without tool support ignores them). */
  tools?: ToolSpec[];
}

export interface ChatResult {
  text: string;
  /** The tools the model called (when the request offered tools). */
  toolCalls?: ToolCall[];
  model: string;
  usage: TokenUsage;
  durationMs: number;
}

/** A chat-completions language model (OpenAI-compatible server, VS Code LM API, or a test double server). */
export interface ChatModel {
  readonly name: string;
  /** Throws `ModelError` with a message a person can act on. */
  complete(request: ChatRequest): Promise<ChatResult>;
}

/** A model failure a person can act on (unreachable server, 401, unknown model, malformed stream). */
export class ModelError extends Error {
  constructor(message: string, readonly kind: 'unreachable' | 'auth' | 'not-found' | 'rate-limit' | 'server' | 'malformed' | 'aborted' | 'other') {
    super(message);
    this.name = 'ModelError';
  }
}

/** What a proposer gets each round. */
export interface ProposalRequest {
  round: number;
  /** How many candidates to propose (a hint: the built-in engine may return more). */
  count: number;
  baseline: TestReport;
  /** The target tests that still fail, with their evidence (from the best candidate so far, or the baseline). */
  failures: TestResult[];
  files: SourceFiles;
  syntax: SyntaxParser;
  /** Recent reflections, oldest first (episodic memory). */
  memory: Reflection[];
  best?: Candidate;
  previousRounds: Round[];
  hint?: string;
  lessons: Lesson[];
  /** Tokens of code context in an actor prompt (the model proposer's default when absent). */
  contextTokens?: number;
  isTestFile(path: string): boolean;
  signal: AbortSignal;
  /** For model-delta, model-call and log events. */
  emit(event: LoopEvent): void;
}

/** One proposed change set. A proposal with `rejectReason` is recorded and shown but never tested. */
export interface Proposal {
  summary: string;
  rationale?: string;
  /** What the model asked to see before answering, and what it got. */
  asked?: string[];
  changes: FileChange[];
  rejectReason?: string;
  source: 'model' | 'builtin' | 'hybrid';
}

export interface Proposer {
  readonly name: string;
  propose(request: ProposalRequest): Promise<Proposal[]>;
}

export interface CritiqueRequest {
  round: number;
  /** This round's candidates, tested or rejected. */
  candidates: Candidate[];
  best?: Candidate;
  baseline: TestReport;
  failures: TestResult[];
  files: SourceFiles;
  memory: Reflection[];
  hint?: string;
  signal: AbortSignal;
  emit(event: LoopEvent): void;
}

/** Writes the reflection of a round, citing the evidence. */
export interface Critic {
  critique(request: CritiqueRequest): Promise<Reflection>;
}

/** Lessons kept across runs (per workspace), only from verified fixes that were applied. */
export interface LessonStore {
  relevant(query: { files: string[]; tests: string[]; symbols: string[] }): Promise<Lesson[]>;
  add(lesson: Lesson): Promise<void>;
  clear(): Promise<void>;
}

/** Time, injectable for deterministic tests. */
export interface Clock {
  now(): number;
}
