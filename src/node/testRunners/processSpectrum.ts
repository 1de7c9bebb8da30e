/**
 * The coverage of a run's Node processes as a spectrum, as finely as it was measured: per test when the preload
 * cut every process's coverage at its tests (coveragePreload.ts), else per test file when each process ran one
 * test file (node:test), else one entry for the whole run.
 */
import { isTestFile } from '../../core/testFiles';
import type { CoverageEntry, CoverageSpectrum, TestResult } from '../../core/types';

/** The workspace files some code ran in: workspace-relative path → 1-based lines (test files included). */
export type ProcessLines = Map<string, Set<number>>;

/** Lines one cut of a process's coverage ran, and the test that ran them (none: loading, hooks, every test's). */
export interface CoverageChunk {
  /** The test as the process named it: its file (workspace-relative when inside) and full name. */
  test?: { file: string; name: string };
  lines: ProcessLines;
}

/** One process's coverage. `stopped`: its preload stopped cutting per test (too costly), so only the whole counts. */
export interface ProcessCoverage {
  chunks: CoverageChunk[];
  stopped?: boolean;
}

/** What the spectrum's `source` says measured it. */
export const V8_SOURCE = 'V8 (NODE_V8_COVERAGE)';

/**
 * Processes as a spectrum over the run's `tests`. Test files, processes without workspace code and skipped tests
 * are left out; an entry fails when a test of it failed or timed out.
 */
export function spectrumOf(processes: ProcessCoverage[], tests: TestResult[]): CoverageSpectrum | { note: string } {
  const testFiles = new Set(tests.map((t) => t.file));
  const isTest = (file: string) => testFiles.has(file) || isTestFile(file);
  const ran = processes.map((p) => ({ p, whole: merged(p.chunks.map((c) => c.lines)) }))
    .filter(({ whole }) => [...whole.keys()].some((f) => !isTest(f) || testFiles.has(f)));
  if (ran.length === 0) return { note: 'no test process wrote coverage of a workspace file' };
  const hosts = ran.map(({ p, whole }) => {
    const own = [...whole.keys()].filter((f) => testFiles.has(f));
    return own.length > 0 ? own : adoptedBy(p, tests);
  });
  const sourceLines = (lines: ProcessLines) => new Map([...lines].filter(([f, l]) => !isTest(f) && l.size > 0));
  const perTest = hosts.every((h) => h.length > 0) && ran.every(({ p }) => !p.stopped) && ran.some(({ p }) => p.chunks.some((c) => c.test));
  if (perTest) {
    return spectrum('test', tests.filter((t) => t.status !== 'skipped').flatMap((t) => {
      const mine = ran.flatMap(({ p }, i) => (hosts[i].includes(t.file) ? chunksOf(p, t, tests.filter((u) => hosts[i].includes(u.file))) : []));
      return mine.length > 0 ? [entry(t.id, failedIn([t]), sourceLines(merged(mine.map((c) => c.lines))))] : [];
    }));
  }
  const byFile = hosts.every((h) => h.length === 1);
  const groups = new Map<string, ProcessLines[]>();
  ran.forEach(({ whole }, i) => groups.set(byFile ? hosts[i][0] : 'run', [...groups.get(byFile ? hosts[i][0] : 'run') ?? [], whole]));
  return spectrum(byFile ? 'file' : 'run', [...groups].map(([label, parts]) => entry(label, failedIn(label === 'run' ? tests : tests.filter((t) => t.file === label)), sourceLines(merged(parts)))));
}

/**
 * The test files of a process that ran none itself but was started by tests (each chunk names its test): a CLI
 * a test runs belongs to that test's file. None when a chunk names no test the run knows.
 */
function adoptedBy(p: ProcessCoverage, tests: TestResult[]): string[] {
  const owners = p.chunks.map((c) => (c.test ? ownerOf(c.test, tests) : undefined));
  return owners.every((o) => o) ? [...new Set(owners.map((o) => o!.file))] : [];
}

/** The chunks of a process that ran for test `t`: the shared ones, its own, and those of no test the run knows. */
function chunksOf(p: ProcessCoverage, t: TestResult, hosted: TestResult[]): CoverageChunk[] {
  return p.chunks.filter((c) => {
    if (!c.test) return true;
    const owner = ownerOf(c.test, hosted);
    return !owner || owner === t;
  });
}

/** The test a chunk's label names: by full name among the process's tests, by file too when names repeat. */
function ownerOf(label: { file: string; name: string }, hosted: TestResult[]): TestResult | undefined {
  const named = hosted.filter((t) => t.name === label.name);
  return named.find((t) => t.file === label.file) ?? named[0];
}

function failedIn(tests: TestResult[]): boolean {
  return tests.some((t) => t.status === 'failed' || t.status === 'timedOut');
}

function merged(parts: ProcessLines[]): ProcessLines {
  const out: ProcessLines = new Map();
  for (const part of parts) {
    for (const [file, lines] of part) {
      const set = out.get(file) ?? new Set<number>();
      out.set(file, set);
      for (const l of lines) set.add(l);
    }
  }
  return out;
}

function entry(label: string, failed: boolean, lines: ProcessLines): CoverageEntry {
  const files = [...lines.keys()].sort();
  return { label, failed, lines: Object.fromEntries(files.map((f) => [f, [...lines.get(f)!].sort((a, b) => a - b)])) };
}

function spectrum(granularity: CoverageSpectrum['granularity'], entries: CoverageEntry[]): CoverageSpectrum {
  return { granularity, source: V8_SOURCE, entries: entries.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)) };
}
