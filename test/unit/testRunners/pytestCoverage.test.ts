import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestResult, TestStatus } from '../../../src/core/types';
import { pytestAdapter } from '../../../src/node/testRunners/pytestAdapter';
import { parsePytestCoverage, pytestSpectrum, PytestCoverageFile, readPytestCoverage } from '../../../src/node/testRunners/pytestCoverage';
import type { RunContext } from '../../../src/node/testRunners/runWithAdapter';

const test = (id: string, status: TestStatus): TestResult => {
  const [file, name] = id.split('::');
  return { id, file, name, status, durationMs: 1 };
};
const fileOf = (f: string) => f;
const SOURCES = new Set(['app/a.py', 'app/b.py', 'app/table.py', 'app/__init__.py', 'lib/c.py']);
const exists = (rel: string) => SOURCES.has(rel);

function file(over: Partial<PytestCoverageFile>): PytestCoverageFile {
  return { source: 'reflect pytest tracer (sys.settrace)', tests: {}, collected: {}, outside: {}, ...over };
}

describe('pytest coverage: from our plugin\'s files to a spectrum', () => {
  it('labels entries with the report\'s ids (classes joined by " > "), failed unless passed, skipped tests left out', () => {
    const spectrum = pytestSpectrum([file({
      tests: {
        'tests/test_a.py::TestX::test_y[1-2]': { 'app/a.py': [3, 2] },
        'tests/test_a.py::test_z': { 'app/a.py': [5] },
        'tests/test_a.py::test_skip': { 'app/a.py': [9] },
        'tests/test_a.py::test_gone': { 'app/a.py': [7] },
      },
    })], [
      test('tests/test_a.py::TestX > test_y[1-2]', 'failed'), test('tests/test_a.py::test_z', 'passed'),
      test('tests/test_a.py::test_skip', 'skipped'), test('tests/test_a.py::test_slow', 'timedOut'),
    ], fileOf, exists);
    assert.deepStrictEqual(spectrum, {
      granularity: 'test', source: 'reflect pytest tracer (sys.settrace)', entries: [
        { label: 'tests/test_a.py::TestX > test_y[1-2]', failed: true, lines: { 'app/a.py': [2, 3] } },
        { label: 'tests/test_a.py::test_z', failed: false, lines: { 'app/a.py': [5] } },
      ],
    });
  });

  it('module-level lines go to the tests that used the file, else to the tests of the test file that imported it, else to all', () => {
    const spectrum = pytestSpectrum([file({
      tests: {
        'tests/test_a.py::test_uses_a': { 'app/a.py': [10] },
        'tests/test_a.py::test_uses_nothing': {},
        'tests/test_b.py::test_uses_b': { 'app/b.py': [4] },
      },
      collected: { 'tests/test_a.py': { 'app/a.py': [1, 2], 'app/table.py': [1, 3, 4] }, 'tests/test_b.py': { 'app/b.py': [1] } },
      outside: { 'app/__init__.py': [1], 'app/a.py': [8] },
    })], [
      test('tests/test_a.py::test_uses_a', 'failed'), test('tests/test_a.py::test_uses_nothing', 'passed'), test('tests/test_b.py::test_uses_b', 'passed'),
    ], fileOf, exists);
    assert.deepStrictEqual(Object.fromEntries(spectrum.entries.map((e) => [e.label, e.lines])), {
      'tests/test_a.py::test_uses_a': { 'app/__init__.py': [1], 'app/a.py': [1, 2, 8, 10], 'app/table.py': [1, 3, 4] },
      'tests/test_a.py::test_uses_nothing': { 'app/__init__.py': [1], 'app/table.py': [1, 3, 4] },
      'tests/test_b.py::test_uses_b': { 'app/__init__.py': [1], 'app/b.py': [1, 4] },
    });
  });

  it('a test file that failed to load gets the lines its import ran, as a failing entry', () => {
    const spectrum = pytestSpectrum([file({ collected: { 'tests/test_a.py': { 'app/a.py': [1, 2] } } })],
      [test('tests/test_a.py::(file failed to load)', 'failed')], fileOf, exists);
    assert.deepStrictEqual(spectrum.entries, [{ label: 'tests/test_a.py::(file failed to load)', failed: true, lines: { 'app/a.py': [1, 2] } }]);
  });

  it('never names test files, installed packages, paths leaving the root or files missing from it', () => {
    const lines = {
      'app/a.py': [1], 'tests/helpers.py': [1], 'app/test_x.py': [1], 'conftest.py': [1], '.venv/lib/python3.11/site-packages/x.py': [1],
      'node_modules/p/x.py': [1], '../outside.py': [1], '/abs/app.py': [1], 'app/missing.py': [1], 'app/./a.py': [1],
    };
    const spectrum = pytestSpectrum([file({ tests: { 'tests/test_a.py::t': lines } })], [test('tests/test_a.py::t', 'passed')], fileOf, exists);
    assert.deepStrictEqual(spectrum.entries[0].lines, { 'app/a.py': [1] });
  });

  it('merges the files of several processes (pytest-xdist workers) and keeps the plugin\'s note in the source', () => {
    const spectrum = pytestSpectrum([
      file({ tests: { 'tests/test_a.py::t1': { 'app/a.py': [2] } }, collected: { 'tests/test_a.py': { 'app/a.py': [1] } } }),
      file({ tests: { 'tests/test_a.py::t2': { 'app/a.py': [3] } }, collected: { 'tests/test_a.py': { 'app/a.py': [1] } }, note: 'another tracer replaced ours' }),
    ], [test('tests/test_a.py::t1', 'passed'), test('tests/test_a.py::t2', 'failed')], fileOf, exists);
    assert.deepStrictEqual(spectrum.entries.map((e) => [e.label, e.lines]), [
      ['tests/test_a.py::t1', { 'app/a.py': [1, 2] }], ['tests/test_a.py::t2', { 'app/a.py': [1, 3] }],
    ]);
    assert.strictEqual(spectrum.source, 'reflect pytest tracer (sys.settrace); another tracer replaced ours');
  });

  it('parses the plugin\'s JSON, dropping lines that are not positive integers; refuses another shape', () => {
    const parsed = parsePytestCoverage(JSON.stringify({
      source: 'coverage.py 6.5.0 (a dynamic context per test)', root: '/w',
      tests: { 't.py::a': { 'app/a.py': [0, 1, 2.5, '3', 4], 'app/b.py': 'x' } }, collected: [], outside: { 'app/__init__.py': [0] },
    }));
    assert.deepStrictEqual(parsed, { source: 'coverage.py 6.5.0 (a dynamic context per test)', tests: { 't.py::a': { 'app/a.py': [1, 4] } }, collected: {}, outside: {} });
    assert.throws(() => parsePytestCoverage('{"tests": {}}'), /not a coverage file of our pytest plugin/);
    assert.throws(() => parsePytestCoverage('null'), /not a coverage file/);
  });

  it('a plugin that could not start or collect says so as the run\'s note', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-pycov-'));
    try {
      fs.writeFileSync(path.join(dir, 'pytest-7.json'), JSON.stringify({ source: 'reflect pytest tracer (sys.monitoring)', tests: {}, collected: {}, outside: {}, note: 'could not start (no free sys.monitoring tool id)' }));
      assert.deepStrictEqual(readPytestCoverage(dir, dir, [test('tests/test_a.py::t', 'failed')]), { note: 'reflect pytest tracer (sys.monitoring): could not start (no free sys.monitoring tool id)' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reading a folder the session never wrote to gives a note', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-pycov-'));
    try {
      assert.deepStrictEqual(readPytestCoverage(dir, dir, []), { note: 'pytest wrote no coverage (the session did not finish, or our plugin did not load)' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pytest coverage: the command line', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const context = (coverage: boolean): RunContext => {
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-pycov-'));
    dirs.push(tmpDir);
    return { root: '/nonexistent/ws', tmpDir, eventsFile: path.join(tmpDir, 'events.jsonl'), timeoutMs: 1000, ...(coverage ? { coverageDir: path.join(tmpDir, 'coverage') } : {}) };
  };

  it('without coverage: no plugin of ours but the reporter, no coverage variables', () => {
    const ctx = context(false);
    const inv = pytestAdapter.prepare(ctx);
    assert.deepStrictEqual(inv.args, ['-m', 'pytest', '-p', 'reflect_pytest_plugin', '-p', 'no:cacheprovider', '-p', 'no:benchmark', '--color=no', '-q', '-rN']);
    assert.deepStrictEqual(Object.keys(inv.env ?? {}).sort(), ['PYTHONDONTWRITEBYTECODE', 'PYTHONPATH', 'PYTHONUNBUFFERED']);
    assert.deepStrictEqual(fs.readdirSync(ctx.tmpDir), ['reflect_pytest_plugin.py']);
  });

  it('with coverage: our coverage plugin by name from the temp dir, told where to write and what the root is; not shown', () => {
    const ctx = context(true);
    const inv = pytestAdapter.prepare(ctx);
    assert.deepStrictEqual(inv.args.slice(0, 6), ['-m', 'pytest', '-p', 'reflect_pytest_plugin', '-p', 'reflect_pytest_coverage']);
    assert.deepStrictEqual([inv.env?.REFLECT_COVERAGE_DIR, inv.env?.REFLECT_COVERAGE_ROOT], [ctx.coverageDir, '/nonexistent/ws']);
    assert.deepStrictEqual(fs.readdirSync(ctx.tmpDir).sort(), ['reflect_pytest_coverage.py', 'reflect_pytest_plugin.py']);
    assert.strictEqual(inv.display, 'python3 -m pytest -p no:cacheprovider -p no:benchmark --color=no -q -rN');
  });
});
