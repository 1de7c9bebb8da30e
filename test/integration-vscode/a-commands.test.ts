import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, services } from './support';

describe('Reflect in a real extension host: activation and commands', () => {
  it('activates and registers every command the manifest contributes', async () => {
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
    assert.strictEqual(contributed.length, 16);
  });

  it('runs trusted in this pass (Workspace Trust disabled)', () => {
    assert.strictEqual(vscode.workspace.isTrusted, true);
  });
});
