// Measures scratch workspace costs on a synthetic project whose node_modules holds 100k files.
// Prints figures only (no assertions). Run: npm run perf:scratch (compiles to out/ first).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { createScratchProvider } = require('../out/src/node/scratchWorkspace');
const { changedSince, snapshotTree } = require('../out/src/node/treeCheck');

const FIXTURE = path.join(os.tmpdir(), 'reflect-bench-scratch-project');
const MODULE_FILES = 100_000;
const SOURCE_FILES = 400;

function buildFixture() {
  const marker = path.join(FIXTURE, '.complete');
  if (fs.existsSync(marker)) return;
  fs.rmSync(FIXTURE, { recursive: true, force: true });
  const t0 = Date.now();
  for (let d = 0; d < MODULE_FILES / 100; d++) {
    const dir = path.join(FIXTURE, 'node_modules', `pkg${d}`, 'lib');
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 100; f++) fs.writeFileSync(path.join(dir, `f${f}.js`), `module.exports = ${f};\n`);
  }
  for (let i = 0; i < SOURCE_FILES; i++) {
    const dir = path.join(FIXTURE, i % 2 ? 'src' : 'test', `group${i % 20}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `file${i}.js`), `// file ${i}\n`.repeat(40));
  }
  fs.writeFileSync(path.join(FIXTURE, 'package.json'), '{"name":"bench-project","private":true}\n');
  fs.writeFileSync(marker, '');
  console.log(`fixture: ${MODULE_FILES} files in node_modules, ${SOURCE_FILES} source files (built in ${Date.now() - t0} ms)`);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  buildFixture();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-bench-scratch-base-'));
  const provider = createScratchProvider(FIXTURE, { baseDir: base, overlay: new Map([['src/group1/file1.js', '// unsaved\n']]) });
  const creates = [];
  const resets = [];
  const disposes = [];
  for (let run = 0; run < 5; run++) {
    let t = process.hrtime.bigint();
    const ws = await provider.create();
    creates.push(Number(process.hrtime.bigint() - t) / 1e6);
    for (let c = 0; c < 10; c++) {
      await ws.apply([
        { path: 'src/group1/file1.js', after: `// candidate ${c}\n` },
        { path: 'src/group3/file3.js', after: `// candidate ${c}\n` },
        { path: 'src/new/created.js', after: 'module.exports = 1;\n' },
      ]);
      t = process.hrtime.bigint();
      await ws.reset();
      resets.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    t = process.hrtime.bigint();
    await ws.dispose();
    disposes.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  fs.rmSync(base, { recursive: true, force: true });
  const snapshots = [];
  const checks = [];
  for (let run = 0; run < 5; run++) {
    let t = process.hrtime.bigint();
    const snap = await snapshotTree(FIXTURE);
    snapshots.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    const changed = changedSince(snap);
    checks.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (changed.length) throw new Error(`tree check saw changes in an untouched tree: ${changed.join(', ')}`);
  }
  const f = (x) => `${x.toFixed(1)} ms`;
  console.log(`create (median of ${creates.length}): ${f(median(creates))}  [min ${f(Math.min(...creates))}, max ${f(Math.max(...creates))}]  target < 500 ms`);
  console.log(`reset after a 3-file candidate (median of ${resets.length}): ${f(median(resets))}  [max ${f(Math.max(...resets))}]  target < 50 ms`);
  console.log(`dispose (median of ${disposes.length}): ${f(median(disposes))}`);
  console.log(`tree snapshot before a run (median of ${snapshots.length}): ${f(median(snapshots))}`);
  console.log(`tree check after a run (median of ${checks.length}): ${f(median(checks))}  [max ${f(Math.max(...checks))}]  target <= 100 ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
