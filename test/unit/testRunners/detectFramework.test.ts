import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { detectFramework, frameworkInScript } from '../../../src/node/testRunners/detectFramework';
import { fixturePath } from '../../support/fixtures';

describe('detectFramework', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-detect-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };

  it('detects every fixture project', () => {
    const found = ['node-test-project', 'jest-project', 'vitest-project', 'mocha-project', 'pytest-project']
      .map((p) => detectFramework(fixturePath(p))?.framework);
    assert.deepStrictEqual(found, ['node-test', 'jest', 'vitest', 'mocha', 'pytest']);
  });

  it('prefers what scripts.test runs over dependencies', () => {
    write('package.json', JSON.stringify({ scripts: { test: 'vitest --coverage' }, devDependencies: { jest: '30' } }));
    assert.deepStrictEqual(detectFramework(dir), { framework: 'vitest', reason: 'scripts.test runs vitest --coverage' });
  });

  it('uses config files when the script names no framework', () => {
    write('package.json', JSON.stringify({ scripts: { test: 'npm run build && run-tests' } }));
    write('.mocharc.yml', "spec: 'test/**/*.js'\n");
    assert.deepStrictEqual(detectFramework(dir), { framework: 'mocha', reason: '.mocharc.yml is present' });
  });

  it('uses dependencies when there is neither script nor config', () => {
    write('package.json', JSON.stringify({ devDependencies: { jest: '^30.0.0' } }));
    assert.strictEqual(detectFramework(dir)?.framework, 'jest');
  });

  it('finds pytest from setup.cfg, tox.ini, or test_*.py files', () => {
    write('setup.cfg', '[metadata]\nname = x\n\n[tool:pytest]\naddopts = -q\n');
    assert.deepStrictEqual(detectFramework(dir), { framework: 'pytest', reason: 'setup.cfg configures pytest' });
    fs.rmSync(path.join(dir, 'setup.cfg'));
    write('tox.ini', '[pytest]\n');
    assert.strictEqual(detectFramework(dir)?.reason, 'tox.ini configures pytest');
    fs.rmSync(path.join(dir, 'tox.ini'));
    write('pkg/tests/test_util.py', 'def test_x():\n    pass\n');
    assert.deepStrictEqual(detectFramework(dir), { framework: 'pytest', reason: 'pkg/tests/test_util.py is a pytest file' });
  });

  it('finds node:test from test files that import it, and nothing in an empty folder', () => {
    assert.strictEqual(detectFramework(dir), undefined);
    write('test/a.test.mjs', "import test from 'node:test';\n");
    assert.deepStrictEqual(detectFramework(dir), { framework: 'node-test', reason: 'test/a.test.mjs imports node:test' });
  });

  it('reads frameworks from test scripts', () => {
    assert.strictEqual(frameworkInScript('node --test test/'), 'node-test');
    assert.strictEqual(frameworkInScript('NODE_ENV=test node --experimental-vm-modules node_modules/.bin/jest'), 'jest');
    assert.strictEqual(frameworkInScript('tsc && mocha -r ts-node/register'), 'mocha');
    assert.strictEqual(frameworkInScript('python -m pytest -q'), 'pytest');
    assert.strictEqual(frameworkInScript('echo "Error: no test specified" && exit 1'), undefined);
  });
});
