// What measuring coverage costs the baseline run, and whether it reaches the bug (npm run perf:coverage).
// For every project of the multi-file bug set (node:test, mocha, jest, vitest, pytest): the baseline test run
// with and without `coverage: true`, interleaved, median of N after a warm-up; then whether some FAILING entry of
// the spectrum ran a line the fix changes, and that line's Ochiai score. Prints figures only (no assertions).
// Needs `tsc -p .` first (uses out/).
//
//   node perf/coverage.js [--runs 5] [--only ID]
'use strict';
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..');
const { listBugProjects, copyBugProject, fixDiff, changedLines } = require(path.join(repo, 'out', 'test', 'support', 'multifileBugs.js'));
const { createTestRunner } = require(path.join(repo, 'out', 'src', 'node', 'testRunners', 'createTestRunner.js'));
const { ochiaiScores } = require(path.join(repo, 'out', 'src', 'core', 'spectrum.js'));

const flag = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(flag('--runs') ?? 5);
const ONLY = flag('--only');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(runner, root, coverage) {
  const t = process.hrtime.bigint();
  const report = await runner.run({ root, timeoutMs: 120_000, coverage });
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, report };
}

/** The best Ochiai score among the lines the fix changes (in the buggy version), or why there is none. */
function reach(report, diff) {
  if (!report.coverage) return { text: (report.notes ?? []).find((n) => n.startsWith('coverage:')) ?? 'no coverage' };
  const scores = ochiaiScores(report.coverage);
  if (!scores) return { text: 'no failing entry' };
  let best;
  for (const [file, lines] of changedLines(diff)) {
    for (const line of lines) {
      const s = scores.at(file, line);
      if (s !== undefined && (best === undefined || s > best)) best = s;
    }
  }
  return { best, text: best === undefined ? 'fix\'s file not measured' : `Ochiai ${best.toFixed(2)}` };
}

async function main() {
  const projects = listBugProjects().filter((p) => !ONLY || p.id === ONLY);
  console.log(`perf:coverage: ${projects.length} projects, median of ${RUNS} interleaved runs after a warm-up\n`);
  console.log('project                     framework   plain     with coverage  ratio   grain     fix line reached');
  const byFramework = new Map();
  let reached = 0;
  for (const project of projects) {
    const dir = copyBugProject(project);
    try {
      const runner = await createTestRunner(dir);
      await timed(runner, dir, false);
      const first = await timed(runner, dir, true);
      const plain = [];
      const measured = [];
      for (let r = 0; r < RUNS; r++) {
        plain.push((await timed(runner, dir, false)).seconds);
        measured.push((await timed(runner, dir, true)).seconds);
      }
      const a = median(plain);
      const b = median(measured);
      const ratio = b / a;
      const fw = first.report.framework;
      byFramework.set(fw, [...(byFramework.get(fw) ?? []), ratio]);
      const r = reach(first.report, fixDiff(project.id));
      if (r.best !== undefined && r.best > 0) reached++;
      const grain = first.report.coverage ? first.report.coverage.granularity : '-';
      console.log(`${project.id.padEnd(27)} ${fw.padEnd(10)} ${a.toFixed(2).padStart(5)} s   ${b.toFixed(2).padStart(7)} s     ${ratio.toFixed(2)}x   ${grain.padEnd(8)}  ${r.text}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log('\nframework   median ratio (with coverage / plain)');
  for (const [fw, ratios] of byFramework) console.log(`${fw.padEnd(10)}  ${median(ratios).toFixed(2)}x over ${ratios.length} project(s)`);
  const all = [...byFramework.values()].flat();
  console.log(`all         ${median(all).toFixed(2)}x median; a failing entry ran a line the fix changes in ${reached} of ${projects.length}`);
}

main().catch((e) => {
  process.stderr.write(`perf:coverage: ${e.stack ?? e}\n`);
  process.exit(1);
});
