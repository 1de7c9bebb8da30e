import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';
import { mochaAdapter } from '../../src/node/testRunners/mochaAdapter';
import { nodeTestAdapter } from '../../src/node/testRunners/nodeTestAdapter';
import type { RunContext } from '../../src/node/testRunners/runWithAdapter';
import { copyBugProject, listBugProjects } from '../support/multifileBugs';
import { installSetup } from '../support/setups';

/**
 * Coverage of node:test and mocha runs (NODE_V8_COVERAGE), measured by the real frameworks on projects of the
 * multi-file bug set whose bug sits one or two calls below the test, in another file.
 */

const project = (id: string) => listBugProjects().find((p) => p.id === id)!;

/** Every file under `dir` (node_modules left out) with its content: what a run must leave as it was. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** A command with its run's temporary folder (a new one each run) named alike. */
const withoutRunDir = (command: string) => command.replace(/reflect-run-\w+/g, 'reflect-run-X');

/** Every file a spectrum names. */
const filesOf = (report: TestReport) => [...new Set(report.coverage!.entries.flatMap((e) => Object.keys(e.lines)))].sort();

describe('coverage of node:test and mocha runs', function () {
  this.timeout(120_000);
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('node:test: an entry per test; the buggy helper two calls below is in the failing test\'s entry, what only passing tests ran is not', async () => {
    dir = copyBugProject(project('js-invoice-rounding'));
    // A second, passing test file that reaches another function of the same helper file.
    fs.writeFileSync(path.join(dir, 'test', 'format.test.js'), [
      "const test = require('node:test');",
      "const assert = require('node:assert');",
      "const { formatDollars } = require('../src/util/money');",
      '',
      "test('formats thousands', () => assert.strictEqual(formatDollars(1234.5), '$1,234.50'));",
      '',
    ].join('\n'));
    const before = snapshot(dir);
    const runner = await createTestRunner(dir);
    const report = await runner.run({ root: dir, coverage: true });
    // money.js: roundCents 2-4 (the bug on 3), formatDollars 7-9, the exports 11 (run as the module loads).
    const moneyForInvoices = [2, 3, 4, 11];
    assert.deepStrictEqual(report.coverage, {
      granularity: 'test', source: 'V8 (NODE_V8_COVERAGE)', entries: [
        // formatDollars ran only for the passing file's test, in its own process: invoice.js never loaded there.
        { label: 'test/format.test.js::formats thousands', failed: false, lines: { 'src/util/money.js': [7, 8, 9, 11] } },
        {
          label: 'test/invoice.test.js::discount is rounded to the nearest cent', failed: true, lines: {
            'src/invoice.js': [1, 4, 5, 6, 7, 9], 'src/pricing/discount.js': [1, 4, 5, 6, 7, 9], 'src/util/money.js': moneyForInvoices,
          },
        },
        {
          // No discount: applyDiscount returns on line 5, so line 6 (the discounted path) is the failing test's only.
          label: 'test/invoice.test.js::no discount keeps the gross total', failed: false, lines: {
            'src/invoice.js': [1, 4, 5, 6, 7, 9], 'src/pricing/discount.js': [1, 4, 5, 7, 9], 'src/util/money.js': moneyForInvoices,
          },
        },
      ],
    });
    assert.deepStrictEqual(snapshot(dir), before, 'nothing written inside the workspace');
    const plain = await runner.run({ root: dir });
    assert.strictEqual(plain.coverage, undefined);
    assert.strictEqual(withoutRunDir(plain.command), withoutRunDir(report.command));
    assert.deepStrictEqual(snapshot(dir), before);
  });

  it('node:test: a Node process a test starts (a CLI) counts for that test', async () => {
    dir = copyBugProject(project('js-invoice-rounding'));
    fs.writeFileSync(path.join(dir, 'src', 'cli.js'), "const { invoiceTotal } = require('./invoice');\nconsole.log(invoiceTotal(JSON.parse(process.argv[2])));\n");
    fs.writeFileSync(path.join(dir, 'test', 'cli.test.js'), [
      "const test = require('node:test');",
      "const assert = require('node:assert');",
      "const { execFileSync } = require('node:child_process');",
      "const path = require('node:path');",
      '',
      "test('the CLI prints the total', () => {",
      "  const order = JSON.stringify({ lines: [{ price: 10.99, qty: 3 }], discountPercent: 20 });",
      "  const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'src', 'cli.js'), order], { encoding: 'utf8' });",
      "  assert.strictEqual(out.trim(), '26.38');",
      '});',
      '',
      "test('needs no CLI', () => assert.ok(true));",
      '',
    ].join('\n'));
    const report = await (await createTestRunner(dir)).run({ root: dir, coverage: true, only: [{ file: 'test/cli.test.js' }] });
    assert.deepStrictEqual(report.coverage, {
      granularity: 'test', source: 'V8 (NODE_V8_COVERAGE)', entries: [
        { label: 'test/cli.test.js::needs no CLI', failed: false, lines: {} },
        {
          label: 'test/cli.test.js::the CLI prints the total', failed: true, lines: {
            'src/cli.js': [1, 2], 'src/invoice.js': [1, 4, 5, 6, 7, 9], 'src/pricing/discount.js': [1, 4, 5, 6, 7, 9], 'src/util/money.js': [2, 3, 4, 11],
          },
        },
      ],
    });
  });

  it('node:test, one file run directly: its test\'s entry; a workspace package reached through node_modules counts', async () => {
    dir = copyBugProject(project('js-workspace-package'));
    const runner = await createTestRunner(dir);
    const report = await runner.run({ root: dir, coverage: true, only: [{ file: 'packages/report/test/report.test.js' }] });
    assert.ok(!report.command.includes(' --test '), report.command);
    assert.deepStrictEqual(report.coverage, {
      granularity: 'test', source: 'V8 (NODE_V8_COVERAGE)', entries: [{
        label: 'packages/report/test/report.test.js::shares are percentages of the total', failed: true, lines: {
          'packages/format/src/index.js': [1, 2, 4], 'packages/format/src/pad.js': [2, 3, 4, 6],
          'packages/format/src/percent.js': [2, 3, 4, 6], 'packages/report/src/report.js': [1, 4, 5, 6, 7, 9],
        },
      }],
    });
  });

  it('mocha: test files share a process, cut test by test; the class method below the test is in the failing entry', async () => {
    dir = copyBugProject(project('js-cart-class'));
    fs.writeFileSync(path.join(dir, 'test', 'lineItem.test.js'), [
      "const assert = require('assert');",
      "const { LineItem } = require('../src/lineItem');",
      '',
      "it('keeps its sku', () => assert.strictEqual(new LineItem('pen', 2, 1).sku, 'pen'));",
      '',
    ].join('\n'));
    const before = snapshot(dir);
    const runner = await createTestRunner(dir);
    const report = await runner.run({ root: dir, coverage: true });
    assert.strictEqual(report.framework, 'mocha');
    const cartTests = {
      'src/cart.js': [1, 3, 4, 5, 6, 8, 9, 10, 11, 14, 15, 16, 17, 19],
      // LineItem's constructor (3-7) and subtotal (10-13), with the bug on 12.
      'src/lineItem.js': [2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 16],
    };
    assert.deepStrictEqual(report.coverage, {
      granularity: 'test', source: 'V8 (NODE_V8_COVERAGE)', entries: [
        { label: 'test/cart.test.js::Cart > adds up small lines', failed: false, lines: cartTests },
        { label: 'test/cart.test.js::Cart > gives the bulk discount from ten items on', failed: true, lines: cartTests },
        // Loading cart.js (its class and exports) ran for every test of the process; subtotal did not run here.
        { label: 'test/lineItem.test.js::keeps its sku', failed: false, lines: { 'src/cart.js': [1, 3, 17, 19], 'src/lineItem.js': [2, 3, 4, 5, 6, 7, 14, 16] } },
      ],
    });
    assert.deepStrictEqual(filesOf(report).filter((f) => f.includes('node_modules') || f.startsWith('test/')), []);
    assert.deepStrictEqual(snapshot(dir), before, 'nothing written inside the workspace');
    const plain = await runner.run({ root: dir });
    assert.strictEqual(plain.coverage, undefined);
    assert.strictEqual(withoutRunDir(plain.command), withoutRunDir(report.command));
  });

  it('a pretest tsc build: the built code\'s coverage is mapped to the TypeScript source lines, never dist/', async function () {
    this.timeout(180_000);
    dir = installSetup('pretest-build', ['typescript', '@types/node']);
    const runner = await createTestRunner(dir);
    const report = await runner.run({ root: dir, coverage: true });
    assert.deepStrictEqual(report.coverage, {
      granularity: 'test', source: 'V8 (NODE_V8_COVERAGE)', entries: [
        // dayOf (2-7); line 1, its doc comment, is no code.
        { label: 'test/dates.test.ts::dayOf > gives the day of a timestamp', failed: true, lines: { 'src/dates.ts': [2, 3, 4, 5, 6, 7] } },
        // Only what loading the module ran: the declaration's `export` (2) and the end of the statement (7).
        { label: 'test/dates.test.ts::dayOf > runs in UTC', failed: false, lines: { 'src/dates.ts': [2, 7] } },
      ],
    });
  });

  it('without coverage, both adapters start the framework exactly as before: no coverage variables, the same arguments', () => {
    dir = copyBugProject(project('js-cart-class'));
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-cov-args-'));
    try {
      for (const adapter of [nodeTestAdapter, mochaAdapter]) {
        for (const only of [undefined, [{ file: 'test/cart.test.js' }]]) {
          const ctx: RunContext = { root: dir, tmpDir, eventsFile: path.join(tmpDir, 'events.jsonl'), timeoutMs: 1000, only };
          const plain = adapter.prepare(ctx);
          const measured = adapter.prepare({ ...ctx, coverageDir: path.join(tmpDir, 'coverage') });
          assert.deepStrictEqual(['NODE_V8_COVERAGE', 'NODE_OPTIONS', 'REFLECT_COVERAGE_ROOT'].filter((v) => plain.env?.[v] !== undefined), []);
          assert.strictEqual(measured.env?.NODE_V8_COVERAGE, path.join(tmpDir, 'coverage'));
          assert.match(measured.env?.NODE_OPTIONS ?? '', /--require "[^"]*reflect-coverage-preload\.cjs"$/);
          const { NODE_V8_COVERAGE: _dir, NODE_OPTIONS: _options, REFLECT_COVERAGE_ROOT: _root, ...rest } = measured.env ?? {};
          assert.deepStrictEqual({ ...measured, env: Object.keys(rest).length > 0 ? rest : undefined }, { ...plain, env: plain.env });
        }
      }
    } finally {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
  });
});
