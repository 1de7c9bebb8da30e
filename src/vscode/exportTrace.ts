import * as path from 'path';
import * as vscode from 'vscode';
import { traceToMarkdown } from '../core/trace';
import type { RunLog } from './outputChannel';
import type { RunController } from './runController';

/**
 * Saves a finished run's trace as Markdown or JSON. Asks for the format and the file unless given (scripted use).
 * Returns the file written, or undefined when there was nothing to export or the person cancelled.
 */
export async function exportTrace(runs: RunController, log: RunLog, runId?: string, format?: 'markdown' | 'json', target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const rec = runs.get(runId);
  if (!rec?.trace) {
    void vscode.window.showInformationMessage('Reflect has no finished run to export yet: the trace is complete when a run ends.');
    return undefined;
  }
  const fmt = format ?? (await vscode.window.showQuickPick(
    [{ label: 'Markdown', value: 'markdown' as const, description: 'for an issue or a pull request' }, { label: 'JSON', value: 'json' as const, description: 'the whole trace, versioned' }],
    { title: 'Reflect: export the trace as' },
  ))?.value;
  if (!fmt) return undefined;
  const name = `reflect-trace-${rec.id}.${fmt === 'markdown' ? 'md' : 'json'}`;
  const uri = target ?? await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(path.join(rec.request.folder.uri.fsPath, name)),
    filters: fmt === 'markdown' ? { Markdown: ['md'] } : { JSON: ['json'] },
  });
  if (!uri) return undefined;
  const text = fmt === 'markdown' ? traceToMarkdown(rec.trace) : `${JSON.stringify(rec.trace, null, 2)}\n`;
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  log.info(`trace of ${rec.id} exported as ${fmt} to ${uri.fsPath}`);
  return uri;
}
