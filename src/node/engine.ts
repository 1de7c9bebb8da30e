/**
 * Composition root shared by the CLI, the benchmark and the extension: wires the Node implementations of the
 * ports (test runner, scratch workspaces, source files, tree-sitter, model or built-in proposer, lessons) to the
 * editor-free loop. (Signature fixed; implementation owned by the loop work.)
 */
import type { ChatModel, Critic, Proposer } from '../core/ports';
import type { LoopEvent, LoopOptions, RunResult } from '../core/types';

/** Which engine proposes fixes and writes critiques. */
export type ProviderConfig =
  | { kind: 'builtin' }
  | { kind: 'openai'; baseURL: string; model: string; criticModel?: string; apiKey?: string; requestTimeoutMs?: number }
  /** Any ChatModel (e.g. the VS Code LM API); `critic` defaults to `actor`. */
  | { kind: 'chat'; label: string; actor: ChatModel; critic?: ChatModel }
  /** Hybrid: a quick built-in pass first, its best near-miss handed to the model as evidence. */
  | { kind: 'hybrid'; model: Exclude<ProviderConfig, { kind: 'builtin' } | { kind: 'hybrid' } | { kind: 'custom' }> }
  | { kind: 'custom'; label: string; proposer: Proposer; critic: Critic };

export interface EngineSetup {
  /** Absolute path of the user's workspace folder. */
  root: string;
  /** Test command override (default: detected framework). */
  command?: string;
  /** Unsaved editor buffers: workspace-relative path → text. Tests run against these. */
  overlay?: Map<string, string>;
  provider: ProviderConfig;
  options: LoopOptions;
  /** Where lessons are kept (default: none, lessons off). */
  lessonsFile?: string;
}

/** Runs one reflection session; yields events, returns the result. Never touches files under `root`. */
export async function* runEngine(setup: EngineSetup, signal: AbortSignal): AsyncGenerator<LoopEvent, RunResult> {
  void setup; void signal;
  throw new Error('runEngine: not implemented yet');
}
