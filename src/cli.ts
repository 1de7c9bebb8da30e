/**
 * The `reflect` command line: a small dispatcher. Commands are loaded on demand (`await import`) so that
 * `reflect --help` answers at once without initialising the engine.
 */

const USAGE = `Usage: reflect <command> [options]

Commands:
  test    run the project's real tests and report each test (reflect test --help)
  fix     fix the failing tests round by round in a scratch copy (reflect fix --help)
  verify  check the working tree's change against git HEAD: a gate for agent hooks (reflect verify --help)
  mcp     serve run_tests, fix_failing_tests and verify_change to MCP clients over stdio (reflect mcp --help)
  bench   the repair benchmark: fix every problem of a JSONL suite and count the verified fixes (reflect bench --help)

Options:
  -h, --help     show this help
  --version      show the version
`;

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case '--version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'test':
      return (await import('./cli/testCommand')).runTestCommand(rest);
    case 'fix':
      return (await import('./cli/fixCommand')).runFixCommand(rest);
    case 'verify':
      return (await import('./cli/verifyCommand')).runVerifyCommand(rest);
    case 'mcp':
      return (await import('./cli/mcpCommand')).runMcpCommand(rest);
    case 'bench':
      return (await import('./cli/benchCommand')).runBenchCommand(rest);
    default:
      process.stderr.write(`reflect: unknown command "${command}"; run "reflect --help" for the commands\n`);
      return 2;
  }
}

// Inlined at bundle time would need a define; reading package.json next to dist/ is enough and cheap.
const VERSION = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`reflect: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
