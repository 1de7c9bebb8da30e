import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestResult } from '../../../src/core/types';
import { istanbulRunSpectrum, IstanbulCoverageMap, linesRun, workspaceLines } from '../../../src/node/testRunners/istanbulCoverage';

/** A statement on lines `from`–`to` (columns are not read). */
const at = (from: number, to = from) => ({ start: { line: from, column: 0 }, end: { line: to, column: 1 } });

const result = (id: string, status: TestResult['status']): TestResult => ({ id, file: id.split('::')[0], name: id.split('::')[1], status, durationMs: 1 });

describe('istanbul coverage (jest and vitest V8 coverage)', () => {
  describe('linesRun', () => {
    it('keeps the lines of statements that ran, ascending, keyed by the path field', () => {
      const map: IstanbulCoverageMap = {
        '/w/src/a.js': { path: '/w/src/a.js', statementMap: { 0: at(3), 1: at(1), 2: at(2), 3: at(7) }, s: { 0: 2, 1: 1, 2: 0, 3: 5 } },
      };
      assert.deepStrictEqual([...linesRun(map)], [['/w/src/a.js', [1, 3, 7]]]);
    });

    it('counts every line of a multi-line statement that ran, except lines whose innermost statement never ran', () => {
      // Lines 10-14: a call that ran, whose callback (lines 11-13, statement on 12) was passed but never called.
      const map: IstanbulCoverageMap = {
        '/w/b.js': { path: '/w/b.js', statementMap: { 0: at(10, 14), 1: at(12), 2: at(11, 13) }, s: { 0: 1, 1: 0, 2: 0 } },
      };
      assert.deepStrictEqual(linesRun(map).get('/w/b.js'), [10, 14]);
    });

    it('leaves out files with nothing run and entries that are not file coverage', () => {
      const map = {
        '/w/none.js': { path: '/w/none.js', statementMap: { 0: at(1) }, s: { 0: 0 } },
        '/w/odd.js': { path: '/w/odd.js' },
        '/w/bad.js': { path: '/w/bad.js', statementMap: { 0: { start: { line: 'x' }, end: {} } }, s: { 0: 1 } },
      } as unknown as IstanbulCoverageMap;
      assert.deepStrictEqual([...linesRun(map)], []);
    });
  });

  describe('workspaceLines and istanbulRunSpectrum', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-istanbul-')));
      const files: Record<string, string> = {
        'w/src/a.js': '// header\nconst x = 1;\n\nmodule.exports = x;\n',
        'w/test/a.test.js': 'test();\n',
        'w/test/helpers.js': 'help();\n',
        'w/src/a.spec.ts': 'spec();\n',
        'w/node_modules/dep/index.js': 'dep();\n',
        'w/.venv/lib/x.js': 'venv();\n',
        'outside/b.js': 'outside();\n',
      };
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
        fs.writeFileSync(path.join(tmp, rel), text);
      }
      fs.symlinkSync(path.join(tmp, 'w'), path.join(tmp, 'link'), 'dir');
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const runOf = (root: string) => new Map<string, number[]>([
      [path.join(root, 'src', 'a.js'), [1, 2, 3, 4]],
      [path.join(root, 'src', 'gone.js'), [1]],
      [path.join(root, 'test', 'a.test.js'), [1]],
      [path.join(root, 'test', 'helpers.js'), [1]],
      [path.join(root, 'src', 'a.spec.ts'), [1]],
      [path.join(root, 'node_modules', 'dep', 'index.js'), [1]],
      [path.join(root, '.venv', 'lib', 'x.js'), [1]],
      [path.join(tmp, 'outside', 'b.js'), [1]],
      ['src/relative.js', [1]],
    ]);

    it('keeps existing workspace sources only, relative with /, and only their code lines', () => {
      assert.deepStrictEqual(workspaceLines(path.join(tmp, 'w'), runOf(path.join(tmp, 'w'))), { 'src/a.js': [2, 4] });
    });

    it('compares real paths when the root is reached through a symlink (either way round)', () => {
      assert.deepStrictEqual(workspaceLines(path.join(tmp, 'link'), runOf(path.join(tmp, 'w'))), { 'src/a.js': [2, 4] });
      assert.deepStrictEqual(workspaceLines(path.join(tmp, 'w'), runOf(path.join(tmp, 'link'))), { 'src/a.js': [2, 4] });
    });

    it('reads coverage-final.json into one run entry, failed when a test failed or timed out', () => {
      const dir = path.join(tmp, 'cov');
      fs.mkdirSync(dir);
      const file = path.join(tmp, 'w', 'src', 'a.js');
      fs.writeFileSync(path.join(dir, 'coverage-final.json'), JSON.stringify({ [file]: { path: file, statementMap: { 0: at(2), 1: at(4) }, s: { 0: 1, 1: 0 } } }));
      const root = path.join(tmp, 'w');
      assert.deepStrictEqual(istanbulRunSpectrum(root, dir, [result('t.js::a', 'passed'), result('t.js::b', 'timedOut')], 'src'), {
        granularity: 'run', source: 'src', entries: [{ label: 'run', failed: true, lines: { 'src/a.js': [2] } }],
      });
      assert.strictEqual((istanbulRunSpectrum(root, dir, [result('t.js::a', 'passed'), result('t.js::c', 'skipped')], 'src') as { entries: { failed: boolean }[] }).entries[0].failed, false);
    });

    it('says why there is no spectrum when no file was written, and throws on a file that is not a coverage map', () => {
      const dir = path.join(tmp, 'cov');
      fs.mkdirSync(dir);
      assert.deepStrictEqual(istanbulRunSpectrum(tmp, dir, [], 'jest --coverage (v8)'), { note: 'jest --coverage (v8) wrote no coverage-final.json' });
      fs.writeFileSync(path.join(dir, 'coverage-final.json'), '[1]');
      assert.throws(() => istanbulRunSpectrum(tmp, dir, [], 'x'), /coverage-final\.json is not a coverage map/);
    });
  });
});
