import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createScratchProvider, removeStaleScratch } from '../../src/node/scratchWorkspace';
import { copyFixture, removeFixtureCopy, repoRoot } from '../support/fixtures';

const FIXED_CLAMP = `function clamp(n, lo, hi) {
  if (n < lo) return lo;
  if (n > hi) return hi;
  return n;
}

module.exports = { clamp };
`;

function runJest(dir: string): { status: number | null; passed: number; failed: number } {
  const r = spawnSync(process.execPath, [path.join(dir, 'node_modules/jest/bin/jest.js'), '--ci', '--json', '--no-cache'], {
    cwd: dir, encoding: 'utf8', timeout: 60_000,
  });
  const report = JSON.parse(r.stdout);
  return { status: r.status, passed: report.numPassedTests, failed: report.numFailedTests };
}

describe('scratch workspace', function () {
  // Real jest runs: slow on a loaded machine, so a generous limit (no timing is asserted).
  this.timeout(60_000);
  let project: string;
  let base: string;

  beforeEach(() => {
    project = copyFixture('scratch-jest-project');
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-scratch-base-'));
    fs.mkdirSync(path.join(project, 'logs'));
    fs.writeFileSync(path.join(project, 'logs/run.txt'), 'old log\n');
    fs.mkdirSync(path.join(project, 'dist'));
    fs.writeFileSync(path.join(project, 'dist/bundle.js'), 'module.exports = 1;\n');
    fs.mkdirSync(path.join(project, '__pycache__'));
    fs.writeFileSync(path.join(project, '__pycache__/x.cpython-311.pyc'), 'stale');
    fs.mkdirSync(path.join(project, '.git'));
    fs.writeFileSync(path.join(project, '.git/HEAD'), 'ref: refs/heads/main\n');
  });

  afterEach(() => {
    removeFixtureCopy(project);
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('links dependency folders, copies sources, build output and ignored folders, leaves out caches and .git', async () => {
    const ws = await createScratchProvider(project, { baseDir: base }).create();
    assert.strictEqual(path.basename(ws.root), path.basename(project));
    // The fixture's node_modules is itself a link (to the repository's): a link stays a link.
    assert.ok(fs.lstatSync(path.join(ws.root, 'node_modules')).isSymbolicLink());
    assert.ok(fs.lstatSync(path.join(ws.root, 'logs')).isDirectory());
    assert.ok(fs.lstatSync(path.join(ws.root, 'dist')).isDirectory());
    assert.strictEqual(fs.readFileSync(path.join(ws.root, 'dist/bundle.js'), 'utf8'), 'module.exports = 1;\n');
    assert.ok(fs.lstatSync(path.join(ws.root, 'src/clamp.js')).isFile());
    assert.strictEqual(fs.existsSync(path.join(ws.root, '__pycache__')), false);
    assert.strictEqual(fs.existsSync(path.join(ws.root, '.git')), false);
    const owner = JSON.parse(fs.readFileSync(path.join(path.dirname(ws.root), 'owner.json'), 'utf8'));
    assert.strictEqual(owner.pid, process.pid);
    await ws.dispose();
  });

  it('overlays unsaved buffers, runs real jest through the linked node_modules, and resets changed files', async () => {
    const overlay = new Map([['src/clamp.js', FIXED_CLAMP]]);
    const ws = await createScratchProvider(project, { baseDir: base, overlay }).create();
    assert.strictEqual(fs.readFileSync(path.join(ws.root, 'src/clamp.js'), 'utf8'), FIXED_CLAMP);
    assert.notStrictEqual(fs.readFileSync(path.join(project, 'src/clamp.js'), 'utf8'), FIXED_CLAMP);
    assert.deepStrictEqual(runJest(ws.root), { status: 0, passed: 2, failed: 0 });

    await ws.apply([
      { path: 'src/clamp.js', after: 'function clamp(n) { return n; }\nmodule.exports = { clamp };\n' },
      { path: 'src/extra/new.js', after: 'module.exports = 2;\n' },
    ]);
    assert.deepStrictEqual(runJest(ws.root), { status: 1, passed: 1, failed: 1 });

    await ws.reset();
    assert.strictEqual(fs.readFileSync(path.join(ws.root, 'src/clamp.js'), 'utf8'), FIXED_CLAMP);
    assert.strictEqual(fs.existsSync(path.join(ws.root, 'src/extra')), false);
    assert.deepStrictEqual(runJest(ws.root), { status: 0, passed: 2, failed: 0 });

    await ws.dispose();
    assert.strictEqual(fs.existsSync(path.dirname(ws.root)), false);
    assert.ok(fs.existsSync(path.join(repoRoot, 'node_modules/jest/package.json')), 'disposal must not follow links');
    assert.ok(fs.existsSync(path.join(project, 'logs/run.txt')));
  });

  it('refuses paths that leave the copy or write through a linked folder', async () => {
    const ws = await createScratchProvider(project, { baseDir: base }).create();
    await assert.rejects(ws.apply([{ path: '../escape.js', after: 'x' }]), /outside the workspace/);
    await assert.rejects(ws.apply([{ path: '/etc/passwd', after: 'x' }]), /absolute/);
    await assert.rejects(ws.apply([{ path: 'node_modules/jest/evil.js', after: 'x' }]), /linked dependency folder/);
    assert.strictEqual(fs.existsSync(path.join(repoRoot, 'node_modules/jest/evil.js')), false);
    const jestManifest = path.join(repoRoot, 'node_modules/jest/package.json');
    const ctime = fs.statSync(jestManifest).ctimeMs;
    await assert.rejects(ws.apply([{ path: 'node_modules/jest/package.json', after: '{}' }]), /linked dependency folder/);
    await ws.reset();
    assert.strictEqual(fs.statSync(jestManifest).ctimeMs, ctime, 'reset must not write through the link');
    await ws.dispose();
  });

  it('does not copy its own folder when it lies inside the workspace', async () => {
    const inner = path.join(project, '.scratch');
    const ws = await createScratchProvider(project, { baseDir: inner }).create();
    assert.deepStrictEqual(fs.readdirSync(ws.root).sort(), ['.gitignore', 'dist', 'logs', 'node_modules', 'package.json', 'src', 'test']);
    await ws.dispose();
  });

  it('removes a partial copy and says what happened when the overlay cannot be written', async () => {
    const provider = createScratchProvider(project, { baseDir: base, overlay: new Map([['node_modules/x.js', 'x']]) });
    await assert.rejects(provider.create(), /^Error: could not make a scratch copy of .*: cannot write node_modules\/x\.js: node_modules is a linked dependency folder/);
    assert.deepStrictEqual(fs.readdirSync(base), []);
  });

  it('keeps several copies independent', async () => {
    const provider = createScratchProvider(project, { baseDir: base });
    const [a, b] = await Promise.all([provider.create(), provider.create()]);
    assert.notStrictEqual(a.root, b.root);
    await a.apply([{ path: 'src/clamp.js', after: 'A' }]);
    await b.apply([{ path: 'src/clamp.js', after: 'B' }]);
    assert.strictEqual(fs.readFileSync(path.join(a.root, 'src/clamp.js'), 'utf8'), 'A');
    assert.strictEqual(fs.readFileSync(path.join(b.root, 'src/clamp.js'), 'utf8'), 'B');
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('removes copies whose owner process is dead at the first create, and keeps live ones', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const stale = path.join(base, `${deadPid}-deadbeef`);
    fs.mkdirSync(path.join(stale, 'proj'), { recursive: true });
    fs.writeFileSync(path.join(stale, 'owner.json'), JSON.stringify({ pid: deadPid }));
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(stale, 'proj/node_modules'), 'dir');
    const live = path.join(base, `${process.ppid}-cafe`);
    fs.mkdirSync(live);

    const ws = await createScratchProvider(project, { baseDir: base }).create();
    assert.strictEqual(fs.existsSync(stale), false);
    assert.ok(fs.existsSync(live));
    assert.ok(fs.existsSync(path.join(repoRoot, 'node_modules/jest/package.json')));
    assert.strictEqual(removeStaleScratch(base), 0);
    await ws.dispose();
  });
});

describe('scratch workspace with a Python virtual environment', function () {
  this.timeout(60_000);
  let project: string;
  let base: string;

  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-scratch-py-'));
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-scratch-base-'));
    const venv = spawnSync('python3', ['-m', 'venv', '--without-pip', '--system-site-packages', path.join(project, '.venv')], { encoding: 'utf8' });
    assert.strictEqual(venv.status, 0, venv.stderr);
    const site = spawnSync(path.join(project, '.venv/bin/python'), ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(site.stdout.trim(), 'venvonly.py'), 'FACTOR = 3\n');
    fs.writeFileSync(path.join(project, 'scale.py'), 'from venvonly import FACTOR\n\ndef scale(x):\n    return x * FACTOR\n');
    fs.writeFileSync(path.join(project, 'test_scale.py'), 'from scale import scale\n\ndef test_scale():\n    assert scale(2) == 6\n');
  });

  after(() => {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('runs pytest from the copy with the linked .venv, against the copy\'s sources', async () => {
    const ws = await createScratchProvider(project, { baseDir: base }).create();
    const python = path.join(ws.root, '.venv/bin/python');
    const prefix = spawnSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' });
    assert.strictEqual(prefix.stdout.trim(), path.join(ws.root, '.venv'));
    const pass = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: ws.root, encoding: 'utf8' });
    assert.strictEqual(pass.status, 0, pass.stdout);
    await ws.apply([{ path: 'scale.py', after: 'from venvonly import FACTOR\n\ndef scale(x):\n    return x + FACTOR\n' }]);
    const fail = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: ws.root, encoding: 'utf8' });
    assert.strictEqual(fail.status, 1, fail.stdout);
    await ws.reset();
    const again = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: ws.root, encoding: 'utf8' });
    assert.strictEqual(again.status, 0, again.stdout);
    assert.strictEqual(fs.readFileSync(path.join(project, 'scale.py'), 'utf8').includes('x * FACTOR'), true);
    await ws.dispose();
  });
});
