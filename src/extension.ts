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

/** The services, once a command loaded them (deactivate stops their run). */
let loaded: Promise<Services> | undefined;

/**
 * The host is shutting down: stop a running fix and wait (4 s at most) until its test process trees are killed
 * and its scratch copies removed. Everything else hangs off `context.subscriptions`; the process-exit hooks of
 * src/node (process groups, marked processes, scratch copies) are the net behind this.
 */
export async function deactivate(): Promise<void> {
  if (!loaded) return;
  const services = await loaded;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([services.stop(), new Promise((resolve) => (timer = setTimeout(resolve, 4000)))]);
  clearTimeout(timer);
}
