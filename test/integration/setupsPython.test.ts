import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { createScratchProvider } from '../../src/node/scratchWorkspace';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';
import { ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';
import { gitStatus, installSetup, runCli, statusesOf } from '../support/setups';

/** A pytest src layout installed editable into a .venv, with a conftest fixture, a class and parametrized tests. */

const BUGGY = '    return subtotal * (100 - discount_percent) // 100 + 1';
const FIXED = '    return subtotal * (100 - discount_percent) // 100';


/** What pytest itself says, test by test (`-rA` lists every outcome with its node id). */
function rawStatuses(dir: string): Record<string, string> {
  const r = spawnSync(path.join(dir, '.venv/bin/python'), ['-m', 'pytest', '-q', '-rA', '-p', 'no:cacheprovider'], { cwd: dir, encoding: 'utf8' });
  const out: Record<string, string> = {};
  for (const m of r.stdout.matchAll(/^(PASSED|FAILED) (\S+)/gm)) out[m[2].split('::').join(' > ').replace(' > ', '::')] = m[1] === 'PASSED' ? 'passed' : 'failed';
  return out;
}

describe('setups: pytest, src layout installed editable', function () {
  this.timeout(120_000);
  let dir: string;
  let server: ScriptedOpenAIServer | undefined;
  beforeEach(() => {
    dir = installSetup('pytest-src', []);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reflect test gives the raw runner\'s statuses, the assertion line and both operands', async () => {
    const run = await runCli(['test', '--json'], dir);
    const report = JSON.parse(run.stdout) as TestReport;
    assert.strictEqual(report.framework, 'pytest');
    const raw = rawStatuses(dir);
    assert.strictEqual(Object.keys(raw).length, 6);
    assert.deepStrictEqual(statusesOf(report), raw);
    const noDiscount = report.tests.find((t) => t.name === 'TestCartTotal > test_no_discount')!.failure!;
    assert.deepStrictEqual(noDiscount.location, { file: 'tests/test_cart.py', line: 13 });
    assert.deepStrictEqual([noDiscount.actual, noDiscount.expected], ['601', '600']);
    assert.deepStrictEqual(noDiscount.frames.map((f) => f.file), ['tests/test_cart.py']);
  });

  it('--only by a parametrized group\'s function, a class method\'s own name, and one instance by its id', async () => {
    const group = JSON.parse((await runCli(['test', '--json', '--only', 'tests/test_cart.py::test_line_total'], dir)).stdout) as TestReport;
    assert.deepStrictEqual(Object.keys(statusesOf(group)).sort(), [
      'tests/test_cart.py::test_line_total[0-3-0]', 'tests/test_cart.py::test_line_total[250-2-500]', 'tests/test_cart.py::test_line_total[99-1-99]',
    ]);
    const method = JSON.parse((await runCli(['test', '--json', '--only', 'tests/test_cart.py::test_discount'], dir)).stdout) as TestReport;
    assert.deepStrictEqual(Object.keys(statusesOf(method)).sort(), [
      'tests/test_cart.py::TestCartTotal > test_discount[10-540]', 'tests/test_cart.py::TestCartTotal > test_discount[50-300]',
    ]);
    const one = JSON.parse((await runCli(['test', '--json', '--only', 'tests/test_cart.py::TestCartTotal::test_discount[50-300]'], dir)).stdout) as TestReport;
    assert.deepStrictEqual(statusesOf(one), { 'tests/test_cart.py::TestCartTotal > test_discount[50-300]': 'failed' });
  });

  it('in a scratch copy the copy\'s sources are imported, not the editable install\'s', async () => {
    const runner = await createTestRunner(dir);
    const ws = await createScratchProvider(dir).create();
    try {
      const source = fs.readFileSync(path.join(dir, 'src/shop/cart.py'), 'utf8');
      await ws.apply([{ path: 'src/shop/cart.py', after: source.replace(BUGGY, FIXED) }]);
      const report = await runner.run({ root: ws.root, only: [{ file: 'tests/test_cart.py', name: 'TestCartTotal' }] });
      assert.deepStrictEqual(report.summary, { passed: 3, failed: 0, skipped: 0 });
    } finally {
      await ws.dispose();
    }
  });

  it('reflect fix verifies a scripted fix; git status stays clean', async () => {
    server = await startScriptedOpenAIServer(() => ({ text: `No extra cent.\n\nsrc/shop/cart.py\n<<<<<<< SEARCH\n${BUGGY}\n=======\n${FIXED}\n>>>>>>> REPLACE\n` }));
    const run = await runCli(['fix', '--base-url', server.baseURL, '--model', 'm', '--candidates', '1', '--rounds', '1', '--json'], dir);
    assert.strictEqual(run.code, 0, run.stderr);
    assert.strictEqual(JSON.parse(run.stdout).status, 'verified');
    assert.strictEqual(gitStatus(dir), '');
  });
});
