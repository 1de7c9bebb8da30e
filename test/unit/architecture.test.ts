import * as assert from 'assert';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';

const root = path.resolve(__dirname, '../../..');

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) specs.push(m[1]);
  return specs;
}

const NODE_BUILTINS = new Set(builtinModules);

describe('architecture rules', () => {
  it('src/core imports neither vscode nor Node built-ins', () => {
    const files = tsFiles(path.join(root, 'src/core'));
    assert.ok(files.length > 0, 'src/core has no files');
    const offenders = files.flatMap((f) =>
      importsOf(f)
        .filter((s) => s === 'vscode' || s.startsWith('node:') || NODE_BUILTINS.has(s.split('/')[0]))
        .map((s) => `${path.relative(root, f)} imports ${s}`),
    );
    assert.deepStrictEqual(offenders, []);
  });

  it('src/webview imports only src/protocol (and its own files)', () => {
    const offenders = tsFiles(path.join(root, 'src/webview')).flatMap((f) =>
      importsOf(f)
        .filter((s) => !(s.startsWith('./') || s === '../protocol'))
        .map((s) => `${path.relative(root, f)} imports ${s}`),
    );
    assert.deepStrictEqual(offenders, []);
  });

  it('only src/vscode and src/extension.ts import vscode', () => {
    const offenders = tsFiles(path.join(root, 'src'))
      .filter((f) => !f.includes(`${path.sep}src${path.sep}vscode${path.sep}`) && !f.endsWith(`src${path.sep}extension.ts`))
      .filter((f) => importsOf(f).includes('vscode'))
      .map((f) => path.relative(root, f));
    assert.deepStrictEqual(offenders, []);
  });
});
