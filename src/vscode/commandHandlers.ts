/**
 * What each command does, one handler per id of the command table (`commandIds.ts`). Arguments arrive untyped from
 * `executeCommand`, menus and keybindings, so each handler reads them through the small parsers below: a wrong
 * type counts as absent (the command then asks, or uses its default) instead of being cast.
 */
import * as vscode from 'vscode';
import { isTestFile } from '../core/testFiles';
import type { CommandId } from './commandIds';
import { compareCandidates } from './compareCandidates';
import { exportTrace } from './exportTrace';
import type { InlineReview } from './inlineReview';
import type { RunLog } from './outputChannel';
import type { RunController, RunOutcome } from './runController';
import { clearApiKey, promptAndStoreApiKey } from './secrets';
import { reflectItemSelector } from './testResultsView';
import { functionAtLine, testAtLine, testItemSelector } from './testSelectors';
import type { TracePanel } from './tracePanel';
import { relativePath, targetFolder } from './workspaceFiles';

/** A command's handler: its arguments as `executeCommand` passed them. */
export type CommandHandler = (args: unknown[]) => unknown;

/** What the handlers work with. */
export interface CommandContext {
  context: vscode.ExtensionContext;
  panel: TracePanel;
  runs: RunController;
  inlineReview: InlineReview;
  log: RunLog;
  review(runId: string | undefined, candidateId?: string): Promise<boolean>;
}

const optString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const optStrings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined;
const optFormat = (v: unknown): 'markdown' | 'json' | undefined => (v === 'markdown' || v === 'json' ? v : undefined);
const optUri = (v: unknown): vscode.Uri | undefined => (v instanceof vscode.Uri ? v : undefined);
const optTestItem = (v: unknown): vscode.TestItem | undefined =>
  v && typeof v === 'object' && 'id' in v && 'label' in v && 'children' in v ? (v as vscode.TestItem) : undefined;

function noFolder(): RunOutcome {
  void vscode.window.showErrorMessage('Reflect needs a folder: open the project whose tests you want fixed (File → Open Folder).');
  return { status: 'setup-error' };
}

/** A run scoped to one test item, of any test extension or of Reflect's own results. */
function fixTestItem(runs: RunController, item: vscode.TestItem | undefined): Promise<RunOutcome> | RunOutcome {
  const itemFolder = item?.uri ? vscode.workspace.getWorkspaceFolder(item.uri) : undefined;
  const selector = item && itemFolder ? reflectItemSelector(item, itemFolder) ?? testItemSelector(item, itemFolder.uri.fsPath) : undefined;
  if (!itemFolder || !selector) return noFolder();
  return runs.start({ title: `Fix ${selector.name ?? selector.file}`, folder: itemFolder, only: [selector] });
}

/** The handler of every command; the type makes the table complete. */
export function createCommandHandlers(c: CommandContext): Record<CommandId, CommandHandler> {
  const { runs, inlineReview, log } = c;
  return {
    'reflect.fixFailingTests': () => {
      const folder = targetFolder();
      return folder ? runs.start({ title: `Fix failing tests in ${folder.name}`, folder }) : noFolder();
    },
    'reflect.fixFailingTestsInFile': () => {
      const folder = targetFolder();
      const editor = vscode.window.activeTextEditor;
      const rel = folder && editor ? relativePath(folder.uri.fsPath, editor.document.uri) : undefined;
      if (!folder || !rel) return noFolder();
      return runs.start({ title: `Fix failing tests in ${rel}`, folder, only: [{ file: rel }] });
    },
    'reflect.fixTestAtCursor': () => fixTestAtCursor(runs),
    'reflect.fixFunction': (args) => fixFunction(runs, optString(args[0]), optStrings(args[1])),
    'reflect.fixTestItem': (args) => fixTestItem(runs, optTestItem(args[0])),
    // From a failure in the test peek (testing/message/context and /content): the argument is { test, message }.
    'reflect.fixTestMessage': (args) => fixTestItem(runs, optTestItem((args[0] as { test?: unknown } | undefined)?.test)),
    'reflect.stop': (args) => runs.stop(optString(args[0])),
    'reflect.showPanel': () => c.panel.show(),
    'reflect.setApiKey': async (args) => {
      const stored = await promptAndStoreApiKey(c.context.secrets, optString(args[0]));
      if (stored) {
        log.info('API key stored in secret storage');
        void vscode.window.showInformationMessage('Reflect: API key stored in the editor\'s secret storage.');
      }
      return stored;
    },
    'reflect.clearApiKey': async () => {
      await clearApiKey(c.context.secrets);
      log.info('API key removed from secret storage');
      return true;
    },
    'reflect.exportTrace': (args) => exportTrace(runs, log, optString(args[0]), optFormat(args[1]), optUri(args[2])),
    'reflect.reviewBest': (args) => c.review(optString(args[0]), optString(args[1])),
    'reflect.compareCandidates': (args) => compareCandidates(runs, optString(args[0]), optString(args[1]), optString(args[2])),
    'reflect.acceptHunk': (args) => inlineReview.accept(args, false),
    'reflect.acceptAll': (args) => inlineReview.accept(args, true),
    'reflect.rejectHunk': (args) => inlineReview.reject(args, false),
    'reflect.rejectAll': (args) => inlineReview.reject(args, true),
    'reflect.openDiff': (args) => inlineReview.openDiff(args),
  };
}

function fixTestAtCursor(runs: RunController): Promise<RunOutcome> | RunOutcome {
  const folder = targetFolder();
  const editor = vscode.window.activeTextEditor;
  const selector = folder && editor ? testAtLine(editor.document, editor.selection.active.line, folder.uri.fsPath) : undefined;
  if (!folder || !selector) {
    void vscode.window.showInformationMessage('Reflect found no test around the cursor: put the cursor inside an it(…)/test(…) block or a def test_… function.');
    return { status: 'setup-error' };
  }
  return runs.start({ title: `Fix ${selector.name}`, folder, only: [selector] });
}

/** Fix This Function…: an instruction (argument or input box) and the tests it must pass (argument or pick). */
async function fixFunction(runs: RunController, givenInstruction?: string, givenTests?: string[]): Promise<RunOutcome> {
  const editor = vscode.window.activeTextEditor;
  const folder = targetFolder();
  if (!editor || !folder) return noFolder();
  const fn = functionAtLine(editor.document, editor.selection.active.line);
  const instruction = givenInstruction ?? await vscode.window.showInputBox({
    title: `Reflect: fix ${fn ? `\`${fn}\`` : 'this function'}`,
    prompt: 'What should it do? (this sentence goes into every round\'s prompt)',
    ignoreFocusOut: true,
  });
  if (!instruction) return { status: 'cancelled' };
  const tests = givenTests ?? await pickTests(folder);
  if (!tests) return { status: 'cancelled' };
  const rel = relativePath(folder.uri.fsPath, editor.document.uri) ?? editor.document.uri.fsPath;
  const where = `${fn ? `function \`${fn}\`` : 'the code'} in ${rel} (around line ${editor.selection.active.line + 1})`;
  return runs.start({ title: `Fix ${fn ?? 'function'}`, folder, only: tests.map((file) => ({ file })), hint: `Change ${where}: ${instruction}` });
}

async function pickTests(folder: vscode.WorkspaceFolder): Promise<string[] | undefined> {
  const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.{js,jsx,ts,tsx,mjs,cjs,py}'), '**/{node_modules,.git,dist,out,.venv,venv}/**', 2000);
  const items = found.map((u) => relativePath(folder.uri.fsPath, u)).filter((p): p is string => !!p && isTestFile(p)).sort();
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Reflect: the tests the function must satisfy', ignoreFocusOut: true });
  return picked?.length ? picked : undefined;
}
