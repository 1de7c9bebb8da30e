/**
 * Vitest's V8 coverage per test file. Vitest's coverage provider merges the coverage of every test file into its
 * report, but before that it keeps each test file's raw V8 coverage in a folder of its own inside our reports
 * folder (`.tmp/coverage-<n>.json`, removed after the report). Our reporter, at the end of the run (after vitest
 * read them, before it removes them), writes each one out with the code vite produced for every script it names
 * and that code's source map (from vite's own transform cache), in the shape NODE_V8_COVERAGE uses; the shared
 * reader (v8Coverage.ts) maps it back to source lines and processSpectrum.ts groups it by the test file it ran.
 * When any script's code cannot be matched to the coverage exactly, the reporter writes nothing and the run falls
 * back to vitest's merged report (one `run` entry): lines are never guessed.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { CoverageSpectrum, TestResult } from '../../core/types';
import { spectrumOf } from './processSpectrum';
import { processLines, V8CoverageFile, WorkspaceFiles } from './v8Coverage';

const FILE_PATTERN = /^vitest-file-\d+\.json$/;

/**
 * JavaScript appended to our vitest reporter (an ES module whose default export is the reporter class
 * `ReflectVitestReporter`) when the run measures coverage; REFLECT_COVERAGE_DIR is then our reports folder.
 */
export const VITEST_COVERAGE_REPORTER = `
import { fileURLToPath as reflectFileUrlToPath } from 'node:url';
import reflectPath from 'node:path';
const reflectCoverageDir = process.env.REFLECT_COVERAGE_DIR;
let reflectVitest;
// The code V8 ran for a script: vite's transform of it (the server-side one, or the browser-style one jsdom
// environments use in vitest 3), the one whose length fits the script's outer range after the module wrapper
// (vitest 4's module runner appends up to a few hundred characters after it; the other transform is shorter or
// longer by far more).
async function reflectScriptCode(script) {
  const file = reflectFileUrlToPath(script.url);
  const outer = Math.max(...script.functions.flatMap((f) => f.ranges.map((r) => r.endOffset)));
  let best;
  for (const project of reflectVitest.projects || []) {
    for (const ssr of [true, false]) {
      let t;
      try { t = await project.vite.transformRequest(file, { ssr }); } catch (e) { t = null; }
      if (!t || typeof t.code !== 'string' || !t.map) continue;
      const rest = outer - (script.startOffset || 0) - t.code.length;
      if (rest >= 0 && rest <= 512 && (!best || rest < best.rest)) best = { rest, t };
    }
  }
  return best && best.t;
}
async function reflectWriteCoverage() {
  if (!reflectCoverageDir || !reflectVitest) return;
  const rawDir = (reflectVitest.coverageProvider && reflectVitest.coverageProvider.coverageFilesDirectory) || reflectPath.join(reflectCoverageDir, '.tmp');
  const out = [];
  for (const name of fs.readdirSync(rawDir).filter((f) => /^coverage-[\\w-]+\\.json$/.test(f)).sort()) {
    const raw = JSON.parse(fs.readFileSync(reflectPath.join(rawDir, name), 'utf8'));
    const result = [];
    const cache = {};
    for (const script of raw.result || []) {
      if (typeof script.url !== 'string' || !script.url.startsWith('file:') || script.url.includes('/node_modules/')) continue;
      const t = await reflectScriptCode(script);
      // A workspace script whose code is not known: no per-file coverage at all. Others are not ours to count.
      if (!t && !reflectPath.relative(reflectVitest.config.root, reflectFileUrlToPath(script.url)).startsWith('..')) return;
      if (!t) continue;
      const by = script.startOffset || 0;
      const at = (o) => Math.max(0, o - by);
      result.push({ url: script.url, functions: script.functions.map((f) => ({ ...f, ranges: f.ranges.map((r) => ({ ...r, startOffset: at(r.startOffset), endOffset: at(r.endOffset) })) })) });
      cache[script.url] = { lineLengths: t.code.split('\\n').map((l) => l.length), data: t.map, url: script.url };
    }
    out.push({ result, 'source-map-cache': cache });
  }
  out.forEach((c, i) => fs.writeFileSync(reflectPath.join(reflectCoverageDir, 'vitest-file-' + (i + 1) + '.json'), JSON.stringify(c)));
}
ReflectVitestReporter.prototype.onInit = function (vitest) { reflectVitest = vitest; };
ReflectVitestReporter.prototype.onTestRunEnd = async function () {
  try { await reflectWriteCoverage(); } catch (e) { /* vitest's merged report is read instead */ }
};
`;

/**
 * The per-test-file coverage our reporter wrote into `dir` as a spectrum (by test file when each raw file ran one
 * test file), or undefined when it wrote none.
 */
export function vitestFileSpectrum(root: string, dir: string, tests: TestResult[]): CoverageSpectrum | undefined {
  const files = fs.readdirSync(dir).filter((f) => FILE_PATTERN.test(f)).sort();
  if (files.length === 0) return undefined;
  // A worker that ran test files before keeps their scripts, none of whose code ran again: only files with lines
  // that ran say which test file a raw file belongs to.
  const sources = new WorkspaceFiles(root);
  const processes = files.map((name) => {
    const lines = processLines(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as V8CoverageFile, root, sources);
    return { chunks: [{ lines: new Map([...lines].filter(([, ran]) => ran.size > 0)) }] };
  });
  const spectrum = spectrumOf(processes, tests);
  if ('note' in spectrum) return undefined;
  return { ...spectrum, source: 'vitest --coverage (v8)' };
}
