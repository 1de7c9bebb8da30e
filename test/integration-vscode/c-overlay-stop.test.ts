import * as assert from 'assert';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/vscode/runController';
import { diskText, fileUri, processesMatching, resetEditors, services, setSetting, until } from './support';

const SOURCE = 'src/range.js';

describe('unsaved buffers and Stop', () => {
  afterEach(async () => {
    await setSetting('testCommand', undefined);
    await resetEditors();
  });

  it('runs the tests against the unsaved buffer, not the disk', async () => {
    const uri = fileUri(SOURCE);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    const line = doc.getText().split('\n').findIndex((l) => l.includes('x < hi'));
    edit.replace(uri, doc.lineAt(line).range, '  return x >= lo && x <= hi;');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.strictEqual(doc.isDirty, true);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('reflect.fixFailingTests');
    // The disk still has the bug; the buffer does not: the baseline is green, so there is nothing to fix.
    assert.strictEqual(outcome.status, 'nothing-to-fix', outcome.result?.stopReason);
  });

  it('Stop ends the run, kills the whole test process tree, and leaves files and buffers as they were', async () => {
    await setSetting('testCommand', 'node tools/slow-tests.js');
    const uri = fileUri(SOURCE);
    const disk = diskText(SOURCE);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), '// unsaved work\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const buffer = doc.getText();
    const s = await services();
    const running = vscode.commands.executeCommand<RunOutcome>('reflect.fixFailingTests');
    await until(() => processesMatching('reflect-e2e-slow-grandchild').length > 0, 'the slow test process to start');
    assert.ok(s.runs.currentRunId, 'no run in progress');
    await vscode.commands.executeCommand('reflect.stop');
    const outcome = await running;
    assert.strictEqual(outcome.status, 'cancelled');
    assert.strictEqual(s.runs.currentRunId, undefined);
    // A killed process may take a moment to be reaped; wait, then assert.
    await until(() => processesMatching('reflect-e2e-slow-grandchild').length === 0, 'the killed processes to go', 10_000).catch(() => undefined);
    assert.deepStrictEqual(processesMatching('reflect-e2e-slow-grandchild'), []);
    assert.deepStrictEqual(processesMatching('tools/slow-tests.js'), []);
    assert.strictEqual(diskText(SOURCE), disk);
    assert.strictEqual(doc.getText(), buffer);
    assert.strictEqual(doc.isDirty, true);
  });
});
