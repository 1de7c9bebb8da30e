import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { SourceText } from '../support/layers';
import { LAYER_RULES, importsOf, layerViolations } from '../support/layers';

const root = path.resolve(__dirname, '../../..');

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function sources(): SourceText[] {
  return tsFiles(path.join(root, 'src')).map((f) => ({ file: path.relative(root, f).split(path.sep).join('/'), text: fs.readFileSync(f, 'utf8') }));
}

/** The first bullet list under the README's "Layers" heading (items may wrap): the rules as the README states them. */
function readmeRules(): string[] {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n### Layers\n');
  assert.ok(start >= 0, 'README.md has no "### Layers" section');
  const lines = readme.slice(start + 1).split('\n');
  const first = lines.findIndex((l) => l.startsWith('- '));
  const items: string[] = [];
  for (const line of lines.slice(first)) {
    if (line.startsWith('- ')) items.push(line.slice(2).trim());
    else if (line.startsWith('  ') && line.trim()) items[items.length - 1] += ` ${line.trim()}`;
    else break;
  }
  return items;
}

describe('architecture rules', () => {
  it('every file under src/ keeps the layer rules', () => {
    const files = sources();
    for (const rule of LAYER_RULES) {
      assert.ok(files.some((f) => f.file.startsWith(`src/${rule.layer}`)), `no files in layer ${rule.layer}`);
    }
    assert.deepStrictEqual(layerViolations(files), []);
  });

  it('checks exactly the rules the README states', () => {
    assert.deepStrictEqual(readmeRules(), LAYER_RULES.map((r) => r.says));
  });
});

describe('the layer checker', () => {
  const ok: SourceText[] = [
    { file: 'src/core/loop.ts', text: "import { diffLines } from 'diff';\nimport type { Trace } from './types';" },
    { file: 'src/panel/protocol.ts', text: "import type { Trace } from '../core/types';\nexport type { Round } from '../core/types';" },
    { file: 'src/webview/main.ts', text: "import { applyPanelEvent } from '../panel/panelModel';\nimport { el } from './dom';" },
    { file: 'src/vscode/tracePanel.ts', text: "import * as vscode from 'vscode';\nimport { toPanelEvent } from './panelEvents';\nimport { createRun } from '../panel/panelModel';" },
    { file: 'src/extension.ts', text: "import * as vscode from 'vscode';\nconst m = () => import('./vscode/commands');" },
  ];

  it('passes files that keep the rules', () => {
    assert.deepStrictEqual(layerViolations(ok), []);
  });

  it('reports each kind of broken rule, naming file, import and layer', () => {
    const broken: SourceText[] = [
      { file: 'src/core/loop.ts', text: "import { runEngine } from '../node/engine';" },
      { file: 'src/core/scoring.ts', text: "import * as fs from 'fs';\nconst p = require('node:path');" },
      { file: 'src/core/context.ts', text: "import OpenAI from 'openai';" },
      { file: 'src/node/engine.ts', text: "import type { Services } from '../vscode/commands';" },
      { file: 'src/panel/protocol.ts', text: "import { DEFAULT_LOOP_OPTIONS } from '../core/types';" },
      { file: 'src/webview/main.ts', text: "import { MAX_RECENT_RUNS } from '../protocol';" },
      { file: 'src/vscode/tracePanel.ts', text: "import { el } from '../webview/dom';" },
      { file: 'src/cli/fixCommand.ts', text: "import * as vscode from 'vscode';" },
      { file: 'src/cli/bench/runProblem.ts', text: "export { parseSelector } from '../../vscode/testSelectors';" },
      { file: 'src/extension.ts', text: "import { runEngine } from './node/engine';" },
      { file: 'src/stray.ts', text: '' },
    ];
    assert.deepStrictEqual(layerViolations(broken), [
      'src/core/loop.ts imports ../node/engine: not allowed in core',
      'src/core/scoring.ts imports fs: not allowed in core',
      'src/core/scoring.ts imports node:path: not allowed in core',
      'src/core/context.ts imports openai: not allowed in core',
      'src/node/engine.ts imports ../vscode/commands (types): not allowed in node',
      'src/panel/protocol.ts imports ../core/types: not allowed in panel',
      'src/webview/main.ts imports ../protocol: not allowed in webview',
      'src/vscode/tracePanel.ts imports ../webview/dom: not allowed in vscode',
      'src/cli/fixCommand.ts imports vscode: not allowed in cli',
      'src/cli/bench/runProblem.ts imports ../../vscode/testSelectors: not allowed in cli',
      'src/extension.ts imports ./node/engine: not allowed in extension',
      'src/stray.ts is in no layer',
    ]);
  });

  it('reads imports with the parser: strings and comments are not imports; type-only ones are marked', () => {
    const text = [
      "import type { A } from './a';",
      "import { type B, C } from './c';",
      "export type { D } from './d';",
      "export * from './e';",
      "// import { x } from 'vscode';",
      "const s = \"from 'fs'\";",
      "const lazy = () => import('./f');",
      "const r = require('./g');",
      "let t: import('./h').T;",
    ].join('\n');
    assert.deepStrictEqual(importsOf('x.ts', text), [
      { spec: './a', typeOnly: true },
      { spec: './c', typeOnly: false },
      { spec: './d', typeOnly: true },
      { spec: './e', typeOnly: false },
      { spec: './f', typeOnly: false },
      { spec: './g', typeOnly: false },
      { spec: './h', typeOnly: true },
    ]);
  });
});
