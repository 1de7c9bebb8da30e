/** Helpers for tests that run inside the real extension host against the fixture workspace `range`. */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ReflectExtensionApi } from '../../src/extension';
import type { Services } from '../../src/vscode/commands';

export const EXTENSION_ID = 'reflect-dev.reflect';

export async function services(): Promise<Services> {
  const ext = vscode.extensions.getExtension<ReflectExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  return api.services();
}

export function root(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need the fixture folder open');
  return folder.uri.fsPath;
}

export function fileUri(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(root(), rel));
}

export function diskText(rel: string): string {
  return fs.readFileSync(path.join(root(), rel), 'utf8');
}

/**
 * Puts every dirty buffer back to its text on disk and closes the editors, so each test starts from the fixture as
 * checked in. (Replacing the text and saving is deterministic; the revert command depends on editor focus.)
 */
export async function resetEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || doc.uri.scheme !== 'file') continue;
    const disk = fs.readFileSync(doc.uri.fsPath, 'utf8');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), disk);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not reset ${doc.uri.fsPath}`);
    if (!(await doc.save())) throw new Error(`could not save ${doc.uri.fsPath}`);
    if (doc.getText() !== disk) throw new Error(`reset of ${doc.uri.fsPath} did not take`);
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Command lines of live processes whose command line contains `needle` (Linux /proc). */
export function processesMatching(needle: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(needle) && Number(pid) !== process.pid) found.push(`${pid}: ${cmd}`);
    } catch { /* the process ended meanwhile */ }
  }
  return found;
}

export async function until(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('reflect').update(key, value, vscode.ConfigurationTarget.Workspace);
}
