import * as assert from 'assert';
import * as vscode from 'vscode';
import { diskText, resetEditors, services, setSetting } from './support';

/**
 * Reflect's language-model tools in the real extension host, called the way an agent calls them
 * (`vscode.lm.invokeTool`). Outside a chat request the workbench asks prepareInvocation's confirmation in a dialog,
 * which VS Code itself confirms while it runs extension tests; the confirmation's text is asserted directly.
 */
const FIXED_LINE = '  return x >= lo && x <= hi;';

function textOf(result: vscode.LanguageModelToolResult): string[] {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : ''));
}

describe('language-model tools (vscode.lm.invokeTool)', () => {
  before(async () => {
    await services();
    await resetEditors();
    await setSetting('provider', 'builtin');
  });

  it('registers the three tools with their schemas', () => {
    const names = vscode.lm.tools.map((t) => t.name).filter((n) => n.startsWith('reflect_')).sort();
    assert.deepStrictEqual(names, ['reflect_fix_failing_tests', 'reflect_run_tests', 'reflect_verify_change']);
    const fix = vscode.lm.tools.find((t) => t.name === 'reflect_fix_failing_tests')!;
    assert.deepStrictEqual(Object.keys((fix.inputSchema as { properties: object }).properties).sort(), ['apply', 'candidates', 'hint', 'maxDurationSeconds', 'only', 'rounds']);
  });

  it('the fix tool asks first, then returns the verified patch for the workspace and writes nothing', async () => {
    const before = diskText('src/range.js');
    const result = await vscode.lm.invokeTool('reflect_fix_failing_tests', { input: { rounds: 2 }, toolInvocationToken: undefined });
    const [text, json] = textOf(result);
    assert.ok(text.startsWith('verified: '), text);
    assert.ok(text.includes(`verified patch:\n--- a/src/range.js\n+++ b/src/range.js`), text);
    assert.ok(text.includes(`+${FIXED_LINE}`), text);
    const data = JSON.parse(json);
    assert.strictEqual(data.status, 'verified');
    assert.strictEqual(data.applied, false);
    assert.deepStrictEqual(data.files, ['src/range.js']);
    assert.strictEqual(diskText('src/range.js'), before, 'the tool wrote nothing');
  });

  it('asks for confirmation before anything runs, saying what will run and whether files change', async () => {
    const { lmTools } = await services();
    const ask = lmTools.prepare('reflect_fix_failing_tests', { input: {} });
    const folder = vscode.workspace.workspaceFolders![0].name;
    assert.strictEqual(ask.confirmationMessages?.title, `Reflect: fix the failing tests in ${folder}?`);
    const message = ask.confirmationMessages!.message as vscode.MarkdownString;
    assert.strictEqual(message.value, `Reflect runs the test command of ${folder} (detected from the project), which executes code from this workspace, testing each candidate fix in a scratch copy. Your files are not changed: the verified patch is returned.`);
    const apply = lmTools.prepare('reflect_fix_failing_tests', { input: { apply: true } });
    assert.match((apply.confirmationMessages!.message as vscode.MarkdownString).value, /\*\*A verified fix is then written to your files\.\*\*$/);
  });

  it('bad arguments from a model are refused with the field named', async () => {
    await assert.rejects(
      Promise.resolve(vscode.lm.invokeTool('reflect_fix_failing_tests', { input: { rounds: 99 }, toolInvocationToken: undefined })),
      /Reflect: invalid arguments for reflect_fix_failing_tests: rounds must be a whole number from 1 to 10/,
    );
  });
});
