// Trace panel benchmark: how long the webview takes to apply one round's events (stream pieces, model calls,
// candidates, results, critique, round end) while a 10-round, 30-candidate trace is already on screen, in real Debian
// chromium, timed with performance.now() around the message handling plus a forced layout. Prints figures; asserts
// nothing (target: under 100 ms per round).
'use strict';
const esbuild = require('esbuild');
const Module = require('module');
const path = require('path');

const root = path.resolve(__dirname, '..');
const ROUNDS_ON_SCREEN = 10;
const CANDIDATES = 3;
const TRIALS = 11;

/** Loads the TypeScript test helpers (sample events, the panel page) without depending on a full tsc build. */
async function loadHelpers() {
  const out = await esbuild.build({
    stdin: {
      contents: [
        "export { sampleRunEvents, eventsOfRound } from './test/support/sampleEvents';",
        "export { buildWebviewBundle, startPanelServer, launchChromium, openPanel, sendToView } from './test/support/panelPage';",
        "export { toPanelEvent } from './src/vscode/panelEvents';",
        "export { applyPanelEvent, createRun } from './src/panel/panelModel';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'silent',
  });
  // Compiled as if it lived in test/support so that its __dirname-relative paths resolve as in the tests' out/ copy.
  const filename = path.join(root, 'out/test/support/panelBenchHelpers.js');
  const m = new Module(filename);
  m.filename = filename;
  m.paths = Module._nodeModulePaths(root);
  m._compile(out.outputFiles[0].text, filename);
  return m.exports;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const h = await loadHelpers();
  const server = await h.startPanelServer(await h.buildWebviewBundle());
  const browser = await h.launchChromium();
  try {
    const page = await h.openPanel(browser, server, { theme: true });
    await h.sendToView(page, [{ type: 'snapshot', runs: [] }]);
    const timed = (messages) =>
      page.evaluate((msgs) => {
        const t0 = performance.now();
        for (const data of msgs) window.dispatchEvent(new MessageEvent('message', { data }));
        document.body.getBoundingClientRect();
        void document.body.offsetHeight;
        return performance.now() - t0;
      }, messages);

    const roundTimes = [];
    const eventTimes = [];
    let eventsPerRound = 0;
    let streamPieces = 0;
    const snapshotTimes = [];
    let domNodes = 0;
    for (let t = 0; t < TRIALS; t++) {
      const runId = `bench-${t}`;
      // Round 11 of 12, so the measured round has a critique as well (the last round of a run skips it).
      const events = h.sampleRunEvents({ rounds: ROUNDS_ON_SCREEN + 2, candidates: CANDIDATES, runId, deltasPerCall: 20 });
      const msg = (e) => ({ type: 'event', runId, event: h.toPanelEvent(e) });
      const next = h.eventsOfRound(events, ROUNDS_ON_SCREEN + 1);
      const before = events.slice(0, events.indexOf(next[0]));
      await timed([{ type: 'run-start', runId, title: `Bench ${t}` }, ...before.map(msg)]);
      const onScreen = await page.$$eval('[data-testid="candidate"]', (els) => els.length);
      if (onScreen !== ROUNDS_ON_SCREEN * CANDIDATES) throw new Error(`expected ${ROUNDS_ON_SCREEN * CANDIDATES} candidates on screen, found ${onScreen}`);
      const messages = next.map(msg);
      eventsPerRound = messages.length;
      streamPieces = next.filter((e) => e.type === 'model-delta').length;
      roundTimes.push(await timed(messages));
      // The slowest single event of a round, applied one at a time on a fresh copy of the same trace.
      await timed([{ type: 'run-start', runId: `${runId}-single`, title: 'single' }, ...before.map((e) => ({ ...msg(e), runId: `${runId}-single` }))]);
      let worst = 0;
      for (const m of messages) worst = Math.max(worst, await timed([{ ...m, runId: `${runId}-single` }]));
      eventTimes.push(worst);
      domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
      // Restoring the same 10 rounds from a host snapshot (a hidden view shown again, a window reload).
      const run = h.createRun(`${runId}-snap`, 'snapshot');
      for (const e of before) h.applyPanelEvent(run, h.toPanelEvent(e));
      snapshotTimes.push(await timed([{ type: 'snapshot', runs: [JSON.parse(JSON.stringify(run))], activeRunId: run.id }]));
    }
    const fmt = (x) => `${x.toFixed(1)} ms`;
    console.log(`panel: ${ROUNDS_ON_SCREEN} rounds × ${CANDIDATES} candidates in the panel (${domNodes} DOM elements), chromium ${browser.version()}`);
    console.log(`panel: applying one round (${eventsPerRound} events incl. ${streamPieces} stream pieces) + forced layout:`);
    console.log(`  first (cold) ${fmt(roundTimes[0])}, median ${fmt(median(roundTimes.slice(1)))}, max ${fmt(Math.max(...roundTimes.slice(1)))} over ${TRIALS - 1} warm trials (target < 100 ms)`);
    console.log(`  slowest single event of the round: median ${fmt(median(eventTimes))}`);
    console.log(`panel: restoring the 10-round trace from a snapshot (full render): median ${fmt(median(snapshotTimes))}, max ${fmt(Math.max(...snapshotTimes))}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
