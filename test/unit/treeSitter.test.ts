import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SyntaxNode } from '../../src/core/ports';
import { createSyntaxParser, languageOf } from '../../src/node/treeSitter';
import { repoRoot } from '../support/fixtures';

function namedTypes(node: SyntaxNode): string[] {
  return node.namedChildren.map((c) => c?.type ?? 'null');
}

describe('tree-sitter syntax parser', () => {
  const syntax = createSyntaxParser();

  it('maps file extensions to grammars', () => {
    const table = ['a.js', 'a.mjs', 'a.cjs', 'a.jsx', 'a.ts', 'a.mts', 'a.cts', 'a.tsx', 'a.py', 'a.json', 'Makefile', 'A.PY'].map(languageOf);
    assert.deepStrictEqual(table, [
      'javascript', 'javascript', 'javascript', 'javascript', 'typescript', 'typescript', 'typescript', 'tsx', 'python',
      undefined, undefined, 'python',
    ]);
    assert.strictEqual(syntax.languageOf('src/x.ts'), 'typescript');
  });

  it('parses JavaScript, TypeScript, TSX and Python', async () => {
    const js = await syntax.parse('javascript', 'function add(a, b) {\n  return a + b;\n}\n', (root) => ({
      top: namedTypes(root), name: root.namedChildren[0]!.childForFieldName('name')!.text,
    }));
    assert.deepStrictEqual(js, { top: ['function_declaration'], name: 'add' });
    const ts = await syntax.parse('typescript', 'export function id<T>(x: T): T { return x; }\n', (root) => namedTypes(root));
    assert.deepStrictEqual(ts, ['export_statement']);
    const tsx = await syntax.parse('tsx', 'const A = () => <div>{1}</div>;\n', (root) => ({ types: namedTypes(root), error: root.hasError }));
    assert.deepStrictEqual(tsx, { types: ['lexical_declaration'], error: false });
    const py = await syntax.parse('python', 'def f(x):\n    return x\n', (root) => {
      const fn = root.namedChildren[0]!;
      return { type: fn.type, start: fn.startPosition, end: fn.endPosition };
    });
    assert.deepStrictEqual(py, { type: 'function_definition', start: { row: 0, column: 0 }, end: { row: 1, column: 12 } });
  });

  it('reports syntax errors as ERROR or missing nodes', async () => {
    const broken = await syntax.parse('javascript', 'function f( {\n  return 1;\n', (root) => root.hasError);
    assert.strictEqual(broken, true);
    const missing = await syntax.parse('python', 'def f(x):\n    return (x\n', (root) => root.hasError);
    assert.strictEqual(missing, true);
  });

  it('serves several parser instances parsing at the same time', async () => {
    const [a, b] = [createSyntaxParser(), createSyntaxParser()];
    const types = await Promise.all([
      a.parse('python', 'def f():\n    pass\n', (root) => root.namedChildren[0]!.type),
      b.parse('typescript', 'let x: number = 1;\n', (root) => root.namedChildren[0]!.type),
      a.parse('javascript', 'class A {}\n', (root) => root.namedChildren[0]!.type),
    ]);
    assert.deepStrictEqual(types, ['function_definition', 'lexical_declaration', 'class_declaration']);
  });

  it('loads nothing at import time', () => {
    const script = `require(${JSON.stringify(path.join(repoRoot, 'out/src/node/treeSitter.js'))}).createSyntaxParser();
      process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('web-tree-sitter'))));`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.strictEqual(r.stdout, 'false', r.stderr);
  });

  it('works from an esbuild bundle with the wasm files next to it and no node_modules around', async function () {
    this.timeout(30_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-ts-bundle-'));
    try {
      const entry = path.join(dir, 'entry.ts');
      fs.writeFileSync(entry, `import { createSyntaxParser } from ${JSON.stringify(path.join(repoRoot, 'src/node/treeSitter'))};
createSyntaxParser().parse('python', 'def f():\\n    return 1\\n', (root) => root.namedChildren[0]!.type)
  .then((t) => process.stdout.write(t));\n`);
      // The same settings as esbuild.js: the CJS build of web-tree-sitter, wasm files copied next to the bundle.
      const esbuild = await import('esbuild');
      await esbuild.build({
        entryPoints: [entry], outfile: path.join(dir, 'dist/bundle.js'), bundle: true, platform: 'node', format: 'cjs',
        target: 'node20', alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') }, logLevel: 'silent',
      });
      fs.copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), path.join(dir, 'dist/tree-sitter.wasm'));
      fs.copyFileSync(path.join(repoRoot, 'node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm'), path.join(dir, 'dist/tree-sitter-python.wasm'));
      const r = spawnSync(process.execPath, [path.join(dir, 'dist/bundle.js')], { cwd: dir, encoding: 'utf8' });
      assert.strictEqual(r.stdout, 'function_definition', r.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
