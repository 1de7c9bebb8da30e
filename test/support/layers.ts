/**
 * The layer rules the README's Architecture section states, as data, and a checker that finds every import breaking
 * one. Imports are read with the TypeScript parser (not a regex), so an import inside a string or a comment is not
 * one, and `import type` / `export type` are told apart from imports that load code at run time.
 */
import { builtinModules } from 'module';
import * as path from 'path';
import * as ts from 'typescript';

/** Where a file lives: a folder of src/ or one of the entry files at its top. */
export type Layer = 'core' | 'node' | 'panel' | 'webview' | 'vscode' | 'cli' | 'extension';

/** What an import reaches: a layer, the `vscode` API, a Node built-in, an npm package (by name) or package.json. */
export type Target = Layer | 'vscode-api' | 'node-builtin' | 'package.json' | `npm:${string}`;

/** One rule: what files of `layer` may import. `npm:*` allows any npm package. */
export interface LayerRule {
  layer: Layer;
  /** The sentence the README states for this rule (the test checks the README says exactly these). */
  says: string;
  may: Target[];
  /** Layers this one may import types from (`import type`), erased at build time so no code crosses. */
  typesFrom?: Layer[];
}

/** The rules, one per layer. A layer may always import its own files. */
export const LAYER_RULES: LayerRule[] = [
  {
    layer: 'core',
    says: '`src/core/` imports only its own files and the npm package `diff`: no `vscode`, no Node built-ins, no other folder of `src/`.',
    may: ['npm:diff'],
  },
  {
    layer: 'node',
    says: '`src/node/` imports `src/core/`, Node built-ins and npm packages; never `vscode`, `src/vscode/`, `src/panel/`, `src/webview/` or `src/cli/`.',
    may: ['core', 'node-builtin', 'npm:*'],
  },
  {
    layer: 'panel',
    says: '`src/panel/` (shared by host and webview) imports only its own files, and types (`import type`) from `src/core/`.',
    may: [],
    typesFrom: ['core'],
  },
  {
    layer: 'webview',
    says: '`src/webview/` imports only its own files and `src/panel/`.',
    may: ['panel'],
  },
  {
    layer: 'vscode',
    says: '`src/vscode/` imports `vscode`, `src/core/`, `src/node/`, `src/panel/`, Node built-ins and npm packages; never `src/webview/` or `src/cli/`.',
    may: ['vscode-api', 'core', 'node', 'panel', 'node-builtin', 'npm:*'],
  },
  {
    layer: 'extension',
    says: '`src/extension.ts` (the activation entry) imports only `vscode` and `src/vscode/`.',
    may: ['vscode-api', 'vscode'],
  },
  {
    layer: 'cli',
    says: '`src/cli.ts` and `src/cli/` (the commands, and the repair benchmark in `src/cli/bench/`) import `src/core/`, `src/node/`, Node built-ins, npm packages and `package.json` (for `--version`).',
    may: ['core', 'node', 'node-builtin', 'npm:*', 'package.json'],
  },
];

/** One import found in a file. */
export interface FoundImport {
  spec: string;
  typeOnly: boolean;
}

/** A source file for the checker: its path relative to the repository root (`src/...`) and its text. */
export interface SourceText {
  file: string;
  text: string;
}

const NODE_BUILTINS = new Set(builtinModules);

/** Every import of a TypeScript file: import/export declarations, `import x = require()`, `require()`, `import()`. */
export function importsOf(fileName: string, text: string): FoundImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const found: FoundImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ spec: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly ?? false });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const ref = node.moduleReference.expression;
      if (ts.isStringLiteral(ref)) found.push({ spec: ref.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) found.push({ spec: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ spec: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The layer a file under src/ belongs to, or undefined for a file the rules do not cover. */
export function layerOf(file: string): Layer | undefined {
  const parts = file.split(/[\\/]/);
  if (parts[0] !== 'src') return undefined;
  if (parts.length === 2) {
    const entry = { 'cli.ts': 'cli', 'extension.ts': 'extension' }[parts[1]];
    return entry as Layer | undefined;
  }
  return LAYER_RULES.some((r) => r.layer === parts[1]) ? (parts[1] as Layer) : undefined;
}

/** What an import from `file` reaches. */
export function targetOf(file: string, spec: string): Target | 'outside-src' {
  if (spec.startsWith('.')) {
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file.replace(/\\/g, '/')), spec));
    if (resolved === 'package.json') return 'package.json';
    return layerOf(resolved.endsWith('.ts') ? resolved : `${resolved}.ts`) ?? layerOf(`${resolved}/index.ts`) ?? 'outside-src';
  }
  if (spec === 'vscode') return 'vscode-api';
  if (spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0])) return 'node-builtin';
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  return `npm:${name}`;
}

function allowed(rule: LayerRule, target: Target | 'outside-src', typeOnly: boolean): boolean {
  if (target === rule.layer) return true;
  if (typeOnly && rule.typesFrom?.includes(target as Layer)) return true;
  if (target.startsWith('npm:') && rule.may.includes('npm:*')) return true;
  return rule.may.includes(target as Target);
}

/** Every import that breaks a rule, as `file imports spec (rule of layer)`; files outside every layer are reported too. */
export function layerViolations(files: SourceText[], rules: LayerRule[] = LAYER_RULES): string[] {
  const out: string[] = [];
  for (const { file, text } of files) {
    const layer = layerOf(file);
    const rule = rules.find((r) => r.layer === layer);
    if (!rule) {
      out.push(`${file} is in no layer`);
      continue;
    }
    for (const { spec, typeOnly } of importsOf(file, text)) {
      const target = targetOf(file, spec);
      if (!allowed(rule, target, typeOnly)) out.push(`${file} imports ${spec}${typeOnly ? ' (types)' : ''}: not allowed in ${rule.layer}`);
    }
  }
  return out;
}
