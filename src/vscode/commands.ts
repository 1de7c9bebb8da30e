/**
 * The services behind every command, created on the first command (not at activation): the run log, the run
 * controller, the inline review. `run` dispatches a command id with its arguments to its handler
 * (`commandHandlers.ts`), after the one trust check the command table (`commandIds.ts`) asks for.
 */
import * as vscode from 'vscode';
import { createCommandHandlers } from './commandHandlers';
import { COMMANDS, isCommandId } from './commandIds';
import { exportTrace } from './exportTrace';
import type { InlineReview } from './inlineReview';
import { createInlineReview } from './inlineReview';
import type { LmTools } from './lmTools';
import { createLmTools } from './lmTools';
import type { RunLog } from './outputChannel';
import { createRunLog } from './outputChannel';
import type { RunController, RunOutcome } from './runController';
import { createRunController } from './runController';
import { registerCandidateVersions } from './compareCandidates';
import type { RunStatusItem } from './statusBar';
import type { TestResultsView } from './testResultsView';
import { createTestResultsView } from './testResultsView';
import type { TracePanel } from './tracePanel';
import { trustedOrRefused } from './trust';

export interface Services {
  run(id: string, args: unknown[]): Promise<unknown>;
  stop(runId?: string): Promise<void>;
  review(runId: string | undefined, candidateId?: string): Promise<boolean>;
  reject(runId: string): void;
  retry(runId: string, hint: string): Promise<RunOutcome>;
  exportTrace(runId?: string, format?: 'markdown' | 'json', target?: vscode.Uri): Promise<vscode.Uri | undefined>;
  readonly runs: RunController;
  readonly panel: TracePanel;
  readonly inlineReview: InlineReview;
  readonly log: RunLog;
  /** The language-model tools' implementations (registered at activation as proxies). */
  readonly lmTools: LmTools;
  /** Reflect's runs in the Testing view. */
  readonly testResults: TestResultsView;
}

export function createServices(context: vscode.ExtensionContext, panel: TracePanel, status: RunStatusItem): Services {
  const log = createRunLog(context.subscriptions);
  // Every baseline and tested candidate also appears in the Testing view.
  const testResults = createTestResultsView(context.subscriptions);
  const runs = createRunController({ context, panel, status, log, testResults });
  const inlineReview = createInlineReview(context.subscriptions, log, (runId, candidateId) => runs.keepLesson(runId, candidateId));
  registerCandidateVersions(context.subscriptions, runs);

  async function review(runId: string | undefined, candidateId?: string): Promise<boolean> {
    const rec = runs.get(runId);
    const candidate = candidateId ? rec?.candidates.get(candidateId) : rec?.result?.best;
    if (!rec || !candidate) {
      void vscode.window.showInformationMessage(rec || !runId
        ? 'Reflect has no candidate to review yet: run "Reflect: Fix Failing Tests" first.'
        : 'Reflect no longer has the files of this run (they are kept until the window reloads): run it again to review a fix.');
      return false;
    }
    // Why a hunk exists: the candidate's own rationale, else the critique that preceded its round, else its round's.
    const why = candidate.rationale
      ?? rec.reflections.find((r) => r.round === candidate.round - 1)?.text
      ?? rec.reflections.find((r) => r.round === candidate.round)?.text ?? candidate.summary;
    await inlineReview.open(rec.id, candidate, rec.request.folder.uri.fsPath, why);
    return true;
  }

  const handlers = createCommandHandlers({ context, panel, runs, inlineReview, log, review });

  async function run(id: string, args: unknown[]): Promise<unknown> {
    if (!isCommandId(id)) throw new Error(`Reflect: unknown command ${id}`);
    // Refuse before asking anything (an instruction, tests to pick) when nothing may run anyway.
    if (COMMANDS[id].needsTrust && !trustedOrRefused(log, id)) return { status: 'refused' } satisfies RunOutcome;
    return handlers[id](args);
  }

  return {
    run, review, runs, panel, inlineReview, log,
    lmTools: createLmTools(context.secrets, log),
    testResults,
    stop: (runId) => runs.stop(runId),
    reject(runId) {
      inlineReview.closeRun(runId);
      log.info(`run ${runId}: result rejected, no file changed`);
    },
    async retry(runId, hint) {
      const rec = runs.get(runId);
      if (!rec) return { status: 'setup-error' };
      return runs.start({ ...rec.request, hint: hint || rec.request.hint });
    },
    exportTrace: (runId, format, target) => exportTrace(runs, log, runId, format, target),
  };
}
