import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixturePath } from '../../support/fixtures';
import { jestAdapter } from '../../../src/node/testRunners/jestAdapter';
import type { RunContext } from '../../../src/node/testRunners/runWithAdapter';
import { vitestAdapter } from '../../../src/node/testRunners/vitestAdapter';

/**
 * What jest's and vitest's invocations carry with and without coverage (the fixtures resolve the repository's
 * jest 30 and vitest 3 + @vitest/coverage-v8): without it, nothing of coverage reaches the process.
 */
describe('jest and vitest invocations with and without coverage', () => {
  let tmpDir: string;
  beforeEach(() => (tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-prepare-'))));
  afterEach(() => fs.rmSync(tmpDir, { recursive: true, force: true }));
  const ctx = (fixture: string, coverage: boolean): RunContext => ({
    root: fixturePath(fixture), tmpDir, eventsFile: path.join(tmpDir, 'events.jsonl'), timeoutMs: 1000,
    ...(coverage ? { coverageDir: path.join(tmpDir, 'coverage') } : {}),
  });
  const reporterText = () => fs.readFileSync(path.join(tmpDir, 'reflect-jest-reporter.cjs'), 'utf8');

  it('jest: the coverage flags, our folder in the environment and the per-file writer only when asked', () => {
    const plain = jestAdapter.prepare(ctx('jest-project', false));
    assert.deepStrictEqual([plain.args.filter((a) => /coverage/i.test(a)), plain.env], [[], { ELECTRON_RUN_AS_NODE: '1' }]);
    assert.doesNotMatch(reporterText(), /REFLECT_COVERAGE_DIR|v8Coverage/);
    const measured = jestAdapter.prepare(ctx('jest-project', true));
    const dir = path.join(tmpDir, 'coverage');
    assert.deepStrictEqual(measured.args.filter((a) => /coverage/i.test(a)),
      ['--coverage', '--coverageProvider=v8', '--coverageReporters=json', `--coverageDirectory=${dir}`, '--coverageThreshold={}']);
    assert.deepStrictEqual(measured.env, { ELECTRON_RUN_AS_NODE: '1', REFLECT_COVERAGE_DIR: dir });
    assert.match(reporterText(), /result\.v8Coverage/);
    // Everything else is as it was.
    assert.deepStrictEqual(measured.args.filter((a) => !/coverage/i.test(a)), plain.args);
  });

  it('vitest: the coverage options over the project\'s config only when asked', () => {
    const options = (env: Record<string, string> | undefined) => (JSON.parse(env?.REFLECT_VITEST_RUN ?? '{}') as { options: Record<string, unknown> }).options;
    const plain = vitestAdapter.prepare(ctx('vitest-project', false));
    assert.strictEqual('coverage' in options(plain.env), false);
    assert.doesNotMatch(fs.readFileSync(path.join(tmpDir, 'reflect-vitest-reporter.mjs'), 'utf8'), /REFLECT_COVERAGE_DIR/);
    assert.doesNotMatch(plain.display, /coverage/);
    const measured = vitestAdapter.prepare(ctx('vitest-project', true));
    const dir = path.join(tmpDir, 'coverage');
    assert.deepStrictEqual(options(measured.env).coverage, {
      enabled: true, provider: 'v8', reporter: [['json', { file: 'coverage-final.json' }]], reportsDirectory: dir,
      reportOnFailure: true, thresholds: false, skipFull: false, clean: true, all: false,
    });
    const { coverage: _, ...rest } = options(measured.env);
    assert.deepStrictEqual(rest, options(plain.env));
    assert.deepStrictEqual([plain.env?.REFLECT_COVERAGE_DIR, measured.env?.REFLECT_COVERAGE_DIR], [undefined, dir]);
    const reporter = fs.readFileSync(path.join(tmpDir, 'reflect-vitest-reporter.mjs'), 'utf8');
    assert.match(reporter, /REFLECT_COVERAGE_DIR/);
    assert.match(measured.display, / --coverage\.enabled --coverage\.provider=v8 --coverage\.reporter=json --coverage\.reportsDirectory=/);
  });
});
