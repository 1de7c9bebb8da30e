// Measures what `reflect test` costs over the raw test command, and what a targeted run saves.
// Prints figures only (no assertions). Needs `npm run build` first (uses dist/cli.js).
//
//   node perf/runnerOverhead.js [--files 200] [--tests 2] [--runs 5]
//
// 1. Overhead: a generated jest project (FILES test files x TESTS tests, one failing), median wall time of RUNS
//    runs of the raw `jest` binary vs `reflect test --json --retries 0` (runs interleaved, after one warm-up).
// 2. Targeted: `reflect test --only FILE::NAME` of the one failing test vs the full `reflect test` run.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const cli = path.join(repo, 'dist', 'cli.js');

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const FILES = flag('files', 200);
const TESTS = flag('tests', 2);
const RUNS = flag('runs', 5);

function makeProject() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-bench-runner-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench', private: true, scripts: { test: 'jest' } }));
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'test'));
  fs.writeFileSync(path.join(dir, 'src', 'math.js'), 'exports.add = (a, b) => a + b;\nexports.mul = (a, b) => a * b;\n');
  for (let f = 0; f < FILES; f++) {
    const id = String(f).padStart(3, '0');
    const tests = [];
    for (let t = 0; t < TESTS; t++) {
      const failing = f === Math.floor(FILES / 2) && t === 0;
      tests.push(`  it('case ${t}', () => {\n    expect(add(${f}, ${t})).toBe(${f + t + (failing ? 1 : 0)});\n    expect(mul(${f}, 2)).toBe(${f * 2});\n  });`);
    }
    fs.writeFileSync(path.join(dir, 'test', `t${id}.test.js`),
      `const { add, mul } = require('../src/math');\n\ndescribe('file ${id}', () => {\n${tests.join('\n')}\n});\n`);
  }
  return { dir, failing: { file: `test/t${String(Math.floor(FILES / 2)).padStart(3, '0')}.test.js`, name: `file ${String(Math.floor(FILES / 2)).padStart(3, '0')} > case 0` } };
}

function time(command, args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', CI: '1' }, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

function main() {
  if (!fs.existsSync(cli)) {
    console.error('dist/cli.js is missing: run `npm run build` first');
    process.exit(2);
  }
  const { dir, failing } = makeProject();
  try {
    const jest = path.join(dir, 'node_modules', '.bin', 'jest');
    const raw = () => time(jest, ['--ci'], dir);
    const reflect = (extra = []) => time(process.execPath, [cli, 'test', '--cwd', dir, '--retries', '0', '--json', ...extra], dir);
    console.log(`project: ${FILES} test files x ${TESTS} tests (one failing), jest, ${os.cpus().length} CPUs, Node ${process.version}`);
    raw();
    const check = reflect();
    const report = JSON.parse(check.stdout);
    console.log(`reflect test sees: ${JSON.stringify(report.summary)} (exit ${check.status})`);
    const rawMs = [];
    const reflectMs = [];
    for (let i = 0; i < RUNS; i++) {
      rawMs.push(raw().ms);
      reflectMs.push(reflect().ms);
    }
    const overhead = (median(reflectMs) / median(rawMs) - 1) * 100;
    console.log(`raw jest:      median ${fmt(median(rawMs))}  (${rawMs.map(fmt).join(', ')})`);
    console.log(`reflect test:  median ${fmt(median(reflectMs))}  (${reflectMs.map(fmt).join(', ')})`);
    console.log(`overhead: ${overhead.toFixed(1)} % (target <= 10 %)`);
    // The fastest run of each is the least disturbed by whatever else the machine does: a steadier estimate.
    const best = (Math.min(...reflectMs) / Math.min(...rawMs) - 1) * 100;
    console.log(`overhead, fastest of ${RUNS} each: ${best.toFixed(1)} % (${fmt(Math.min(...reflectMs))} vs ${fmt(Math.min(...rawMs))})`);

    const only = `${failing.file}::${failing.name}`;
    const targetedMs = [];
    let targeted;
    for (let i = 0; i < RUNS; i++) {
      targeted = reflect(['--only', only]);
      targetedMs.push(targeted.ms);
    }
    const tReport = JSON.parse(targeted.stdout);
    console.log(`targeted run of ${only}: ${JSON.stringify(tReport.summary)}, ${tReport.tests.length} test(s) reported`);
    console.log(`targeted:      median ${fmt(median(targetedMs))}  (${targetedMs.map(fmt).join(', ')})`);
    console.log(`targeted / full: ${((median(targetedMs) / median(reflectMs)) * 100).toFixed(1)} % (target <= 25 %)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
