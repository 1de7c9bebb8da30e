import * as vscode from 'vscode';

/** Placeholder until the extension issue wires commands; kept tiny so activation stays cheap. */
export function activate(context: vscode.ExtensionContext): void {
  void context;
}

export function deactivate(): void {}
