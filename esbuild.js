// Bundles the extension, the CLI (with the benchmark) (Node, CommonJS) and the panel script (browser) into dist/,
// and copies the tree-sitter WASM files next to them.
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const watch = process.argv.includes('--watch');
const production = !process.argv.includes('--dev');
const dist = path.join(__dirname, 'dist');

// The ESM build of web-tree-sitter relies on import.meta.url, which is {} in CommonJS output (Parser.init()
// then throws); the CJS build finds tree-sitter.wasm next to the bundle.
const alias = { 'web-tree-sitter': require.resolve('web-tree-sitter') };

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  external: ['vscode'],
  alias,
  logLevel: 'warning',
};

// Activation loads only dist/extension.js (commands, status item, panel provider); the services behind the first
// command (engine, review UI, model clients) are a second bundle required on demand, so V8 does not compile them
// at activation.
const servicesExternal = {
  name: 'services-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/vscode\/commands$/ }, () => ({ path: './services.js', external: true }));
  },
};

// `reflect mcp` must answer tools/list fast: dist/cli.js hands it to dist/mcp.js (the SDK and the tool schemas
// only), which loads the engine (dist/agentTools.js) on the first tool call.
const externalAs = (name, filter, target) => ({
  name, setup(build) { build.onResolve({ filter }, () => ({ path: target, external: true })); },
});
const mcpExternal = externalAs('mcp-external', /^\.\/cli\/mcpCommand$/, './mcp.js');
const toolsExternal = externalAs('tools-external', /^\.\.\/node\/agentTools$/, './agentTools.js');

const builds = [
  {
    ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [servicesExternal],
    supported: { 'dynamic-import': false },
  },
  { ...node, entryPoints: ['src/vscode/commands.ts'], outfile: 'dist/services.js' },
  {
    ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [mcpExternal],
    supported: { 'dynamic-import': false },
  },
  { ...node, entryPoints: ['src/cli/mcpCommand.ts'], outfile: 'dist/mcp.js', plugins: [toolsExternal], supported: { 'dynamic-import': false } },
  { ...node, entryPoints: ['src/node/agentTools.ts'], outfile: 'dist/agentTools.js' },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: !production, minify: production,
    entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview.js', logLevel: 'warning',
  },
];

function copyWasm() {
  fs.mkdirSync(dist, { recursive: true });
  fs.copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), path.join(dist, 'tree-sitter.wasm'));
  const grammars = path.join(path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
  for (const lang of ['javascript', 'typescript', 'tsx', 'python']) {
    fs.copyFileSync(path.join(grammars, `tree-sitter-${lang}.wasm`), path.join(dist, `tree-sitter-${lang}.wasm`));
  }
}

async function main() {
  const t0 = Date.now();
  copyWasm();
  if (watch) {
    for (const b of builds) await (await esbuild.context(b)).watch();
    console.log('esbuild: watching');
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
  console.log(`esbuild: built dist/ in ${Date.now() - t0} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
