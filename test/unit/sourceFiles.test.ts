import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createSourceFiles } from '../../src/node/sourceFiles';

describe('source files', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-sources-'));
    for (const [p, text] of Object.entries({
      'src/a.js': 'disk a\n', 'test/a.test.js': 't\n', 'README.md': 'r\n',
      'node_modules/x/index.js': 'dep\n', '.venv/lib/m.py': 'v\n', '.git/HEAD': 'h\n', 'dist/a.js': 'built\n',
      'pkg/__pycache__/m.cpython-311.pyc': 'b\n', 'pkg/m.py': 'm\n',
    })) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), text);
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads unsaved buffers before the disk', async () => {
    const files = createSourceFiles(dir, new Map([['src/a.js', 'unsaved a\n'], ['./src/new.js', 'new\n']]));
    assert.strictEqual(await files.read('src/a.js'), 'unsaved a\n');
    assert.strictEqual(await files.read('src/new.js'), 'new\n');
    assert.strictEqual(await files.read('README.md'), 'r\n');
    assert.strictEqual(await files.read('src/missing.js'), undefined);
    assert.strictEqual(await files.read('src'), undefined);
  });

  it('refuses paths outside the workspace', async () => {
    const files = createSourceFiles(dir);
    await assert.rejects(files.read('../etc/passwd'), /outside the workspace/);
    await assert.rejects(files.read('/etc/passwd'), /absolute/);
  });

  it('lists workspace files without dependency, cache and build folders, plus unsaved new files', async () => {
    const files = createSourceFiles(dir, new Map([['src/new.js', 'new\n']]));
    assert.deepStrictEqual(await files.list(), ['README.md', 'pkg/m.py', 'src/a.js', 'src/new.js', 'test/a.test.js']);
  });
});
