/**
 * Jest: runs the project's own jest with a reporter of ours (passed by path, so no config file changes) that
 * streams each test's start and result. `--runTestsByPath` and `-t` select tests; watch mode is off and the
 * per-test timeout is raised so our own run timeout is what stops an endless test.
 */
import type { TestResult } from '../../core/types';
import type { ProcessResult } from '../processTree';
import { findPackageFile, majorVersion } from './binaries';
import { istanbulRunSpectrum } from './istanbulCoverage';
import { JEST_COVERAGE_REPORTER, jestFileSpectrum } from './jestCoverage';
import { resultsFromEvents } from './reporterEvents';
import {
  displayCommand, escapeRegex, nodeExecutable, readEvents, REPORTER_PRELUDE, selectedFiles, selectedNames, shortPath, writeReporter,
} from './reporterShared';
import type { FrameworkAdapter, Invocation, RunContext } from './runWithAdapter';
import { scanUnfinishedFiles } from './testFileScan';
import { TestSetupError } from './testSetupError';

const JEST_REPORTER = `${REPORTER_PRELUDE}
function errorOf(r) {
  const stack = (r.failureMessages || []).join('\\n\\n');
  const detail = (r.failureDetails || [])[0];
  const e = { message: '', stack };
  const m = detail && detail.matcherResult;
  if (m && ('expected' in m || 'actual' in m)) { e.expected = show(m.expected); e.actual = show(m.actual); }
  else if (detail && typeof detail === 'object' && 'expected' in detail) { e.expected = show(detail.expected); e.actual = show(detail.actual); }
  else {
    // Jest before 23 gives no values, only its message: "Expected value to be (using Object.is):\\n  false\\nReceived:\\n  true".
    const m = /Expected(?: value)?[^\\n:]*:\\s*\\n?\\s*(.+)\\n\\s*Received[^\\n:]*:\\s*\\n?\\s*(.+)/.exec(stack);
    if (m) { e.expected = m[1].trim(); e.actual = m[2].trim(); }
  }
  return e;
}
function resultEvent(file, r) {
  const status = r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'failed' : 'skipped';
  const ev = { type: 'result', file, names: r.ancestorTitles.concat(r.title), status, durationMs: r.duration || 0 };
  if (status === 'failed') ev.error = errorOf(r);
  return ev;
}
class ReflectJestReporter {
  constructor() { this.sent = new Set(); this.ended = new Set(); }
  // Jest before 29 has no onTestCaseStart: the file's start lets a timeout name its first unfinished test.
  onTestStart(test) { emit({ type: 'fileStart', file: test.path }); }
  onTestCaseStart(test, info) { emit({ type: 'start', file: test.path, names: info.ancestorTitles.concat(info.title) }); }
  // The name of this hook before jest 26; later versions call onTestFileResult.
  onTestResult(test, result) { this.onTestFileResult(test, result); }
  onTestCaseResult(test, r) { this.sent.add(test.path + '\\0' + r.fullName); emit(resultEvent(test.path, r)); }
  onTestFileResult(test, result) {
    if (this.ended.has(test.path)) return;
    this.ended.add(test.path);
    emit({ type: 'fileEnd', file: test.path });
    if (result.testExecError) {
      emit({ type: 'fileError', file: test.path, error: { message: result.testExecError.message || '', stack: result.testExecError.stack || result.failureMessage || '' } });
    }
    // Skipped tests never start, so they only appear here.
    for (const r of result.testResults) if (!this.sent.has(test.path + '\\0' + r.fullName)) emit(resultEvent(test.path, r));
  }
  getLastError() { return undefined; }
}
module.exports = ReflectJestReporter;
`;

/** The adapter for jest. */
export const jestAdapter: FrameworkAdapter = {
  framework: 'jest',
  prepare(ctx: RunContext): Invocation {
    const bin = findPackageFile(ctx.root, 'jest', 'bin/jest.js');
    if (!bin) throw new TestSetupError(`jest is not installed in ${ctx.root} (no node_modules/jest); run npm install there`);
    const coverage = ctx.coverageDir && majorVersion(ctx.root, 'jest') >= V8_COVERAGE_SINCE ? ctx.coverageDir : undefined;
    const reporter = writeReporter(ctx, 'reflect-jest-reporter.cjs', coverage ? JEST_REPORTER + JEST_COVERAGE_REPORTER : JEST_REPORTER);
    const args = [bin, '--ci', '--watchAll=false', '--testLocationInResults', `--reporters=${reporter}`];
    // --testTimeout came with jest 24.9; older jest refuses unknown flags (its default 5 s limit then applies).
    if (majorVersion(ctx.root, 'jest') >= 25) args.push(`--testTimeout=${Math.max(ctx.timeoutMs * 2, 5000)}`);
    const names = selectedNames(ctx.only);
    // Jest matches suites and title joined by spaces; a name may be the title alone or the end of its path.
    if (names) args.push('-t', `(?:^| )(?:${names.map((n) => escapeRegex(n.split(' > ').join(' '))).join('|')})(?: |$)`);
    if (coverage) args.push(...coverageArgs(coverage));
    const files = selectedFiles(ctx.only);
    if (files.length > 0) args.push('--runTestsByPath', ...files);
    const shown = [shortPath(ctx, bin).replace(/^node_modules\/jest\/bin\/jest\.js$/, 'jest'), ...args.slice(1)];
    const env: Record<string, string> = { ELECTRON_RUN_AS_NODE: '1', ...(coverage ? { REFLECT_COVERAGE_DIR: coverage } : {}) };
    return { command: nodeExecutable(), args, env, display: displayCommand(shown) };
  },
  collect(ctx: RunContext, proc: ProcessResult) {
    const events = readEvents(ctx);
    // Without test start events (jest before 29) the file a timeout cut is scanned for its tests instead.
    if (proc.timedOut) events.push(...scanUnfinishedFiles(events.filter((e) => !events.some((s) => s.type === 'start' && s.file === e.file)), ctx.root));
    return resultsFromEvents(events, ctx.root, 'v8');
  },
  coverage(ctx: RunContext, tests: TestResult[]) {
    const major = majorVersion(ctx.root, 'jest');
    if (major < V8_COVERAGE_SINCE) return { note: `jest ${major || '(unknown version)'} has no V8 coverage (it came with jest ${V8_COVERAGE_SINCE})` };
    // Per test file from our reporter; jest's own report (merged over the run) when the reporter wrote none.
    return jestFileSpectrum(ctx.root, ctx.coverageDir ?? '', tests) ?? istanbulRunSpectrum(ctx.root, ctx.coverageDir ?? '', tests, 'jest --coverage (v8)');
  },
};

/** `--coverageProvider` came with jest 25; older jest instruments with babel only, and refuses unknown flags. */
const V8_COVERAGE_SINCE = 25;

/**
 * Jest's own V8 coverage: in each test file's result (read by our reporter), and merged over the run into istanbul
 * JSON in `dir` (jest maps transformed code back to the source). The flags override the project's config: no thresholds (they would fail the run), no other reporters
 * and no other folder (they would write into the workspace).
 */
function coverageArgs(dir: string): string[] {
  return ['--coverage', '--coverageProvider=v8', '--coverageReporters=json', `--coverageDirectory=${dir}`, '--coverageThreshold={}'];
}
