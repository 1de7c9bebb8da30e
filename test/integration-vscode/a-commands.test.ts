import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CommandId } from '../../src/vscode/commandIds';
import type { Comparison } from '../../src/vscode/compareCandidates';
import { COMMAND_IDS } from '../../src/vscode/commandIds';
import type { RunOutcome, RunRequest } from '../../src/vscode/runController';
import { EXTENSION_ID, diskText, fileUri, resetEditors, services, setSetting, until } from './support';

const SOURCE = 'src/range.js';
const TESTS = 'test/range.test.js';
const BUGGY_LINE = '  return x > lo && x < hi;';
const FIXED_LINE = '  return x >= lo && x <= hi;';

/** Puts the cursor on the first line containing `text` in `rel`, in an editor of its own. */
async function cursorAt(rel: string, text: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fileUri(rel));
  const editor = await vscode.window.showTextDocument(doc);
  const line = doc.getText().split('\n').findIndex((l) => l.includes(text));
  assert.ok(line >= 0, `fixture changed: no "${text}" in ${rel}`);
  editor.selection = new vscode.Selection(line, 2, line, 2);
  return editor;
}

/**
 * Dispatches a Fix command while the test command hangs (tools/slow-tests.js), reads what the run was asked to do
 * while it runs, then stops it through the Stop command: the request the handler built, and the stopped outcome.
 */
async function dispatchAndStop(id: CommandId, ...args: unknown[]): Promise<{ request: RunRequest; outcome: RunOutcome }> {
  const s = await services();
  await setSetting('testCommand', 'node tools/slow-tests.js');
  const running = vscode.commands.executeCommand<RunOutcome>(id, ...args);
  await until(() => s.runs.currentRunId !== undefined, `${id} to start a run`);
  const runId = s.runs.currentRunId!;
  const { request } = s.runs.get(runId)!;
  await vscode.commands.executeCommand('reflect.stop', runId);
  const outcome = await running;
  assert.strictEqual(outcome.runId, runId);
  return { request, outcome };
}

describe('Reflect in a real extension host: activation and commands', () => {
  it('activates and registers exactly the commands of the table, which the manifest contributes', async () => {
    await services();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.strictEqual(ext.isActive, true);
    const manifest = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'package.json'), 'utf8'));
    const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepStrictEqual(contributed.filter((c) => !registered.has(c)), []);
    // And nothing registered under reflect.* that the manifest does not declare (the panel's view focus aside).
    const extra = [...registered].filter((c) => c.startsWith('reflect.') && !contributed.includes(c) && !c.startsWith('reflect.tracePanel'));
    assert.deepStrictEqual(extra, []);
    assert.deepStrictEqual(contributed, COMMAND_IDS);
  });

  it('runs trusted in this pass (Workspace Trust disabled)', () => {
    assert.strictEqual(vscode.workspace.isTrusted, true);
  });
});

describe('every command, dispatched through executeCommand', () => {
  let runId: string;
  let original: string;
  const uri = () => fileUri(SOURCE);

  before(async () => {
    await resetEditors();
    original = diskText(SOURCE);
    assert.ok(original.includes(BUGGY_LINE), 'fixture changed: the buggy line is missing');
  });
  afterEach(async () => {
    await setSetting('testCommand', undefined);
    await resetEditors();
  });

  /** One check per command; the type makes a command without a check a compile error. Run in this order. */
  const checks: Record<CommandId, () => Promise<void>> = {
    'reflect.fixFailingTests': async () => {
      const outcome = await vscode.commands.executeCommand<RunOutcome>('reflect.fixFailingTests');
      assert.strictEqual(outcome.status, 'verified', outcome.result?.stopReason);
      runId = outcome.runId!;
      assert.strictEqual((await services()).runs.get(runId)!.request.title, `Fix failing tests in ${vscode.workspace.workspaceFolders![0].name}`);
    },
    'reflect.reviewBest': async () => {
      assert.strictEqual(await vscode.commands.executeCommand('reflect.reviewBest', runId), true);
      const hunks = (await services()).inlineReview.hunks(uri());
      assert.deepStrictEqual(hunks.map((h) => [h.state, h.oldLines, h.newLines]), [['pending', [BUGGY_LINE], [FIXED_LINE]]]);
    },
    'reflect.compareCandidates': async () => {
      const shown = await vscode.commands.executeCommand<Comparison>('reflect.compareCandidates', runId, 'r1c1', 'r2c1');
      assert.deepStrictEqual([shown.a, shown.b, shown.resources.map(([file]) => file.fsPath)], ['r1c1', 'r2c1', [uri().fsPath]]);
      const [, left, right] = shown.resources[0];
      assert.ok((await vscode.workspace.openTextDocument(left)).getText().includes('  return x >= lo && x < hi;'), 'r1c1\'s version on the left');
      assert.ok((await vscode.workspace.openTextDocument(right)).getText().includes(FIXED_LINE), 'r2c1\'s version on the right');
      assert.strictEqual(vscode.window.tabGroups.activeTabGroup.activeTab?.label, 'Reflect: r1c1 ↔ r2c1 (1 file)', 'the multi-file diff editor is open');
    },
    'reflect.openDiff': async () => {
      await vscode.commands.executeCommand('reflect.reviewBest', runId);
      await vscode.commands.executeCommand('reflect.openDiff', uri());
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      assert.ok(input instanceof vscode.TabInputTextDiff, 'no diff editor opened');
      assert.strictEqual(input.modified.scheme, 'reflect-candidate');
    },
    'reflect.acceptHunk': async () => {
      await vscode.commands.executeCommand('reflect.reviewBest', runId);
      assert.deepStrictEqual(await vscode.commands.executeCommand('reflect.acceptHunk', uri().toString(), 0), { applied: [0], conflicts: [] });
      assert.strictEqual((await vscode.workspace.openTextDocument(uri())).getText(), original.replace(BUGGY_LINE, FIXED_LINE));
    },
    'reflect.acceptAll': async () => {
      await vscode.commands.executeCommand('reflect.reviewBest', runId);
      assert.deepStrictEqual(await vscode.commands.executeCommand('reflect.acceptAll', uri().toString()), { applied: [0], conflicts: [] });
      assert.strictEqual((await vscode.workspace.openTextDocument(uri())).getText(), original.replace(BUGGY_LINE, FIXED_LINE));
    },
    'reflect.rejectHunk': async () => {
      await vscode.commands.executeCommand('reflect.reviewBest', runId);
      await vscode.commands.executeCommand('reflect.rejectHunk', uri().toString(), 0);
      assert.deepStrictEqual((await services()).inlineReview.hunks(uri()), []);
      assert.strictEqual((await vscode.workspace.openTextDocument(uri())).getText(), original);
    },
    'reflect.rejectAll': async () => {
      await vscode.commands.executeCommand('reflect.reviewBest', runId);
      await vscode.commands.executeCommand('reflect.rejectAll', uri().toString());
      assert.deepStrictEqual((await services()).inlineReview.hunks(uri()), []);
      assert.strictEqual((await vscode.workspace.openTextDocument(uri())).getText(), original);
    },
    'reflect.exportTrace': async () => {
      const target = vscode.Uri.file(path.join(os.tmpdir(), `reflect-e2e-commands-${process.pid}.json`));
      const written = await vscode.commands.executeCommand<vscode.Uri>('reflect.exportTrace', runId, 'json', target);
      assert.strictEqual(written?.fsPath, target.fsPath);
      const trace = (await services()).runs.get(runId)!.trace;
      assert.strictEqual(fs.readFileSync(target.fsPath, 'utf8'), `${JSON.stringify(trace, null, 2)}\n`);
      fs.rmSync(target.fsPath);
    },
    'reflect.showPanel': async () => {
      const s = await services();
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await until(() => !s.panel.visible, 'the panel to hide', 10_000);
      await vscode.commands.executeCommand('reflect.showPanel');
      await until(() => s.panel.visible, 'the panel to show', 10_000);
    },
    'reflect.setApiKey': async () => {
      assert.strictEqual(await vscode.commands.executeCommand('reflect.setApiKey', 'sk-reflect-e2e-commands-0000'), true);
      assert.ok((await services()).log.text().includes('API key stored in secret storage'));
    },
    'reflect.clearApiKey': async () => {
      assert.strictEqual(await vscode.commands.executeCommand('reflect.clearApiKey'), true);
      assert.ok((await services()).log.text().includes('API key removed from secret storage'));
    },
    'reflect.stop': async () => {
      const { outcome } = await dispatchAndStop('reflect.fixFailingTests');
      assert.strictEqual(outcome.status, 'cancelled');
      assert.strictEqual((await services()).runs.currentRunId, undefined);
    },
    'reflect.fixFailingTestsInFile': async () => {
      await cursorAt(TESTS, 'includes the lower bound');
      const { request } = await dispatchAndStop('reflect.fixFailingTestsInFile');
      assert.deepStrictEqual([request.title, request.only], [`Fix failing tests in ${TESTS}`, [{ file: TESTS }]]);
    },
    'reflect.fixTestAtCursor': async () => {
      const editor = await cursorAt(TESTS, "test('inRange includes the lower bound'");
      editor.selection = new vscode.Selection(editor.selection.active.line + 1, 2, editor.selection.active.line + 1, 2);
      const { request } = await dispatchAndStop('reflect.fixTestAtCursor');
      assert.deepStrictEqual(request.only, [{ file: TESTS, name: 'inRange includes the lower bound' }]);
    },
    'reflect.fixFunction': async () => {
      await cursorAt(SOURCE, 'out.push(v)');
      const { request } = await dispatchAndStop('reflect.fixFunction', 'Count down when hi is below lo.', [TESTS]);
      assert.deepStrictEqual([request.title, request.only], ['Fix span', [{ file: TESTS }]]);
      assert.ok(request.hint?.startsWith('Change function `span` in src/range.js (around line '), request.hint);
      assert.ok(request.hint?.endsWith(': Count down when hi is below lo.'), request.hint);
    },
    'reflect.fixTestItem': async () => {
      const controller = vscode.tests.createTestController('reflect-e2e-commands', 'Reflect e2e commands');
      try {
        const item = controller.createTestItem('upper', 'inRange includes the upper bound', fileUri(TESTS));
        item.range = new vscode.Range(9, 0, 11, 0);
        controller.items.add(item);
        const { request } = await dispatchAndStop('reflect.fixTestItem', item);
        assert.deepStrictEqual([request.title, request.only], ['Fix inRange includes the upper bound', [{ file: TESTS, name: 'inRange includes the upper bound' }]]);
      } finally {
        controller.dispose();
      }
    },
    'reflect.fixTestMessage': async () => {
      // The first check's run published its baseline in Reflect's own controller: fix from that failure's peek.
      const controller = (await services()).testResults.controller;
      const folder = vscode.workspace.workspaceFolders![0];
      const file = controller.items.get(`${folder.uri.toString()}#${TESTS}`);
      assert.ok(file, 'the baseline is in the Testing view');
      const item = file.children.get(`${folder.uri.toString()}#${TESTS}::inRange includes the upper bound`);
      assert.ok(item, 'the failing test is an item of the run');
      assert.strictEqual(item.range?.start.line, 9, 'the item points at the test\'s declaration');
      const { request } = await dispatchAndStop('reflect.fixTestMessage', { test: item, message: new vscode.TestMessage('x') });
      assert.deepStrictEqual([request.title, request.only], ['Fix inRange includes the upper bound', [{ file: TESTS, name: 'inRange includes the upper bound' }]]);
    },
  };

  for (const [id, check] of Object.entries(checks)) it(id, check);

  it('has checked every command of the table', () => {
    assert.deepStrictEqual(Object.keys(checks).sort(), [...COMMAND_IDS].sort());
  });
});
