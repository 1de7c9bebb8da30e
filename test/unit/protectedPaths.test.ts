import * as assert from 'assert';
import { protectedChangeReason, reviewProtectedChanges, testSetupFilesOf } from '../../src/core/protectedPaths';

const pkg = (scripts: Record<string, string>, extra: object = {}) => `${JSON.stringify({ name: 'p', scripts, ...extra }, null, 2)}\n`;
const ruleOf = (path: string, before?: string, after?: string, allowTestEdits = false) =>
  protectedChangeReason({ path, before, after }, { allowTestEdits })?.rule;

describe('protectedChangeReason', () => {
  it('lets a plain source change through', () => {
    assert.strictEqual(protectedChangeReason({ path: 'src/sum.js', before: 'a - b', after: 'a + b' }), undefined);
  });

  it('refuses .git/ and auto-run editor configs even when test edits are allowed', () => {
    for (const path of ['.git/config', '.git/hooks/pre-commit', 'sub/.git/HEAD', '.vscode/tasks.json', '.vscode/launch.json',
      '.vscode/settings.json', '.idea/workspace.xml', '.husky/pre-commit', '.devcontainer/devcontainer.json', '.GIT/config', '.\\.vscode\\tasks.json']) {
      const v = protectedChangeReason({ path, before: '', after: 'x' }, { allowTestEdits: true });
      assert.deepStrictEqual([path, v?.rule, v?.overridable, v?.refused], [path, 'never-writable', false, true]);
    }
    assert.strictEqual(protectedChangeReason({ path: '.git/config' })?.reason,
      "it changes .git/config, inside .git/: version-control data is never written; change the project's source files");
    assert.strictEqual(ruleOf('.vscode/extensions-notes.md', '', 'x'), undefined);
  });

  it('refuses installed dependencies and whatever the generated-path hook names', () => {
    assert.strictEqual(ruleOf('node_modules/left-pad/index.js', 'a', 'b', true), 'generated');
    const v = protectedChangeReason({ path: 'dist/sum.js', before: 'a', after: 'b' }, { generatedPath: (p) => (p.startsWith('dist/') ? 'build output (dist/)' : undefined) });
    assert.deepStrictEqual(v, { rule: 'generated', reason: 'it changes dist/sum.js, which is build output (dist/), not a source file: change the source it is made from', overridable: false, refused: true });
  });

  it('names test files, and only warns when test edits are allowed', () => {
    const refused = protectedChangeReason({ path: 'test/sum.test.js', before: 'a', after: 'b' });
    assert.deepStrictEqual(refused, {
      rule: 'test-file', overridable: true, refused: true,
      reason: 'it edits the test file test/sum.test.js; tests are read-only unless test edits are allowed (--allow-test-edits)',
    });
    assert.deepStrictEqual(protectedChangeReason({ path: 'test/sum.test.js', before: 'a', after: 'b' }, { allowTestEdits: true }), {
      rule: 'test-file', overridable: true, refused: false,
      reason: 'it edits the test file test/sum.test.js (test setup changed; allowed by --allow-test-edits)',
    });
    assert.strictEqual(protectedChangeReason({ path: 'test/sum.test.js', before: 'a', after: 'b' }, { isTestFile: () => false }), undefined);
  });

  it('judges package.json by its test scripts, not by its dependencies', () => {
    const before = pkg({ test: 'jest', build: 'tsc' }, { dependencies: { a: '1' } });
    assert.strictEqual(ruleOf('package.json', before, pkg({ test: 'jest', build: 'tsc' }, { dependencies: { a: '2', b: '1' } })), undefined);
    assert.strictEqual(ruleOf('package.json', before, pkg({ test: 'jest', build: 'tsc --strict' }, { dependencies: { a: '1' } })), undefined);
    const v = protectedChangeReason({ path: 'package.json', before, after: pkg({ test: 'exit 0', build: 'tsc' }, { dependencies: { a: '1' } }) });
    assert.strictEqual(v?.reason, "it changes scripts.test in package.json, part of how the tests run; the test setup is read-only: fix the code under test instead (--allow-test-edits lifts this)");
    assert.strictEqual(ruleOf('packages/a/package.json', before, pkg({ test: 'jest', pretest: 'exit 0', build: 'tsc' })), 'test-script');
  });

  it('follows the scripts a test script calls, and the runner configs package.json holds', () => {
    const before = pkg({ test: 'npm run unit', unit: 'mocha' });
    assert.match(protectedChangeReason({ path: 'package.json', before, after: pkg({ test: 'npm run unit', unit: 'true' }) })!.reason, /^it changes scripts\.unit in package\.json/);
    const jest = (roots: string[]) => pkg({ test: 'jest' }, { jest: { roots } });
    assert.match(protectedChangeReason({ path: 'package.json', before: jest(['src']), after: jest(['nothing']) })!.reason, /^it changes the "jest" config in package\.json/);
    assert.match(protectedChangeReason({ path: 'package.json', before, after: '{ "scripts": ' })!.reason, /no longer parses as JSON/);
  });

  it('treats runner configs, setup files and conftest.py as test config', () => {
    for (const path of ['jest.config.js', 'vitest.config.ts', 'vitest.config.mts', 'playwright.config.ts', '.mocharc.yml', '.mocharc.json',
      'pytest.ini', 'tox.ini', 'conftest.py', 'tests/conftest.py', 'src/setupTests.ts', 'jest.setup.js']) {
      assert.strictEqual(ruleOf(path, 'a', 'b'), 'test-config', path);
    }
    assert.strictEqual(protectedChangeReason({ path: 'conftest.py', before: 'a', after: 'b' })?.reason,
      'it edits conftest.py, a test runner config or setup file; the test setup is read-only: fix the code under test instead (--allow-test-edits lifts this)');
    assert.strictEqual(protectedChangeReason({ path: 'boot.js', before: 'a', after: 'b' }, { testSetupFiles: ['./boot.js'] })?.rule, 'test-config');
  });

  it('judges setup.cfg, pyproject.toml and vite.config by their test sections', () => {
    const cfg = (opts: string) => `[metadata]\nname = p\n\n[tool:pytest]\naddopts = ${opts}\n`;
    assert.strictEqual(ruleOf('setup.cfg', cfg('-q'), cfg('-q --deselect t.py::x')), 'test-script');
    assert.strictEqual(ruleOf('setup.cfg', cfg('-q'), cfg('-q').replace('name = p', 'name = q')), undefined);
    const toml = (paths: string) => `[project]\nname = "p"\n\n[tool.pytest.ini_options]\ntestpaths = [${paths}]\n`;
    assert.strictEqual(ruleOf('pyproject.toml', toml('"tests"'), toml('"none"')), 'test-script');
    assert.strictEqual(ruleOf('pyproject.toml', toml('"tests"'), toml('"tests"').replace('"p"', '"q"')), undefined);
    assert.strictEqual(ruleOf('vite.config.ts', "export default { test: { include: ['t/**'] } }", "export default { test: { include: [] } }"), 'test-script');
    assert.strictEqual(ruleOf('vite.config.ts', 'export default { base: "/" }', 'export default { base: "/a/" }'), undefined);
  });

  it('treats snapshot files as read-only', () => {
    assert.strictEqual(ruleOf('src/__snapshots__/view.test.js.snap', 'a', 'b'), 'snapshot');
    assert.strictEqual(ruleOf('tests/__snapshots__/test_x.ambr', 'a', 'b'), 'snapshot');
  });

  it('refuses added skip/only/todo markers in any code file, but not ones already there', () => {
    const test = "it('adds', () => {});\n";
    const cases: [string, string][] = [
      ['test/a.test.js', "it.skip('adds', () => {});\n"], ['test/a.test.js', "describe.only('x', () => {});\n" + test],
      ['test/a.test.js', "xit('adds', () => {});\n"], ['test/a.test.js', test + "test.todo('later');\n"],
      ['test/a.test.js', "test('adds', { skip: true }, () => {});\n"], ['src/helpers.js', "xdescribe('x', () => {});\n"],
    ];
    for (const [path, after] of cases) assert.strictEqual(ruleOf(path, test, after), 'test-marker', after);
    const py = 'def test_add():\n    assert add(1, 2) == 3\n';
    for (const after of ['@pytest.mark.skip\n' + py, '@pytest.mark.xfail(reason="x")\n' + py, py.replace('assert', 'pytest.skip("no")\n    assert'), '@unittest.skip("x")\n' + py]) {
      assert.strictEqual(ruleOf('tests/test_add.py', py, after), 'test-marker', after);
    }
    const skipped = "it.skip('old', () => {});\n" + test;
    assert.strictEqual(ruleOf('test/a.test.js', skipped, skipped.replace('adds', 'sums')), 'test-file');
    assert.strictEqual(ruleOf('src/a.js', 'function fit(x) {}\n', 'function fit(x) { return xit(x); }\n'), undefined);
    assert.match(protectedChangeReason({ path: 'test/a.test.js', before: test, after: "it.skip('adds', () => {});\n" })!.reason,
      /^it adds a skip\/only\/todo marker \(\.skip \/ \.only \/ \.todo on a test or suite\) to test\/a\.test\.js; silencing or narrowing tests is not a fix/);
  });

  it('judges by the path alone when no contents are given', () => {
    assert.strictEqual(ruleOf('test/a.test.js'), 'test-file');
    assert.strictEqual(ruleOf('package.json'), undefined);
  });
});

describe('reviewProtectedChanges', () => {
  it('returns the refusal first and the allowed test-setup changes as warnings', () => {
    const changes = [{ path: 'src/a.js', before: 'a', after: 'b' }, { path: 'test/a.test.js', before: 'a', after: 'b' }, { path: '.vscode/tasks.json', before: '', after: '{}' }];
    const allowed = reviewProtectedChanges(changes, { allowTestEdits: true });
    assert.deepStrictEqual([allowed.refused?.rule, allowed.warnings.map((w) => w.rule)], ['never-writable', ['test-file']]);
    assert.deepStrictEqual(reviewProtectedChanges(changes.slice(0, 2)).refused?.rule, 'test-file');
    assert.deepStrictEqual(reviewProtectedChanges(changes.slice(0, 1)), { warnings: [] });
  });
});

describe('testSetupFilesOf', () => {
  it('finds --require/--import targets and jest setup files, leaving packages out', () => {
    const json = pkg({ test: 'node --import ./test/boot.mjs --require=setup.cjs -r ts-node/register --test', 'test:m': 'mocha --file ./helpers/root-hooks.js' },
      { jest: { setupFilesAfterEnv: ['<rootDir>/jest/extend.js'] } });
    assert.deepStrictEqual(testSetupFilesOf(json).sort(), ['helpers/root-hooks.js', 'jest/extend.js', 'setup.cjs', 'test/boot.mjs']);
    assert.deepStrictEqual(testSetupFilesOf(pkg({ test: 'node --test -r ./boot.js' }), 'packages/a'), ['packages/a/boot.js']);
    assert.deepStrictEqual(testSetupFilesOf('not json'), []);
  });
});
