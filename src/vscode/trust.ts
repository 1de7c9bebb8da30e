import * as vscode from 'vscode';
import type { RunLog } from './outputChannel';

/** What a Fix command (and a language-model tool) says in Restricted Mode. */
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

/**
 * The trust guard: true when `what` may run the workspace's tests; otherwise logs the refusal, tells the person
 * (ensureTrusted) and returns false. The dispatcher calls it for every command the table marks `needsTrust` (before
 * any prompt), and the run controller calls it again on every start, so a run started by other means (the panel's
 * Retry) is refused the same way.
 */
export function trustedOrRefused(log: RunLog, what: string): boolean {
  if (ensureTrusted()) return true;
  log.warn(`refused "${what}": the workspace is not trusted (Restricted Mode), so no test command runs`);
  return false;
}
