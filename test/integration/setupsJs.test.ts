import * as assert from 'assert';
import * as fs from 'fs';
import type { TestReport } from '../../src/core/types';
import { ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';
import { gitStatus, installSetup, runCli, statusesOf } from '../support/setups';

/** TypeScript + vitest with a path alias and a watch-mode script; node:test in ES modules (setups/vitest-ts-alias, node-test-esm). */

const edit = (file: string, search: string, replace: string) => `The fix.\n\n${file}\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n`;


describe('setups: JavaScript and TypeScript projects as they are written today', function () {
  this.timeout(120_000);
  let dir: string;
  let server: ScriptedOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('TypeScript + vitest, an @ alias, `vitest` (watch mode) as the test script', () => {
    beforeEach(() => {
      dir = installSetup('vitest-ts-alias', ['vitest']);
    });

    it('runs once (never watches), with statuses, the .ts location and both values; an ambiguous title runs every match and says so', async () => {
      const report = JSON.parse((await runCli(['test', '--json'], dir)).stdout) as TestReport;
      assert.deepStrictEqual(statusesOf(report), {
        'test/money.test.ts::money > formatCents > formats euros and cents': 'passed',
        'test/money.test.ts::money > formatCents > pads cents': 'failed',
        'test/money.test.ts::money > totals > pads cents': 'failed',
      });
      const pads = report.tests.find((t) => t.name === 'money > formatCents > pads cents')!.failure!;
      assert.deepStrictEqual(pads.location, { file: 'test/money.test.ts', line: 11 });
      assert.deepStrictEqual([pads.expected, pads.actual], ['1.05 €', '1.5 €']);
      const ambiguous = await runCli(['test', '--only', 'test/money.test.ts::pads cents'], dir);
      assert.strictEqual(ambiguous.code, 1);
      assert.match(ambiguous.stdout, /\nnote: test\/money\.test\.ts::pads cents matched 2 tests, all run: money > formatCents > pads cents, money > totals > pads cents\n/);
      const byPath = JSON.parse((await runCli(['test', '--json', '--only', 'test/money.test.ts::totals > pads cents'], dir)).stdout) as TestReport;
      assert.deepStrictEqual(statusesOf(byPath), { 'test/money.test.ts::money > totals > pads cents': 'failed' });
    });

    it('reflect fix verifies a scripted fix of the aliased module; git status stays clean', async () => {
      server = await startScriptedOpenAIServer(() => ({ text: edit('src/money.ts', '  return `${euros}.${rest} €`;', "  return `${euros}.${String(rest).padStart(2, '0')} €`;") }));
      const run = await runCli(['fix', '--base-url', server.baseURL, '--model', 'm', '--candidates', '1', '--rounds', '1', '--json'], dir);
      assert.strictEqual(run.code, 0, run.stderr);
      assert.deepStrictEqual(JSON.parse(run.stdout).files, ['src/money.ts']);
      assert.strictEqual(gitStatus(dir), '');
    });
  });

  describe('node:test in ES modules', () => {
    beforeEach(() => {
      dir = installSetup('node-test-esm', []);
    });

    it('statuses, location, values and --only by the title as written; reflect fix verifies; git status clean', async () => {
      const report = JSON.parse((await runCli(['test', '--json'], dir)).stdout) as TestReport;
      assert.deepStrictEqual(statusesOf(report), {
        'test/slug.test.js::slugify > lowers one word': 'passed', 'test/slug.test.js::slugify > joins every word with one hyphen': 'failed',
      });
      const joins = report.tests.find((t) => t.status === 'failed')!.failure!;
      assert.deepStrictEqual(joins.location, { file: 'test/slug.test.js', line: 11 });
      assert.deepStrictEqual(joins.frames, [{ file: 'test/slug.test.js', line: 11 }]);
      assert.deepStrictEqual([joins.expected, joins.actual], ['"hello-big-world"', '"hello-big world"']);
      const only = JSON.parse((await runCli(['test', '--json', '--only', 'test/slug.test.js::joins every word with one hyphen'], dir)).stdout) as TestReport;
      assert.deepStrictEqual(statusesOf(only), { 'test/slug.test.js::slugify > joins every word with one hyphen': 'failed' });
      server = await startScriptedOpenAIServer(() => ({ text: edit('src/slug.js', "  return title.toLowerCase().trim().replace(/[^a-z0-9]+/, '-');", "  return title.toLowerCase().trim().replace(/[^a-z0-9]+/g, '-');") }));
      const run = await runCli(['fix', '--base-url', server.baseURL, '--model', 'm', '--candidates', '1', '--rounds', '1', '--json'], dir);
      assert.strictEqual(run.code, 0, run.stderr);
      assert.strictEqual(JSON.parse(run.stdout).status, 'verified');
      assert.strictEqual(gitStatus(dir), '');
    });
  });
});
