import * as assert from 'assert';
import { validateChanges } from '../../src/core/validateChanges';
import { createSyntaxParser } from '../../src/node/treeSitter';

describe('validateChanges', () => {
  const syntax = createSyntaxParser();
  const isTestFile = (p: string) => /(^|\/)test\/|\.test\.[jt]s$|(^|\/)test_[^/]*\.py$/.test(p);
  const ctx = { syntax, isTestFile, allowTestEdits: false };
  const ok = 'function f(a) {\n  return a + 1;\n}\n';

  it('accepts a change that parses and touches only sources', async () => {
    assert.strictEqual(await validateChanges([{ path: 'src/f.js', before: ok, after: ok.replace('+ 1', '+ 2') }], ctx), undefined);
  });

  it('rejects paths that leave the workspace', async () => {
    assert.strictEqual(await validateChanges([{ path: '/etc/hosts', before: '', after: 'x' }], ctx),
      'changes /etc/hosts, which is not a workspace-relative path');
    assert.strictEqual(await validateChanges([{ path: 'src/../../x.js', before: '', after: 'x' }], ctx),
      'changes src/../../x.js, whose path contains "..": only files inside the workspace may change');
  });

  it('rejects a test-file change unless test edits are allowed', async () => {
    const change = { path: 'test/x.test.js', before: 'expect(1).toBe(2);\n', after: 'expect(1).toBe(1);\n' };
    assert.strictEqual(await validateChanges([change], ctx), 'it edits the test file test/x.test.js; tests are read-only unless test edits are allowed (--allow-test-edits)');
    assert.strictEqual(await validateChanges([change], { ...ctx, allowTestEdits: true }), undefined);
  });

  it('rejects a change to the test setup by its protected-path rule', async () => {
    const before = '{"scripts":{"test":"mocha"}}';
    assert.strictEqual(await validateChanges([{ path: 'package.json', before, after: '{"scripts":{"test":"exit 0"}}' }], ctx),
      'it changes scripts.test in package.json, part of how the tests run; the test setup is read-only: fix the code under test instead (--allow-test-edits lifts this)');
    assert.strictEqual(await validateChanges([{ path: '.git/config', before: '', after: 'x' }], { ...ctx, allowTestEdits: true }),
      "it changes .git/config, inside .git/: version-control data is never written; change the project's source files");
  });

  it('rejects a result that no longer parses, naming the line', async () => {
    const broken = 'function f(a) {\n  return a + ;\n}\n';
    assert.strictEqual(await validateChanges([{ path: 'src/f.js', before: ok, after: broken }], ctx),
      'the change to src/f.js no longer parses: syntax error at line 2 (`return a + ;`)');
    const py = await validateChanges([{ path: 'm.py', before: 'def f(x):\n    return x\n', after: 'def f(x):\n    return (x\n' }], ctx);
    assert.strictEqual(py, 'the change to m.py no longer parses: syntax error at line 2 (`return (x`)');
  });

  it('lets an already broken file be repaired in steps', async () => {
    const twoErrors = 'function f(a) {\n  return a + ;\n}\nconst x = ;\n';
    const oneError = 'function f(a) {\n  return a + 1;\n}\nconst x = ;\n';
    assert.strictEqual(await validateChanges([{ path: 'src/f.js', before: twoErrors, after: oneError }], ctx), undefined);
  });

  it('points at the new error, not at one the file already had', async () => {
    const before = 'const x = ;\nfunction f(a) {\n  return a;\n}\n';
    const after = 'const x = ;\nfunction f(a) {\n  return a +;\n}\n';
    assert.strictEqual(await validateChanges([{ path: 'src/f.js', before, after }], ctx),
      'the change to src/f.js no longer parses: syntax error at line 3 (`return a +;`)');
  });

  it('rejects a candidate that changes nothing', async () => {
    assert.strictEqual(await validateChanges([{ path: 'src/f.js', before: ok, after: ok }], ctx),
      'changes nothing: every edited file is identical to the original');
    assert.strictEqual(await validateChanges([], ctx), 'changes nothing: every edited file is identical to the original');
  });

  it('does not parse files without a grammar', async () => {
    assert.strictEqual(await validateChanges([{ path: 'README.md', before: '# a\n', after: '# a {{{\n' }], ctx), undefined);
  });
});
