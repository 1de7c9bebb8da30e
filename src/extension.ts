import * as vscode from 'vscode';
import { registerLmTools, registerMcpServer } from './vscode/agentRegistration';
import { COMMAND_IDS } from './vscode/commandIds';
import { createRunStatusItem } from './vscode/statusBar';
import { registerTracePanel } from './vscode/tracePanel';
import type { Services } from './vscode/commands';


/** What `activate` returns: the services, loaded on demand (used by the extension's own integration tests). */
export interface ReflectExtensionApi {
  services(): Promise<Services>;
}

/**
 * Activation registers commands, the status item and the panel's view provider, and nothing else: the engine,
 * the review UI and the model clients are bundled but their modules only initialise on the first command.
 */
export function activate(context: vscode.ExtensionContext): ReflectExtensionApi {
  const status = createRunStatusItem(context.subscriptions);
  let loaded: Promise<Services> | undefined;
  const services = () => (loaded ??= import('./vscode/commands').then((m) => m.createServices(context, panel, status)));
  const panel = registerTracePanel(context, {
    stop: (runId) => void services().then((s) => s.stop(runId)),
    review: (runId, candidateId) => void services().then((s) => s.review(runId, candidateId)),
    compare: (runId, candidateId) => void services().then((s) => s.run('reflect.compareCandidates', [runId, candidateId])),
    reject: (runId) => void services().then((s) => s.reject(runId)),
    retry: (runId, hint) => void services().then((s) => s.retry(runId, hint)),
    export: (runId, format) => void services().then((s) => s.exportTrace(runId, format)),
  });
  // Every command of the table, each loading the heavy modules on first use.
  for (const id of COMMAND_IDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => (await services()).run(id, args)));
  }
  registerLmTools(context, services);
  registerMcpServer(context);
  return { services };
}

/** Nothing to do: every disposable (runs, child processes, views) hangs off `context.subscriptions`. */
export function deactivate(): void {}
