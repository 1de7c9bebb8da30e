/**
 * The one format our reporters write (one JSON object per line, appended synchronously so an endless or
 * killed test still leaves what happened before it), and its conversion into `TestResult`s.
 */
import { matchTestName } from '../../core/testSelectors';
import type { SourceLocation, TestFailure, TestResult, TestSelector } from '../../core/types';
import { framesFromPythonTraceback, framesFromV8Stack, messageOfV8Stack, sourceMappedStack, WorkspacePaths } from './stackFrames';

/** An error as a reporter saw it. `frames` (outermost-first file/line pairs) is given by Python reporters. */
export interface RawError {
  message: string;
  stack?: string;
  expected?: string;
  actual?: string;
  /** Where the framework says the failure is (when it knows better than the stack). */
  location?: { file: string; line: number };
}

/** One line of a reporter's events file. `file` is absolute or relative to the run's root. */
export type ReporterEvent =
  | { type: 'start'; file: string; names: string[] }
  | { type: 'result'; file: string; names: string[]; status: 'passed' | 'failed' | 'skipped'; durationMs?: number; error?: RawError }
  /** Every test a file declares, in order, known before they run (vitest collects first). */
  | { type: 'collected'; file: string; tests: string[][] }
  /** A file that failed as a whole (syntax error, failing import): no test in it ran. */
  | { type: 'fileError'; file: string; error: RawError }
  /**
   * Written inside the test process as a test ends (node:test preload, vitest runner), for when the
   * framework's own report of it never leaves a process stuck in a later test. A 'result' wins over it.
   */
  | { type: 'end'; file: string; names: string[]; status: 'passed' | 'failed' | 'skipped'; error?: RawError }
  /** A file handed to a worker, and its end (to find files that never finished). */
  | { type: 'fileStart' | 'fileEnd'; file: string };

/** Parses an events file's text; ignores a torn last line (the process was killed mid-write). */
export function parseEvents(text: string): ReporterEvent[] {
  const events: ReporterEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as ReporterEvent);
    } catch {
      // Only the last line can be torn; skipping it loses nothing that finished.
    }
  }
  return events;
}

/** Name of a file-level failure (a file that did not load), reported as one failed test. */
export const FILE_ERROR_NAME = '(file failed to load)';

const RANK: Record<string, number> = { passed: 0, skipped: 1, failed: 2 };

/** What a run's events add up to. */
export interface EventOutcome {
  results: TestResult[];
  /** Tests that started and never finished (when the run was cut short). */
  unfinished: { file: string; name: string }[];
}

/** Folds events into results. Several results for one test (jest's case and file events, pytest phases) merge. */
export function resultsFromEvents(events: ReporterEvent[], root: string, stackKind: 'v8' | 'python'): EventOutcome {
  const paths = new WorkspacePaths(root);
  const byId = new Map<string, TestResult>();
  const started = new Map<string, { file: string; name: string }>();
  const collected: { file: string; name: string }[] = [];
  const add = (ev: Extract<ReporterEvent, { type: 'result' | 'fileError' }>, file: string) => {
    const name = ev.type === 'fileError' ? FILE_ERROR_NAME : ev.names.join(' > ');
    const status = ev.type === 'fileError' ? 'failed' : ev.status;
    const error = ev.error;
    const id = `${file}::${name}`;
    const next: TestResult = {
      id, file, name, status, durationMs: Math.round(ev.type === 'result' ? ev.durationMs ?? 0 : 0),
      ...(status === 'failed' && error ? { failure: toFailure(error, paths, stackKind) } : {}),
    };
    const prev = byId.get(id);
    if (!prev) byId.set(id, next);
    else {
      const keep = RANK[next.status] >= RANK[prev.status] ? next : prev;
      byId.set(id, { ...keep, durationMs: Math.max(prev.durationMs, next.durationMs), failure: keep.failure ?? prev.failure ?? next.failure });
    }
  };
  const ends: { file: string; ev: Extract<ReporterEvent, { type: 'end' }> }[] = [];
  for (const ev of events) {
    const file = paths.relativeOrSelf(ev.file);
    if (ev.type === 'start') {
      const name = ev.names.join(' > ');
      started.set(`${file}::${name}`, { file, name });
    } else if (ev.type === 'collected') {
      for (const names of ev.tests) collected.push({ file, name: names.join(' > ') });
    } else if (ev.type === 'result' || ev.type === 'fileError') {
      add(ev, file);
    } else if (ev.type === 'end') {
      ends.push({ file, ev });
    }
  }
  // The framework's own reports win; end events fill in the tests whose report was lost.
  for (const { file, ev } of ends) {
    if (!byId.has(`${file}::${ev.names.join(' > ')}`)) add({ ...ev, type: 'result' }, file);
  }
  const unfinished = [...started.entries()].filter(([id]) => !byId.has(id)).map(([, t]) => t);
  // Frameworks that collect first (vitest) cannot tell us which test blocked its worker: it is the first
  // collected test of its file that never finished.
  const filesWithUnfinished = new Set(unfinished.map((t) => t.file));
  for (const t of collected) {
    if (filesWithUnfinished.has(t.file) || byId.has(`${t.file}::${t.name}`)) continue;
    unfinished.push(t);
    filesWithUnfinished.add(t.file);
  }
  return { results: [...byId.values()], unfinished };
}

/**
 * Builds the failure evidence: message, expected/actual, stack, frames in workspace files, location. Positions in
 * built files with source maps name their sources (frames, location and the stack's text alike).
 */
export function toFailure(error: RawError, paths: WorkspacePaths, stackKind: 'v8' | 'python'): TestFailure {
  const frames = stackKind === 'python' ? framesFromPythonTraceback(error.stack, paths) : framesFromV8Stack(error.stack, paths);
  let location: SourceLocation | undefined = frames[0] && { file: frames[0].file, line: frames[0].line };
  if (error.location) {
    const file = paths.relative(error.location.file);
    const original = file && stackKind === 'v8' ? paths.original(file, error.location.line) : undefined;
    if (file) location = original ? { file: original.file, line: original.line } : { file, line: error.location.line };
  }
  const stack = error.stack && stackKind === 'v8' ? sourceMappedStack(error.stack, paths) : error.stack;
  return {
    message: error.message || (error.stack && stackKind === 'v8' ? messageOfV8Stack(error.stack) : ''),
    ...(error.expected !== undefined ? { expected: error.expected } : {}),
    ...(error.actual !== undefined ? { actual: error.actual } : {}),
    ...(stack ? { stack } : {}),
    ...(location ? { location } : {}),
    frames: frames.map((f) => ({ file: f.file, line: f.line })),
  };
}

/**
 * True when `result` is one of the tests `only` selects: a whole file, a test by its full name or by its name as
 * written, or a suite (see matchTestName).
 */
export function isSelected(result: { file: string; name: string }, only: TestSelector[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((s) => normalise(s.file) === result.file
    && (!s.name || result.name === FILE_ERROR_NAME || matchTestName(s.name, result.name) !== undefined));
}

/** Normalises a user-given file path ("./test/a.test.js" → "test/a.test.js"). */
export function normalise(file: string): string {
  return file.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
}

/** Counts per status. */
export function summarise(tests: TestResult[]): { passed: number; failed: number; skipped: number; timedOut: number; flaky: number } {
  const s = { passed: 0, failed: 0, skipped: 0, timedOut: 0, flaky: 0 };
  for (const t of tests) s[t.status] += 1;
  return s;
}
