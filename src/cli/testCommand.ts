/**
 * `reflect test`: runs the project's real tests with a machine-readable reporter and prints a readable summary
 * (or the report as JSON). Exit codes: 0 every selected test passed, 1 some failed or timed out, 2 usage or
 * configuration error (with one line saying what to do), 130 interrupted.
 */
import * as path from 'path';
import type { TestReport, TestResult, TestSelector } from '../core/types';
import { createTestRunner } from '../node/testRunners/createTestRunner';
import { TestSetupError } from '../node/testRunners/testSetupError';
import { CliUsageError, parseFlags, parseNumber, parseSeconds, parseSelector } from './args';
import { onStopSignals, signalExitCode } from './stopSignals';

export const TEST_USAGE = `Usage: reflect test [options]

Runs the project's tests (node:test, jest, vitest, mocha or pytest, detected; or any command) and reports
each test with its status and, for failures, the file:line of the failing assertion and the message.

Options:
  --cwd DIR            project folder (default: the current folder)
  --command "CMD"      run this test command instead of the detected framework
  --only SPEC          only FILE, or tests in it: "FILE::NAME", the name as written in the test, its describe
                       path "A > B > name", or pytest's Class::test, test[param] or test (its group); repeatable
  --test-timeout S     time limit of the test run in seconds (default 120); the whole process tree is killed
  --retries N          re-run every failing test up to N times before it counts as failing (default: one
                       re-run, only of failures that look non-deterministic: timeouts, network, randomness)
  --json               print the report as JSON on stdout
  -h, --help           show this help

Exit codes: 0 all selected tests passed, 1 some failed or timed out, 2 usage or configuration error.
`;

/** Runs `reflect test` with `argv` (the arguments after "test"); returns the exit code. */
export async function runTestCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseTestArgs>;
  try {
    parsed = parseTestArgs(argv);
  } catch (e) {
    process.stderr.write(`reflect test: ${(e as Error).message}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(TEST_USAGE);
    return 0;
  }
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals = 'SIGINT';
  const stopListening = onStopSignals((sig) => {
    // A second signal exits at once; the exit hooks still kill the test process groups.
    if (controller.signal.aborted) process.exit(signalExitCode(sig));
    stoppedBy = sig;
    controller.abort();
  });
  const progress = createProgress(process.stderr);
  try {
    const runner = await createTestRunner(parsed.root, parsed.command !== undefined ? { command: parsed.command } : {});
    progress.line(`reflect test: ${runner.describe()}`);
    const report = await runner.run({
      root: parsed.root, only: parsed.only.length ? parsed.only : undefined, timeoutMs: parsed.timeoutMs,
      flakyRetries: parsed.retries, signal: controller.signal, onProgress: (m) => progress.update(m),
    });
    progress.stop();
    if (parsed.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (!report.error) process.stdout.write(renderReport(report, parsed.root));
    if (controller.signal.aborted) return signalExitCode(stoppedBy);
    return exitCodeOf(report, parsed.root);
  } catch (e) {
    progress.stop();
    if (e instanceof TestSetupError || e instanceof CliUsageError) {
      process.stderr.write(`reflect test: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    stopListening();
  }
}

interface TestArgs {
  root: string;
  command?: string;
  only: TestSelector[];
  timeoutMs: number;
  retries: number | 'auto';
  json: boolean;
  help: boolean;
}

/** Flags → options (exported for tests). Throws CliUsageError with a message saying what to type. */
export function parseTestArgs(argv: string[]): TestArgs {
  const values = parseFlags('test', argv, {
    cwd: { type: 'string' }, command: { type: 'string' }, only: { type: 'string', multiple: true },
    'test-timeout': { type: 'string' }, retries: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  return {
    root: path.resolve(values.cwd ?? process.cwd()),
    command: values.command,
    only: (values.only ?? []).map(parseSelector),
    timeoutMs: values['test-timeout'] !== undefined ? parseSeconds('--test-timeout', values['test-timeout']) : 120_000,
    retries: values.retries !== undefined ? parseNumber('--retries', values.retries, { integer: true }) : 'auto' as const,
    json: values.json ?? false,
    help: values.help ?? false,
  };
}

/** 0 all selected passed (flaky counts as passed), 1 failures or timeouts, 2 nothing could run (set up wrong). */
export function exitCodeOf(report: TestReport, root: string): number {
  if (report.error) {
    process.stderr.write(`reflect test: ${report.error}\n`);
    return report.timedOut ? 1 : 2;
  }
  if (report.tests.length === 0) {
    process.stderr.write(`reflect test: no tests ran in ${root}; check the test command or the --only selection\n`);
    return 2;
  }
  const bad = report.tests.filter((t) => t.status === 'failed' || t.status === 'timedOut').length;
  return bad > 0 || report.timedOut ? 1 : 0;
}

/** The readable summary: failures first with file:line and message, then the counts. */
export function renderReport(report: TestReport, root: string): string {
  const lines: string[] = [];
  const marks: Record<TestResult['status'], string> = { failed: '✗', timedOut: '⏱', flaky: '~', skipped: '-', passed: '✓' };
  for (const t of report.tests.filter((x) => x.status === 'failed' || x.status === 'timedOut' || x.status === 'flaky')) {
    lines.push(`${marks[t.status]} ${t.file ? `${t.file} › ` : ''}${t.name}${t.status === 'timedOut' ? ' (timed out)' : t.status === 'flaky' ? ' (flaky: passed on a retry)' : ''}`);
    const f = t.failure;
    if (f) {
      const at = f.location ?? f.frames[0];
      const message = f.message.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 3).join(' ');
      lines.push(`    ${at ? `${at.file}:${at.line}: ` : ''}${message}`);
      if (f.expected !== undefined || f.actual !== undefined) lines.push(`    expected ${f.expected ?? '?'}, actual ${f.actual ?? '?'}`);
      const sameAsAt = at && f.frames[0] && at.file === f.frames[0].file && at.line === f.frames[0].line;
      const through = f.frames.slice(sameAsAt ? 1 : 0, 4).map((fr) => `${fr.file}:${fr.line}`);
      if (through.length) lines.push(`    via ${through.join(', ')}`);
    }
  }
  const s = report.summary;
  const counts = [
    `${s.passed} passed`, `${s.failed} failed`,
    ...(s.timedOut ? [`${s.timedOut} timed out`] : []), ...(s.flaky ? [`${s.flaky} flaky`] : []), ...(s.skipped ? [`${s.skipped} skipped`] : []),
  ];
  if (lines.length) lines.push('');
  lines.push(`${counts.join(', ')} in ${(report.durationMs / 1000).toFixed(1)} s${report.timedOut ? ' (the run hit its time limit and was stopped)' : ''}`);
  if (!report.error && report.tests.length > 0 && s.failed === 0 && !s.timedOut) {
    lines.push(`all ${report.tests.length - s.skipped} selected test(s) in ${path.basename(root)} passed`);
  }
  lines.push(`command: ${report.command}`);
  for (const note of report.notes ?? []) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

/** Progress on stderr: an updating spinner line with elapsed time on a terminal, plain lines otherwise. */
function createProgress(stream: NodeJS.WriteStream): { line(m: string): void; update(m: string): void; stop(): void } {
  const started = Date.now();
  const tty = stream.isTTY === true;
  let message = '';
  let frame = 0;
  const spinner = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  const draw = () => {
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    stream.write(`\r\x1b[2K${spinner[frame++ % spinner.length]} ${elapsed}s ${message}`.slice(0, (stream.columns || 100) + 8));
  };
  const timer = tty ? setInterval(draw, 100) : undefined;
  timer?.unref();
  return {
    line(m) {
      if (tty) stream.write('\r\x1b[2K');
      stream.write(`${m}\n`);
    },
    update(m) {
      message = m;
      if (!tty) stream.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${m}\n`);
    },
    stop() {
      if (timer) {
        clearInterval(timer);
        stream.write('\r\x1b[2K');
      }
    },
  };
}
