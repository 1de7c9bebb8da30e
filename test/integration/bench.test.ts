import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { repoRoot } from '../support/fixtures';

/** The benchmark as a user runs it (the compiled entry point), on three small problems. */

const JS_CLAMP = {
  task_id: 'JavaScript/clamp',
  prompt: '/* Limit value to [lo, hi]. */\nconst clamp = (value, lo, hi) => {\n',
  buggy_solution: '  if (value < lo) return lo;\n  if (value > hi) return lo;\n  return value;\n}\n',
  canonical_solution: '  if (value < lo) return lo;\n  if (value > hi) return hi;\n  return value;\n}\n',
  test: 'const testClamp = () => {\n  console.assert(clamp(5, 0, 10) === 5)\n  console.assert(clamp(12, 0, 10) === 10)\n  console.assert(clamp(11, 0, 10) === 10)\n}\ntestClamp()\n',
  entry_point: 'clamp',
};
const PY_LAST = {
  task_id: 'Python/last',
  prompt: 'def last(xs):\n    """The last item of a non-empty list."""\n',
  buggy_solution: '    return xs[len(xs)]\n',
  canonical_solution: '    return xs[len(xs) - 1]\n',
  test: 'def check(candidate):\n    assert candidate([1, 2, 3]) == 3\n    assert candidate([7]) == 7\n',
  entry_point: 'last',
};
const JS_MISSING_PACKAGE = {
  task_id: 'JavaScript/needs-package',
  prompt: "const pad = require('reflect-no-such-package');\nconst f = (s) => {\n",
  buggy_solution: '  return pad(s);\n}\n',
  test: "console.assert(f('a') === ' a')\n",
  entry_point: 'f',
};

/** Its examples show `double(3) === 6`: `x + 3` passes them as well as `x * 2` does (a plausible, overfit fix). */
const JS_DOUBLE = {
  task_id: 'JavaScript/double',
  prompt: '/* Twice x. */\nconst double = (x) => {\n',
  buggy_solution: '  return x + 2;\n}\n',
  test: 'const t = () => {\n  console.assert(double(3) === 6)\n  console.assert(double(5) === 10)\n  console.assert(double(0) === 0)\n}\nt()\n',
  example_test: 'const t = () => {\n  console.assert(double(3) === 6)\n}\nt()\n',
  entry_point: 'double',
};
/** Its example passes on the buggy code: nothing for the engine to fix, though the hidden test fails. */
const JS_ABS = {
  task_id: 'JavaScript/abs',
  prompt: '/* Absolute value. */\nconst abs = (x) => {\n',
  buggy_solution: '  return x > 0 ? x : x;\n}\n',
  test: 'const t = () => {\n  console.assert(abs(3) === 3)\n  console.assert(abs(-2) === 2)\n}\nt()\n',
  example_test: 'const t = () => {\n  console.assert(abs(3) === 3)\n}\nt()\n',
  entry_point: 'abs',
};

describe('npm run bench', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-bench-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fixes what it can, skips what cannot run here, and checks each fix with the original tests', async () => {
    const suite = path.join(dir, 'suite.jsonl');
    fs.writeFileSync(suite, [JS_CLAMP, PY_LAST, JS_MISSING_PACKAGE].map((p) => JSON.stringify(p)).join('\n'));
    const out = path.join(dir, 'out');
    const { stdout } = await promisify(execFile)('node', [path.join(repoRoot, 'out/src/cli.js'), 'bench', '--suite', suite, '--out', out, '--concurrency', '1'], { cwd: repoRoot });
    const report = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    const byId = Object.fromEntries(report.results.map((r: { taskId: string }) => [r.taskId, r]));
    assert.strictEqual(byId['JavaScript/clamp'].status, 'fixed');
    assert.strictEqual(byId['JavaScript/clamp'].summary, '`lo` → `hi` at solution.js:4');
    assert.strictEqual(byId['JavaScript/clamp'].verification, 'the original tests pass on the patched file');
    assert.strictEqual(byId['JavaScript/clamp'].assertions, 3);
    assert.strictEqual(byId['Python/last'].status, 'fixed');
    assert.strictEqual(byId['Python/last'].summary, '`len(xs)` → `len(xs) - 1` at solution.py:3');
    assert.strictEqual(byId['JavaScript/needs-package'].status, 'skipped');
    assert.strictEqual(byId['JavaScript/needs-package'].stopReason, 'needs the npm package reflect-no-such-package, which is not installed');
    assert.strictEqual(report.figures.fixed, 2);
    assert.strictEqual(report.figures.attempted, 2);
    assert.match(stdout, /fixed: 2 of 2 attempted \(100\.0 %\); 1 skipped/);
    assert.deepStrictEqual([report.figures.minimality.checked, report.figures.minimality.reduced], [2, 0]);
    assert.deepStrictEqual(byId['JavaScript/clamp'].minimality.hunks, 1);
    assert.match(stdout, /minimality: 2 verified fixes checked, 0 cut to fewer hunks; 0 targeted runs, \d+\.\d %/);
    assert.match(fs.readFileSync(path.join(out, 'summary.md'), 'utf8'), /\| JavaScript\/clamp \| fixed \| 1 \|/);
    assert.match(fs.readFileSync(path.join(out, 'chart.svg'), 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('with --hidden-tests shows the engine the examples only, judges with every test, and prints the overfit rate', async () => {
    const suite = path.join(dir, 'hidden.jsonl');
    const clamp = { ...JS_CLAMP, example_test: 'console.assert(clamp(12, 0, 10) === 10)\n' };
    fs.writeFileSync(suite, [clamp, JS_DOUBLE, JS_ABS].map((p) => JSON.stringify(p)).join('\n'));
    const out = path.join(dir, 'hidden-out');
    const { stdout } = await promisify(execFile)('node', [path.join(repoRoot, 'out/src/cli.js'), 'bench', '--suite', suite, '--out', out, '--concurrency', '1', '--hidden-tests'], { cwd: repoRoot });
    const report = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    const byId = Object.fromEntries(report.results.map((r: { taskId: string }) => [r.taskId, r]));
    assert.deepStrictEqual([byId['JavaScript/clamp'].status, byId['JavaScript/clamp'].assertions], ['fixed', 1]);
    assert.deepStrictEqual([byId['JavaScript/double'].runStatus, byId['JavaScript/double'].status], ['verified', 'rejected-fix']);
    assert.deepStrictEqual([byId['JavaScript/abs'].runStatus, byId['JavaScript/abs'].status], ['nothing-to-fix', 'not-fixed']);
    assert.deepStrictEqual([report.figures.plausible, report.figures.correct, report.figures.overfitRate, report.figures.nothingToFix], [2, 1, 0.5, 1]);
    assert.match(stdout, /plausible \(passes the tests it saw\): 2; correct \(passes every test\): 1; overfit rate: 50\.0 %; 1 whose shown tests pass on the buggy code/);
  });
});
