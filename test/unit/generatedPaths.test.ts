import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generatedPathChecker } from '../../src/node/generatedPaths';

describe('which paths are made, not written', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-generated-'));
    fs.writeFileSync(path.join(dir, '.gitignore'), 'dist/\n*.gen.ts\n');
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "outDir": "./lib/", /* built */ } }\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('in a git repository: every .gitignore pattern, and the TypeScript outDir', () => {
    spawnSync('git', ['init', '-q'], { cwd: dir });
    const what = generatedPathChecker(dir);
    assert.strictEqual(what('dist/src/a.js'), 'git-ignored (see .gitignore)');
    assert.strictEqual(what('src/api.gen.ts'), 'git-ignored (see .gitignore)');
    assert.strictEqual(what('lib/index.js'), 'build output (lib/, the outDir of tsconfig.json)');
    assert.strictEqual(what('src/a.ts'), undefined);
  });

  it('outside git: the plain folder entries of .gitignore', () => {
    const what = generatedPathChecker(dir);
    assert.strictEqual(what('dist/a.js'), 'git-ignored (see .gitignore)');
    assert.strictEqual(what('src/a.ts'), undefined);
  });
});
