import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { childEnvironment, registerHiddenPath, registerSecret, RUN_MARKER_VARIABLE } from '../../src/node/childEnvironment';
import { createScratchProvider } from '../../src/node/scratchWorkspace';
import { changedSince, snapshotTree } from '../../src/node/treeCheck';

/** The scratch copy cannot reach the user's folder, and the tree check sees what reaches it anyway. */
describe('scratch isolation and the after-run tree check', () => {
  let tmp: string;
  let project: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-isolation-'));
    project = path.join(tmp, 'proj');
    for (const [rel, text] of Object.entries({
      'package.json': '{"name":"p"}\n', 'src/a.js': 'module.exports = 1;\n', '.gitignore': 'fixtures-out/\n',
      'fixtures-out/keep.txt': 'user data\n', 'node_modules/dep/index.js': 'module.exports = 2;\n',
    })) {
      fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
      fs.writeFileSync(path.join(project, rel), text);
    }
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('copies ignored folders and keeps node_modules a folder of package links, so writes there stay in the copy', async () => {
    const ws = await createScratchProvider(project, { baseDir: path.join(tmp, 'scratch') }).create();
    assert.ok(fs.lstatSync(path.join(ws.root, 'node_modules')).isDirectory());
    assert.ok(fs.lstatSync(path.join(ws.root, 'node_modules/dep')).isSymbolicLink());
    assert.strictEqual(fs.readFileSync(path.join(ws.root, 'node_modules/dep/index.js'), 'utf8'), 'module.exports = 2;\n');
    fs.mkdirSync(path.join(ws.root, 'node_modules/.cache'));
    fs.writeFileSync(path.join(ws.root, 'node_modules/.cache/x'), 'cache');
    fs.writeFileSync(path.join(ws.root, 'fixtures-out/new.txt'), 'written by a test');
    assert.deepStrictEqual(fs.readdirSync(path.join(project, 'node_modules')), ['dep']);
    assert.deepStrictEqual(fs.readdirSync(path.join(project, 'fixtures-out')), ['keep.txt']);
    const owner = fs.readFileSync(path.join(path.dirname(ws.root), 'owner.json'), 'utf8');
    assert.ok(!owner.includes(project), 'the owner file must not name the real project');
    await ws.dispose();
  });

  it('reports files created, changed and removed, also inside node_modules packages, and nothing on an untouched tree', async () => {
    const snap = await snapshotTree(project);
    assert.deepStrictEqual(changedSince(snap), []);
    fs.writeFileSync(path.join(project, 'src/a.js'), 'module.exports = 3;\n');
    fs.writeFileSync(path.join(project, 'node_modules/dep/injected.js'), 'x');
    fs.rmSync(path.join(project, 'fixtures-out/keep.txt'));
    fs.mkdirSync(path.join(project, '.git'));
    assert.deepStrictEqual(changedSince(snap), ['fixtures-out/keep.txt', 'node_modules/dep/injected.js', 'src/a.js']);
  });

  it('gives children no key variable, no secret value, no path of the real project, and a run marker', () => {
    registerSecret('sk-isolation-SECRET-123456', 'MY_KEY_VAR');
    registerHiddenPath(project);
    const env = childEnvironment({
      OPENAI_API_KEY: 'sk-a', REFLECT_API_KEY: 'sk-b', MY_KEY_VAR: 'x', OTHER: 'has sk-isolation-SECRET-123456 inside',
      INIT_CWD: project, npm_package_json: path.join(project, 'package.json'), HOME: '/root',
      PATH: `${path.join(project, 'node_modules/.bin')}:/usr/bin`, OLDPWD: project,
    }, '/tmp/scratch/proj', 'reflect-1-1-');
    assert.deepStrictEqual(env, { HOME: '/root', PATH: '/usr/bin', PWD: '/tmp/scratch/proj', [RUN_MARKER_VARIABLE]: 'reflect-1-1-' });
  });
});
