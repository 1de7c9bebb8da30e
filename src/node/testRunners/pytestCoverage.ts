/**
 * Reads what our pytest coverage plugin (pytestCoveragePlugin.ts) wrote into a spectrum with one entry per test.
 * A test's lines are the lines its setup, call and teardown ran, plus the module-level lines (imports, tables,
 * constants, def lines) of the files it used: those ran once, when the module was imported, yet they are as much
 * the test's code as the function bodies it called. A module no test ran at test time counts for the tests of the
 * test files whose import ran it, or for every test when it was imported outside any test file (a conftest).
 */
import * as fs from 'fs';
import * as path from 'path';
import { isTestFile } from '../../core/testFiles';
import type { CoverageEntry, CoverageSpectrum, TestResult } from '../../core/types';
import { FILE_ERROR_NAME } from './reporterEvents';
import { WorkspacePaths } from './stackFrames';

/** Workspace-relative file → the 1-based lines run. */
export type FileLines = Record<string, number[]>;

/** One process's output of the plugin (several under pytest-xdist). */
export interface PytestCoverageFile {
  source: string;
  tests: Record<string, FileLines>;
  collected: Record<string, FileLines>;
  outside: FileLines;
  note?: string;
}

/** Folders whose files are never the project's own code, whatever the plugin said. */
const NOT_OURS = new Set(['node_modules', 'site-packages', 'dist-packages', '.venv', 'venv', '.tox', '.nox', '__pycache__', '.git']);

/** Reads every `pytest-*.json` in `dir` into a spectrum over `tests`, or a note saying why there is none. */
export function readPytestCoverage(dir: string, root: string, tests: TestResult[]): CoverageSpectrum | { note: string } {
  const names = fs.readdirSync(dir).filter((n) => /^pytest-\d+\.json$/.test(n)).sort();
  if (names.length === 0) return { note: 'pytest wrote no coverage (the session did not finish, or our plugin did not load)' };
  const files = names.map((n) => parsePytestCoverage(fs.readFileSync(path.join(dir, n), 'utf8')));
  const notes = files.map((f) => f.note).filter((n): n is string => !!n);
  if (notes.length > 0 && files.every((f) => Object.keys(f.tests).length === 0)) return { note: `${files[0].source}: ${notes[0]}` };
  const paths = new WorkspacePaths(root);
  const exists = (rel: string) => fs.existsSync(path.join(root, rel));
  return pytestSpectrum(files, tests, (nodeFile) => paths.relativeOrSelf(nodeFile), exists);
}

/** Parses one plugin file; throws with a short reason when it is not the plugin's shape. */
export function parsePytestCoverage(text: string): PytestCoverageFile {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || typeof raw.source !== 'string') throw new Error('not a coverage file of our pytest plugin');
  const buckets = (v: unknown): Record<string, FileLines> => Object.fromEntries(Object.entries(objectOrEmpty(v)).map(([k, f]) => [k, fileLines(f)]));
  return {
    source: raw.source,
    tests: buckets(raw.tests),
    collected: buckets(raw.collected),
    outside: fileLines(raw.outside),
    ...(typeof raw.note === 'string' ? { note: raw.note } : {}),
  };
}

/**
 * The spectrum: one entry per test of `tests` that ran (skipped ones are left out), labelled with its id, failed
 * when it did not pass; a test file that failed to load gets the lines its import ran. `fileOf` maps a node id's
 * file part as the run's results do; `exists` says whether a workspace-relative file is in the run's root.
 */
export function pytestSpectrum(files: PytestCoverageFile[], tests: TestResult[], fileOf: (nodeFile: string) => string, exists: (rel: string) => boolean): CoverageSpectrum {
  const keep = keepFile(exists);
  const byTest = new Map<string, FileLines>();
  const byTestFile = new Map<string, FileLines>();
  let outside: FileLines = {};
  for (const f of files) {
    for (const [nodeid, lines] of Object.entries(f.tests)) byTest.set(labelOf(nodeid, fileOf), merge(byTest.get(labelOf(nodeid, fileOf)) ?? {}, lines, keep));
    for (const [nodeid, lines] of Object.entries(f.collected)) byTestFile.set(fileOf(nodeid), merge(byTestFile.get(fileOf(nodeid)) ?? {}, lines, keep));
    outside = merge(outside, f.outside, keep);
  }
  const imported = importTimeLines(byTestFile, outside);
  const usedAtTestTime = new Set([...byTest.values()].flatMap((l) => Object.keys(l)));
  const entries: CoverageEntry[] = [];
  for (const t of tests) {
    if (t.status === 'skipped') continue;
    if (t.name === FILE_ERROR_NAME) {
      const lines = byTestFile.get(t.file);
      if (lines) entries.push({ label: t.id, failed: true, lines: sorted(lines) });
      continue;
    }
    const own = byTest.get(t.id);
    if (!own) continue;
    let lines = merge({}, own, keep);
    for (const [file, at] of imported) {
      const used = file in own || (!usedAtTestTime.has(file) && (at.testFiles.has(t.file) || at.everyTest));
      if (used) lines = merge(lines, { [file]: at.lines }, keep);
    }
    entries.push({ label: t.id, failed: t.status !== 'passed', lines: sorted(lines) });
  }
  const notes = [...new Set(files.map((f) => f.note).filter((n): n is string => !!n))];
  return { granularity: 'test', source: [files[0]?.source ?? 'reflect pytest plugin', ...notes].join('; '), entries };
}

/** Module-level lines of each file, with the test files whose import ran them (or every test: a conftest did). */
function importTimeLines(byTestFile: Map<string, FileLines>, outside: FileLines): Map<string, { lines: number[]; testFiles: Set<string>; everyTest: boolean }> {
  const out = new Map<string, { lines: number[]; testFiles: Set<string>; everyTest: boolean }>();
  const add = (file: string, lines: number[], testFile: string | undefined) => {
    const at = out.get(file) ?? { lines: [], testFiles: new Set<string>(), everyTest: false };
    at.lines = [...new Set([...at.lines, ...lines])];
    if (testFile === undefined) at.everyTest = true;
    else at.testFiles.add(testFile);
    out.set(file, at);
  };
  for (const [testFile, files] of byTestFile) for (const [file, lines] of Object.entries(files)) add(file, lines, testFile);
  for (const [file, lines] of Object.entries(outside)) add(file, lines, undefined);
  return out;
}

/** `tests/test_a.py::TestX::test_y[1]` → the report's id `tests/test_a.py::TestX > test_y[1]`. */
function labelOf(nodeid: string, fileOf: (nodeFile: string) => string): string {
  const [file, ...names] = nodeid.split('::');
  return `${fileOf(file)}::${names.join(' > ')}`;
}

/** A filter for files: workspace-relative, the project's own code, not a test, present in the run's root. */
function keepFile(exists: (rel: string) => boolean): (file: string) => boolean {
  const cache = new Map<string, boolean>();
  return (file) => {
    let ok = cache.get(file);
    if (ok === undefined) {
      const parts = file.split('/');
      ok = file !== '' && !file.startsWith('/') && !file.includes('\\') && parts.every((p) => p !== '' && p !== '.' && p !== '..')
        && !parts.some((p) => NOT_OURS.has(p)) && !isTestFile(file) && exists(file);
      cache.set(file, ok);
    }
    return ok;
  };
}

/** `a` with `b`'s lines added (files `keep` refuses are left out). */
function merge(a: FileLines, b: FileLines, keep: (file: string) => boolean): FileLines {
  const out: FileLines = { ...a };
  for (const [file, lines] of Object.entries(b)) {
    if (!keep(file)) continue;
    out[file] = out[file] ? [...new Set([...out[file], ...lines])] : [...lines];
  }
  return out;
}

/** Files in name order, lines ascending and without repeats. */
function sorted(lines: FileLines): FileLines {
  return Object.fromEntries(Object.keys(lines).sort().map((f) => [f, [...new Set(lines[f])].sort((x, y) => x - y)]));
}

function objectOrEmpty(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

/** A file → lines map from untrusted JSON: positive integer lines only. */
function fileLines(v: unknown): FileLines {
  const out: FileLines = {};
  for (const [file, lines] of Object.entries(objectOrEmpty(v))) {
    if (!Array.isArray(lines)) continue;
    const ok = lines.filter((n): n is number => Number.isInteger(n) && n > 0);
    if (ok.length > 0) out[file] = ok;
  }
  return out;
}
