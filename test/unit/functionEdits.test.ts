import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyModelEdits, parseModelEdits, type ModelEdit } from '../../src/core/editFormats';
import { applyFunctionEdit } from '../../src/core/functionEdits';
import { createSourceFiles } from '../../src/node/sourceFiles';
import { createSyntaxParser } from '../../src/node/treeSitter';
import { fixturePath } from '../support/fixtures';

describe('whole-function replacement', () => {
  const syntax = createSyntaxParser();
  const replace = (file: string, text: string, code: string) => applyFunctionEdit(text, { path: file, code }, syntax, `code block 1 for ${file}`);

  it('replaces a JavaScript function by name, keeping the rest of the file', async () => {
    const text = "'use strict';\n\nfunction total(values) {\n  let sum = 0;\n  for (let i = 1; i < values.length; i++) sum += values[i];\n  return sum;\n}\n\nmodule.exports = { total };\n";
    const { edits } = parseModelEdits(fs.readFileSync(path.join(fixturePath('edit-formats'), 'function-block.txt'), 'utf8'));
    const result = await replace('src/stats.js', text, (edits[0] as Extract<ModelEdit, { kind: 'function' }>).code);
    assert.deepStrictEqual(result, {
      text: "'use strict';\n\nfunction total(values) {\n  let sum = 0;\n  for (let i = 0; i < values.length; i++) sum += values[i];\n  return sum;\n}\n\nmodule.exports = { total };\n",
    });
  });

  it('keeps `export` and replaces a `const f = () =>` declaration whole', async () => {
    const text = 'export function a() {\n  return 1;\n}\n\nexport const double = (x) => {\n  return x + 2;\n};\n';
    const fnResult = await replace('src/m.ts', text, 'function a(): number {\n  return 2;\n}');
    assert.deepStrictEqual(fnResult, { text: 'export function a(): number {\n  return 2;\n}\n\nexport const double = (x) => {\n  return x + 2;\n};\n' });
    const arrow = await replace('src/m.js', text, 'export const double = (x) => {\n  return x * 2;\n};\n');
    assert.deepStrictEqual(arrow, { text: 'export function a() {\n  return 1;\n}\n\nexport const double = (x) => {\n  return x * 2;\n};\n' });
  });

  it('replaces a bare TypeScript method inside its class at the class indentation', async () => {
    const text = 'export class Stack<T> {\n  private items: T[] = [];\n\n  peek(): T | undefined {\n    return this.items[0];\n  }\n}\n';
    const result = await replace('src/stack.ts', text, 'peek(): T | undefined {\n  return this.items[this.items.length - 1];\n}\n');
    assert.deepStrictEqual(result, {
      text: 'export class Stack<T> {\n  private items: T[] = [];\n\n  peek(): T | undefined {\n    return this.items[this.items.length - 1];\n  }\n}\n',
    });
  });

  it('replaces a Python method, keeping its decorator unless the new code brings one', async () => {
    const text = 'class Box:\n    @property\n    def area(self):\n        return self.w + self.h\n';
    const plain = await replace('box.py', text, '    def area(self):\n        return self.w * self.h\n');
    assert.deepStrictEqual(plain, { text: 'class Box:\n    @property\n    def area(self):\n        return self.w * self.h\n' });
    const decorated = await replace('box.py', text, '@cached_property\ndef area(self):\n    return self.w * self.h\n');
    assert.deepStrictEqual(decorated, { text: 'class Box:\n    @cached_property\n    def area(self):\n        return self.w * self.h\n' });
  });

  it('explains why a block cannot be applied', async () => {
    const text = 'class A {\n  run() { return 1; }\n}\nclass B {\n  run() { return 2; }\n}\nconst limit = 3;\n';
    assert.deepStrictEqual(await replace('src/x.js', text, 'function missing() {}\n'), {
      error: 'code block 1 for src/x.js: src/x.js has no function named `missing`; to add new code, use a SEARCH/REPLACE block',
    });
    assert.deepStrictEqual(await replace('src/x.js', text, 'run() { return 3; }\n'), {
      error: 'code block 1 for src/x.js: src/x.js has 2 functions named `run` (lines 2 and 5); use a SEARCH/REPLACE block',
    });
    assert.deepStrictEqual(await replace('src/x.js', text, 'const limit = 4;\n'), {
      error: 'code block 1 for src/x.js: the code block holds a lexical declaration, not only function definitions; send whole functions, or use SEARCH/REPLACE blocks',
    });
    assert.deepStrictEqual(await replace('README.md', '# x\n', 'function f() {}\n'), {
      error: 'code block 1 for README.md: whole-function replacement works for JavaScript, TypeScript and Python files only; use a SEARCH/REPLACE block',
    });
  });

  it('goes through applyModelEdits for a Python file named by a `# file:` comment', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-fn-'));
    try {
      fs.mkdirSync(path.join(dir, 'pkg'));
      fs.writeFileSync(path.join(dir, 'pkg/mod.py'), 'import math\r\n\r\ndef area(w, h):\r\n    return w + h\r\n');
      const { edits } = parseModelEdits(fs.readFileSync(path.join(fixturePath('edit-formats'), 'function-block.txt'), 'utf8'));
      const result = await applyModelEdits(edits.filter((e) => e.path === 'pkg/mod.py'), createSourceFiles(dir), syntax);
      assert.deepStrictEqual(result, {
        errors: [],
        changes: [{ path: 'pkg/mod.py', before: 'import math\r\n\r\ndef area(w, h):\r\n    return w + h\r\n', after: 'import math\r\n\r\ndef area(w, h):\r\n    return w * h\r\n' }],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
