/**
 * `reflect verify`: a gate for agent hooks and CI. Compares the working tree with a git base and prints a one-line
 * verdict (or, with --json, the evidence). Exit codes follow the hook protocol of Claude Code and VS Code: 0 lets
 * the agent go on, 2 blocks it with stderr as the reason; 1 means the check itself could not run (a non-blocking
 * error for a hook, so a broken setup never traps an agent), 130 interrupted.
 */
import * as fs from 'fs';
import * as path from 'path';
import { verifyText } from '../node/agentTools';
import { verifyWorkingTree } from '../node/verifyChange';
import { CliUsageError, parseFlags, parseSeconds } from './args';
import { checkEditFromHook } from './checkEdit';
import { onStopSignals } from './stopSignals';

export const VERIFY_USAGE = `Usage: reflect verify [options]

Checks the change in the working tree against a git base: the tests that failed at the base pass now, no test
that passed at the base fails (or is skipped, or is missing), and the test setup is untouched. Both sides run in
scratch copies; your files are never written.

Options:
  --cwd DIR          project folder (default: the current folder)
  --base REF         git ref to compare with (default: HEAD)
  --command "CMD"    test command (default: detected from the project)
  --test-timeout S   time limit of each side's test run, in seconds (default 120)
  --json             print the verdict and the evidence as JSON on stdout
  --check-edit       hook mode for PreToolUse: read the hook's JSON on stdin and block an edit to the test setup
  -h, --help         show this help

Exit codes: 0 pass, 2 blocked (the reason on stderr), 1 could not verify (not a git repository, no tests …).
`;

/** Runs `reflect verify` with the arguments after `verify`; resolves to the exit code. */
export async function runVerifyCommand(argv: string[]): Promise<number> {
  let values;
  let testTimeoutMs: number;
  try {
    values = parseFlags('verify', argv, {
      cwd: { type: 'string' }, base: { type: 'string' }, command: { type: 'string' }, 'test-timeout': { type: 'string' },
      json: { type: 'boolean' }, 'check-edit': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    });
    testTimeoutMs = values['test-timeout'] === undefined ? 120_000 : parseSeconds('--test-timeout', values['test-timeout']);
  } catch (e) {
    if (!(e instanceof CliUsageError)) throw e;
    // Exit code 1, not 2: for the agent hooks this command serves, 2 means "blocked".
    process.stderr.write(`reflect verify: ${e.message}\n`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(VERIFY_USAGE);
    return 0;
  }
  if (values['check-edit']) return checkEditFromHook(await readStdin(), values.cwd);
  const root = path.resolve(values.cwd ?? process.cwd());
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    process.stderr.write(`reflect verify: no such folder: ${root}\n`);
    return 1;
  }
  const controller = new AbortController();
  const stopListening = onStopSignals(() => controller.abort());
  try {
    const result = await verifyWorkingTree({
      root, base: values.base, command: values.command, testTimeoutMs, signal: controller.signal,
      // Progress only for a person at a terminal: a hook reads stderr as the reason, and only the verdict belongs there.
      onProgress: values.json || !process.stderr.isTTY ? undefined : (m) => process.stderr.write(`reflect verify: ${m}\n`),
    });
    if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const [verdict, ...evidence] = verifyText(result).split('\n');
    if (result.verdict === 'block') {
      // The hook protocols show stderr to the agent as the reason it may not stop yet.
      process.stderr.write(`reflect verify: ${verdict}\n`);
      return 2;
    }
    if (!values.json) process.stdout.write(`${[verdict, ...evidence].join('\n')}\n`);
    return 0;
  } catch (e) {
    if (controller.signal.aborted) return 130;
    process.stderr.write(`reflect verify: could not verify: ${(e as Error).message}\n`);
    return 1;
  } finally {
    stopListening();
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d) => (text += d));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}
