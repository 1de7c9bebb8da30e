import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { COMMANDS, COMMAND_IDS } from '../../../src/vscode/commandIds';
import type { RunOutcome } from '../../../src/vscode/runController';
import { UNTRUSTED_MESSAGE } from '../../../src/vscode/trust';
import { fileUri, services } from '../support';

describe('Restricted Mode (Workspace Trust on, folder not trusted)', () => {
  it('the workspace is untrusted and the extension still activates (limited support)', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    await services();
  });

  it('every Fix command refuses and runs nothing', async () => {
    const doc = await vscode.workspace.openTextDocument(fileUri('test/range.test.js'));
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('includes the upper bound'));
    editor.selection = new vscode.Selection(line + 1, 2, line + 1, 2);
    // Every command the table marks as running tests (the six Fix commands), with no arguments: refused before
    // any prompt (Fix This Function… would otherwise ask for an instruction and wait).
    const guarded = COMMAND_IDS.filter((id) => COMMANDS[id].needsTrust);
    assert.deepStrictEqual(guarded, ['reflect.fixFailingTests', 'reflect.fixFailingTestsInFile', 'reflect.fixTestAtCursor', 'reflect.fixFunction', 'reflect.fixTestItem', 'reflect.fixTestMessage']);
    for (const command of guarded) {
      const outcome = await vscode.commands.executeCommand<RunOutcome>(command);
      assert.deepStrictEqual(outcome, { status: 'refused' }, command);
    }
    const s = await services();
    assert.strictEqual(s.runs.currentRunId, undefined);
    assert.strictEqual(s.log.text().match(/refused .*not trusted/g)?.length, guarded.length);
    const marker = process.env.REFLECT_E2E_RUN_MARKER;
    assert.ok(marker, 'run.sh sets REFLECT_E2E_RUN_MARKER for this pass');
    assert.strictEqual(fs.existsSync(marker), false, 'a test process ran');
  });
});

describe('language-model tools in Restricted Mode', () => {
  it('the fix tool refuses with the trust message and runs nothing', async () => {
    await services();
    await assert.rejects(
      Promise.resolve(vscode.lm.invokeTool('reflect_fix_failing_tests', { input: {}, toolInvocationToken: undefined })),
      (e: unknown) => e instanceof Error && e.message.includes(UNTRUSTED_MESSAGE),
    );
    assert.match((await services()).log.text(), /refused the language-model tool reflect_fix_failing_tests: the workspace is not trusted/);
    assert.strictEqual(fs.existsSync(process.env.REFLECT_E2E_RUN_MARKER!), false, 'a test process ran');
  });
});
