// What `reflect verify` costs on the sample project: a git repository of test/fixtures/sample with its fix in the
// working tree; the wall time of `reflect verify` against the wall time of running the sample's tests twice
// (`reflect test`, one after the other), each in a fresh process, alternating, median of TRIALS.
// Prints figures; asserts nothing (target: verify within 1.2× of the two test runs).
'use strict';
const cp = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');
const TRIALS = Number(process.env.TRIALS || 7);

function makeRepo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-bench-verify-'));
  fs.cpSync(path.join(root, 'test', 'fixtures', 'sample'), dir, { recursive: true });
  const git = (...args) => cp.execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@reflect.invalid', ...args], { cwd: dir });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'sample');
  const file = path.join(dir, 'src', 'pagination.js');
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace('Math.floor(total / perPage)', 'Math.ceil(total / perPage)').replace('first + perPage - 1', 'first + perPage'));
  return dir;
}

function timed(args, expectCode) {
  const started = performance.now();
  const r = cp.spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  if (r.status !== expectCode) throw new Error(`reflect ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return performance.now() - started;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = makeRepo();
try {
  const verify = [];
  const twice = [];
  for (let i = 0; i < TRIALS; i++) {
    verify.push(timed(['verify', '--cwd', dir], 0));
    twice.push(timed(['test', '--cwd', dir], 0) + timed(['test', '--cwd', dir], 0));
  }
  const v = median(verify);
  const t = median(twice);
  console.log(`reflect verify on the fixed sample: ${v.toFixed(0)} ms (median of ${TRIALS})`);
  console.log(`its tests run twice (reflect test, one after the other): ${t.toFixed(0)} ms (median)`);
  console.log(`ratio: ${(v / t).toFixed(2)}× (target ≤ 1.2×)`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
