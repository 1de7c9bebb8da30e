import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { TestResult } from '../../../src/core/types';
import { jestFileSpectrum } from '../../../src/node/testRunners/jestCoverage';
import { vitestFileSpectrum } from '../../../src/node/testRunners/vitestCoverage';

const result = (file: string, status: TestResult['status']): TestResult => ({ id: `${file}::t`, file, name: 't', status, durationMs: 1 });

describe('jest coverage per test file (what our reporter writes)', () => {
  let tmp: string;
  let root: string;
  let dir: string;
  const SOURCE = 'function a() {\n  return 1;\n}\nfunction b() {\n  return 2;\n}\nmodule.exports = { a, b };\n';
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-jestcov-')));
    root = path.join(tmp, 'w');
    dir = path.join(tmp, 'cov');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.mkdirSync(path.join(root, 'test'));
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(root, 'src', 'ab.js'), SOURCE);
    fs.writeFileSync(path.join(root, 'test', 'ab.test.js'), 'test();\n');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** V8 coverage of src/ab.js in which only function `name` ran (offsets into SOURCE). */
  function ranOnly(name: 'a' | 'b') {
    const start = (n: string) => SOURCE.indexOf(`function ${n}`);
    const end = (n: string) => SOURCE.indexOf('}\n', start(n)) + 1;
    const fn = (n: string, count: number) => ({ functionName: n, isBlockCoverage: true, ranges: [{ startOffset: start(n), endOffset: end(n), count }] });
    return {
      url: pathToFileURL(path.join(root, 'src', 'ab.js')).href,
      functions: [{ functionName: '', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: SOURCE.length, count: 1 }] }, fn('a', name === 'a' ? 1 : 0), fn('b', name === 'b' ? 1 : 0)],
    };
  }
  const write = (n: number, testFile: string, scripts: unknown[]) =>
    fs.writeFileSync(path.join(dir, `jest-file-${n}.json`), JSON.stringify({ testFile, result: scripts, 'source-map-cache': {} }));

  it('gives one entry per test file, labelled as the report names it, failed from its own tests, test files left out', () => {
    write(1, path.join(root, 'test', 'ab.test.js'), [ranOnly('a'), { url: pathToFileURL(path.join(root, 'test', 'ab.test.js')).href, functions: [{ ranges: [{ startOffset: 0, endOffset: 8, count: 1 }] }] }]);
    write(2, path.join(root, 'test', 'b.test.js'), [ranOnly('b')]);
    const tests = [result('test/ab.test.js', 'failed'), result('test/b.test.js', 'passed')];
    assert.deepStrictEqual(jestFileSpectrum(root, dir, tests), {
      granularity: 'file', source: 'jest --coverage (v8)', entries: [
        { label: 'test/ab.test.js', failed: true, lines: { 'src/ab.js': [1, 2, 3, 7] } },
        { label: 'test/b.test.js', failed: false, lines: { 'src/ab.js': [4, 5, 6, 7] } },
      ],
    });
  });

  it('merges two files of coverage for one test file, and gives nothing when the reporter wrote nothing', () => {
    assert.strictEqual(jestFileSpectrum(root, dir, []), undefined);
    write(1, path.join(root, 'test', 'ab.test.js'), [ranOnly('a')]);
    write(2, path.join(root, 'test', 'ab.test.js'), [ranOnly('b')]);
    assert.deepStrictEqual(jestFileSpectrum(root, dir, [result('test/ab.test.js', 'timedOut')])?.entries,
      [{ label: 'test/ab.test.js', failed: true, lines: { 'src/ab.js': [1, 2, 3, 4, 5, 6, 7] } }]);
  });
});

describe('vitest coverage per test file (what our reporter writes)', () => {
  let root: string;
  let dir: string;
  const SOURCE = 'export function a() {\n  return 1;\n}\n';
  const TEST = 'a();\n';
  beforeEach(() => {
    const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-vitestcov-')));
    root = path.join(tmp, 'w');
    dir = path.join(tmp, 'cov');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.mkdirSync(path.join(root, 'test'));
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(root, 'src', 'a.js'), SOURCE);
    for (const t of ['one', 'two']) fs.writeFileSync(path.join(root, 'test', `${t}.test.js`), TEST);
  });
  afterEach(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

  const script = (rel: string, text: string, ran: boolean) => ({
    url: pathToFileURL(path.join(root, rel)).href,
    functions: [{ functionName: '', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: text.length, count: ran ? 1 : 0 }] }],
  });
  const write = (n: number, scripts: unknown[]) => fs.writeFileSync(path.join(dir, `vitest-file-${n}.json`), JSON.stringify({ result: scripts, 'source-map-cache': {} }));
  const tests = [result('test/one.test.js', 'failed'), result('test/two.test.js', 'passed')];

  it('groups each raw file by the one test file it ran', () => {
    write(1, [script('test/one.test.js', TEST, true), script('src/a.js', SOURCE, true)]);
    write(2, [script('test/two.test.js', TEST, true), script('test/one.test.js', TEST, false)]);
    assert.deepStrictEqual(vitestFileSpectrum(root, dir, tests), {
      granularity: 'file', source: 'vitest --coverage (v8)', entries: [
        { label: 'test/one.test.js', failed: true, lines: { 'src/a.js': [1, 2, 3] } },
        { label: 'test/two.test.js', failed: false, lines: {} },
      ],
    });
  });

  it('is one run entry when a raw file ran two test files, and nothing when the reporter wrote nothing', () => {
    assert.strictEqual(vitestFileSpectrum(root, dir, tests), undefined);
    write(1, [script('test/one.test.js', TEST, true), script('test/two.test.js', TEST, true), script('src/a.js', SOURCE, true)]);
    assert.deepStrictEqual(vitestFileSpectrum(root, dir, tests), {
      granularity: 'run', source: 'vitest --coverage (v8)', entries: [{ label: 'run', failed: true, lines: { 'src/a.js': [1, 2, 3] } }],
    });
  });
});
