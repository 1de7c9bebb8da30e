import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isTestFile } from '../../src/core/testFiles';
import type { CoverageSpectrum, TestReport } from '../../src/core/types';
import { createScratchProvider } from '../../src/node/scratchWorkspace';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';
import { copyFixture } from '../support/fixtures';
import { copyBugProject, listBugProjects } from '../support/multifileBugs';
import { defaultPython, makeVenv, python312, pythonWithCoverage, PythonForTests } from '../support/pythons';
import { gitStatus, installSetup } from '../support/setups';

/** coverage.py measures instead of our tracer (when the test's Python can import it). */
const COVERAGE_PY = { REFLECT_COVERAGE_TRACER: 'coverage.py' };
const OURS = /^reflect pytest tracer \(sys\.(settrace|monitoring)\)$/;

async function runWithCoverage(dir: string, env: Record<string, string> = {}): Promise<TestReport & { coverage: CoverageSpectrum }> {
  const report = await (await createTestRunner(dir)).run({ root: dir, coverage: true, env, timeoutMs: 60_000 });
  assert.ok(report.coverage, `a spectrum (notes: ${JSON.stringify(report.notes)}; output: ${report.output})`);
  return report as TestReport & { coverage: CoverageSpectrum };
}

const linesOf = (c: CoverageSpectrum) => Object.fromEntries(c.entries.map((e) => [e.label, e.lines]));
const failedOf = (c: CoverageSpectrum) => Object.fromEntries(c.entries.map((e) => [e.label, e.failed]));

/** Every file an entry names: workspace-relative, present, never a test file or an installed package. */
function assertOnlySources(c: CoverageSpectrum, root: string): void {
  for (const e of c.entries) {
    for (const [file, lines] of Object.entries(e.lines)) {
      assert.ok(!isTestFile(file) && !/(^|\/)(\.venv|site-packages|node_modules)\//.test(file), `${e.label}: ${file}`);
      assert.ok(fs.existsSync(path.join(root, file)), `${file} is in the run's root`);
      assert.deepStrictEqual(lines, [...lines].sort((a, b) => a - b), `${file}: ascending`);
    }
  }
}

describe('pytest coverage: the lines each test ran', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const bug = (id: string) => {
    const dir = copyBugProject(listBugProjects().find((p) => p.id === id)!);
    dirs.push(dir);
    return dir;
  };

  it('src layout: the module-level table\'s lines and the helper below the called function are in the failing test\'s entry', async () => {
    const dir = bug('py-src-tax-table');
    const { coverage } = await runWithCoverage(dir);
    assert.strictEqual(coverage.granularity, 'test');
    assert.match(coverage.source, OURS);
    const shared = { 'src/shop/cart.py': [1, 2, 5, 7, 8, 9], 'src/shop/tax.py': [1, 4, 5, 6, 7, 11, 13] };
    assert.deepStrictEqual(linesOf(coverage), {
      'tests/test_cart.py::test_eu_checkout_adds_21_percent': shared,
      'tests/test_cart.py::test_uk_checkout': shared,
    });
    assert.deepStrictEqual(failedOf(coverage), { 'tests/test_cart.py::test_eu_checkout_adds_21_percent': true, 'tests/test_cart.py::test_uk_checkout': false });
    // The same project reached through a symbolic link: paths relative to the root as given, the same lines.
    const link = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-link-')), 'ws');
    dirs.push(path.dirname(link));
    fs.symlinkSync(dir, link, 'dir');
    assert.deepStrictEqual((await runWithCoverage(link)).coverage, coverage);
  });

  it('relative imports two calls below, and a class method reached through an attribute', async () => {
    const slug = (await runWithCoverage(bug('py-slug-normalize'))).coverage;
    const accents = linesOf(slug)['tests/test_slug.py::test_accents_are_dropped'];
    assert.deepStrictEqual(accents['textkit/normalize.py'], [1, 2, 4, 7, 9, 10]);
    assert.deepStrictEqual(accents['textkit/_compat.py'], [1, 4, 6]);
    const ledger = (await runWithCoverage(bug('py-inventory-ledger'))).coverage;
    assert.deepStrictEqual(failedOf(ledger), { 'tests/test_inventory.py::test_sell_reduces_stock': true, 'tests/test_inventory.py::test_cannot_sell_more_than_stock': false });
    const sell = linesOf(ledger)['tests/test_inventory.py::test_sell_reduces_stock'];
    assert.deepStrictEqual(sell['stock/ledger.py'], [1, 4, 5, 6, 8, 9, 11, 13]);
    // The passing test never restocks: Inventory.restock (10) and Ledger.record's append (9) are not its lines.
    const refused = linesOf(ledger)['tests/test_inventory.py::test_cannot_sell_more_than_stock'];
    assert.deepStrictEqual([refused['stock/inventory.py'].includes(10), refused['stock/ledger.py'].includes(9)], [false, false]);
  });

  const variants: { py: PythonForTests | undefined; env: Record<string, string>; source: RegExp; title: string }[] = [];
  const spare = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-pytests-'));
  dirs.push(spare);
  const dflt = defaultPython();
  variants.push({ py: dflt, env: {}, source: OURS, title: `${dflt.title}, our tracer` });
  const cov = pythonWithCoverage();
  variants.push({ py: cov, env: COVERAGE_PY, source: /^coverage\.py \d+\.\d+(\.\d+)? \(a dynamic context per test\)$/, title: cov ? `${cov.title}, asked for` : 'a Python with coverage.py (none here)' });
  const mon = python312(path.join(spare, 'pytest'));
  variants.push({ py: mon, env: {}, source: /^reflect pytest tracer \(sys\.monitoring\)$/, title: mon?.title ?? 'Python 3.12+ (none here)' });

  for (const v of variants) {
    it(`${v.title}: parametrized ids; lines only passing tests ran stay out of failing entries; no test helper, no .venv`, async function () {
      if (!v.py) this.skip();
      const dir = copyFixture('pytest-coverage');
      dirs.push(dir);
      // A package installed in the project's own venv, which a fixture of the tests calls: never the project's code.
      fs.writeFileSync(path.join(makeVenv(dir, v.py!), 'rulers.py'), 'def unfold(n):\n    return n\n');
      fs.writeFileSync(path.join(dir, 'tests', 'conftest.py'), 'import pytest\nimport rulers\n\n\n@pytest.fixture(autouse=True)\ndef _ruler():\n    yield rulers.unfold(1)\n');
      const { coverage, tests } = await runWithCoverage(dir, v.env);
      assert.match(coverage.source, v.source);
      assert.deepStrictEqual(tests.map((t) => `${t.name}: ${t.status}`), [
        'test_perimeter[1-1-10.16]: failed', 'test_perimeter[2-3-25.4]: failed', 'test_square_perimeter: failed',
        'TestLengthLabel > test_metres: passed', 'TestLengthLabel > test_millimetres: passed',
      ]);
      const perimeter = { 'geometry/__init__.py': [1], 'geometry/shapes.py': [1, 2, 5, 7, 10], 'geometry/units.py': [1, 3, 6, 8, 11] };
      assert.deepStrictEqual(linesOf(coverage), {
        'tests/test_shapes.py::test_perimeter[1-1-10.16]': perimeter,
        'tests/test_shapes.py::test_perimeter[2-3-25.4]': perimeter,
        'tests/test_shapes.py::test_square_perimeter': perimeter,
        'tests/test_shapes.py::TestLengthLabel > test_metres': { 'geometry/__init__.py': [1], 'geometry/shapes.py': [1, 2, 5, 10, 12, 13] },
        'tests/test_shapes.py::TestLengthLabel > test_millimetres': {
          'geometry/__init__.py': [1], 'geometry/shapes.py': [1, 2, 5, 10, 12, 14], 'geometry/units.py': [1, 3, 6, 11, 13],
        },
      });
      assert.deepStrictEqual(coverage.entries.filter((e) => e.failed).length, 3);
      assertOnlySources(coverage, dir);
    });
  }

  it('an editable src layout run in a scratch copy: lines of the copy\'s src, nothing written in the workspace', async () => {
    const dir = installSetup('pytest-src', []);
    dirs.push(dir);
    const ws = await createScratchProvider(dir).create();
    try {
      const { coverage } = await runWithCoverage(ws.root);
      // Our tracer, even when the venv's Python could import coverage.py: it is used only when asked for.
      assert.match(coverage.source, OURS);
      const lines = linesOf(coverage);
      assert.deepStrictEqual(lines['tests/test_cart.py::TestCartTotal > test_discount[10-540]'], { 'src/shop/__init__.py': [1], 'src/shop/cart.py': [1, 4, 6, 9, 11, 12] });
      assert.deepStrictEqual(lines['tests/test_cart.py::test_line_total[0-3-0]'], { 'src/shop/__init__.py': [1], 'src/shop/cart.py': [1, 4, 6, 9] });
      assert.strictEqual(coverage.entries.length, 6);
      assertOnlySources(coverage, ws.root);
      await runWithCoverage(dir);
      assert.strictEqual(gitStatus(dir), '');
    } finally {
      await ws.dispose();
    }
  });

  it('a test that runs out of time: its lines up to the kill are in its failing entry (an endless loop is the evidence)', async () => {
    const dir = copyFixture('pytest-coverage');
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'geometry', 'spin.py'), 'def countdown(n):\n    steps = 0\n    while n != 0:\n        n -= 2\n        steps += 1\n    return steps\n');
    fs.writeFileSync(path.join(dir, 'tests', 'test_spin.py'), 'from geometry.spin import countdown\n\n\ndef test_even():\n    assert countdown(4) == 2\n\n\ndef test_odd():\n    assert countdown(3) == 2\n');
    const runner = await createTestRunner(dir);
    const report = await runner.run({ root: dir, only: [{ file: 'tests/test_spin.py' }], coverage: true, timeoutMs: 8_000 });
    assert.deepStrictEqual(report.tests.map((t) => `${t.name}: ${t.status}`), ['test_even: passed', 'test_odd: timedOut']);
    assert.deepStrictEqual(report.coverage?.entries, [
      { label: 'tests/test_spin.py::test_even', failed: false, lines: { 'geometry/__init__.py': [1], 'geometry/spin.py': [1, 2, 3, 4, 5, 6] } },
      { label: 'tests/test_spin.py::test_odd', failed: true, lines: { 'geometry/__init__.py': [1], 'geometry/spin.py': [1, 2, 3, 4, 5] } },
    ]);
  });

  it('a tracer already set (a debugger, pytest-cov) is left alone: the tests run as before, the source says lines may be missing', async function () {
    const dir = copyFixture('pytest-coverage');
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'tests', 'conftest.py'), 'import sys\n\n\ndef _theirs(frame, event, arg):\n    return None\n\n\nsys.settrace(_theirs)\n');
    const report = await runWithCoverage(dir);
    if (/sys\.monitoring/.test(report.coverage.source)) this.skip();
    assert.strictEqual(report.coverage.source, 'reflect pytest tracer (sys.settrace); another tracer (a debugger, pytest-cov) was active: lines may be missing');
    assert.deepStrictEqual(report.summary, { passed: 2, failed: 3, skipped: 0 });
  });

  it('a run without coverage has no spectrum, no note, and the command it always had', async () => {
    const dir = bug('py-src-tax-table');
    const runner = await createTestRunner(dir);
    const plain = await runner.run({ root: dir, timeoutMs: 60_000 });
    const measured = await runner.run({ root: dir, coverage: true, timeoutMs: 60_000 });
    assert.deepStrictEqual([plain.coverage, plain.notes], [undefined, undefined]);
    assert.strictEqual(plain.command, 'python3 -m pytest -p no:cacheprovider -p no:benchmark --color=no -q -rN');
    assert.strictEqual(measured.command, plain.command);
    assert.ok(measured.coverage);
  });
});
