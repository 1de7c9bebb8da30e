// Activation benchmark of the bundled extension (dist/extension.js): the time to load the bundle and run activate()
// with a minimal `vscode` module injected in its place (every API call is a no-op that returns a disposable), in a
// fresh Node process per trial so each figure is a cold require (Node built-ins the extension host has already
// loaded are loaded first and not counted). Also prints the bundle's size (minified, without
// the .wasm files that are loaded only when a run starts). Prints figures; asserts nothing (targets: < 50 ms, < 1.5 MB).
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'dist', 'extension.js');
const TRIALS = Number(process.env.TRIALS || 15);

/** Runs in the child: stub `vscode`, require the bundle, activate, print the two durations as JSON. */
function trial() {
  const Module = require('module');
  const { performance } = require('perf_hooks');
  // A do-anything stand-in: property reads, calls and `new` all give the same object back, which also disposes.
  const anything = new Proxy(function stub() {}, {
    get: (_t, key) => (key === 'then' ? undefined : key === Symbol.toPrimitive ? () => '' : anything),
    apply: () => anything,
    construct: () => anything,
    set: () => true,
  });
  // esbuild's interop copies the module's own keys, so the namespaces the extension uses must be real keys.
  const vscode = {};
  for (const key of ['window', 'commands', 'workspace', 'languages', 'env', 'extensions', 'lm', 'tests', 'Uri', 'EventEmitter',
    'Disposable', 'Range', 'Position', 'Selection', 'ThemeColor', 'WorkspaceEdit', 'MarkdownString', 'Hover', 'CodeLens',
    'CancellationTokenSource', 'RelativePattern', 'LanguageModelChatMessage', 'LanguageModelError', 'CancellationError']) vscode[key] = anything;
  Object.assign(vscode, { StatusBarAlignment: { Left: 1, Right: 2 }, ProgressLocation: { Notification: 15 }, ConfigurationTarget: { Global: 1, Workspace: 2 },
    OverviewRulerLane: { Left: 1 }, EndOfLine: { LF: 1, CRLF: 2 }, ViewColumn: { One: 1 } });
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
  const context = {
    subscriptions: [],
    workspaceState: { get: () => undefined, update: async () => undefined, keys: () => [] },
    globalState: { get: () => undefined, update: async () => undefined, keys: () => [], setKeysForSync: () => undefined },
    secrets: anything,
    extensionUri: anything,
    extensionPath: root,
    storageUri: undefined,
    globalStorageUri: anything,
    logUri: anything,
  };
  // The extension host has these built-ins loaded before any extension; loading them here would bill their
  // startup to the extension.
  for (const m of ['fs', 'path', 'os', 'crypto', 'child_process', 'stream', 'url', 'util', 'events', 'net', 'http']) require(m);
  const t0 = performance.now();
  const ext = require(process.argv[3]);
  const t1 = performance.now();
  ext.activate(context);
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ require: t1 - t0, activate: t2 - t1, disposables: context.subscriptions.length }));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main() {
  if (!fs.existsSync(bundle)) {
    console.error('dist/extension.js is missing: run `npm run build` first (npm run perf:activation does).');
    process.exit(1);
  }
  const runs = [];
  for (let i = 0; i < TRIALS; i++) {
    const r = cp.spawnSync(process.execPath, [__filename, '--trial', bundle], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(r.stderr.split('\n').filter((l) => l.length < 400).join('\n'));
      process.exit(1);
    }
    runs.push(JSON.parse(r.stdout));
  }
  // Reference under the same machine load: an inert module of the same size (one uncalled function), which
  // costs only reading and pre-parsing. What the extension costs beyond it is its own top-level work.
  const inert = path.join(require('os').tmpdir(), `reflect-bench-inert-${process.pid}.js`);
  const body = fs.readFileSync(bundle, 'utf8').replace(/[^\n]/g, ' ');
  fs.writeFileSync(inert, `function unused(){${body.replace(/ {8}/g, 'var a=1;')}}\nexports.activate=()=>{};`);
  const inertRuns = [];
  for (let i = 0; i < TRIALS; i++) {
    const r = cp.spawnSync(process.execPath, [__filename, '--trial', inert], { encoding: 'utf8' });
    if (r.status === 0) inertRuns.push(JSON.parse(r.stdout).require);
  }
  fs.rmSync(inert, { force: true });
  const total = runs.map((r) => r.require + r.activate);
  const size = fs.statSync(bundle).size;
  console.log(`activation (require + activate of dist/extension.js, stubbed vscode, ${TRIALS} cold processes):`);
  console.log(`  require  median ${median(runs.map((r) => r.require)).toFixed(1)} ms`);
  console.log(`  activate median ${median(runs.map((r) => r.activate)).toFixed(1)} ms (${runs[0].disposables} disposables registered)`);
  console.log(`  total    median ${median(total).toFixed(1)} ms, max ${Math.max(...total).toFixed(1)} ms   (target < 50 ms)`);
  console.log(`  reference: an inert file of the same size loads in ${median(inertRuns).toFixed(1)} ms (machine load: ${require('os').loadavg()[0].toFixed(1)})`);
  // dist/services.js is the rest of the extension, required on the first command: the size target covers both.
  const services = path.join(root, 'dist', 'services.js');
  const bytes = size + (fs.existsSync(services) ? fs.statSync(services).size : 0);
  console.log(`bundle: dist/extension.js ${(size / 1024).toFixed(1)} KB (loaded at activation) + dist/services.js = ${(bytes / 1048576).toFixed(2)} MB minified, .wasm not included   (target < 1.5 MB)`);
}

if (process.argv[2] === '--trial') trial();
else main();
