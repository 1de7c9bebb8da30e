/**
 * One reflection run at a time, from a command to its result: checks trust, reads settings, resolves the provider,
 * overlays the unsaved buffers, drives the engine with an AbortSignal (cancelled from the notification, the panel
 * or the status bar), and fans the events out to the panel, the log and the status bar. The user's files are
 * never written here: changes reach them only through an accepted inline review.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Candidate, LoopEvent, Reflection, RunResult, RunStatus, TestSelector, Trace } from '../core/types';
import { MAX_RECENT_RUNS } from '../panel/protocol';
import type { EngineSetup } from '../node/engine';
import { readSettings } from './config';
import { logEvent } from './eventLog';
import type { RunLog } from './outputChannel';
import { ProviderSetupError, resolveProvider } from './providers';
import type { RunStatusItem } from './statusBar';
import type { TestResultsView } from './testResultsView';
import type { TracePanel } from './tracePanel';
import { trustedOrRefused } from './trust';
import { unsavedOverlay } from './workspaceFiles';

/** What a Fix command asks for. */
export interface RunRequest {
  title: string;
  folder: vscode.WorkspaceFolder;
  only?: TestSelector[];
  hint?: string;
}

/** What a Fix command returns (tests await it). `refused`: untrusted workspace; `busy`: a run is in progress. */
export interface RunOutcome {
  status: RunStatus | 'refused' | 'busy' | 'setup-error';
  runId?: string;
  result?: RunResult;
}

/** Everything kept about a run for Review, Retry and Export (for the last MAX_RECENT_RUNS runs, as the panel). */
export interface RunRecord {
  id: string;
  request: RunRequest;
  candidates: Map<string, Candidate>;
  reflections: Reflection[];
  trace?: Trace;
  result?: RunResult;
}

export interface RunController {
  start(request: RunRequest): Promise<RunOutcome>;
  /** Aborts the current run (or `runId` if it is the current one) and waits until it has wound down. */
  stop(runId?: string): Promise<void>;
  get(runId?: string): RunRecord | undefined;
  /**
   * The person accepted hunks of `candidateId` in the inline review: when that is the run's verified fix, its lesson
   * is stored (once per run, on the first accepted hunk). Other candidates teach nothing.
   */
  keepLesson(runId: string, candidateId: string): Promise<void>;
  /** Where this workspace's lessons are kept (undefined without a workspace storage folder: lessons off). */
  readonly lessonsFile: string | undefined;
  /** The run in progress, once its loop has announced its id (its first event). */
  readonly currentRunId: string | undefined;
}

export interface RunControllerDeps {
  context: vscode.ExtensionContext;
  panel: TracePanel;
  status: RunStatusItem;
  log: RunLog;
  /** Where the baseline and each tested candidate also appear as test runs (the Testing view). */
  testResults?: Pick<TestResultsView, 'apply'>;
}

export function createRunController({ context, panel, status, log, testResults }: RunControllerDeps): RunController {
  // The most recent runs, oldest first (a Map keeps insertion order); older ones are dropped, as in the panel.
  const runs = new Map<string, RunRecord>();
  let latest: string | undefined;
  let current: { id?: string; abort: AbortController; done: Promise<unknown> } | undefined;
  // Where each run's lesson goes once its fix is accepted (the provider only to redact its key): kept out of the record.
  const lessonTargets = new WeakMap<RunRecord, Pick<EngineSetup, 'provider' | 'lessonsFile'>>();
  const lessonKept = new WeakSet<RunRecord>();
  const lessonsFile = context.storageUri ? path.join(context.storageUri.fsPath, 'lessons.json') : undefined;
  context.subscriptions.push({ dispose: () => current?.abort.abort() });

  /** The loop announced the run's id (its first event): from here on the run has a record and a place in the panel. */
  function begin(id: string, request: RunRequest): RunRecord {
    const rec: RunRecord = { id, request, candidates: new Map(), reflections: [] };
    runs.set(id, rec);
    for (const old of runs.keys()) if (runs.size > MAX_RECENT_RUNS) runs.delete(old);
    latest = id;
    if (current) current.id = id;
    panel.startRun(id, request.title);
    void panel.show();
    return rec;
  }

  async function execute(request: RunRequest, setup: EngineSetup, abort: AbortController): Promise<{ id?: string; result: RunResult }> {
    let rec: RunRecord | undefined;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reflect: ${request.title}`, cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          const { runEngine } = await import('../node/engine');
          const engine = runEngine(setup, abort.signal);
          for (;;) {
            const next = await engine.next();
            if (next.done) return { id: rec?.id, result: next.value };
            const event = next.value;
            if (event.type === 'run-start') {
              rec = begin(event.runId, request);
              lessonTargets.set(rec, { provider: setup.provider, lessonsFile: setup.lessonsFile });
            }
            if (!rec) continue;
            remember(rec, event);
            panel.applyEvent(rec.id, event);
            testResults?.apply(request.folder, event);
            logEvent(log, event);
            const message = progressText(event, setup.options.rounds);
            if (message) { progress.report({ message }); status.running(message); }
          }
        } finally {
          cancel.dispose();
        }
      },
    );
  }

  return {
    get currentRunId() { return current?.id; },
    lessonsFile,
    get: (runId) => runs.get(runId ?? latest ?? ''),

    async keepLesson(runId, candidateId) {
      const rec = runs.get(runId);
      const target = rec && lessonTargets.get(rec);
      const result = rec?.result;
      if (!rec || !target || lessonKept.has(rec) || result?.status !== 'verified' || result.best?.id !== candidateId) return;
      lessonKept.add(rec);
      const { storeAppliedLesson } = await import('../node/engine');
      const failure = await storeAppliedLesson(target, result.lesson);
      if (failure) log.warn(failure);
      else if (result.lesson && target.lessonsFile) log.info(`run ${runId}: lesson kept (the verified fix was accepted)`);
    },

    async start(request) {
      if (!trustedOrRefused(log, request.title)) return { status: 'refused' };
      if (current) {
        void vscode.window.showWarningMessage('A Reflect run is already in progress. Stop it first (Reflect: Stop), or wait for it to finish.');
        return { status: 'busy', runId: current.id };
      }
      const settings = readSettings(request.folder.uri);
      let provider;
      try {
        provider = await resolveProvider(settings.provider, context.secrets);
      } catch (error) {
        const message = error instanceof ProviderSetupError ? error.message : `Reflect could not set up the model: ${String(error)}`;
        log.error(message);
        void vscode.window.showErrorMessage(message, 'Set API Key', 'Open Settings').then((c) => {
          if (c === 'Set API Key') void vscode.commands.executeCommand('reflect.setApiKey');
          if (c === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'reflect.');
        });
        return { status: 'setup-error' };
      }
      const root = request.folder.uri.fsPath;
      const setup: EngineSetup = {
        root,
        ...(settings.testCommand ? { command: settings.testCommand } : {}),
        overlay: unsavedOverlay(root),
        provider: provider.config,
        options: { ...settings.options, ...(request.hint ? { hint: request.hint } : {}), ...(request.only ? { only: request.only } : {}) },
        ...(lessonsFile ? { lessonsFile } : {}),
        // A server asking to retry later: the wait (capped) is said in the log.
        onNotice: (text) => log.warn(text),
      };
      const abort = new AbortController();
      log.info(`command: ${request.title} in ${root} — provider ${provider.label}${settings.testCommand ? `, test command \`${settings.testCommand}\`` : ''}` +
        `${setup.overlay!.size ? `, ${setup.overlay!.size} unsaved buffer(s) overlaid` : ''}${request.only ? `, only ${request.only.map((s) => s.name ? `${s.file}::${s.name}` : s.file).join(', ')}` : ''}`);
      status.running('starting');
      const done = execute(request, setup, abort);
      current = { abort, done };
      let id: string | undefined;
      let result: RunResult;
      try {
        ({ id, result } = await done);
      } catch (error) {
        // The engine reports failures as results; this is the net for a bug, reported the same way.
        id = current.id;
        const message = error instanceof Error ? error.message : String(error);
        log.error(`run ${id ?? '(not started)'} failed: ${message}`);
        result = { status: 'error', stopReason: `Reflect failed: ${message}`, patch: '', files: [], tokens: { prompt: 0, completion: 0 }, durationMs: 0, error: message };
        void vscode.window.showErrorMessage(`Reflect failed: ${message}. The log (Output → Reflect) has the details.`);
      } finally {
        current = undefined;
      }
      const rec = id ? runs.get(id) : undefined;
      if (rec) rec.result = result;
      status.idle(result.status);
      if (id) announce(id, result);
      return { status: result.status, ...(id ? { runId: id } : {}), result };
    },

    async stop(runId) {
      if (!current || (runId && runId !== current.id)) return;
      log.info(`stop requested for ${current.id ?? 'the run that is starting'}`);
      const { abort, done } = current;
      abort.abort();
      await done.catch(() => undefined);
    },
  };
}

function remember(rec: RunRecord, event: LoopEvent): void {
  if (event.type === 'candidate' || event.type === 'candidate-result') rec.candidates.set(event.candidate.id, event.candidate);
  else if (event.type === 'reflection') rec.reflections.push(event.reflection);
  else if (event.type === 'run-end') { rec.trace = event.trace; rec.result = event.result; }
}

function progressText(event: LoopEvent, rounds: number): string | undefined {
  switch (event.type) {
    case 'baseline-start': return 'running the tests (baseline)';
    case 'baseline': return `baseline: ${event.failing.length} failing`;
    case 'round-start': return `round ${event.round}/${rounds}`;
    case 'candidate-result': return `round ${event.round}/${rounds}: ${event.candidate.id} ${event.candidate.status}`;
    case 'reflection': return `round ${event.round}/${rounds}: critique written`;
    default: return undefined;
  }
}

function announce(runId: string, result: RunResult): void {
  if (result.status === 'verified' || result.status === 'improved') {
    const what = result.status === 'verified' ? 'found a verified fix' : 'found a partial fix';
    void vscode.window.showInformationMessage(`Reflect ${what}: ${result.stopReason}`, 'Review', 'Show Panel').then((c) => {
      if (c === 'Review') void vscode.commands.executeCommand('reflect.reviewBest', runId);
      if (c === 'Show Panel') void vscode.commands.executeCommand('reflect.showPanel');
    });
  } else if (result.status !== 'cancelled') {
    void vscode.window.showInformationMessage(`Reflect: ${result.stopReason}`, 'Show Panel').then((c) => {
      if (c) void vscode.commands.executeCommand('reflect.showPanel');
    });
  }
}
