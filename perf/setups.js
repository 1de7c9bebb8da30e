// `reflect test` against the raw runner on the real setups of test/fixtures/setups (default settings: one
// re-run only of failures that look non-deterministic), and the time to make a scratch copy of the monorepo.
// Prints figures only (no assertions). Needs `npm run build` and `tsc -p .` first (uses dist/cli.js and out/).
//
//   node perf/setups.js [--runs 5]
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const cli = path.join(repo, 'dist', 'cli.js');
const { installSetup } = require(path.join(repo, 'out', 'test', 'support', 'setups.js'));
const { createScratchProvider } = require(path.join(repo, 'out', 'src', 'node', 'scratchWorkspace.js'));

const i = process.argv.indexOf('--runs');
const RUNS = i > 0 ? Number(process.argv[i + 1]) : 5;

const SETUPS = [
  { name: 'npm-workspaces', frameworks: ['vitest'], raw: (d) => [process.execPath, [path.join(d, 'node_modules', 'vitest', 'vitest.mjs'), 'run']] },
  { name: 'pytest-src', frameworks: [], raw: (d) => [path.join(d, '.venv', 'bin', 'python'), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider']] },
  { name: 'pretest-build', frameworks: ['typescript', '@types/node'], raw: () => ['npm', ['test', '--silent']] },
];

function seconds(command, args, cwd) {
  const t = process.hrtime.bigint();
  spawnSync(command, args, { cwd, stdio: 'ignore', env: { ...process.env, CI: '1' } });
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  console.log(`setup            raw runner   reflect test   ratio   (median of ${RUNS}, interleaved, after a warm-up)`);
  for (const s of SETUPS) {
    const dir = installSetup(s.name, s.frameworks);
    try {
      const [rawCmd, rawArgs] = s.raw(dir);
      seconds(rawCmd, rawArgs, dir);
      seconds(process.execPath, [cli, 'test', '--json'], dir);
      const raw = [];
      const reflect = [];
      for (let r = 0; r < RUNS; r++) {
        raw.push(seconds(rawCmd, rawArgs, dir));
        reflect.push(seconds(process.execPath, [cli, 'test', '--json'], dir));
      }
      const a = median(raw);
      const b = median(reflect);
      console.log(`${s.name.padEnd(16)} ${a.toFixed(2).padStart(8)} s   ${b.toFixed(2).padStart(10)} s   ${(b / a).toFixed(2)}x`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const mono = installSetup('npm-workspaces', ['vitest']);
  try {
    for (const [label, root] of [['root', mono], ['package folder', path.join(mono, 'packages', 'app')]]) {
      const provider = createScratchProvider(root);
      const times = [];
      for (let r = 0; r < Math.max(RUNS, 7); r++) {
        const t = process.hrtime.bigint();
        const ws = await provider.create();
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
        await ws.dispose();
      }
      console.log(`scratch copy of the monorepo fixture (opened at its ${label}): median ${median(times).toFixed(0)} ms`);
    }
  } finally {
    fs.rmSync(mono, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
