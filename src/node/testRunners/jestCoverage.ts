/**
 * Jest's V8 coverage per test file. Jest merges the coverage of every test file before it writes its report, but
 * each test file's result still carries that file's own V8 coverage of the code jest ran (after its transform, with
 * the transform's source map). Our reporter writes it out per test file in the shape NODE_V8_COVERAGE uses, so the
 * same reader maps it back to source lines (v8Coverage.ts); the spectrum then has one entry per test file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isTestFile } from '../../core/testFiles';
import type { CoverageEntry, CoverageSpectrum, TestResult } from '../../core/types';
import { WorkspacePaths } from './stackFrames';
import { processLines, V8CoverageFile, WorkspaceFiles } from './v8Coverage';

/** The name of each per-test-file coverage file our reporter writes: `jest-file-<n>.json`. */
const FILE_PATTERN = /^jest-file-\d+\.json$/;

/**
 * JavaScript appended to our jest reporter when the run measures coverage (REFLECT_COVERAGE_DIR is then set):
 * each test file's `v8Coverage` (jest 25+ with the V8 provider) as `{ testFile, result, source-map-cache }`.
 * Jest before 27 may compile in a module wrapper: its length is taken off the offsets. Code jest transformed is
 * kept only with its source map (read from jest's cache); without one it is left out, never guessed.
 */
export const JEST_COVERAGE_REPORTER = `
const { pathToFileURL } = require('url');
const coverageDir = process.env.REFLECT_COVERAGE_DIR;
let coverageFiles = 0;
function shifted(functions, by) {
  if (!by) return functions;
  const at = (o) => Math.max(0, o - by);
  return functions.map((f) => ({ ...f, ranges: f.ranges.map((r) => ({ ...r, startOffset: at(r.startOffset), endOffset: at(r.endOffset) })) }));
}
// A transformer that only inlines its map (no sourceMapPath in jest's cache).
function inlineMap(code) {
  const at = code.lastIndexOf('sourceMappingURL=data:application/json');
  const start = at < 0 ? -1 : code.indexOf(';base64,', at);
  if (start < 0) return null;
  try { return JSON.parse(Buffer.from(code.slice(start + 8).trim(), 'base64').toString('utf8')); } catch (e) { return null; }
}
function writeCoverage(testFile, v8Coverage) {
  if (!coverageDir || !Array.isArray(v8Coverage)) return;
  const result = [];
  const cache = {};
  for (const { codeTransformResult: t, result: script } of v8Coverage) {
    if (!script || typeof script.url !== 'string') continue;
    const url = script.url.startsWith('file:') ? script.url : pathToFileURL(script.url).href;
    result.push({ url, functions: shifted(script.functions, t && t.wrapperLength) });
    if (t && typeof t.code === 'string' && t.code !== t.originalCode) {
      let data = null;
      try { data = JSON.parse(fs.readFileSync(t.sourceMapPath, 'utf8')); } catch (e) { data = inlineMap(t.code); }
      cache[url] = { lineLengths: t.code.split('\\n').map((l) => l.length), data, url };
    }
  }
  coverageFiles += 1;
  fs.writeFileSync(require('path').join(coverageDir, 'jest-file-' + coverageFiles + '.json'), JSON.stringify({ testFile, result, 'source-map-cache': cache }));
}
const reportFileResult = ReflectJestReporter.prototype.onTestFileResult;
ReflectJestReporter.prototype.onTestFileResult = function (test, result) {
  if (!this.ended.has(test.path)) writeCoverage(test.path, result.v8Coverage);
  return reportFileResult.call(this, test, result);
};
`;

/**
 * The per-test-file coverage our reporter wrote into `dir` as a spectrum by test file, or undefined when it wrote
 * none (then jest's merged report is read instead).
 */
export function jestFileSpectrum(root: string, dir: string, tests: TestResult[]): CoverageSpectrum | undefined {
  const files = fs.readdirSync(dir).filter((f) => FILE_PATTERN.test(f)).sort();
  if (files.length === 0) return undefined;
  const entries = new Map<string, CoverageEntry>();
  const paths = new WorkspacePaths(root);
  // One reading of each source file for every test file's coverage.
  const sources = new WorkspaceFiles(root);
  for (const name of files) {
    const coverage = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as V8CoverageFile & { testFile?: string };
    // The test file as the report names it: workspace-relative, through symbolic links too.
    const label = paths.relativeOrSelf(coverage.testFile ?? '');
    const entry = entries.get(label) ?? { label, failed: tests.some((t) => t.file === label && (t.status === 'failed' || t.status === 'timedOut')), lines: {} };
    entries.set(label, entry);
    for (const [file, lines] of processLines(coverage, root, sources)) {
      if (isTestFile(file) || lines.size === 0) continue;
      entry.lines[file] = [...new Set([...(entry.lines[file] ?? []), ...lines])].sort((a, b) => a - b);
    }
  }
  const sorted = [...entries.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { granularity: 'file', source: 'jest --coverage (v8)', entries: sorted };
}
