/**
 * At activation: Reflect's language-model tools (thin proxies that load the services on the first call) and, where
 * the editor has the API, Reflect's MCP server for the editor's agents. Light on purpose: it is in the activation
 * bundle.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Services } from './commands';
import { LM_TOOL_NAMES } from './lmToolNames';

/** Registers the three tools; each call loads the services (and with them the engine) on first use. */
export function registerLmTools(context: vscode.ExtensionContext, services: () => Promise<Services>): void {
  if (typeof vscode.lm?.registerTool !== 'function') return;
  for (const name of Object.values(LM_TOOL_NAMES)) {
    context.subscriptions.push(vscode.lm.registerTool<unknown>(name, {
      prepareInvocation: async (options) => (await services()).lmTools.prepare(name, options),
      invoke: async (options, token) => (await services()).lmTools.invoke(name, options, token),
    }));
  }
}

/** The parts of the MCP server-definition API (VS Code 1.101+) used here; absent from @types/vscode 1.100. */
interface McpApi {
  registerMcpServerDefinitionProvider(id: string, provider: { provideMcpServerDefinitions(): unknown[] }): vscode.Disposable;
}
type McpStdioServerDefinitionClass = new (label: string, command: string, args: string[], env?: Record<string, string>, version?: string) => unknown;

/**
 * Offers `reflect mcp` for each trusted workspace folder to the editor's agents, where the editor supports
 * `mcpServerDefinitionProviders` (VS Code 1.101+; in 1.100 the API is a proposal an extension may not call).
 * Returns whether it was registered.
 */
export function registerMcpServer(context: vscode.ExtensionContext): boolean {
  const api = vscode.lm as unknown as Partial<McpApi>;
  const Definition = (vscode as unknown as { McpStdioServerDefinition?: McpStdioServerDefinitionClass }).McpStdioServerDefinition;
  if (typeof api.registerMcpServerDefinitionProvider !== 'function' || !Definition) return false;
  const cli = path.join(context.extensionPath, 'dist', 'cli.js');
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  try {
    context.subscriptions.push(api.registerMcpServerDefinitionProvider('reflect.mcp', {
      // The server runs the folder's test command: offered only for trusted folders.
      provideMcpServerDefinitions: () => (vscode.workspace.isTrusted ? vscode.workspace.workspaceFolders ?? [] : [])
        .filter((f) => f.uri.scheme === 'file')
        .map((f) => new Definition(`Reflect (${f.name})`, process.execPath, [cli, 'mcp', '--cwd', f.uri.fsPath], { ELECTRON_RUN_AS_NODE: '1' }, version)),
    }));
    return true;
  } catch {
    // A proposal in this version (the call throws without enabledApiProposals): the tools above still serve.
    return false;
  }
}
