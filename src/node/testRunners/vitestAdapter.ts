/**
 * Vitest: `vitest run` (never watch) with a reporter module of ours passed by path. Vitest collects every file
 * before running it and reports the collected tests, which tells us which test an endless loop blocked even
 * though the blocked worker can no longer report that the test started; when even the collection message was
 * stuck in the worker, the file is scanned for its test names.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { TestResult } from '../../core/types';
import type { ProcessResult } from '../processTree';
import { findPackageFile } from './binaries';
import { istanbulRunSpectrum } from './istanbulCoverage';
import { VITEST_COVERAGE_REPORTER, vitestFileSpectrum } from './vitestCoverage';
import { resultsFromEvents } from './reporterEvents';
import {
  displayCommand, escapeRegex, nodeExecutable, readEvents, REPORTER_PRELUDE, selectedFiles, selectedNames, writeReporter,
} from './reporterShared';
import type { FrameworkAdapter, Invocation, RunContext } from './runWithAdapter';
import { scanUnfinishedFiles } from './testFileScan';
import { TestSetupError } from './testSetupError';

const VITEST_REPORTER = `import { createRequire } from 'module';
const require = createRequire(import.meta.url);
${REPORTER_PRELUDE}
function namesOf(tc) {
  const names = [tc.name];
  for (let p = tc.parent; p && p.type === 'suite'; p = p.parent) names.unshift(p.name);
  return names;
}
function errorOf(e) {
  const out = { message: String((e && e.message) || ''), stack: String((e && e.stack) || '') };
  if (e && (e.expected !== undefined || e.actual !== undefined)) {
    out.expected = typeof e.expected === 'string' ? e.expected : show(e.expected);
    out.actual = typeof e.actual === 'string' ? e.actual : show(e.actual);
  }
  return out;
}
export default class ReflectVitestReporter {
  // Queued is reported by the main process itself, so it arrives even when the file's worker gets stuck.
  onTestModuleQueued(m) { emit({ type: 'fileStart', file: m.moduleId }); }
  onTestModuleCollected(m) { emit({ type: 'collected', file: m.moduleId, tests: [...m.children.allTests()].map(namesOf) }); }
  onTestCaseReady(tc) { emit({ type: 'start', file: tc.module.moduleId, names: namesOf(tc) }); }
  onTestCaseResult(tc) {
    const r = tc.result();
    const status = r.state === 'passed' ? 'passed' : r.state === 'failed' ? 'failed' : 'skipped';
    const d = tc.diagnostic();
    const ev = { type: 'result', file: tc.module.moduleId, names: namesOf(tc), status, durationMs: (d && d.duration) || 0 };
    if (status === 'failed') ev.error = errorOf((r.errors || [])[0]);
    emit(ev);
  }
  onTestModuleEnd(m) {
    emit({ type: 'fileEnd', file: m.moduleId });
    const errors = m.errors();
    if (errors.length > 0) emit({ type: 'fileError', file: m.moduleId, error: errorOf(errors[0]) });
  }
}
`;

/**
 * A test runner class of ours (`--runner`), run inside each worker: vitest sends its task updates from there
 * at most every 100 ms, so a test that loops forever also swallows the reports of the tests just before it.
 * This subclass of vitest's own runner writes each test's start and end synchronously instead.
 */
function vitestRunnerSource(base: RunnerBase): string {
  return `import fs from 'node:fs';
import { ${base.exportName} as VitestTestRunner } from ${JSON.stringify(pathToFileURL(base.module).href)};
const out = process.env.REFLECT_EVENTS_FILE;
function emit(event) { if (out) fs.appendFileSync(out, JSON.stringify(event) + '\\n'); }
function namesOf(test) {
  const names = [test.name];
  for (let s = test.suite; s && !('filepath' in s); s = s.suite) names.unshift(s.name);
  return names;
}
function errorOf(e) {
  const o = { message: String((e && e.message) || ''), stack: String((e && e.stack) || '') };
  if (e && (e.expected !== undefined || e.actual !== undefined)) { o.expected = String(e.expected); o.actual = String(e.actual); }
  return o;
}
export default class ReflectVitestRunner extends VitestTestRunner {
  onBeforeTryTask(test, options) {
    emit({ type: 'start', file: test.file.filepath, names: namesOf(test) });
    return super.onBeforeTryTask(test, options);
  }
  onAfterRunTask(test) {
    const r = test.result || {};
    const status = r.state === 'pass' ? 'passed' : r.state === 'fail' ? 'failed' : 'skipped';
    const event = { type: 'end', file: test.file.filepath, names: namesOf(test), status };
    if (status === 'failed') event.error = errorOf((r.errors || [])[0]);
    emit(event);
    return super.onAfterRunTask(test);
  }
}
`;
}

/** Where a vitest version keeps the runner class ours extends. */
interface RunnerBase {
  module: string;
  exportName: string;
}

/**
 * Vitest 1-4 export their runner as `VitestTestRunner` from dist/runners.js; vitest 5 dropped that entry and
 * exports it as `TestRunner` from its main module. The real path, so the worker and our runner load one copy.
 */
function runnerBase(root: string): RunnerBase | undefined {
  const runners = findPackageFile(root, 'vitest', 'dist/runners.js');
  if (runners) return { module: runners, exportName: 'VitestTestRunner' };
  const index = findPackageFile(root, 'vitest', 'dist/index.js');
  if (index && /\bTestRunner\b/.test(fs.readFileSync(index, 'utf8'))) return { module: fs.realpathSync(index), exportName: 'TestRunner' };
  return undefined;
}

/** A one-line reason when the installed vitest needs a newer Node than the one that would run it. */
function nodeTooOld(root: string): string | undefined {
  const pkgFile = findPackageFile(root, 'vitest', 'package.json');
  if (!pkgFile) return undefined;
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version?: string; engines?: { node?: string } };
  const major = Number(/^(\d+)\./.exec(pkg.version ?? '')?.[1]);
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  // Vitest 5 needs Node 22.12 or later (its engines field); older ones run on every Node we support.
  if (major >= 5 && nodeMajor < 22 && !process.versions.electron) {
    return `vitest ${pkg.version} needs Node ${pkg.engines?.node ?? '22.12 or later'}, but this is Node ${process.versions.node}; run reflect with a newer Node`;
  }
  return undefined;
}

/**
 * Why vitest cannot measure coverage in `root`, or undefined when it can: its V8 provider is a package of its own
 * (vitest would otherwise offer to install it, or fail), and it must be vitest's own version.
 */
function coverageProviderMissing(root: string): string | undefined {
  const provider = versionOf(root, '@vitest/coverage-v8');
  if (!provider) return 'vitest coverage needs @vitest/coverage-v8 (not installed)';
  const vitest = versionOf(root, 'vitest');
  if (vitest && provider !== vitest) return `vitest coverage needs @vitest/coverage-v8 ${vitest} (found ${provider})`;
  return undefined;
}

function versionOf(root: string, pkg: string): string | undefined {
  const file = findPackageFile(root, pkg, 'package.json');
  try {
    return file ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Vitest's own V8 coverage as istanbul JSON in `dir`, merged over the run like the CLI flags `--coverage.*` would
 * be. It overrides what in the project's config would fail the run or write into the workspace: thresholds (and
 * their autoUpdate, which rewrites the config file), other reporters and folders; it reports even when tests fail
 * (vitest skips the report then by default) and keeps fully covered files. Vitest 3 would also load every source
 * file the tests never import (`all`); vitest 4 dropped that option and does not.
 */
function coverageOptions(root: string, dir: string): Record<string, unknown> {
  const options: Record<string, unknown> = {
    enabled: true, provider: 'v8', reporter: [['json', { file: 'coverage-final.json' }]], reportsDirectory: dir,
    reportOnFailure: true, thresholds: false, skipFull: false, clean: true,
  };
  if (Number(/^(\d+)\./.exec(versionOf(root, 'vitest') ?? '')?.[1]) < 4) options.all = false;
  return options;
}

/** True when the project's vitest/vite config sets its own `runner` (then ours is not used). */
function hasOwnRunner(root: string): boolean {
  return fs.readdirSync(root).filter((f) => /^vite(?:st)?\.config\.[cm]?[jt]s$/.test(f))
    .some((f) => /\brunner\s*:/.test(fs.readFileSync(path.join(root, f), 'utf8')));
}

/**
 * `vitest run` as its CLI does it, through vitest's Node API, because the `runner` option has no CLI flag.
 * Options arrive as JSON in the environment; they are merged over the project's own config like CLI flags.
 */
function driverSource(nodeApi: string): string {
  return `import { startVitest } from ${JSON.stringify(pathToFileURL(nodeApi).href)};
const { filters, options } = JSON.parse(process.env.REFLECT_VITEST_RUN);
const vitest = await startVitest('test', filters, options);
if (vitest && !vitest.shouldKeepServer()) await vitest.exit();
`;
}

/** The adapter for vitest. */
export const vitestAdapter: FrameworkAdapter = {
  framework: 'vitest',
  prepare(ctx: RunContext): Invocation {
    const nodeApi = findPackageFile(ctx.root, 'vitest', 'dist/node.js');
    const base = runnerBase(ctx.root);
    if (!nodeApi || !base) throw new TestSetupError(`vitest is not installed in ${ctx.root} (no node_modules/vitest); run npm install there`);
    const tooOld = nodeTooOld(ctx.root);
    if (tooOld) throw new TestSetupError(tooOld);
    const coverage = ctx.coverageDir && !coverageProviderMissing(ctx.root) ? coverageOptions(ctx.root, ctx.coverageDir) : undefined;
    const reporter = writeReporter(ctx, 'reflect-vitest-reporter.mjs', coverage ? VITEST_REPORTER + VITEST_COVERAGE_REPORTER : VITEST_REPORTER);
    const big = Math.max(ctx.timeoutMs * 2, 5000);
    // No results cache: it would be written into node_modules/.vite, which scratch copies share with the user.
    const options: Record<string, unknown> = { run: true, watch: false, reporters: [reporter], testTimeout: big, hookTimeout: big, cache: false };
    if (!hasOwnRunner(ctx.root)) options.runner = writeReporter(ctx, 'reflect-vitest-runner.mjs', vitestRunnerSource(base));
    const names = selectedNames(ctx.only);
    // Vitest matches the names joined by spaces, suites first; the file name may or may not lead.
    if (names) options.testNamePattern = `(?:^| )(?:${names.map((n) => escapeRegex(n.split(' > ').join(' '))).join('|')})(?: |$)`;
    if (coverage) options.coverage = coverage;
    const filters = selectedFiles(ctx.only);
    const driver = writeReporter(ctx, 'reflect-vitest-run.mjs', driverSource(nodeApi));
    const shown = ['vitest', 'run', `--reporter=${reporter}`, `--testTimeout=${big}`, `--hookTimeout=${big}`,
      ...(options.runner ? [`(runner ${String(options.runner)})`] : []), ...(names ? ['-t', String(options.testNamePattern)] : []),
      ...(coverage ? ['--coverage.enabled', '--coverage.provider=v8', '--coverage.reporter=json', `--coverage.reportsDirectory=${String(coverage.reportsDirectory)}`] : []), ...filters];
    return {
      command: nodeExecutable(), args: [driver],
      env: {
        ELECTRON_RUN_AS_NODE: '1', REFLECT_VITEST_RUN: JSON.stringify({ filters, options }),
        ...(coverage ? { REFLECT_COVERAGE_DIR: String(coverage.reportsDirectory) } : {}),
      },
      display: displayCommand(shown),
    };
  },
  collect(ctx: RunContext, proc: ProcessResult) {
    const events = readEvents(ctx);
    // Without our runner's start events (a project with its own runner) the stuck file is scanned instead.
    if (proc.timedOut) events.push(...scanUnfinishedFiles(events.filter((e) => !events.some((s) => s.type === 'start' && s.file === e.file)), ctx.root));
    return resultsFromEvents(events, ctx.root, 'v8');
  },
  coverage(ctx: RunContext, tests: TestResult[]) {
    const missing = coverageProviderMissing(ctx.root);
    if (missing) return { note: missing };
    // Per test file from our reporter; vitest's own report (merged over the run) when the reporter wrote none.
    return vitestFileSpectrum(ctx.root, ctx.coverageDir ?? '', tests) ?? istanbulRunSpectrum(ctx.root, ctx.coverageDir ?? '', tests, 'vitest --coverage (v8)');
  },
};
