import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { createScratchProvider } from '../../src/node/scratchWorkspace';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';
import { ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';
import { gitStatus, installSetup, runCli, statusesOf } from '../support/setups';

/** An npm-workspaces monorepo whose bug sits in a sibling package (setups/npm-workspaces), run from its root and from a package. */

const BUGGY = '  return Math.floor((cents * (100 + ratePercent)) / 100);';
const FIXED = '  return Math.round((cents * (100 + ratePercent)) / 100);';
const fixIn = (file: string) => `Half a cent must round up.\n\n${file}\n<<<<<<< SEARCH\n${BUGGY}\n=======\n${FIXED}\n>>>>>>> REPLACE\n`;


describe('setups: an npm-workspaces monorepo', function () {
  this.timeout(120_000);
  let dir: string;
  let server: ScriptedOpenAIServer | undefined;
  beforeEach(() => {
    dir = installSetup('npm-workspaces', ['vitest']);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('in a scratch copy, the app imports the copy\'s sibling package: an edit made there is the code its test runs', async () => {
    const runner = await createTestRunner(dir);
    const ws = await createScratchProvider(dir).create();
    try {
      const only = [{ file: 'packages/app/test/cart.test.js' }];
      assert.deepStrictEqual(statusesOf(await runner.run({ root: ws.root, only })), { 'packages/app/test/cart.test.js::cart > totals taxed lines': 'failed' });
      const source = fs.readFileSync(path.join(dir, 'packages/pricing/src/index.js'), 'utf8');
      await ws.apply([{ path: 'packages/pricing/src/index.js', after: source.replace(BUGGY, FIXED) }]);
      assert.deepStrictEqual(statusesOf(await runner.run({ root: ws.root, only })), { 'packages/app/test/cart.test.js::cart > totals taxed lines': 'passed' });
      assert.strictEqual(fs.readFileSync(path.join(dir, 'packages/pricing/src/index.js'), 'utf8'), source);
    } finally {
      await ws.dispose();
    }
  });

  it('reflect test from the root and from a package folder: statuses, locations and names as the raw runner gives them', async () => {
    const fromRoot = await runCli(['test', '--json'], dir);
    const report = JSON.parse(fromRoot.stdout) as TestReport;
    assert.deepStrictEqual(statusesOf(report), {
      'packages/app/test/cart.test.js::cart > totals taxed lines': 'failed',
      'packages/pricing/test/pricing.test.js::withTax > adds the tax': 'passed',
      'packages/pricing/test/pricing.test.js::withTax > rounds half a cent up': 'failed',
    });
    const rounding = report.tests.find((t) => t.name === 'withTax > rounds half a cent up')!.failure!;
    assert.deepStrictEqual(rounding.location, { file: 'packages/pricing/test/pricing.test.js', line: 10 });
    assert.deepStrictEqual([rounding.expected, rounding.actual], ['1106', '1105']);
    const fromPackage = await runCli(['test', '--only', 'test/cart.test.js::totals taxed lines'], path.join(dir, 'packages/app'));
    assert.strictEqual(fromPackage.code, 1, fromPackage.stderr);
    assert.match(fromPackage.stdout, /^✗ test\/cart\.test\.js › cart > totals taxed lines\n {4}test\/cart\.test\.js:6: /);
  });

  it('reflect fix verifies the fix in the sibling package from the root, and from that package\'s folder; git status stays clean', async () => {
    server = await startScriptedOpenAIServer(() => ({ text: fixIn('packages/pricing/src/index.js') }));
    const fromRoot = await runCli(['fix', '--base-url', server.baseURL, '--model', 'm', '--candidates', '1', '--rounds', '1', '--json'], dir);
    assert.strictEqual(fromRoot.code, 0, fromRoot.stderr);
    const out = JSON.parse(fromRoot.stdout);
    assert.strictEqual(out.status, 'verified');
    assert.deepStrictEqual(out.files, ['packages/pricing/src/index.js']);
    await server.close();
    server = await startScriptedOpenAIServer(() => ({ text: fixIn('src/index.js') }));
    const fromPackage = await runCli(['fix', '--base-url', server.baseURL, '--model', 'm', '--candidates', '1', '--rounds', '1', '--json'], path.join(dir, 'packages/pricing'));
    assert.strictEqual(fromPackage.code, 0, fromPackage.stderr);
    assert.deepStrictEqual(JSON.parse(fromPackage.stdout).files, ['src/index.js']);
    assert.strictEqual(gitStatus(dir), '');
  });

  it('a workspace link leading out of the project: one line saying so, exit 2, nothing touched', async () => {
    const elsewhere = fs.mkdtempSync(path.join(path.dirname(dir), 'reflect-elsewhere-'));
    try {
      fs.symlinkSync(elsewhere, path.join(dir, 'node_modules', '@shop', 'outside'), 'dir');
      const run = await runCli(['fix'], dir);
      assert.strictEqual(run.code, 2);
      assert.strictEqual(run.stderr.trim().split('\n').slice(-1)[0],
        `reflect fix: node_modules/@shop/outside links to ${elsewhere}, outside ${dir}; a scratch copy cannot hold edits there: open the folder that contains both, or install the package instead of linking it`);
      assert.strictEqual(gitStatus(dir), '');
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
