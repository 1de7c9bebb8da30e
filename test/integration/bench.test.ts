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
    assert.match(fs.readFileSync(path.join(out, 'summary.md'), 'utf8'), /\| JavaScript\/clamp \| fixed \| 1 \|/);
    assert.match(fs.readFileSync(path.join(out, 'chart.svg'), 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });
});
