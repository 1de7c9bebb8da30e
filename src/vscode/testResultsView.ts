/**
 * Reflect's runs in the Testing view: a test controller of its own publishes the baseline and every tested
 * candidate ("Reflect · round 1 · r1c2 verified") as a test run, test by test: status and duration, a TestMessage
 * with expected/actual as a diff, the failing assertion's location and the stack frames, the failure's text as the
 * test's output. The controller has no run profile: these are results of runs Reflect made in scratch copies, not
 * something to start from the view ("Fix with Reflect" on a failure starts a Reflect run).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Candidate, LoopEvent, SourceLocation, TestResult, TestSelector } from '../core/types';

/** The context value of Reflect's failure messages (menus may match it with `testMessage == reflect.failure`). */
export const FAILURE_MESSAGE_CONTEXT = 'reflect.failure';

export interface TestResultsView {
  /** Publishes what an event of a run in `folder` shows (the baseline, a tested candidate); ignores the rest. */
  apply(folder: vscode.WorkspaceFolder, event: LoopEvent): void;
  readonly controller: vscode.TestController;
}

export function createTestResultsView(subscriptions: vscode.Disposable[]): TestResultsView {
  const controller = vscode.tests.createTestController('reflect.results', 'Reflect');
  subscriptions.push(controller);
  return {
    controller,
    apply(folder, event) {
      if (event.type === 'baseline') {
        publish(controller, folder, 'Reflect · baseline', event.report.tests, event.report.output);
      } else if (event.type === 'candidate-result' && event.candidate.tests?.length) {
        const c = event.candidate;
        publish(controller, folder, `Reflect · round ${c.round} · ${c.id} ${c.status}`, c.tests!, candidateHeader(c));
      }
    },
  };
}

/** One finished test run in the view: every result, then the run's output. */
function publish(controller: vscode.TestController, folder: vscode.WorkspaceFolder, name: string, tests: readonly TestResult[], output?: string): void {
  const run = controller.createTestRun(new vscode.TestRunRequest(), name, false);
  if (output) run.appendOutput(output.replace(/\r?\n/g, '\r\n'));
  for (const t of tests) {
    const item = testItem(controller, folder, t);
    run.started(item);
    if (t.status === 'passed' || t.status === 'flaky') run.passed(item, t.durationMs);
    else if (t.status === 'skipped') run.skipped(item);
    else {
      const message = failureMessage(folder, t);
      if (t.failure) run.appendOutput(`${t.failure.stack ?? t.failure.message}`.replace(/\r?\n/g, '\r\n') + '\r\n', message.location, item);
      if (t.status === 'timedOut') run.errored(item, message, t.durationMs);
      else run.failed(item, message, t.durationMs);
    }
  }
  run.end();
}

/** The failure as the peek shows it: expected/actual as a diff when the assertion gave both, location, frames. */
export function failureMessage(folder: vscode.WorkspaceFolder, t: TestResult): vscode.TestMessage {
  const f = t.failure;
  const text = f?.message || (t.status === 'timedOut' ? 'the test ran out of time' : 'the test failed');
  const message = f?.expected !== undefined && f.actual !== undefined ? vscode.TestMessage.diff(text, f.expected, f.actual) : new vscode.TestMessage(text);
  const at = f?.location ?? f?.frames[0];
  if (at) message.location = new vscode.Location(uriOf(folder, at.file), positionOf(at));
  if (f?.frames.length) message.stackTrace = f.frames.map((fr) => new vscode.TestMessageStackFrame(`${fr.file}:${fr.line}`, uriOf(folder, fr.file), positionOf(fr)));
  message.contextValue = FAILURE_MESSAGE_CONTEXT;
  return message;
}

/**
 * The item of a test, under an item for its file. Ids are the report's (`FILE::FULL NAME`), so the same test is
 * the same item in every run and VS Code shows its history across the baseline and the candidates.
 */
function testItem(controller: vscode.TestController, folder: vscode.WorkspaceFolder, t: TestResult): vscode.TestItem {
  const fileId = `${folder.uri.toString()}#${t.file}`;
  let fileItem = controller.items.get(fileId);
  if (!fileItem) {
    fileItem = controller.createTestItem(fileId, t.file || '(suite)', t.file ? uriOf(folder, t.file) : undefined);
    controller.items.add(fileItem);
  }
  const id = `${folder.uri.toString()}#${t.id}`;
  let item = fileItem.children.get(id);
  if (!item) {
    item = controller.createTestItem(id, t.name, fileItem.uri);
    item.range = definitionRange(fileItem.uri, t.name);
    fileItem.children.add(item);
  }
  return item;
}

/**
 * The selector of one of this view's test items (`<folder uri>#FILE::FULL NAME`), or undefined for another
 * extension's item.
 */
export function reflectItemSelector(item: vscode.TestItem, folder: vscode.WorkspaceFolder): TestSelector | undefined {
  const prefix = `${folder.uri.toString()}#`;
  if (!item.id.startsWith(prefix)) return undefined;
  const id = item.id.slice(prefix.length);
  const at = id.indexOf('::');
  return at < 0 ? { file: id } : { file: id.slice(0, at), name: id.slice(at + 2) };
}

/** The line that declares the test (its last name segment in quotes), so the item links to its source. */
function definitionRange(uri: vscode.Uri | undefined, name: string): vscode.Range | undefined {
  const doc = uri && vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  let text: string | undefined = doc?.getText();
  if (text === undefined && uri?.scheme === 'file') {
    try {
      text = fs.readFileSync(uri.fsPath, 'utf8');
    } catch {
      return undefined;
    }
  }
  const leaf = name.split(' > ').pop() ?? name;
  const line = text?.split(/\r?\n/).findIndex((l) => l.includes(`'${leaf}'`) || l.includes(`"${leaf}"`) || l.includes(`\`${leaf}\``) || l.includes(`def ${leaf}(`));
  return line !== undefined && line >= 0 ? new vscode.Range(line, 0, line, 0) : undefined;
}

function candidateHeader(c: Candidate): string {
  return `${c.id} (${c.status}): ${c.summary}\n${c.rejectReason ? `rejected: ${c.rejectReason}\n` : ''}${c.diff}\n`;
}

function uriOf(folder: vscode.WorkspaceFolder, file: string): vscode.Uri {
  return vscode.Uri.file(path.join(folder.uri.fsPath, file));
}

/** Report locations are 1-based lines (and columns); VS Code positions are 0-based. */
function positionOf(at: SourceLocation): vscode.Position {
  return new vscode.Position(Math.max(0, at.line - 1), Math.max(0, (at.column ?? 1) - 1));
}
