/**
 * The part every framework shares: a private temp dir for reporter files, the process run (own process group,
 * timeout, abort, capped output, no colour, CI mode), turning reporter events into a report limited to the
 * selected tests, marking what was cut off by the timeout, and re-running failures for flaky detection.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestRunRequest } from '../../core/ports';
import type { CoverageSpectrum, FrameworkId, TestReport, TestResult, TestSelector } from '../../core/types';
import { ambiguityNotes, matchTestName } from '../../core/testSelectors';
import { CappedText, ProcessResult, runProcess } from '../processTree';
import { EventOutcome, FILE_ERROR_NAME, isSelected, normalise, summarise } from './reporterEvents';
import { runScriptSteps, selectBuiltFiles, sourceOfBuilt } from './scriptSteps';
import { WorkspacePaths } from './stackFrames';
import type { TestScript } from './testScript';

/** What one run of a framework needs to know. */
export interface RunContext {
  /** Absolute directory the tests run in (the workspace or a scratch copy of it). */
  root: string;
  only?: TestSelector[];
  /** A temp dir of ours, outside the workspace, removed after the run. */
  tmpDir: string;
  /** Where our reporter appends its events (see reporterEvents.ts). */
  eventsFile: string;
  timeoutMs: number;
  /** What the project's test script adds around the framework (env, node's flags and paths). */
  script?: TestScript;
  /**
   * Set when the request asked for coverage and the adapter measures it: an empty folder of ours (inside tmpDir)
   * for the coverage files. The adapter's prepare adds what its framework needs to write them there.
   */
  coverageDir?: string;
}

/** A process to start. `display` is the command as a person would type it. */
export interface Invocation {
  command: string;
  args: string[];
  env?: Record<string, string>;
  shell?: boolean;
  display: string;
}

/** How to drive one framework. */
export interface FrameworkAdapter {
  readonly framework: FrameworkId;
  /** Builds the command line (writes reporter modules into ctx.tmpDir). May throw TestSetupError. */
  prepare(ctx: RunContext): Invocation;
  /** A second attempt when the first could not start the framework (e.g. a Python without pytest). */
  fallback?(ctx: RunContext, first: ProcessResult): Invocation | undefined;
  /** What the run produced. */
  collect(ctx: RunContext, proc: ProcessResult): EventOutcome;
  /**
   * Reads the coverage the run wrote into ctx.coverageDir as a spectrum over `tests` (the run's results), or a
   * note saying why there is none. Adapters that cannot measure coverage leave this out.
   */
  coverage?(ctx: RunContext, tests: TestResult[]): CoverageSpectrum | { note: string };
}

export const DEFAULT_TIMEOUT_MS = 120_000;
/** Output kept in a report: head and tail of this many bytes each (the process itself keeps 1 MiB each). */
const REPORT_OUTPUT_BYTES = 32 * 1024;

/** Runs the request with `adapter`, including flaky re-runs of failing tests. Never throws for failing tests. */
export async function runWithAdapter(adapter: FrameworkAdapter, request: TestRunRequest, script?: TestScript): Promise<TestReport> {
  const report = await runOnce(adapter, request, request.only, script, true);
  if (request.coverage && !adapter.coverage) report.notes = [...report.notes ?? [], `coverage: not measured for ${adapter.framework} runs`];
  const auto = request.flakyRetries === 'auto';
  const retries = auto ? 1 : (request.flakyRetries as number | undefined) ?? 0;
  let failing = report.tests.filter((t) => t.status === 'failed' && t.name !== FILE_ERROR_NAME && (!auto || looksNonDeterministic(t)));
  for (let i = 0; i < retries && failing.length > 0 && !request.signal?.aborted; i++) {
    request.onProgress?.(`re-running ${failing.length} failing test(s) to check for flakiness (try ${i + 1} of ${retries})`);
    // Nothing changed since the first run: the build steps are not run again.
    const again = await runOnce(adapter, { ...request, onProgress: undefined, coverage: false }, failing.map((t) => ({ file: t.file, name: t.name })), script, false);
    const passedNow = new Set(again.tests.filter((t) => t.status === 'passed').map((t) => t.id));
    for (const t of report.tests) if (passedNow.has(t.id) && t.status === 'failed') t.status = 'flaky';
    failing = failing.filter((t) => !passedNow.has(t.id));
  }
  report.summary = summaryOf(report.tests);
  return report;
}

/** Words in a failure that point at timing, the network, concurrency or randomness rather than at the code's logic. */
const NON_DETERMINISTIC = /\b(?:time[sd]?[ -]?out|ETIMEDOUT|ECONNRESET|ECONNREFUSED|EADDRINUSE|EPIPE|EAI_AGAIN|socket hang up|random|race|deadlock|flak[ey]|intermittent|EBUSY|EMFILE)/i;

/**
 * True when a failure may pass on a second try: its message or the top of its stack speaks of timing, the
 * network, concurrency or randomness. A plain assertion failure on values fails the same way every time.
 */
export function looksNonDeterministic(test: TestResult): boolean {
  const f = test.failure;
  if (!f) return false;
  return NON_DETERMINISTIC.test(f.message) || NON_DETERMINISTIC.test((f.stack ?? '').slice(0, 2000));
}

async function runOnce(adapter: FrameworkAdapter, request: TestRunRequest, only: TestSelector[] | undefined, script: TestScript | undefined, build: boolean): Promise<TestReport> {
  const tmpDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'reflect-run-'));
  const root = path.resolve(request.root);
  const paths = new WorkspacePaths(root);
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = Date.now();
  const stepError = build && script?.before.length ? await runScriptSteps(script.before, root, request, script.env, timeoutMs) : undefined;
  // Selectors may name files absolutely or with "./"; reports use workspace-relative paths. A built project's
  // tests are selected by their sources and run as the built files.
  const selected = only?.map((s) => ({ ...s, file: path.isAbsolute(s.file) ? paths.relativeOrSelf(s.file) : normalise(s.file) }));
  const ctx: RunContext = {
    root, only: script?.before.length ? selectBuiltFiles(root, selected, scriptPaths(script)) : selected, tmpDir,
    eventsFile: path.join(tmpDir, 'events.jsonl'), timeoutMs, ...(script ? { script } : {}),
    ...(request.coverage && adapter.coverage ? { coverageDir: path.join(tmpDir, 'coverage') } : {}),
  };
  if (ctx.coverageDir) fs.mkdirSync(ctx.coverageDir);
  if (stepError) return stepFailure(adapter, stepError, Date.now() - started, tmpDir);
  const progress = request.onProgress ? watchProgress(ctx.eventsFile, adapter.framework, request.onProgress) : undefined;
  try {
    let invocation = adapter.prepare(ctx);
    request.onProgress?.(`running ${invocation.display}`);
    let proc = await start(invocation, ctx, request);
    const second = proc.timedOut || proc.aborted ? undefined : adapter.fallback?.(ctx, proc);
    if (second) {
      invocation = second;
      fs.rmSync(ctx.eventsFile, { force: true });
      proc = await start(invocation, ctx, request);
    }
    const outcome = adapter.collect(ctx, proc);
    // Built test files are reported under their sources (node maps them itself with --enable-source-maps).
    if (script?.before.length) toSources(root, [...outcome.results, ...outcome.unfinished]);
    const tests = outcome.results.filter((t) => isSelected(t, selected));
    if (proc.timedOut) markTimedOut(tests, outcome, selected);
    if (build && script?.after.length) await runScriptSteps(script.after, root, request, script.env, timeoutMs);
    const coverage = ctx.coverageDir && tests.length > 0 && !proc.aborted ? coverageOf(adapter, ctx, tests) : undefined;
    return {
      framework: adapter.framework,
      command: invocation.display,
      exitCode: proc.exitCode,
      // With the build steps: a candidate's time limit is learnt from whole runs.
      durationMs: script?.before.length && build ? Date.now() - started : proc.durationMs,
      timedOut: proc.timedOut,
      summary: summaryOf(tests),
      tests,
      ...errorOf(proc, tests, ctx, invocation),
      ...notesOf([...ambiguityNotes(selected, tests), ...(coverage && 'note' in coverage ? [`coverage: ${coverage.note}`] : [])]),
      ...(coverage && 'entries' in coverage ? { coverage } : {}),
      output: trimOutput(proc.output),
    };
  } finally {
    progress?.stop();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** The adapter's reading of the run's coverage; a note, never an exception, when the files cannot be read. */
function coverageOf(adapter: FrameworkAdapter, ctx: RunContext, tests: TestResult[]): CoverageSpectrum | { note: string } | undefined {
  try {
    return adapter.coverage?.(ctx, tests);
  } catch (error) {
    return { note: `could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** A report for a run whose build step failed: no test ran, the error says which step and why. */
function stepFailure(adapter: FrameworkAdapter, error: string, durationMs: number, tmpDir: string): TestReport {
  fs.rmSync(tmpDir, { recursive: true, force: true });
  return {
    framework: adapter.framework, command: 'npm test (its build steps)', exitCode: null, durationMs, timedOut: false,
    summary: { passed: 0, failed: 0, skipped: 0 }, tests: [], error,
  };
}

/** Paths a script names (node --test dist/test/): where its built test files are. */
function scriptPaths(script: TestScript): string[] {
  return script.args.filter((a) => !a.startsWith('-') && !/^[\w.-]+=/.test(a)).map((a) => a.replace(/\*.*$/, '')).filter(Boolean);
}

/** Built test files reported under their sources (by source map), so ids, selections and edits name sources. */
function toSources(root: string, tests: { file: string; name: string; id?: string }[]): void {
  const cache = new Map<string, string | undefined>();
  for (const t of tests) {
    if (!cache.has(t.file)) cache.set(t.file, sourceOfBuilt(root, t.file));
    const source = cache.get(t.file);
    if (!source) continue;
    t.file = source;
    if (t.id !== undefined) t.id = `${source}::${t.name}`;
  }
}

function start(invocation: Invocation, ctx: RunContext, request: TestRunRequest): Promise<ProcessResult> {
  return runProcess({
    command: invocation.command,
    args: invocation.args,
    shell: invocation.shell,
    cwd: ctx.root,
    // No colour codes in what we parse, no interactive or watch behaviour, our reporter's destination.
    env: { ...process.env, ...request.env, ...ctx.script?.env, ...invocation.env, FORCE_COLOR: '0', NO_COLOR: '1', CI: '1', REFLECT_EVENTS_FILE: ctx.eventsFile },
    timeoutMs: ctx.timeoutMs,
    signal: request.signal,
  });
}

/** Tests cut off by the timeout: the ones that started and never finished, and named targets that never reported. */
function markTimedOut(tests: TestResult[], outcome: EventOutcome, only: TestSelector[] | undefined): void {
  const seen = new Set(tests.map((t) => t.id));
  const add = (file: string, name: string) => {
    const id = `${file}::${name}`;
    if (seen.has(id)) return;
    seen.add(id);
    tests.push({ id, file, name, status: 'timedOut', durationMs: 0 });
  };
  for (const t of outcome.unfinished) if (isSelected(t, only)) add(t.file, t.name);
  for (const s of only ?? []) {
    if (s.name && !tests.some((t) => t.file === s.file && matchTestName(s.name!, t.name) !== undefined)) add(s.file, s.name);
  }
}

function errorOf(proc: ProcessResult, tests: TestResult[], ctx: RunContext, inv: Invocation): { error?: string } {
  if (proc.spawnError) return { error: `${proc.spawnError}; check that it is installed and on PATH` };
  if (proc.aborted) return { error: 'the test run was cancelled' };
  if (tests.length > 0) return {};
  if (proc.timedOut) {
    return { error: `the run hit its time limit (${Math.round(ctx.timeoutMs / 100) / 10} s) before any test reported; raise the time limit (--test-timeout or reflect.testTimeoutSeconds)` };
  }
  if (inv.shell && (proc.exitCode === 127 || proc.exitCode === 126)) {
    return { error: `the test command could not run: ${lastLine(proc.output)}; check --command (or reflect.testCommand)` };
  }
  if (ctx.only && ctx.only.length > 0) {
    return { error: `no test matched ${ctx.only.map((s) => (s.name ? `${s.file}::${s.name}` : s.file)).join(', ')}; check the file path and the test name (as written in the test, or its describe path "A > B > name")` };
  }
  if (proc.exitCode !== 0) return { error: `${inv.display} exited with code ${proc.exitCode} and reported no tests: ${lastLine(proc.output)}` };
  return {};
}

function notesOf(notes: string[]): { notes?: string[] } {
  return notes.length > 0 ? { notes } : {};
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(-1)[0] ?? '(no output)';
}

function summaryOf(tests: TestResult[]): TestReport['summary'] {
  const s = summarise(tests);
  return {
    passed: s.passed, failed: s.failed, skipped: s.skipped,
    ...(s.timedOut ? { timedOut: s.timedOut } : {}),
    ...(s.flaky ? { flaky: s.flaky } : {}),
  };
}

function trimOutput(output: string): string {
  const capped = new CappedText(REPORT_OUTPUT_BYTES);
  capped.push(Buffer.from(output, 'utf8'));
  return capped.text();
}

/** Tells a person how far the run is, from the reporter's events file, once a second. */
function watchProgress(eventsFile: string, framework: FrameworkId, onProgress: (m: string) => void): { stop(): void } {
  let last = '';
  const timer = setInterval(() => {
    let text = '';
    try {
      text = fs.readFileSync(eventsFile, 'utf8');
    } catch {
      return;
    }
    const done = (text.match(/"type": ?"result"/g) ?? []).length;
    const failed = (text.match(/"status": ?"failed"/g) ?? []).length;
    const message = `${framework}: ${done} test result(s) so far${failed ? `, ${failed} failing` : ''}`;
    if (message !== last) onProgress(message);
    last = message;
  }, 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
