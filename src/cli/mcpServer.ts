/**
 * Reflect as an MCP server: `run_tests`, `fix_failing_tests` and `verify_change` on the official TypeScript SDK.
 * Arguments are validated by zod schemas (the SDK answers a bad call with a tool error naming the field); long
 * runs send progress notifications when the caller asks for them, and a cancelled request aborts the run, which
 * kills its test processes. The workspace and the test command are fixed when the server starts.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolContext, ToolOutput, ToolProgress } from '../node/agentTools';
import { GIT_REF_PATTERN, TOOL_INTEGER_BOUNDS as B, workspaceSelectors as selectors } from '../node/toolInput';

/** The tools' names, as listed by `tools/list`. */
export const MCP_TOOL_NAMES = ['run_tests', 'fix_failing_tests', 'verify_change'] as const;

const only = z.array(z.string().min(1).max(1000)).max(50).optional()
  .describe('Only these tests: "FILE" or "FILE::FULL TEST NAME" (suites joined with " > "), paths relative to the workspace');

/** Builds the server (not yet connected to a transport). */
export function createReflectMcpServer(ctx: ToolContext, version: string): McpServer {
  const server = new McpServer({ name: 'reflect', version }, {
    instructions: `Reflect runs the real tests of ${ctx.root} and fixes failing ones round by round, each candidate tested in a scratch copy. Nothing in the workspace is written unless fix_failing_tests is called with apply: true.`,
  });
  server.registerTool('run_tests', {
    title: 'Run the tests',
    description: "Runs the workspace's real tests (node:test, jest, vitest, mocha, pytest or the configured command) and reports every failing test with its message, location and expected/actual values.",
    inputSchema: { only, timeoutSeconds: z.number().int().min(B.timeoutSeconds[0]).max(B.timeoutSeconds[1]).optional().describe('Time limit of the run (default: the server\'s test timeout)') },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async (args, extra) => respond(await (await tools()).runTestsTool(ctx, { only: selectors(args.only), timeoutSeconds: args.timeoutSeconds }, extra.signal, progressOf(extra))));
  server.registerTool('fix_failing_tests', {
    title: 'Fix the failing tests',
    description: 'Fixes the failing tests round by round: proposes candidate changes, runs the real tests on each in a scratch copy, critiques, retries. Returns the status, the verified patch (or the best attempt, marked as not verified), each round\'s critique and the tokens used. Writes nothing unless apply is true, and then only a verified fix.',
    inputSchema: {
      only,
      rounds: z.number().int().min(B.rounds[0]).max(B.rounds[1]).optional().describe('Rounds at most (default 3)'),
      candidates: z.number().int().min(B.candidates[0]).max(B.candidates[1]).optional().describe('Candidates per round (default 3)'),
      hint: z.string().max(2000).optional().describe('A hint for the fixer, e.g. "the bug is in the date parsing"'),
      maxDurationSeconds: z.number().int().min(B.maxDurationSeconds[0]).max(B.maxDurationSeconds[1]).optional().describe('Time budget of the whole run'),
      apply: z.boolean().optional().describe('Write the fix into the workspace once verified (default false: only return the patch)'),
    },
    annotations: { destructiveHint: false, openWorldHint: false },
  }, async (args, extra) => respond(await (await tools()).fixFailingTestsTool(ctx, { ...args, only: selectors(args.only) }, extra.signal, progressOf(extra))));
  server.registerTool('verify_change', {
    title: 'Verify a change',
    description: 'Checks the working tree against a git base (HEAD by default): the tests that failed at the base must pass now, no test that passed may fail, be skipped or disappear, and the test setup (test files, skip/only markers) must be untouched. Returns verdict "pass" or "block" with the reasons and the evidence.',
    inputSchema: { base: z.string().min(1).max(200).regex(GIT_REF_PATTERN, 'a git ref: a branch, tag or commit').refine((ref) => !ref.startsWith('-'), 'a git ref, not an option').optional().describe('Git ref to compare with (default HEAD)') },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async (args, extra) => respond(await (await tools()).verifyChangeTool(ctx, { base: args.base }, extra.signal, progressOf(extra))));
  return server;
}

/**
 * The tools' implementations (and with them the engine), loaded on the first call so that the server answers
 * `initialize` and `tools/list` without compiling them.
 */
const tools = () => import('../node/agentTools');

/** The text for the model plus the same facts as structured content. */
function respond<T extends object>(out: ToolOutput<T>): CallToolResult {
  return { content: [{ type: 'text', text: out.text }], structuredContent: out.data as Record<string, unknown> };
}

interface RequestExtra {
  _meta?: { progressToken?: string | number };
  sendNotification: (n: { method: 'notifications/progress'; params: { progressToken: string | number; progress: number; message?: string } }) => Promise<void>;
}

/** Progress notifications, only when the caller asked for them with a progress token. */
function progressOf(extra: RequestExtra): ToolProgress {
  const token = extra._meta?.progressToken;
  if (token === undefined) return () => undefined;
  return (progress, message) => {
    // A notification that cannot be sent (the client went away) must not fail the run.
    extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message } }).catch(() => undefined);
  };
}
