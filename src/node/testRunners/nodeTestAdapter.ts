/**
 * node:test: `node --test` with a reporter module of ours (`--test-reporter=<path>`), selected files as
 * arguments and `--test-name-pattern` for names. A run of one selected file runs it directly (`node FILE` with
 * the same reporter and preload), which skips `--test`'s extra process. Under `--test` each file runs in its
 * own child process, whose events reach the parent a tick late: a test that loops forever also swallows the
 * reports of the tests just before it. So a small preload of ours (`--require`, which node passes on to the
 * children) writes each test's start, and the end of the tests before it, synchronously; on a timeout those say
 * which test was stuck and what the unreported ones before it did. A file that never got as far as a test is
 * scanned for its test names. Coverage: V8's, cut test by test by a preload of ours (coveragePreload.ts).
 */
import * as fs from 'fs';
import type { ProcessResult } from '../processTree';
import { ReporterEvent, resultsFromEvents } from './reporterEvents';
import { displayCommand, escapeRegex, readEvents, selectedFiles, selectedNames, writeReporter } from './reporterShared';
import type { FrameworkAdapter, Invocation, RunContext } from './runWithAdapter';
import { scanUnfinishedFiles } from './testFileScan';
import { coverageEnv } from './coveragePreload';
import { v8Spectrum } from './v8Coverage';

const NODE_TEST_REPORTER = `import fs from 'node:fs';
import util from 'node:util';
const out = process.env.REFLECT_EVENTS_FILE;
function emit(event) { if (out) fs.appendFileSync(out, JSON.stringify(event) + '\\n'); }
// Values as a person writes them ({ a: 1 }, [ 1, 'x' ]), never [object Object].
function show(v) { return v === undefined ? 'undefined' : typeof v === 'string' ? JSON.stringify(v) : util.inspect(v, { depth: 6, breakLength: Infinity }); }
function errorOf(err) {
  // The framework wraps what the test threw; the cause is the user's error.
  const e = err && err.failureType === 'testCodeFailure' && err.cause ? err.cause : err || {};
  const o = { message: String(e.message || ''), stack: String(e.stack || '') };
  if (e.expected !== undefined || e.actual !== undefined) {
    try { o.expected = show(e.expected); o.actual = show(e.actual); } catch {}
  }
  return o;
}
// A file that dies outside any test (a throw at load) fails with the bare cause 'test failed'; what it threw
// is only in the file's stderr, so the reporter keeps the end of each file's stderr for that case.
function fileErrorOf(err, stderr) {
  const o = errorOf(err);
  if (o.message || !stderr) return o;
  const thrown = /^\\s*((?:[\\w.]*(?:Error|Exception)|Uncaught \\w+)\\b.*)$/m.exec(stderr);
  const lines = stderr.split('\\n').map((l) => l.trim()).filter(Boolean);
  return { message: thrown ? thrown[1] : lines[lines.length - 1] || '', stack: stderr };
}
export default async function* reflectNodeTestReporter(source) {
  const stacks = new Map();
  const stderr = new Map();
  for await (const { type, data } of source) {
    if (!data || !data.file) continue;
    if (type === 'test:stderr') {
      const text = (stderr.get(data.file) || '') + String(data.message || '');
      stderr.set(data.file, text.length > 8000 ? text.slice(-8000) : text);
      continue;
    }
    const isFile = data.nesting === 0 && data.name === data.file;
    if (type === 'test:dequeue' && isFile) emit({ type: 'fileStart', file: data.file });
    if (isFile) {
      if (type === 'test:fail' && data.details && data.details.error && data.details.error.failureType !== 'subtestsFailed') {
        emit({ type: 'fileError', file: data.file, error: fileErrorOf(data.details.error, stderr.get(data.file)) });
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

const NODE_TEST_PRELOAD = `'use strict';
// Runs in every node:test child (and idly in the parent). node:test runs each test function inside the test's
// own async scope, so an async_hooks "before" callback sees every test start, synchronously, with its names.
if ((process.env.NODE_TEST_CONTEXT || process.env.REFLECT_NODE_TEST_DIRECT) && process.env.REFLECT_EVENTS_FILE) {
  const fs = require('fs');
  const util = require('util');
  const asyncHooks = require('async_hooks');
  const out = process.env.REFLECT_EVENTS_FILE;
  const emit = (event) => fs.appendFileSync(out, JSON.stringify(event) + '\\n');
  const show = (v) => (v === undefined ? 'undefined' : typeof v === 'string' ? JSON.stringify(v) : util.inspect(v, { depth: 6, breakLength: Infinity }));
  const errorOf = (err) => {
    const e = (err && err.failureType === 'testCodeFailure' && err.cause) || err || {};
    const o = { message: String(e.message || ''), stack: String(e.stack || '') };
    if (e.expected !== undefined || e.actual !== undefined) { o.expected = show(e.expected); o.actual = show(e.actual); }
    return o;
  };
  const running = [];
  const describeTest = (t) => {
    const names = [];
    for (let p = t; p && p.parent; p = p.parent) names.unshift(String(p.name));
    return { file: (t.loc && t.loc.file) || process.argv[1], names };
  };
  asyncHooks.createHook({
    before() {
      const t = asyncHooks.executionAsyncResource();
      if (!t || !t.constructor || t.constructor.name !== 'Test' || !t.parent) return;
      // Tests before this one have ended: record how, in case their own report never leaves this process.
      for (let i = running.length - 1; i >= 0; i--) {
        const r = running[i];
        if (r === t || !(r.passed || r.error || r.skipped)) continue;
        running.splice(i, 1);
        const status = r.skipped || r.isTodo ? 'skipped' : r.passed ? 'passed' : 'failed';
        emit(Object.assign({ type: 'end', status }, describeTest(r), status === 'failed' ? { error: errorOf(r.error) } : {}));
      }
      if (running.includes(t)) return;
      running.push(t);
      emit(Object.assign({ type: 'start' }, describeTest(t)));
    },
  }).enable();
}
`;

/** The adapter for node:test. */
export const nodeTestAdapter: FrameworkAdapter = {
  framework: 'node-test',
  prepare(ctx: RunContext): Invocation {
    // One selected file (a candidate's targeted run, usually) runs in a single process, without `--test`'s
    // parent: about half the time of a small file's run. More files, or the whole suite, go through `--test`.
    return invocation(ctx, selectedFiles(ctx.only).length === 1);
  },
  fallback(ctx: RunContext, first: ProcessResult): Invocation | undefined {
    // A file that fails before its first test (a syntax error, a throw at load) reports nothing when run
    // directly; `--test` reports it as the file's own failure, with the error.
    if (selectedFiles(ctx.only).length !== 1 || first.exitCode === 0) return undefined;
    // Run directly, the only events are test starts (preload) and results (reporter): any line means a test ran.
    if (hasEvents(ctx)) return undefined;
    return invocation(ctx, false);
  },
  collect(ctx: RunContext, proc: ProcessResult) {
    const events = readEvents(ctx);
    if (!proc.timedOut) return resultsFromEvents(events, ctx.root, 'v8');
    const scanned = scanUnfinishedFiles(events.filter((e) => !hasStarts(events, e.file)), ctx.root);
    return resultsFromEvents([...events, ...scanned], ctx.root, 'v8');
  },
  coverage(ctx: RunContext, tests) {
    return v8Spectrum(ctx.coverageDir!, ctx.root, tests);
  },
};

function hasStarts(events: ReporterEvent[], file: string): boolean {
  return events.some((e) => e.type === 'start' && e.file === file);
}

function invocation(ctx: RunContext, direct: boolean): Invocation {
  const reporter = writeReporter(ctx, 'reflect-node-test-reporter.mjs', NODE_TEST_REPORTER);
  const preload = writeReporter(ctx, 'reflect-node-test-preload.cjs', NODE_TEST_PRELOAD);
  // The test script's own Node flags (--import tsx, --experimental-…) and, for a whole run, its paths.
  const scriptArgs = ctx.script?.args ?? [];
  const flags = scriptArgs.filter((a, i) => a.startsWith('-') || (i > 0 && /^--(?:import|require|loader|conditions|env-file)$/.test(scriptArgs[i - 1])));
  const paths = scriptArgs.filter((a) => !flags.includes(a));
  // A built project's stacks point into its sources when its build wrote source maps.
  const sourceMaps = ctx.script?.before.length ? ['--enable-source-maps'] : [];
  const args = [...flags, ...sourceMaps, `--require=${preload}`, ...(direct ? [] : ['--test']), `--test-reporter=${reporter}`, '--test-reporter-destination=stdout'];
  const names = selectedNames(ctx.only);
  // Node 20 matches each test's own title, and a matching suite runs all of its tests; the report is
  // narrowed to the exact full names afterwards.
  if (names) for (const n of names) args.push(`--test-name-pattern=^${escapeRegex(n.split(' > ').slice(-1)[0])}$`);
  const files = selectedFiles(ctx.only);
  args.push(...(files.length > 0 ? files : paths));
  // `node` from PATH: the project's Node, also when we run inside the editor.
  // Every process started (the `--test` children too) measures coverage into our folder when asked.
  const env = { ...(direct ? { REFLECT_NODE_TEST_DIRECT: '1' } : {}), ...coverageEnv(ctx) };
  return { command: 'node', args, display: displayCommand(['node', ...args]), ...(Object.keys(env).length > 0 ? { env } : {}) };
}

function hasEvents(ctx: RunContext): boolean {
  try {
    return fs.statSync(ctx.eventsFile).size > 0;
  } catch {
    return false;
  }
}
