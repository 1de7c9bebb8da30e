import * as path from 'path';
import * as vscode from 'vscode';

/** The workspace folder a command acts on: the active editor's, else the first one. */
export function targetFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}

/** Workspace-relative path with '/' (the engine's convention), or undefined when outside `root`. */
export function relativePath(root: string, uri: vscode.Uri): string | undefined {
  if (uri.scheme !== 'file') return undefined;
  const rel = path.relative(root, uri.fsPath);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

/**
 * The unsaved editor buffers under `root`, as the engine's overlay: the tests run against what the person sees,
 * not against the stale disk copy.
 */
export function unsavedOverlay(root: string): Map<string, string> {
  const overlay = new Map<string, string>();
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty) continue;
    const rel = relativePath(root, doc.uri);
    if (rel) overlay.set(rel, doc.getText());
  }
  return overlay;
}
