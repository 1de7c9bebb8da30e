/**
 * Vitest: `vitest run` (never watch) with a reporter module of ours passed by path. Vitest collects every file
 * before running it and reports the collected tests, which tells us which test an endless loop blocked even
 * though the blocked worker can no longer report that the test started; when even the collection message was
 * stuck in the worker, the file is scanned for its test names.
 */
import type { ProcessResult } from '../processTree';
import { findPackageFile } from './binaries';
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

/** The adapter for vitest. */
export const vitestAdapter: FrameworkAdapter = {
  framework: 'vitest',
  prepare(ctx: RunContext): Invocation {
    const bin = findPackageFile(ctx.root, 'vitest', 'vitest.mjs');
    if (!bin) throw new TestSetupError(`vitest is not installed in ${ctx.root} (no node_modules/vitest); run npm install there`);
    const reporter = writeReporter(ctx, 'reflect-vitest-reporter.mjs', VITEST_REPORTER);
    const big = String(Math.max(ctx.timeoutMs * 2, 5000));
    const args = [bin, 'run', `--reporter=${reporter}`, `--testTimeout=${big}`, `--hookTimeout=${big}`, '--watch=false'];
    const names = selectedNames(ctx.only);
    // Vitest matches the names joined by spaces, suites first; the file name may or may not lead.
    if (names) args.push('-t', `(?:^| )(?:${names.map((n) => escapeRegex(n.split(' > ').join(' '))).join('|')})(?: |$)`);
    args.push(...selectedFiles(ctx.only));
    return { command: nodeExecutable(), args, env: { ELECTRON_RUN_AS_NODE: '1' }, display: displayCommand(['vitest', ...args.slice(1)]) };
  },
  collect(ctx: RunContext, proc: ProcessResult) {
    const events = readEvents(ctx);
    // The stuck worker's own "collected" message may never have been sent: fall back to reading the file.
    if (proc.timedOut) events.push(...scanUnfinishedFiles(events, ctx.root));
    return resultsFromEvents(events, ctx.root, 'v8');
  },
};
