/**
 * `reflect mcp`: serves Reflect's tools over MCP on stdin/stdout until the client closes the stream. The
 * workspace is the folder given with --cwd (or the current folder): the server runs that workspace's test command,
 * so it serves no other folder, and a tool call cannot change the command.
 */
import * as fs from 'fs';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { defaultLessonsFile } from '../node/lessonStore';
import { CliUsageError } from './args';
import { parseFixArgs, providerFromArgs } from './fixCommand';
import { createReflectMcpServer } from './mcpServer';

export const MCP_USAGE = `Usage: reflect mcp [options]

Serves Reflect's tools to any MCP client (Copilot's agent mode, Claude Code, Codex, Cursor …) over stdio:
  run_tests           run the workspace's tests and report each failure
  fix_failing_tests   fix the failing tests round by round (writes nothing unless called with apply: true)
  verify_change       check the working tree against a git base (HEAD by default)

Options:
  --cwd DIR            the workspace the tools work on (default: the current folder); no other folder is served
  --command CMD        test command (default: detected from the project); tool calls cannot change it
  --provider, --model, --base-url, --critic-model, --api-key-env, --rounds, --candidates, --max-seconds,
  --test-timeout, --candidate-timeout-factor, --max-tokens, --allow-test-edits, --no-lessons, --no-coverage
                       as for reflect fix (reflect fix --help); they configure fix_failing_tests
`;

const NOT_FOR_MCP = new Set(['--only', '--apply', '--json', '--trace', '--hint']);

/** Runs the server until the client disconnects, then exits; resolves with 2 at once on a usage error. */
export async function runMcpCommand(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let args: ReturnType<typeof parseFixArgs>;
  let provider: ReturnType<typeof providerFromArgs>;
  try {
    const refused = argv.find((a) => NOT_FOR_MCP.has(a.split('=')[0]));
    if (refused) throw new CliUsageError(`${refused.split('=')[0]} is not an option of reflect mcp: the calling agent passes it per tool call`);
    args = parseFixArgs(argv);
    if (args.help) {
      process.stdout.write(MCP_USAGE);
      return 0;
    }
    provider = providerFromArgs(args, env);
    if (!fs.existsSync(args.cwd) || !fs.statSync(args.cwd).isDirectory()) throw new CliUsageError(`no such folder: ${args.cwd}`);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`reflect mcp: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const server = createReflectMcpServer({
    root: fs.realpathSync(args.cwd), command: args.command, provider, options: args.options,
    ...(args.lessons ? { lessonsFile: defaultLessonsFile(args.cwd, env) } : {}),
  }, version());
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(new StdioServerTransport());
  await closed;
  await server.close();
  // Runs the exit hooks now: test process groups still running are killed and scratch copies removed, rather
  // than a run nobody will read keeping the process alive after its client has gone.
  process.exit(0);
}

function version(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
