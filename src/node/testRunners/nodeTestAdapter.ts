/**
 * node:test: `node --test` with a reporter module of ours (`--test-reporter=<path>`), selected files as
 * arguments and `--test-name-pattern` for names. Each file runs in its own child process; a child stuck in an
 * endless loop cannot flush its events, so on a timeout the files that started and never finished are scanned
 * for their test names and the first one that did not report is the one that timed out.
 */
import type { ProcessResult } from '../processTree';
import { resultsFromEvents } from './reporterEvents';
import { displayCommand, escapeRegex, readEvents, selectedFiles, selectedNames, writeReporter } from './reporterShared';
import type { FrameworkAdapter, Invocation, RunContext } from './runWithAdapter';
import { scanUnfinishedFiles } from './testFileScan';

const NODE_TEST_REPORTER = `import fs from 'node:fs';
const out = process.env.REFLECT_EVENTS_FILE;
function emit(event) { if (out) fs.appendFileSync(out, JSON.stringify(event) + '\\n'); }
function show(v) { return v === undefined ? undefined : typeof v === 'string' ? JSON.stringify(v) : String(v); }
function errorOf(err) {
  // The framework wraps what the test threw; the cause is the user's error.
  const e = err && err.failureType === 'testCodeFailure' && err.cause ? err.cause : err || {};
  const o = { message: String(e.message || ''), stack: String(e.stack || '') };
  if (e.expected !== undefined || e.actual !== undefined) {
    try { o.expected = show(e.expected); o.actual = show(e.actual); } catch {}
  }
  return o;
}
export default async function* reflectNodeTestReporter(source) {
  const stacks = new Map();
  for await (const { type, data } of source) {
    if (!data || !data.file) continue;
    const isFile = data.nesting === 0 && data.name === data.file;
    if (type === 'test:dequeue' && isFile) emit({ type: 'fileStart', file: data.file });
    if (isFile) {
      if (type === 'test:fail' && data.details && data.details.error && data.details.error.failureType !== 'subtestsFailed') {
        emit({ type: 'fileError', file: data.file, error: errorOf(data.details.error) });
      }
      if (type === 'test:pass' || type === 'test:fail') emit({ type: 'fileEnd', file: data.file });
      continue;
    }
    const stack = stacks.get(data.file) || [];
    stacks.set(data.file, stack);
    if (type === 'test:start') { stack.length = data.nesting; stack[data.nesting] = data.name; continue; }
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    const names = stack.slice(0, data.nesting).concat(data.name);
    const details = data.details || {};
    const error = details.error;
    if (details.type === 'suite' && !(error && error.failureType !== 'subtestsFailed')) continue;
    const status = data.skip || data.todo ? 'skipped' : type === 'test:pass' ? 'passed' : 'failed';
    const ev = { type: 'result', file: data.file, names, status, durationMs: details.duration_ms || 0 };
    if (status === 'failed') ev.error = errorOf(error);
    emit(ev);
  }
}
`;

/** The adapter for node:test. */
export const nodeTestAdapter: FrameworkAdapter = {
  framework: 'node-test',
  prepare(ctx: RunContext): Invocation {
    const reporter = writeReporter(ctx, 'reflect-node-test-reporter.mjs', NODE_TEST_REPORTER);
    const args = ['--test', `--test-reporter=${reporter}`, '--test-reporter-destination=stdout'];
    const names = selectedNames(ctx.only);
    // Node 20 matches each test's own title, and a matching suite runs all of its tests; the report is
    // narrowed to the exact full names afterwards.
    if (names) for (const n of names) args.push(`--test-name-pattern=^${escapeRegex(n.split(' > ').slice(-1)[0])}$`);
    args.push(...selectedFiles(ctx.only));
    // `node` from PATH: the project's Node, also when we run inside the editor.
    return { command: 'node', args, display: displayCommand(['node', ...args]) };
  },
  collect(ctx: RunContext, proc: ProcessResult) {
    const events = readEvents(ctx);
    if (proc.timedOut) events.push(...scanUnfinishedFiles(events, ctx.root));
    return resultsFromEvents(events, ctx.root, 'v8');
  },
};
