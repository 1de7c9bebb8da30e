import * as vscode from 'vscode';

/** The run's state in the status bar; clicking it stops a run, or shows the panel when idle. */
export interface RunStatusItem {
  idle(lastOutcome?: string): void;
  running(text: string): void;
}

/** Creates the item (cheap: called at activation) and registers its disposable. */
export function createRunStatusItem(subscriptions: vscode.Disposable[]): RunStatusItem {
  const item = vscode.window.createStatusBarItem('reflect.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Reflect';
  subscriptions.push(item);
  const status: RunStatusItem = {
    idle(lastOutcome) {
      item.text = lastOutcome ? `$(beaker) Reflect: ${lastOutcome}` : '$(beaker) Reflect';
      item.tooltip = 'Reflect: show the trace panel';
      item.command = 'reflect.showPanel';
      item.accessibilityInformation = { label: lastOutcome ? `Reflect, last run: ${lastOutcome}` : 'Reflect, idle' };
      item.backgroundColor = undefined;
      void vscode.commands.executeCommand('setContext', 'reflect.running', false);
      item.show();
    },
    running(text) {
      item.text = `$(sync~spin) Reflect: ${text}`;
      item.tooltip = 'Reflect is running: click to stop';
      item.command = 'reflect.stop';
      item.accessibilityInformation = { label: `Reflect running: ${text}. Activate to stop.` };
      void vscode.commands.executeCommand('setContext', 'reflect.running', true);
      item.show();
    },
  };
  status.idle();
  return status;
}
