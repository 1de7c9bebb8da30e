// The built-in engine on the multi-file bug set (npm run perf:multifile-builtin): does it verify each project's bug?
// Real tests in scratch copies, 3 rounds of up to 60 mutations, at most 90 s per project. Prints one line per
// project and the total. Needs `npm run compile-tests` (out/); the npm script runs it.
//   node perf/multifileBuiltin.js [--only ID,ID]
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const out = (p) => require(path.join(root, 'out', p));
const { runEngine } = out('src/node/engine.js');
const { DEFAULT_LOOP_OPTIONS } = out('src/core/types.js');
const { copyBugProject, listBugProjects } = out('test/support/multifileBugs.js');

async function main() {
  const at = process.argv.indexOf('--only');
  const only = at > 0 ? process.argv[at + 1].split(',') : undefined;
  const projects = listBugProjects().filter((p) => !only || only.includes(p.id));
  let verified = 0;
  for (const p of projects) {
    const dir = copyBugProject(p);
    const started = Date.now();
    try {
      const run = runEngine({
        root: dir, provider: { kind: 'builtin' },
        options: { ...DEFAULT_LOOP_OPTIONS, rounds: 3, candidates: 60, flakyRetries: 0, testTimeoutMs: 20_000, maxDurationMs: 90_000 },
      }, new AbortController().signal);
      let result;
      for (;;) {
        const next = await run.next();
        if (next.done) { result = next.value; break; }
      }
      if (result.status === 'verified') verified++;
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${p.id.padEnd(30)} ${result.status.padEnd(9)} ${secs.padStart(5)} s  ${result.files.join(', ') || '-'}  ${result.stopReason ?? ''}\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`\nTOTAL verified ${verified} of ${projects.length}\n`);
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`perf:multifile-builtin: ${e.stack ?? e}\n`);
  process.exit(1);
});
