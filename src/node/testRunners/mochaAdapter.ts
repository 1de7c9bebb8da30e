/**
 * Mocha: the project's mocha with a reporter of ours passed by path. Mocha adds the config file's `spec` to the
 * files named on the command line, so a targeted run cannot be expressed with arguments alone; instead our
 * reporter, which mocha builds after loading every file and before running any, prunes the loaded suite tree
 * down to the selected tests. Mocha's own timeout is off so our run timeout is what stops an endless test.
 * Coverage: V8's, cut test by test by our preload at the reporter's test events (coveragePreload.ts).
 */
import * as path from 'path';
import type { ProcessResult } from '../processTree';
import { findPackageFile, majorVersion } from './binaries';
import { resultsFromEvents } from './reporterEvents';
import { displayCommand, nodeExecutable, readEvents, REPORTER_PRELUDE, selectedFiles, writeReporter } from './reporterShared';
import type { FrameworkAdapter, Invocation, RunContext } from './runWithAdapter';
import { coverageEnv } from './coveragePreload';
import { TestSetupError } from './testSetupError';
import { v8Spectrum } from './v8Coverage';

const MOCHA_REPORTER = `${REPORTER_PRELUDE}
const only = process.env.REFLECT_ONLY ? JSON.parse(process.env.REFLECT_ONLY) : null;
// titlePath() came with mocha 4; older ones walk the parents (the root suite has an empty title).
function names(t) {
  if (typeof t.titlePath === 'function') return t.titlePath();
  const out = [];
  for (let p = t; p; p = p.parent) if (p.title) out.unshift(p.title);
  return out;
}
// The selection rule of src/core/testSelectors.ts (matchTestName): a full name, a leading suite path, or its end.
function matches(wanted, full) {
  const w = wanted.split(' > ');
  const f = full.split(' > ');
  if (w.length > f.length) return false;
  if (w.every((p, i) => p === f[i])) return true;
  const o = f.length - w.length;
  return w.every((p, i) => p === f[o + i]);
}
function keep(t) {
  const full = names(t).join(' > ');
  return only.some((s) => s.file === t.file && (!s.name || matches(s.name, full)));
}
function prune(suite) {
  suite.tests = suite.tests.filter(keep);
  suite.suites.forEach(prune);
  suite.suites = suite.suites.filter((s) => s.total() > 0);
}
function ReflectMochaReporter(runner) {
  if (only) prune(runner.suite);
  // With coverage, our preload cuts it test by test (code between tests ran for all of them).
  const cut = globalThis[Symbol.for('reflect.coverage.cut')];
  if (cut) {
    runner.on('test', (t) => cut({ file: t.file || (t.parent && t.parent.file) || '', names: names(t) }));
    runner.on('test end', () => cut(null));
  }
  runner.on('test', (t) => emit({ type: 'start', file: t.file, names: names(t) }));
  runner.on('pass', (t) => emit({ type: 'result', file: t.file, names: names(t), status: 'passed', durationMs: t.duration || 0 }));
  runner.on('pending', (t) => emit({ type: 'result', file: t.file, names: names(t), status: 'skipped', durationMs: 0 }));
  runner.on('fail', (t, err) => {
    const e = err || {};
    const error = { message: String(e.message || ''), stack: String(e.stack || '') };
    if (e.expected !== undefined || e.actual !== undefined) { error.expected = show(e.expected); error.actual = show(e.actual); }
    const file = t.file || (t.parent && t.parent.file) || '';
    emit({ type: 'result', file, names: names(t), status: 'failed', durationMs: t.duration || 0, error });
  });
}
module.exports = ReflectMochaReporter;
`;

/** The adapter for mocha. */
export const mochaAdapter: FrameworkAdapter = {
  framework: 'mocha',
  prepare(ctx: RunContext): Invocation {
    // bin/mocha.js since mocha 7; before, bin/_mocha ran the tests (bin/mocha only re-spawned it).
    const bin = findPackageFile(ctx.root, 'mocha', 'bin/mocha.js') ?? findPackageFile(ctx.root, 'mocha', 'bin/_mocha');
    if (!bin) throw new TestSetupError(`mocha is not installed in ${ctx.root} (no node_modules/mocha); run npm install there`);
    const reporter = writeReporter(ctx, 'reflect-mocha-reporter.cjs', MOCHA_REPORTER);
    // -C (no colours) is spelt the same in every mocha version, unlike --no-color(s).
    const args = [bin, '--reporter', reporter, '--timeout', '0', '-C'];
    const env: Record<string, string> = { ELECTRON_RUN_AS_NODE: '1', ...coverageEnv(ctx) };
    const files = selectedFiles(ctx.only);
    if (files.length > 0) {
      // Parallel mode runs suites in workers the reporter cannot prune.
      // (--no-parallel exists since mocha 8, where parallel mode came.)
      args.push(...(majorVersion(ctx.root, 'mocha') >= 8 ? ['--no-parallel'] : []), ...files);
      env.REFLECT_ONLY = JSON.stringify(ctx.only!.map((s) => ({ file: path.resolve(ctx.root, s.file), name: s.name })));
    }
    return { command: nodeExecutable(), args, env, display: displayCommand(['mocha', ...args.slice(1)]) };
  },
  collect(ctx: RunContext, _proc: ProcessResult) {
    return resultsFromEvents(readEvents(ctx), ctx.root, 'v8');
  },
  coverage(ctx: RunContext, tests) {
    return v8Spectrum(ctx.coverageDir!, ctx.root, tests);
  },
};
