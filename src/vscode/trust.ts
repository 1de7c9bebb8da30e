import * as vscode from 'vscode';

/** What a Fix command says in Restricted Mode. Exported so tests can assert the exact sentence. */
export const UNTRUSTED_MESSAGE =
  'Reflect runs your test command, which executes code from this workspace; trust this workspace to use it.';

/**
 * True when the workspace is trusted. Otherwise tells the person why nothing will run and offers the trust
 * editor; nothing is started either way, so the caller just returns.
 */
export function ensureTrusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
