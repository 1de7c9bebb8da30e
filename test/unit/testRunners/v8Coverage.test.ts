import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { TestResult } from '../../../src/core/types';
import { CoverageChunk, ProcessCoverage, ProcessLines, spectrumOf } from '../../../src/node/testRunners/processSpectrum';
import { processLines, V8CoverageFile } from '../../../src/node/testRunners/v8Coverage';

const MATH = 'function add(a, b) {\n  return a + b;\n}\n\nmodule.exports = { add };\n';
const TEST = "const { add } = require('../src/math');\nadd(1, 2);\n";

/** A script's coverage as V8 reports it when all of `source` ran once. */
const ranWhole = (file: string, source: string) => ({ url: pathToFileURL(file).href, functions: [{ functionName: '', ranges: [{ startOffset: 0, endOffset: source.length, count: 1 }] }] });

const result = (file: string, status: TestResult['status'], name = 't'): TestResult => ({ id: `${file}::${name}`, file, name, status, durationMs: 1 });
const lines = (entries: [string, number[]][]): ProcessLines => new Map(entries.map(([f, l]) => [f, new Set(l)]));
/** A process measured as a whole (no cuts at tests). */
const whole = (entries: [string, number[]][]): ProcessCoverage => ({ chunks: [{ lines: lines(entries) }] });
/** A cut of a process's coverage, run by the test named `name` in `file` (or by none). */
const cut = (test: [string, string] | undefined, entries: [string, number[]][]): CoverageChunk => ({ ...(test ? { test: { file: test[0], name: test[1] } } : {}), lines: lines(entries) });

describe('V8 coverage files', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-v8cov-unit-'));
    fs.mkdirSync(path.join(root, 'src'));
    fs.mkdirSync(path.join(root, 'test'));
    fs.mkdirSync(path.join(root, 'node_modules', 'lib'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'math.js'), MATH);
    fs.writeFileSync(path.join(root, 'test', 'math.test.js'), TEST);
    fs.writeFileSync(path.join(root, 'node_modules', 'lib', 'index.js'), MATH);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('keeps workspace files run as written, with their code lines; never node_modules, files outside, or node: scripts', () => {
    const coverage: V8CoverageFile = {
      result: [
        ranWhole(path.join(root, 'src', 'math.js'), MATH),
        ranWhole(path.join(root, 'test', 'math.test.js'), TEST),
        ranWhole(path.join(root, 'node_modules', 'lib', 'index.js'), MATH),
        ranWhole(path.join(os.tmpdir(), 'elsewhere.js'), MATH),
        { url: 'node:internal/main', functions: [] },
      ],
    };
    assert.deepStrictEqual(processLines(coverage, root), lines([['src/math.js', [1, 2, 3, 5]], ['test/math.test.js', [1, 2]]]));
  });

  it('leaves out a file that did not run as written: TypeScript without a map, ranges past its end, a stale or missing map', () => {
    fs.writeFileSync(path.join(root, 'src', 'typed.ts'), MATH);
    fs.writeFileSync(path.join(root, 'src', 'built.js'), `${MATH}//# sourceMappingURL=built.js.map\n`);
    const longer = { url: pathToFileURL(path.join(root, 'src', 'math.js')).href, functions: [{ ranges: [{ startOffset: 0, endOffset: MATH.length + 40, count: 1 }] }] };
    const coverage: V8CoverageFile = { result: [ranWhole(path.join(root, 'src', 'typed.ts'), MATH), ranWhole(path.join(root, 'src', 'built.js'), MATH), longer] };
    assert.deepStrictEqual(processLines(coverage, root), new Map());
  });

  it('maps generated code through the source-map-cache to the original lines; a map whose source changed since is left out', () => {
    fs.writeFileSync(path.join(root, 'src', 'math.ts'), 'export function add(a: number, b: number): number {\n  return a + b;\n}\n');
    const generatedUrl = pathToFileURL(path.join(root, 'dist', 'math.js')).href;
    const generated = 'export function add(a, b) {\n  return a + b;\n}\n';
    // Generated line 1 → original line 1, generated line 2 → original line 2, generated line 3 → original line 3.
    const map = { version: 3, sources: [pathToFileURL(path.join(root, 'src', 'math.ts')).href], mappings: 'AAAA;AACA;AACA', names: [] };
    const coverage = (sourcesContent?: string[]): V8CoverageFile => ({
      result: [{ url: generatedUrl, functions: [{ ranges: [{ startOffset: 0, endOffset: generated.length, count: 1 }] }] }],
      'source-map-cache': { [generatedUrl]: { lineLengths: generated.split('\n').map((l) => l.length), data: { ...map, ...(sourcesContent ? { sourcesContent } : {}) }, url: null } },
    });
    assert.deepStrictEqual(processLines(coverage(), root), lines([['src/math.ts', [1, 2, 3]]]));
    assert.deepStrictEqual(processLines(coverage(['export function add(a, b) { return a - b; }\n']), root), new Map());
  });

  it('cut at tests: an entry per test, holding what it ran and what ran for every test (loading, hooks)', () => {
    const processes: ProcessCoverage[] = [
      { chunks: [
        cut(undefined, [['test/a.test.js', [1, 2]], ['src/a.js', [1, 5]]]),
        cut(['test/a.test.js', 'adds'], [['src/a.js', [2]], ['test/a.test.js', [3]]]),
        cut(undefined, [['src/hooks.js', [7]]]),
        cut(['test/a.test.js', 'subtracts'], [['src/a.js', [6, 2]]]),
        // A test the run does not report (filtered out afterwards): its lines count for every test.
        cut(['test/a.test.js', 'unreported'], [['src/other.js', [1]]]),
      ] },
      { chunks: [cut(undefined, [['test/b.test.js', [1]], ['src/b.js', [1]]]), cut(['test/b.test.js', 'bees'], [['src/b.js', [3]]])] },
    ];
    const tests = [result('test/a.test.js', 'passed', 'adds'), result('test/a.test.js', 'failed', 'subtracts'), result('test/a.test.js', 'skipped', 'later'), result('test/b.test.js', 'timedOut', 'bees')];
    assert.deepStrictEqual(spectrumOf(processes, tests), {
      granularity: 'test', source: 'V8 (NODE_V8_COVERAGE)', entries: [
        { label: 'test/a.test.js::adds', failed: false, lines: { 'src/a.js': [1, 2, 5], 'src/hooks.js': [7], 'src/other.js': [1] } },
        { label: 'test/a.test.js::subtracts', failed: true, lines: { 'src/a.js': [1, 2, 5, 6], 'src/hooks.js': [7], 'src/other.js': [1] } },
        { label: 'test/b.test.js::bees', failed: true, lines: { 'src/b.js': [1, 3] } },
      ],
    });
  });

  it('a process a test started (every cut named after that test) counts for that test only', () => {
    const processes: ProcessCoverage[] = [
      { chunks: [cut(undefined, [['test/cli.test.js', [1]]]), cut(['test/cli.test.js', 'runs the cli'], []), cut(['test/cli.test.js', 'other'], [])] },
      { chunks: [cut(['/abs/test/cli.test.js', 'runs the cli'], [['bin/cli.js', [1, 2]]])] },
    ];
    assert.deepStrictEqual(spectrumOf(processes, [result('test/cli.test.js', 'failed', 'runs the cli'), result('test/cli.test.js', 'passed', 'other')]), {
      granularity: 'test', source: 'V8 (NODE_V8_COVERAGE)', entries: [
        { label: 'test/cli.test.js::other', failed: false, lines: {} },
        { label: 'test/cli.test.js::runs the cli', failed: true, lines: { 'bin/cli.js': [1, 2] } },
      ],
    });
  });

  it('a process whose preload stopped cutting (too costly) makes the spectrum per test file', () => {
    const processes: ProcessCoverage[] = [
      { stopped: true, chunks: [cut(undefined, [['test/a.test.js', [1]], ['src/a.js', [1]]]), cut(['test/a.test.js', 'adds'], [['src/a.js', [2]]])] },
      { chunks: [cut(undefined, [['test/b.test.js', [1]], ['src/b.js', [1]]]), cut(['test/b.test.js', 'bees'], [['src/b.js', [3]]])] },
    ];
    assert.deepStrictEqual(spectrumOf(processes, [result('test/a.test.js', 'failed', 'adds'), result('test/b.test.js', 'passed', 'bees')]), {
      granularity: 'file', source: 'V8 (NODE_V8_COVERAGE)', entries: [
        { label: 'test/a.test.js', failed: true, lines: { 'src/a.js': [1, 2] } },
        { label: 'test/b.test.js', failed: false, lines: { 'src/b.js': [1, 3] } },
      ],
    });
  });

  it('one test file per process, measured whole: an entry per test file, failed when a test of it failed or timed out', () => {
    const processes = [
      whole([['test/a.test.js', [1]], ['src/a.js', [3, 1]], ['src/shared.js', [2]]]),
      whole([['test/b.test.js', [1]], ['src/shared.js', [2, 5]]]),
      whole([['test/c.test.js', [1]], ['src/c.js', [1]]]),
      // The `node --test` parent ran no workspace code.
      whole([]),
    ];
    const tests = [result('test/a.test.js', 'passed'), result('test/b.test.js', 'failed'), result('test/c.test.js', 'timedOut'), result('test/a.test.js', 'skipped')];
    assert.deepStrictEqual(spectrumOf(processes, tests), {
      granularity: 'file', source: 'V8 (NODE_V8_COVERAGE)', entries: [
        { label: 'test/a.test.js', failed: false, lines: { 'src/a.js': [1, 3], 'src/shared.js': [2] } },
        { label: 'test/b.test.js', failed: true, lines: { 'src/shared.js': [2, 5] } },
        { label: 'test/c.test.js', failed: true, lines: { 'src/c.js': [1] } },
      ],
    });
  });

  it('test files sharing a process measured whole (or code run by no test file\'s process): one entry for the whole run', () => {
    const processes = [whole([['test/a.test.js', [1]], ['test/b.test.js', [1]], ['src/a.js', [2]]]), whole([['bin/tool.js', [4]]])];
    assert.deepStrictEqual(spectrumOf(processes, [result('test/a.test.js', 'passed'), result('test/b.test.js', 'failed')]), {
      granularity: 'run', source: 'V8 (NODE_V8_COVERAGE)', entries: [{ label: 'run', failed: true, lines: { 'bin/tool.js': [4], 'src/a.js': [2] } }],
    });
  });

  it('says so when no process ran workspace code', () => {
    assert.deepStrictEqual(spectrumOf([whole([])], [result('test/a.test.js', 'passed')]), { note: 'no test process wrote coverage of a workspace file' });
  });
});
