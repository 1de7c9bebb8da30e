/**
 * Reflect's tools for the editor's agents (Copilot's agent mode, any chat participant): the same three tools the
 * MCP server offers, behind `vscode.lm.registerTool`. Each asks for confirmation before anything runs
 * (`prepareInvocation`), refuses in Restricted Mode, reads the workspace's Reflect settings (provider, test
 * command, budgets) and returns text parts the agent can use: the summary, the patch, the critique, the evidence.
 */
import * as vscode from 'vscode';
import type { ToolContext, ToolOutput } from '../node/agentTools';
import { fixInput, runTestsInput, ToolInputError, verifyInput } from '../node/toolInput';
import { readSettings } from './config';
import { LM_TOOL_NAMES, LmToolName } from './lmToolNames';
import type { RunLog } from './outputChannel';
import { resolveProvider } from './providers';
import { UNTRUSTED_MESSAGE } from './trust';
import { targetFolder } from './workspaceFiles';

/** What the proxies registered at activation call once the services are loaded. */
export interface LmTools {
  prepare(name: LmToolName, options: vscode.LanguageModelToolInvocationPrepareOptions<unknown>): vscode.PreparedToolInvocation;
  invoke(name: LmToolName, options: vscode.LanguageModelToolInvocationOptions<unknown>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult>;
}

export function createLmTools(secrets: vscode.SecretStorage, log: RunLog): LmTools {
  return {
    prepare(name, options) {
      const folder = targetFolder();
      const where = folder ? folder.name : 'this workspace';
      // In Restricted Mode nothing will run: no confirmation to ask, invoke says why.
      if (!vscode.workspace.isTrusted || !folder) return { invocationMessage: `Reflect: ${TITLES[name]} in ${where}` };
      const command = readSettings(folder.uri).testCommand;
      const runs = `runs the test command of ${where} (${command ? `\`${command}\`` : 'detected from the project'}), which executes code from this workspace`;
      const apply = name === LM_TOOL_NAMES.fix && (options.input as { apply?: unknown } | undefined)?.apply === true;
      return {
        invocationMessage: `Reflect: ${TITLES[name]} in ${where}`,
        confirmationMessages: {
          title: `Reflect: ${TITLES[name]} in ${where}?`,
          message: new vscode.MarkdownString(`Reflect ${runs}${name === LM_TOOL_NAMES.fix
            ? `, testing each candidate fix in a scratch copy. ${apply ? '**A verified fix is then written to your files.**' : 'Your files are not changed: the verified patch is returned.'}`
            : name === LM_TOOL_NAMES.verify ? ', at the git base and in the working tree, each in a scratch copy. Your files are not changed.' : '.'}`),
        },
      };
    },

    async invoke(name, options, token) {
      if (!vscode.workspace.isTrusted) {
        log.warn(`refused the language-model tool ${name}: the workspace is not trusted (Restricted Mode), so no test command runs`);
        throw new Error(UNTRUSTED_MESSAGE);
      }
      const folder = targetFolder();
      if (!folder) throw new Error('Reflect needs a workspace folder: open the project whose tests should run.');
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      try {
        const out = await run(name, options.input, await toolContext(folder, secrets), abort.signal);
        log.info(`language-model tool ${name}: ${out.text.split('\n')[0]}`);
        // The text first (what a model reads), then the same facts as JSON for an agent that parses.
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(out.text), new vscode.LanguageModelTextPart(JSON.stringify(out.data))]);
      } catch (error) {
        if (error instanceof ToolInputError) throw new Error(`Reflect: invalid arguments for ${name}: ${error.message}`);
        throw error;
      } finally {
        cancel.dispose();
      }
    },
  };
}

const TITLES: Record<LmToolName, string> = {
  [LM_TOOL_NAMES.runTests]: 'run the tests',
  [LM_TOOL_NAMES.fix]: 'fix the failing tests',
  [LM_TOOL_NAMES.verify]: 'verify the change',
};

async function run(name: LmToolName, input: unknown, ctx: ToolContext, signal: AbortSignal): Promise<ToolOutput<object>> {
  const tools = await import('../node/agentTools');
  const progress = () => undefined;
  switch (name) {
    case LM_TOOL_NAMES.runTests: return tools.runTestsTool(ctx, runTestsInput(input), signal, progress);
    case LM_TOOL_NAMES.fix: return tools.fixFailingTestsTool(ctx, fixInput(input), signal, progress);
    case LM_TOOL_NAMES.verify: return tools.verifyChangeTool(ctx, verifyInput(input), signal, progress);
  }
}

/** The workspace's Reflect settings as the tools' context; the test command comes from settings, never the model. */
async function toolContext(folder: vscode.WorkspaceFolder, secrets: vscode.SecretStorage): Promise<ToolContext> {
  const settings = readSettings(folder.uri);
  const provider = await resolveProvider(settings.provider, secrets);
  return { root: folder.uri.fsPath, ...(settings.testCommand ? { command: settings.testCommand } : {}), provider: provider.config, options: settings.options };
}
