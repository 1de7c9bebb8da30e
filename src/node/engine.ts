/**
 * Composition root shared by the CLI, the benchmark and the extension: wires the Node implementations of the
 * ports (test runner, scratch workspaces, source files, tree-sitter, model or built-in proposer, lessons) to the
 * editor-free loop. The one place a run is put together.
 */
import * as os from 'os';
import * as path from 'path';
import { runReflection } from '../core/loop';
import { createModelCritic } from '../core/modelCritic';
import { createModelProposer } from '../core/modelProposer';
import { createHybridProposer } from '../core/hybridProposer';
import type { ChatModel, Critic, LessonStore, Proposer, ScratchProvider, SourceFiles, SyntaxParser, TestRunner } from '../core/ports';
import type { BuiltinBudget } from '../core/builtin/proposer';
import { isTestFile } from '../core/testFiles';
import { redactDeep, urlCredential, withoutUrlCredentials } from '../core/outputSafety';
import { createTrace, newRunId } from '../core/trace';
import { validateChanges } from '../core/validateChanges';
import type { Lesson, LoopEvent, LoopOptions, RunResult } from '../core/types';
import { registerHiddenPath, registerSecret } from './childEnvironment';
import { createLessonStore } from './lessonStore';
import { buildModelContext, criticContext, parseReplyEdits } from '../core/modelInputs';
import { generatedPathChecker } from './generatedPaths';
import { createScratchProvider } from './scratchWorkspace';
import { createSourceFiles } from './sourceFiles';
import { createTestRunner } from './testRunners/createTestRunner';
import { changedSince, snapshotTree, type TreeSnapshot } from './treeCheck';
import { createSyntaxParser } from './treeSitter';

/** A language model that proposes fixes and writes critiques. */
export type ModelProviderConfig =
  | {
    kind: 'openai'; baseURL: string; model: string; criticModel?: string; apiKey?: string; requestTimeoutMs?: number;
    /** Environment variable named in "key refused" messages (default OPENAI_API_KEY). */
    apiKeyEnv?: string;
  }
  /** Any ChatModel (e.g. the VS Code LM API); `critic` defaults to `actor`. */
  | { kind: 'chat'; label: string; actor: ChatModel; critic?: ChatModel };

/** Which engine proposes fixes and writes critiques. */
export type ProviderConfig =
  /** The built-in engine; `budget` (the benchmark's) overrides its candidates and seconds per round. */
  | { kind: 'builtin'; budget?: BuiltinBudget }
  | ModelProviderConfig
  /** Hybrid: a quick built-in pass first, its best near-miss handed to the model as evidence. */
  | { kind: 'hybrid'; model: ModelProviderConfig };

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
  /** Told about waits a person should know of (a server asking to retry later); the text holds no secret. */
  onNotice?: (text: string) => void;
}

/** The proposer and critic of a provider, with what the trace shows about them (never a key). */
interface ProviderParts {
  proposer: Proposer;
  critic: Critic;
  label: string;
  model?: string;
  criticModel?: string;
}

/** Runs one reflection session; yields events, returns the result. Never touches files under `root`. */
export async function* runEngine(setup: EngineSetup, signal: AbortSignal): AsyncGenerator<LoopEvent, RunResult> {
  const root = path.resolve(setup.root);
  const secrets = secretsOf(setup.provider);
  // Test processes never see the key, nor the real project's path (they run in a scratch copy).
  for (const s of secrets) registerSecret(s);
  registerSecret(undefined, keyVariableOf(setup.provider));
  registerHiddenPath(root);
  // Candidates are tested at once only as far as there are cores: beyond that they just slow each other down.
  const options: LoopOptions = { ...setup.options, concurrency: Math.max(1, Math.min(setup.options.concurrency, os.availableParallelism())) };
  let parts: ProviderParts;
  let runner: TestRunner;
  const files = createSourceFiles(root, setup.overlay);
  const syntax = createSyntaxParser();
  // Taken while the first scratch copy is made, and complete before any code runs in one (tests run only in
  // copies); compared when the run ends (metadata only, see treeCheck.ts).
  const snapshot: Promise<TreeSnapshot | undefined> = snapshotTree(root).catch(() => undefined);
  const scratch = copiesAfter(snapshot, createScratchProvider(root, { overlay: setup.overlay }));
  try {
    runner = await createTestRunner(root, { command: setup.command });
    parts = await providerParts(setup.provider, { root, runner, files, syntax, scratch, options, onNotice: setup.onNotice });
  } catch (error) {
    return yield* setupFailure(setup, (error as Error).message);
  }
  let outsideChanges: string[] = [];
  const lessons = setup.lessonsFile ? redactingLessons(createLessonStore(setup.lessonsFile), secrets) : undefined;
  const run = runReflection({
    root,
    runner,
    scratch,
    files,
    syntax,
    proposer: redactingProposer(parts.proposer, secrets),
    critic: redactingCritic(parts.critic, secrets),
    ...(lessons ? { lessons } : {}),
    isTestFile,
    generatedPath: generatedPathChecker(root),
    clock: { now: () => Date.now() },
    providerLabel: parts.label,
    model: parts.model,
    criticModel: parts.criticModel,
    workspaceName: path.basename(root),
    validate: (changes, ctx) => validateChanges(changes, ctx),
  }, options, signal);
  try {
    for (;;) {
      const next = await run.next();
      // A server may echo a key back (in an error or a reply): no event, result or trace keeps it.
      if (next.done) return redactDeep(withOutsideChanges(next.value, outsideChanges), secrets);
      let event = next.value;
      if (event.type === 'run-end') {
        outsideChanges = await checkTree(snapshot);
        if (outsideChanges.length) {
          yield { type: 'log', level: 'error', message: outsideChangesMessage(outsideChanges) };
          const result = withOutsideChanges(event.result, outsideChanges);
          event = { ...event, result, trace: { ...event.trace, result } };
        }
      }
      yield secrets.length ? redactDeep(event, secrets) : event;
    }
  } finally {
    // A consumer that stops early cancels the run (the loop's own cleanup kills its test processes).
    await run.return(undefined as never);
  }
}

/** A provider whose copies are handed out only once `first` settled. */
function copiesAfter(first: Promise<unknown>, provider: ScratchProvider): ScratchProvider {
  return {
    async create() {
      const [ws] = await Promise.all([provider.create(), first]);
      return ws;
    },
  };
}

async function checkTree(snapshot: Promise<TreeSnapshot | undefined>): Promise<string[]> {
  const snap = await snapshot;
  return snap ? changedSince(snap) : [];
}

function withOutsideChanges(result: RunResult, changes: string[]): RunResult {
  return changes.length ? { ...result, outsideChanges: changes } : result;
}

/** Said loudly: the promise is that nothing in the folder changes until the person accepts. */
export function outsideChangesMessage(changes: string[]): string {
  const shown = changes.slice(0, 5).join(', ');
  return `your project folder changed during the run, and Reflect did not write it: ${shown}${changes.length > 5 ? ` and ${changes.length - 5} more` : ''}. ` +
    'If neither you nor another program did, the tests or a candidate reached your folder; check these files (git status).';
}

/**
 * The secrets a run could leak into text: the configured key, the values of the key variables (whatever the
 * provider: a test could print them) and a password in the base URL.
 */
function secretsOf(provider: ProviderConfig): string[] {
  const config = provider.kind === 'hybrid' ? provider.model : provider;
  const found = [process.env.OPENAI_API_KEY, process.env.REFLECT_API_KEY];
  if (config.kind === 'openai') found.push(config.apiKey, process.env[config.apiKeyEnv ?? 'OPENAI_API_KEY'], urlCredential(config.baseURL));
  return found.filter((k): k is string => !!k);
}

function keyVariableOf(provider: ProviderConfig): string | undefined {
  const config = provider.kind === 'hybrid' ? provider.model : provider;
  return config.kind === 'openai' ? config.apiKeyEnv : undefined;
}

/**
 * Stores the lesson of a fix that was just applied (the loop only puts it on the result). Redacted like every lesson
 * written; a store that fails costs the fix nothing: the reason is returned for a warning, never thrown.
 */
export async function storeAppliedLesson(
  setup: Pick<EngineSetup, 'provider' | 'lessonsFile'>, lesson: Lesson | undefined,
): Promise<string | undefined> {
  if (!setup.lessonsFile || !lesson) return undefined;
  try {
    await redactingLessons(createLessonStore(setup.lessonsFile), secretsOf(setup.provider)).add(lesson);
    return undefined;
  } catch (error) {
    return `the lesson could not be saved: ${(error as Error).message}`;
  }
}

/** Lessons are model text: a key echoed into one is neither stored nor sent back to a model later. */
function redactingLessons(store: LessonStore, secrets: string[]): LessonStore {
  return {
    relevant: async (query) => redactDeep(await store.relevant(query), secrets),
    add: (lesson) => store.add(redactDeep(lesson, secrets)),
    clear: () => store.clear(),
  };
}

/** The critique without secrets: it is shown, stored as a lesson and sent to the actor in the next round. */
function redactingCritic(critic: Critic, secrets: string[]): Critic {
  return secrets.length ? { critique: async (request) => redactDeep(await critic.critique(request), secrets) } : critic;
}

/** The proposer's candidates and notes without secrets (a reply may echo one). */
function redactingProposer(proposer: Proposer, secrets: string[]): Proposer {
  return secrets.length ? { name: proposer.name, propose: async (request) => redactDeep(await proposer.propose(request), secrets) } : proposer;
}

/** What the built-in engine needs besides the loop's own ports. */
interface BuiltinEnv {
  root: string;
  runner: TestRunner;
  files: SourceFiles;
  syntax: SyntaxParser;
  scratch: ScratchProvider;
  options: LoopOptions;
  onNotice?: (text: string) => void;
}

async function providerParts(provider: ProviderConfig, env: BuiltinEnv): Promise<ProviderParts> {
  switch (provider.kind) {
    case 'chat':
      return {
        ...modelParts(provider.actor, provider.critic ?? provider.actor, env.syntax),
        label: provider.label, model: provider.actor.name, ...(provider.critic ? { criticModel: provider.critic.name } : {}),
      };
    case 'openai': {
      // Loaded only now, so `reflect --help` and the built-in engine never pay for the SDK.
      const { createOpenAIModel } = await import('./openaiModel');
      const actor = createOpenAIModel({
        baseURL: provider.baseURL, model: provider.model, apiKey: provider.apiKey, apiKeyEnv: provider.apiKeyEnv,
        requestTimeoutMs: provider.requestTimeoutMs, onNotice: env.onNotice,
      });
      const criticModel = provider.criticModel ?? provider.model;
      return {
        proposer: createModelProposer({ actor, model: provider.model, buildContext: buildModelContext, parseEdits: parseReplyEdits }),
        critic: createModelCritic({ critic: actor, model: criticModel, context: criticContext(env.syntax, isTestFile) }),
        label: `openai-compatible (${withoutUrlCredentials(provider.baseURL)})`,
        model: provider.model,
        ...(provider.criticModel ? { criticModel: provider.criticModel } : {}),
      };
    }
    case 'builtin': {
      const { createBuiltinRepair } = await import('./builtinRepair');
      return { ...createBuiltinRepair({ ...builtinRepairEnv(env, 'builtin'), budget: provider.budget }), label: 'builtin' };
    }
    case 'hybrid': {
      const { createBuiltinRepair } = await import('./builtinRepair');
      const builtin = createBuiltinRepair(builtinRepairEnv(env, 'hybrid'));
      const model = await providerParts(provider.model, env);
      return { ...model, proposer: createHybridProposer(builtin.proposer, model.proposer), label: `builtin + ${model.label}` };
    }
  }
}

function builtinRepairEnv(env: BuiltinEnv, source: 'builtin' | 'hybrid') {
  return { concurrency: env.options.concurrency, source };
}

function modelParts(actor: ChatModel, critic: ChatModel, syntax: SyntaxParser): Pick<ProviderParts, 'proposer' | 'critic'> {
  return {
    proposer: createModelProposer({ actor, buildContext: buildModelContext, parseEdits: parseReplyEdits }),
    critic: createModelCritic({ critic, context: criticContext(syntax, isTestFile) }),
  };
}

/** A base URL as shown in traces and messages: user:password@ removed. */
export function withoutCredentials(url: string): string {
  return withoutUrlCredentials(url);
}

/** A run that could not start (no test framework, bad provider): still a run-start and a run-end, status error. */
async function* setupFailure(setup: EngineSetup, message: string): AsyncGenerator<LoopEvent, RunResult> {
  const startedAt = new Date().toISOString();
  const runId = newRunId(Date.now());
  const provider = setup.provider.kind;
  yield { type: 'run-start', runId, startedAt, provider, options: setup.options };
  const result: RunResult = { status: 'error', stopReason: message, patch: '', files: [], tokens: { prompt: 0, completion: 0 }, durationMs: 0, error: message };
  const trace = createTrace({ runId, startedAt, workspaceName: path.basename(setup.root), provider, options: setup.options });
  trace.result = result;
  yield { type: 'run-end', result, trace };
  return result;
}
