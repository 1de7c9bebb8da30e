/**
 * The services behind every command, created on the first command (not at activation): the run log, the run
 * controller, the inline review. `run` dispatches a command id with its arguments.
 */
import * as vscode from 'vscode';
import { isTestFile } from '../core/testFiles';
import { exportTrace } from './exportTrace';
import { createInlineReview, InlineReview } from './inlineReview';
import { createLmTools, LmTools } from './lmTools';
import { createRunLog, RunLog } from './outputChannel';
import { createRunController, RunController, RunOutcome } from './runController';
import { clearApiKey, promptAndStoreApiKey } from './secrets';
import type { RunStatusItem } from './statusBar';
import { functionAtLine, testAtLine, testItemSelector } from './testSelectors';
import type { TracePanel } from './tracePanel';
import { ensureTrusted } from './trust';
import { relativePath, targetFolder } from './workspaceFiles';

export interface Services {
  run(id: string, args: unknown[]): Promise<unknown>;
  stop(runId?: string): Promise<void>;
  review(runId: string | undefined, candidateId?: string): Promise<boolean>;
  reject(runId: string): void;
  retry(runId: string, hint: string): Promise<RunOutcome>;
  exportTrace(runId?: string, format?: 'markdown' | 'json', target?: vscode.Uri): Promise<vscode.Uri | undefined>;
  readonly runs: RunController;
  readonly inlineReview: InlineReview;
  readonly log: RunLog;
  /** The language-model tools' implementations (registered at activation as proxies). */
  readonly lmTools: LmTools;
}

export function createServices(context: vscode.ExtensionContext, panel: TracePanel, status: RunStatusItem): Services {
  const log = createRunLog(context.subscriptions);
  const runs = createRunController({ context, panel, status, log });
  const inlineReview = createInlineReview(context.subscriptions, log);

  const noFolder = (): RunOutcome => {
    void vscode.window.showErrorMessage('Reflect needs a folder: open the project whose tests you want fixed (File → Open Folder).');
    return { status: 'setup-error' };
  };

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

  async function fixFunction(args: unknown[]): Promise<RunOutcome> {
    const editor = vscode.window.activeTextEditor;
    const folder = targetFolder();
    if (!editor || !folder) return noFolder();
    const fn = functionAtLine(editor.document, editor.selection.active.line);
    const instruction = typeof args[0] === 'string' ? args[0] : await vscode.window.showInputBox({
      title: `Reflect: fix ${fn ? `\`${fn}\`` : 'this function'}`,
      prompt: 'What should it do? (this sentence goes into every round\'s prompt)',
      ignoreFocusOut: true,
    });
    if (!instruction) return { status: 'cancelled' };
    let tests = Array.isArray(args[1]) ? (args[1] as string[]) : undefined;
    if (!tests) {
      const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.{js,jsx,ts,tsx,mjs,cjs,py}'), '**/{node_modules,.git,dist,out,.venv,venv}/**', 2000);
      const items = found.map((u) => relativePath(folder.uri.fsPath, u)).filter((p): p is string => !!p && isTestFile(p)).sort();
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Reflect: the tests the function must satisfy', ignoreFocusOut: true });
      if (!picked?.length) return { status: 'cancelled' };
      tests = picked;
    }
    const rel = relativePath(folder.uri.fsPath, editor.document.uri) ?? editor.document.uri.fsPath;
    const where = `${fn ? `function \`${fn}\`` : 'the code'} in ${rel} (around line ${editor.selection.active.line + 1})`;
    return runs.start({ title: `Fix ${fn ?? 'function'}`, folder, only: tests.map((file) => ({ file })), hint: `Change ${where}: ${instruction}` });
  }

  async function run(id: string, args: unknown[]): Promise<unknown> {
    // Refuse before asking anything (an instruction, tests to pick) when nothing may run anyway.
    if (id.startsWith('reflect.fix') && !ensureTrusted()) {
      log.warn(`refused "${id}": the workspace is not trusted (Restricted Mode), so no test command runs`);
      return { status: 'refused' } satisfies RunOutcome;
    }
    const folder = targetFolder();
    const editor = vscode.window.activeTextEditor;
    switch (id) {
      case 'reflect.fixFailingTests':
        return folder ? runs.start({ title: `Fix failing tests in ${folder.name}`, folder }) : noFolder();
      case 'reflect.fixFailingTestsInFile': {
        const rel = folder && editor ? relativePath(folder.uri.fsPath, editor.document.uri) : undefined;
        if (!folder || !rel) return noFolder();
        return runs.start({ title: `Fix failing tests in ${rel}`, folder, only: [{ file: rel }] });
      }
      case 'reflect.fixTestAtCursor': {
        const selector = folder && editor ? testAtLine(editor.document, editor.selection.active.line, folder.uri.fsPath) : undefined;
        if (!folder || !selector) {
          void vscode.window.showInformationMessage('Reflect found no test around the cursor: put the cursor inside an it(…)/test(…) block or a def test_… function.');
          return { status: 'setup-error' };
        }
        return runs.start({ title: `Fix ${selector.name}`, folder, only: [selector] });
      }
      case 'reflect.fixFunction':
        return fixFunction(args);
      case 'reflect.fixTestItem': {
        const item = args[0] as vscode.TestItem | undefined;
        const itemFolder = item?.uri ? vscode.workspace.getWorkspaceFolder(item.uri) : undefined;
        const selector = item && itemFolder ? testItemSelector(item, itemFolder.uri.fsPath) : undefined;
        if (!itemFolder || !selector) return noFolder();
        return runs.start({ title: `Fix ${selector.name ?? selector.file}`, folder: itemFolder, only: [selector] });
      }
      case 'reflect.stop': return runs.stop(typeof args[0] === 'string' ? args[0] : undefined);
      case 'reflect.showPanel': return panel.show();
      case 'reflect.setApiKey': {
        const stored = await promptAndStoreApiKey(context.secrets, typeof args[0] === 'string' ? args[0] : undefined);
        if (stored) { log.info('API key stored in secret storage'); void vscode.window.showInformationMessage('Reflect: API key stored in the editor\'s secret storage.'); }
        return stored;
      }
      case 'reflect.clearApiKey':
        await clearApiKey(context.secrets);
        log.info('API key removed from secret storage');
        return true;
      case 'reflect.exportTrace':
        return exportTrace(runs, log, args[0] as string | undefined, args[1] as 'markdown' | 'json' | undefined, args[2] as vscode.Uri | undefined);
      case 'reflect.reviewBest': return review(typeof args[0] === 'string' ? args[0] : undefined, typeof args[1] === 'string' ? args[1] : undefined);
      case 'reflect.acceptHunk': return inlineReview.accept(args, false);
      case 'reflect.acceptAll': return inlineReview.accept(args, true);
      case 'reflect.rejectHunk': return inlineReview.reject(args, false);
      case 'reflect.rejectAll': return inlineReview.reject(args, true);
      case 'reflect.openDiff': return inlineReview.openDiff(args);
      default: throw new Error(`Reflect: unknown command ${id}`);
    }
  }

  return {
    run, review, runs, inlineReview, log,
    lmTools: createLmTools(context.secrets, log),
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
