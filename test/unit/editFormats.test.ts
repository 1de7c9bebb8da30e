import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyModelEdits, cleanPath, parseModelEdits, type ModelEdit } from '../../src/core/editFormats';
import { createSourceFiles } from '../../src/node/sourceFiles';
import { createSyntaxParser } from '../../src/node/treeSitter';
import { fixturePath } from '../support/fixtures';

const goldenDir = fixturePath('edit-formats');

describe('parseModelEdits (golden files)', () => {
  const replies = fs.readdirSync(goldenDir).filter((f) => f.endsWith('.txt')).sort();

  it('has golden replies to check', () => {
    assert.ok(replies.length >= 8, `only ${replies.length} golden replies`);
  });

  for (const reply of replies) {
    it(`parses ${reply} as recorded in ${reply.replace(/\.txt$/, '.json')}`, () => {
      const actual = parseModelEdits(fs.readFileSync(path.join(goldenDir, reply), 'utf8'));
      const expectedFile = path.join(goldenDir, reply.replace(/\.txt$/, '.json'));
      // UPDATE_GOLDEN=1 rewrites the expectations; review the diff before committing it.
      if (process.env.UPDATE_GOLDEN) fs.writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      assert.deepStrictEqual(actual, JSON.parse(fs.readFileSync(expectedFile, 'utf8')));
    });
  }
});

describe('cleanPath', () => {
  it('accepts decorated path lines and refuses prose and fence languages', () => {
    const lines = ['src/a.js', '**src/a.js**', '`src/a.js`', '### src/a.js', 'File: src/a.js', 'src/a.js:', './pkg/__init__.py',
      'python', 'Here is the fix:', 'src/', 'the file src/a.js'];
    assert.deepStrictEqual(lines.map(cleanPath), ['src/a.js', 'src/a.js', 'src/a.js', 'src/a.js', 'src/a.js', 'src/a.js', 'pkg/__init__.py',
      undefined, undefined, undefined, undefined]);
  });
});

describe('applyModelEdits', () => {
  const syntax = createSyntaxParser();
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-edits-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(rel: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const sr = (p: string, search: string, replace: string, block = 1): ModelEdit => ({ kind: 'search-replace', block, path: p, search, replace });
  const apply = (edits: ModelEdit[]) => applyModelEdits(edits, createSourceFiles(dir), syntax);

  it('applies the parsed golden reply to the file it names', async () => {
    write('src/clamp.js', 'function clamp(n, lo, hi) {\n  if (n < lo) return lo;\n  return n;\n}\n');
    write('README.md', '# clamp\n');
    const { edits } = parseModelEdits(fs.readFileSync(path.join(goldenDir, 'aider-fenced.txt'), 'utf8'));
    const result = await apply(edits);
    assert.deepStrictEqual(result, {
      errors: [],
      changes: [
        { path: 'src/clamp.js', before: 'function clamp(n, lo, hi) {\n  if (n < lo) return lo;\n  return n;\n}\n',
          after: 'function clamp(n, lo, hi) {\n  if (n < lo) return lo;\n  if (n > hi) return hi;\n  return n;\n}\n' },
        { path: 'README.md', before: '# clamp\n', after: '# clamp\n\nKeeps a number inside [lo, hi].\n' },
      ],
    });
  });

  it('keeps CRLF line endings', async () => {
    write('src/a.js', 'const a = 1;\r\nconst b = 2;\r\n');
    const { edits } = parseModelEdits(fs.readFileSync(path.join(goldenDir, 'crlf.txt'), 'utf8'));
    const { changes, errors } = await apply(edits);
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(changes[0].after, 'const a = 2;\r\nconst b = 2;\r\n');
  });

  it('tolerates trailing spaces, then indentation, re-indenting the replacement', async () => {
    write('src/a.py', 'class A:\n    def f(self):\n        return 1   \n');
    const trailing = await apply([sr('src/a.py', '        return 1\n', '        return 2\n')]);
    assert.strictEqual(trailing.changes[0].after, 'class A:\n    def f(self):\n        return 2\n');
    const indented = await apply([sr('src/a.py', 'def f(self):\n    return 1\n', 'def f(self):\n    if self:\n        return 2\n    return 1\n')]);
    assert.deepStrictEqual(indented.errors, []);
    assert.strictEqual(indented.changes[0].after, 'class A:\n    def f(self):\n        if self:\n            return 2\n        return 1\n');
  });

  it('applies several blocks to one file in order, each on the result of the previous', async () => {
    write('src/r.js', 'let x = 0;\nlet y = 0;\n');
    const result = await apply([sr('src/r.js', 'let x = 0;\n', 'let x = 1;\n'), sr('src/r.js', 'let x = 1;\nlet y = 0;\n', 'let x = 1;\nlet y = x;\n', 2)]);
    assert.deepStrictEqual(result, { errors: [], changes: [{ path: 'src/r.js', before: 'let x = 0;\nlet y = 0;\n', after: 'let x = 1;\nlet y = x;\n' }] });
  });

  it('applies a unified diff where its hunks match, even when its line numbers are off, and strips copied line prefixes', async () => {
    write('src/range.js', '// header\n// more\nfunction range(start, end) {\n  const out = [];\n  for (let i = start; i < end; i++) out.push(i);\n  return out;\n}\n');
    const { edits } = parseModelEdits(fs.readFileSync(path.join(goldenDir, 'unified-diff.txt'), 'utf8'));
    const result = await apply(edits);
    assert.deepStrictEqual(result.errors, []);
    assert.ok(result.changes[0].after.includes('  for (let i = start; i <= end; i++) out.push(i);\n  return out;'));
    const numbered = await apply(parseModelEdits(fs.readFileSync(path.join(goldenDir, 'numbered-lines.txt'), 'utf8')).edits);
    assert.deepStrictEqual(numbered.errors, []);
    assert.strictEqual(numbered.changes[0].after, result.changes[0].after);
  });

  it('says which hunk of a unified diff does not match which lines', async () => {
    write('src/m.js', 'function f(a) {\n  return a + 1;\n}\nfunction g(b) {\n  return b * 2;\n}\n');
    const reply = '```diff\n--- a/src/m.js\n+++ b/src/m.js\n@@ -1,3 +1,3 @@\n function f(a) {\n-  return a + 1;\n+  return a + 2;\n }\n'
      + '@@ -4,3 +4,3 @@\n function g(b) {\n-  return b * 3;\n+  return b * 4;\n }\n```\n';
    const result = await apply(parseModelEdits(reply).edits);
    assert.deepStrictEqual(result, {
      changes: [],
      errors: ['unified diff 1 for src/m.js: hunk 2 does not match lines 4–6 of the file (nor any other place); its first old line is "function g(b) {". '
        + 'Copy the context and removed lines exactly as the file has them now'],
    });
  });

  it('reports the closest lines when a SEARCH block does not match', async () => {
    write('src/range.js', 'function range(start, end) {\n  const out = [];\n  for (let i = start; i < end; i++) out.push(i);\n  return out;\n}\n');
    const result = await apply([sr('src/range.js', '  const out = [];\n  for (let i = start; i <= end; i++) out.push(i);\n', 'x\n', 2)]);
    assert.deepStrictEqual(result, {
      changes: [],
      errors: ['SEARCH block 2 for src/range.js does not match the file: the closest lines are 2-3; line 3 of the file is '
        + '`for (let i = start; i < end; i++) out.push(i);` where SEARCH has `for (let i = start; i <= end; i++) out.push(i);`'],
    });
  });

  it('says when a block matches several places', async () => {
    write('src/d.js', 'let a = 0;\nlet b = 1;\nlet a = 0;\n');
    const result = await apply([sr('src/d.js', 'let a = 0;\n', 'let a = 2;\n')]);
    assert.deepStrictEqual(result.errors, ['SEARCH block 1 for src/d.js matches 2 places (starting at lines 1, 3); add surrounding lines from the file so it matches only one']);
  });

  it('creates a file from an empty SEARCH, and refuses a SEARCH on a missing file or a path outside the workspace', async () => {
    const result = await apply([
      sr('src/new.js', '', 'module.exports = 1;\n'),
      sr('src/missing.js', 'a\n', 'b\n', 2),
      sr('../outside.js', '', 'x\n', 3),
    ]);
    assert.deepStrictEqual(result, {
      changes: [{ path: 'src/new.js', before: '', after: 'module.exports = 1;\n' }],
      errors: [
        'SEARCH block 2 for src/missing.js: the file does not exist; to create it, leave the SEARCH part empty',
        'SEARCH block 3 for ../outside.js: the path is outside the workspace; use a workspace-relative path such as src/file.js',
      ],
    });
  });
});
