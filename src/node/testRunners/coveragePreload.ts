/**
 * Coverage test by test for Node processes (node:test, mocha). A preload of ours, given to every Node process of
 * the run through NODE_OPTIONS, starts V8's precise block coverage on an in-process inspector session and cuts it
 * where a test starts and ends: each cut takes the counts since the last one (taking resets them) and appends the
 * workspace's scripts to a file of its own in the coverage folder, labelled with the test that ran them. Code run
 * outside any test (loading the files, hooks between tests) is labelled with none: it ran for every test. A Node
 * process a test starts inherits the test's label (REFLECT_COVERAGE_TEST) for all it runs.
 * NODE_V8_COVERAGE stays set, so Node still writes its source-map-cache at exit (its counts are then the rest).
 *
 * Taking costs one to a few milliseconds a time (V8 walks every function of the process). Once the cuts have cost
 * a sixth of the process's time (and at least 100 ms), the preload stops cutting and says so; the reader then
 * attributes that process's lines as a whole (per test file, or per run).
 */
import * as fs from 'fs';
import type { RunContext } from './runWithAdapter';
import { writeReporter } from './reporterShared';

const COVERAGE_PRELOAD = `'use strict';
// Measuring must never break the run: a Node without an inspector (or any surprise) measures nothing.
try { reflectCoverage(); } catch {}
function reflectCoverage() {
  const dir = process.env.NODE_V8_COVERAGE;
  const root = process.env.REFLECT_COVERAGE_ROOT;
  if (!dir || !root) return;
  // \`node --test\` only starts a process per test file (unless told to run them in itself): nothing to measure.
  const inItself = process.execArgv.some((a) => /^--(?:experimental-)?test-isolation=none$/.test(a));
  if (process.execArgv.includes('--test') && !process.env.NODE_TEST_CONTEXT && !inItself) return;
  const fs = require('fs');
  const path = require('path');
  const url = require('url');
  const { Session } = require('inspector');
  const { threadId } = require('worker_threads');
  const session = new Session();
  try { session.connect(); } catch { return; }
  const post = (method, params) => {
    let out;
    session.post(method, params, (error, result) => { if (!error) out = result; });
    return out;
  };
  post('Profiler.enable');
  if (!post('Profiler.startPreciseCoverage', { callCount: true, detailed: true })) return;
  const prefix = url.pathToFileURL(root).href + '/';
  const out = path.join(dir, 'reflect-tests-' + process.pid + '-' + threadId + '.jsonl');
  const started = Date.now();
  let spent = 0;
  // A process a test started (a CLI the test runs) belongs to that test, as its parent said when starting it.
  let inherited = null;
  try { inherited = JSON.parse(process.env.REFLECT_COVERAGE_TEST || 'null'); } catch {}
  let current = inherited;
  let stopped = false;
  // Called inside async hooks and reporters, where a throw would end the process: never throws.
  function cut(next) {
    try {
      cutNow(next);
    } catch {
      // What this process ran from here on is not cut: the reader must not trust its cuts as per test.
      stopped = true;
      try { fs.appendFileSync(out, JSON.stringify({ stopped: true }) + '\\n'); } catch {}
    }
  }
  function cutNow(next) {
    if (stopped) return;
    const t = Date.now();
    const taken = post('Profiler.takePreciseCoverage');
    if (!taken) throw new Error('no coverage taken');
    const result = taken.result.filter((s) => s.url.startsWith(prefix) && !s.url.includes('/node_modules/'));
    if (result.length > 0) fs.appendFileSync(out, JSON.stringify({ test: current, result }) + '\\n');
    current = next || inherited;
    if (current) process.env.REFLECT_COVERAGE_TEST = JSON.stringify(current);
    else delete process.env.REFLECT_COVERAGE_TEST;
    spent += Date.now() - t;
    if (spent > 100 && spent > (Date.now() - started) / 6) {
      stopped = true;
      fs.appendFileSync(out, JSON.stringify({ stopped: true }) + '\\n');
    }
  }
  globalThis[Symbol.for('reflect.coverage.cut')] = cut;
  // node:test's own processes: a file's child, a file run directly, or \`--test\` running every file in itself.
  if (process.env.NODE_TEST_CONTEXT || process.env.REFLECT_NODE_TEST_DIRECT || process.execArgv.includes('--test')) {
    // node:test runs each test inside the test's own async scope (hooks too): a new scope is a new test.
    const asyncHooks = require('async_hooks');
    let running = null;
    asyncHooks.createHook({
      before() {
        const t = asyncHooks.executionAsyncResource();
        if (!t || t === running || !t.constructor || t.constructor.name !== 'Test' || !t.parent) return;
        running = t;
        const names = [];
        for (let p = t; p && p.parent; p = p.parent) names.unshift(String(p.name));
        cut({ file: (t.loc && t.loc.file) || process.argv[1], names });
      },
    }).enable();
  }
  process.on('exit', () => cut(null));
}
`;

/**
 * The environment that makes every Node process of the run measure coverage into ctx.coverageDir, test by test
 * where the framework lets the preload see tests; empty when the run does not measure coverage.
 */
export function coverageEnv(ctx: RunContext): Record<string, string> {
  if (!ctx.coverageDir) return {};
  const preload = writeReporter(ctx, 'reflect-coverage-preload.cjs', COVERAGE_PRELOAD);
  // The project's own NODE_OPTIONS (from its test script, else the environment) stay, ours come after.
  const own = ctx.script?.env?.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '';
  return {
    NODE_V8_COVERAGE: ctx.coverageDir,
    REFLECT_COVERAGE_ROOT: realPath(ctx.root),
    NODE_OPTIONS: `${own} --require "${preload}"`.trim(),
  };
}

function realPath(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}
