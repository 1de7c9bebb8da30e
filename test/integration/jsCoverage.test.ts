import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';
import { repoRoot } from '../support/fixtures';
import { BugProject, copyBugProject, listBugProjects } from '../support/multifileBugs';

/**
 * Coverage of jest and vitest runs (the repository's jest 30 and vitest 3 with @vitest/coverage-v8), on projects of
 * the multi-file bug set whose bug sits two or three calls below the test, in another file: the exact source lines
 * each run reports, what the project's own coverage config cannot change, and a run that did not ask for coverage.
 */

const project = (id: string): BugProject => listBugProjects().find((p) => p.id === id)!;
const statuses = (r: TestReport) => Object.fromEntries(r.tests.map((t) => [t.id, t.status]));

/** Every file under `dir` (node_modules not followed), relative, sorted: what a run may not change. */
function filesIn(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.name === 'node_modules') return [p];
    return e.isDirectory() ? filesIn(dir, p) : [p];
  }).sort();
}

/** Runs the project's tests and checks the run left the workspace as it was. */
async function run(dir: string, request: { coverage?: boolean; only?: { file: string }[] } = {}): Promise<TestReport> {
  const before = filesIn(dir);
  const report = await (await createTestRunner(dir)).run({ root: dir, ...request });
  assert.deepStrictEqual(filesIn(dir), before, 'the run wrote into the workspace');
  return report;
}

describe('coverage of jest and vitest runs', function () {
  this.timeout(120_000);
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('jest (V8, js-jest-quartiles: the wrong comparator two calls below summarize)', () => {
    const QUARTILES = {
      'src/summary.js': [1, 4, 5, 6, 7, 9], 'src/stats/quartiles.js': [1, 4, 5, 6, 9, 10, 11, 12, 14], 'src/stats/sort.js': [1, 4, 5, 6, 8],
      'src/stats/compare.js': [2, 3, 4, 11],
    };
    const JEST_SOURCE = 'jest --coverage (v8)';
    beforeEach(() => {
      dir = copyBugProject(project('js-jest-quartiles'));
      // A passing test of its own that alone runs compareNumbersDesc (compare.js lines 7-9).
      fs.writeFileSync(path.join(dir, 'test', 'desc.test.js'),
        "const { compareNumbersDesc } = require('../src/stats/compare');\ntest('descending', () => { expect([1, 3, 2].sort(compareNumbersDesc)).toEqual([3, 2, 1]); });\n");
    });

    it('reports the source lines each test file ran, the buggy line in the failing file\'s entry, the passing file\'s lines in its own', async () => {
      const report = await run(dir, { coverage: true });
      assert.deepStrictEqual(statuses(report), {
        'test/desc.test.js::descending': 'passed', 'test/summary.test.js::quartiles of five scores': 'failed', 'test/summary.test.js::one score is every quartile': 'passed',
      });
      assert.match(report.command, / --coverage --coverageProvider=v8 --coverageReporters=json --coverageDirectory=\S+ '--coverageThreshold=\{\}'/);
      // compareNumbersDesc (lines 7-9) runs only in the passing file: it is not in the failing entry.
      assert.deepStrictEqual(report.coverage, {
        granularity: 'file', source: JEST_SOURCE, entries: [
          { label: 'test/desc.test.js', failed: false, lines: { 'src/stats/compare.js': [7, 8, 9, 11] } },
          { label: 'test/summary.test.js', failed: true, lines: QUARTILES },
        ],
      });
      assert.strictEqual(report.notes, undefined);
    });

    it('a run of the failing file only has its entry alone', async () => {
      const report = await run(dir, { coverage: true, only: [{ file: 'test/summary.test.js' }] });
      assert.deepStrictEqual(report.coverage, { granularity: 'file', source: JEST_SOURCE, entries: [{ label: 'test/summary.test.js', failed: true, lines: QUARTILES }] });
    });

    it('the project\'s own coverage config neither fails the run nor writes into the workspace', async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      dir = copyBugProject(project('js-jest-quartiles'), { fixed: true });
      const pkgFile = path.join(dir, 'package.json');
      const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
      // 100 % would fail: compareNumbersDesc never runs. html and text would write into cov/ and print a table.
      pkg.jest = { coverageThreshold: { global: { lines: 100 } }, coverageReporters: ['html', 'text'], coverageDirectory: 'cov', coverageProvider: 'babel' };
      fs.writeFileSync(pkgFile, JSON.stringify(pkg));
      const report = await run(dir, { coverage: true });
      assert.deepStrictEqual([report.exitCode, report.summary, report.error], [0, { passed: 2, failed: 0, skipped: 0 }, undefined]);
      assert.deepStrictEqual(report.coverage, { granularity: 'file', source: JEST_SOURCE, entries: [{ label: 'test/summary.test.js', failed: false, lines: QUARTILES }] });
      assert.doesNotMatch(report.output ?? '', /threshold|% Stmts/);
    });

    it('without coverage asked for: no coverage, no coverage flags, no note', async () => {
      const report = await run(dir);
      assert.strictEqual(report.summary.failed, 1);
      assert.deepStrictEqual([report.coverage, report.notes], [undefined, undefined]);
      assert.doesNotMatch(report.command, /coverage/i);
    });
  });

  describe('vitest (V8, ts-alias-duration: toSeconds behind a path alias adds instead of multiplying)', () => {
    const DURATION = { 'src/duration.ts': [1, 4, 5, 6, 7, 8, 9, 10], 'src/lib/units.ts': [2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14] };
    const VITEST_SOURCE = 'vitest --coverage (v8)';

    it('reports the TypeScript lines each test file ran, the buggy line 13 of units.ts in the failing file\'s entry only', async () => {
      dir = copyBugProject(project('ts-alias-duration'));
      // A passing test file of its own that reads the table but never calls toSeconds (units.ts lines 10-14).
      fs.writeFileSync(path.join(dir, 'test', 'table.test.ts'),
        "import { expect, it } from 'vitest';\nimport { UNIT_SECONDS } from '@lib/units';\nit('has minutes', () => { expect(UNIT_SECONDS.m).toBe(60); });\n");
      const report = await run(dir, { coverage: true });
      assert.deepStrictEqual(report.summary, { passed: 1, failed: 2, skipped: 0 });
      assert.match(report.command, / --coverage\.enabled --coverage\.provider=v8 --coverage\.reporter=json --coverage\.reportsDirectory=\S+/);
      assert.deepStrictEqual(report.coverage, {
        granularity: 'file', source: VITEST_SOURCE, entries: [
          { label: 'test/duration.test.ts', failed: true, lines: DURATION },
          { label: 'test/table.test.ts', failed: false, lines: { 'src/lib/units.ts': [2, 3, 4, 5, 6, 7] } },
        ],
      });
      assert.strictEqual(report.notes, undefined);
    });

    it('the project\'s own coverage config neither fails the run nor rewrites its config nor writes into the workspace', async () => {
      dir = copyBugProject(project('ts-alias-duration'), { fixed: true });
      const config = path.join(dir, 'vitest.config.mjs');
      const text = fs.readFileSync(config, 'utf8').replace("test: { include: ['test/**/*.test.ts'] }",
        "test: { include: ['test/**/*.test.ts'], coverage: { enabled: true, provider: 'istanbul', reporter: ['html', 'text'], reportsDirectory: 'cov', include: ['src/**'], skipFull: true, reportOnFailure: false, thresholds: { lines: 100, autoUpdate: true, 'src/lib/**': { functions: 100 } } } }");
      fs.writeFileSync(config, text);
      // UNIT_SECONDS' table has no function: with m, h and d unused nothing is below 100 %, so make one uncovered.
      fs.appendFileSync(path.join(dir, 'src', 'lib', 'units.ts'), '\nexport function unused(): number {\n  return 0;\n}\n');
      const report = await run(dir, { coverage: true });
      assert.deepStrictEqual([report.exitCode, report.summary, report.error], [0, { passed: 2, failed: 0, skipped: 0 }, undefined]);
      assert.deepStrictEqual(report.coverage, { granularity: 'file', source: VITEST_SOURCE, entries: [{ label: 'test/duration.test.ts', failed: false, lines: DURATION }] });
      assert.strictEqual(fs.readFileSync(config, 'utf8'), text);
    });

    it('without @vitest/coverage-v8: a note, no coverage flags, the tests run as before', async () => {
      dir = copyBugProject(project('ts-alias-duration'));
      // The project's own node_modules: the repository's packages, less the coverage provider.
      fs.rmSync(path.join(dir, 'node_modules'));
      fs.mkdirSync(path.join(dir, 'node_modules', '@vitest'), { recursive: true });
      const modules = path.join(repoRoot, 'node_modules');
      for (const name of fs.readdirSync(modules)) {
        if (name !== '@vitest') fs.symlinkSync(path.join(modules, name), path.join(dir, 'node_modules', name));
      }
      for (const name of fs.readdirSync(path.join(modules, '@vitest')).filter((n) => n !== 'coverage-v8')) {
        fs.symlinkSync(path.join(modules, '@vitest', name), path.join(dir, 'node_modules', '@vitest', name));
      }
      const report = await run(dir, { coverage: true });
      assert.deepStrictEqual(report.summary, { passed: 0, failed: 2, skipped: 0 });
      assert.deepStrictEqual([report.coverage, report.notes], [undefined, ['coverage: vitest coverage needs @vitest/coverage-v8 (not installed)']]);
      assert.doesNotMatch(report.command, /coverage/);
    });

    it('without coverage asked for: no coverage, no coverage flags, no note', async () => {
      dir = copyBugProject(project('ts-alias-duration'));
      const report = await run(dir);
      assert.deepStrictEqual(report.summary, { passed: 0, failed: 2, skipped: 0 });
      assert.deepStrictEqual([report.coverage, report.notes], [undefined, undefined]);
      assert.doesNotMatch(report.command, /coverage/i);
    });
  });
});
