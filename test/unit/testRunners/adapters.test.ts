import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixturePath } from '../../support/fixtures';
import { nodeTestAdapter } from '../../../src/node/testRunners/nodeTestAdapter';
import { assertOperands, pytestAdapter } from '../../../src/node/testRunners/pytestAdapter';
import type { ProcessResult } from '../../../src/node/processTree';
import type { RunContext } from '../../../src/node/testRunners/runWithAdapter';

const proc = (timedOut: boolean): ProcessResult => ({
  exitCode: null, exitSignal: 'SIGTERM', timedOut, aborted: false, durationMs: 1, stdout: '', stderr: '', output: '',
});

/** A run context whose events file is a captured one with /WORKSPACE replaced by `root`. */
function contextWith(captured: string, root: string): RunContext {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-adapter-'));
  const text = fs.readFileSync(path.join(fixturePath('reporter-output'), captured), 'utf8').split('/WORKSPACE').join(root);
  fs.writeFileSync(path.join(tmpDir, 'events.jsonl'), text);
  return { root, tmpDir, eventsFile: path.join(tmpDir, 'events.jsonl'), timeoutMs: 1000 };
}

describe('framework adapters', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('node:test: on a timeout, the first test of the file that never ended is the one cut off', () => {
    const root = fixturePath('node-test-project');
    const ctx = contextWith('node-test-events.jsonl', root);
    dirs.push(ctx.tmpDir);
    assert.deepStrictEqual(nodeTestAdapter.collect(ctx, proc(true)).unfinished, [{ file: 'test/loop.test.js', name: 'loop > never ends' }]);
    assert.deepStrictEqual(nodeTestAdapter.collect(ctx, proc(false)).unfinished, []);
  });

  it('node:test: tests that ended before the stuck one in the same file keep their outcome (preload events)', () => {
    const ctx = contextWith('node-test-events-stuck-file.jsonl', '/WORKSPACE');
    dirs.push(ctx.tmpDir);
    const { results, unfinished } = nodeTestAdapter.collect(ctx, proc(true));
    assert.deepStrictEqual(results.map((r) => `${r.id}: ${r.status}`), [
      'test/stack.test.mjs::push then pop: passed',
      'test/stack.test.mjs::peek shows the top: failed',
      'test/stack.test.mjs::pop on empty returns undefined: failed',
    ]);
    assert.deepStrictEqual(results[1].failure!.location, { file: 'test/stack.test.mjs', line: 11 });
    assert.deepStrictEqual([results[1].failure!.expected, results[1].failure!.actual], ['2', '1']);
    assert.deepStrictEqual(results[2].failure!.frames, [{ file: 'lib/stack.mjs', line: 5 }, { file: 'test/stack.test.mjs', line: 14 }]);
    assert.deepStrictEqual(unfinished, [{ file: 'test/stack.test.mjs', name: 'spins' }]);
  });

  it('pytest: expected and actual come from the failed comparison', () => {
    const ctx = contextWith('pytest-events.jsonl', '/WORKSPACE');
    dirs.push(ctx.tmpDir);
    const failure = pytestAdapter.collect(ctx, proc(true)).results.find((r) => r.name === 'test_rejects_century_years')!.failure!;
    assert.deepStrictEqual([failure.expected, failure.actual], ['False', 'True']);
    assert.deepStrictEqual(assertOperands('AssertionError: assert [1, 2] == [1, 3]\n  At index 1'), { actual: '[1, 2]', expected: '[1, 3]' });
    assert.strictEqual(assertOperands('assert not True'), undefined);
  });

  it('pytest: targeted runs name the files and hand the selection to our plugin; a Python without pytest falls back to the system one', () => {
    const ctx: RunContext = { root: '/nowhere', tmpDir: fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-adapter-')), eventsFile: '', timeoutMs: 1000,
      only: [{ file: 'tests/test_calendar.py', name: 'TestAverage > test_numbers' }, { file: 'tests/test_loop.py' }] };
    dirs.push(ctx.tmpDir);
    const inv = pytestAdapter.prepare(ctx);
    assert.deepStrictEqual(inv.args.slice(-2), ['tests/test_calendar.py', 'tests/test_loop.py']);
    assert.deepStrictEqual(JSON.parse(inv.env!.REFLECT_ONLY), [
      { file: '/nowhere/tests/test_calendar.py', name: 'TestAverage > test_numbers' }, { file: '/nowhere/tests/test_loop.py' },
    ]);
    assert.strictEqual(inv.command, 'python3');
    const missing = { ...proc(false), exitCode: 1, output: '/x/python3: No module named pytest\n' };
    assert.strictEqual(pytestAdapter.fallback!(ctx, missing)?.command, '/usr/bin/python3');
    assert.strictEqual(pytestAdapter.fallback!(ctx, { ...missing, output: '1 failed' }), undefined);
  });
});
