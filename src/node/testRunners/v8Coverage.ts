/**
 * Reads the coverage files NODE_V8_COVERAGE makes every Node process write (one JSON per process) into lines of
 * workspace source files, and the processes into a spectrum: one entry per test file when each process ran one
 * test file (node:test runs each file in its own process), else one entry for the whole run (mocha).
 *
 * Code run as written (CommonJS, ES modules) has the file's own offsets. Code a loader or a build produced (tsx,
 * ts-node, tsc into dist/) is mapped back through the source map Node kept in the coverage file's
 * `source-map-cache` (Node keeps it whenever NODE_V8_COVERAGE is set); code that cannot be mapped is left out,
 * never guessed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { isTestFile } from '../../core/testFiles';
import type { CoverageEntry, CoverageSpectrum, TestResult } from '../../core/types';
import { WorkspacePaths } from './stackFrames';
import { codeLines, coverageEnd, LineSourceMap, linesRunAsWritten, linesRunMapped, V8Function } from './v8Lines';

/** What NODE_V8_COVERAGE writes for one process. */
export interface V8CoverageFile {
  result: { url: string; functions: V8Function[] }[];
  'source-map-cache'?: Record<string, { lineLengths?: number[]; data?: (LineSourceMap & { sourceRoot?: string; sourcesContent?: (string | null)[]; sections?: unknown }) | null; url?: string | null }>;
}

/** The workspace files one process ran: workspace-relative path → 1-based lines (test files included). */
export type ProcessLines = Map<string, Set<number>>;

/** What the spectrum's `source` says measured it. */
export const V8_SOURCE = 'V8 (NODE_V8_COVERAGE)';

/**
 * The spectrum of a run from the coverage files in `dir`, over the run's `tests`; a note when no process wrote
 * coverage of a workspace file.
 */
export function v8Spectrum(dir: string, root: string, tests: TestResult[]): CoverageSpectrum | { note: string } {
  const processes = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => processLines(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as V8CoverageFile, root));
  return spectrumOf(processes, tests);
}

/**
 * Processes as a spectrum: by test file when every process that ran workspace code ran exactly one of the run's
 * test files, else one entry for the whole run. Test files and processes without workspace code are left out.
 */
export function spectrumOf(processes: ProcessLines[], tests: TestResult[]): CoverageSpectrum | { note: string } {
  const testFiles = new Set(tests.map((t) => t.file));
  const isTest = (file: string) => testFiles.has(file) || isTestFile(file);
  const ran = processes.filter((p) => [...p.keys()].some((f) => !isTest(f)) || [...p.keys()].some((f) => testFiles.has(f)));
  if (ran.length === 0) return { note: 'no test process wrote coverage of a workspace file' };
  const owners = ran.map((p) => [...p.keys()].filter((f) => testFiles.has(f)));
  const byFile = owners.every((o) => o.length === 1);
  const entries = new Map<string, CoverageEntry>();
  ran.forEach((p, i) => {
    const label = byFile ? owners[i][0] : 'run';
    const failed = tests.some((t) => (label === 'run' || t.file === label) && (t.status === 'failed' || t.status === 'timedOut'));
    const entry = entries.get(label) ?? { label, failed, lines: {} };
    entries.set(label, entry);
    for (const [file, lines] of p) {
      if (isTest(file) || lines.size === 0) continue;
      entry.lines[file] = [...new Set([...(entry.lines[file] ?? []), ...lines])].sort((a, b) => a - b);
    }
  });
  const sorted = [...entries.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  for (const e of sorted) e.lines = Object.fromEntries(Object.entries(e.lines).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { granularity: byFile ? 'file' : 'run', source: V8_SOURCE, entries: sorted };
}

/** The workspace files (their sources, for mapped code) one process ran, with the lines that ran. */
export function processLines(coverage: V8CoverageFile, root: string): ProcessLines {
  const files = new WorkspaceFiles(root);
  const out: ProcessLines = new Map();
  const add = (file: string, lines: Iterable<number>) => {
    const set = out.get(file) ?? new Set<number>();
    out.set(file, set);
    for (const l of lines) set.add(l);
  };
  const cache = coverage['source-map-cache'] ?? {};
  for (const script of coverage.result) {
    if (!script.url.startsWith('file:')) continue;
    const generated = files.relative(script.url);
    const cached = cache[script.url];
    if (cached?.data && cached.lineLengths) {
      for (const [file, lines] of mappedLines(script.functions, cached.lineLengths, cached.data, cached.url?.startsWith('file:') ? cached.url : script.url, files)) add(file, lines);
    } else if (generated && !cached) {
      const lines = asWritten(script.functions, generated, files);
      if (lines) add(generated, lines);
    }
  }
  return out;
}

/** Lines of a file run as written; undefined when it was not (transformed without a map, or changed since). */
function asWritten(functions: V8Function[], file: string, files: WorkspaceFiles): number[] | undefined {
  // TypeScript and JSX never run as written: without a source map, there is no telling which lines ran.
  if (/\.(?:[cm]?tsx?|jsx)$/.test(file)) return undefined;
  const source = files.read(file);
  if (source === undefined || hasSourceMapComment(source) || coverageEnd(functions) > source.length) return undefined;
  return linesRunAsWritten(functions, source);
}

/** Original workspace files and lines of generated code, through its source map. */
function mappedLines(functions: V8Function[], lineLengths: number[], map: NonNullable<V8CoverageFile['source-map-cache']>[string]['data'], mapUrl: string, files: WorkspaceFiles): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (!map || map.sections || typeof map.mappings !== 'string' || !Array.isArray(map.sources)) return out;
  // Most maps are the dependencies' own (node_modules): resolve the sources first, decode only maps worth it.
  const sources = map.sources.map((s) => sourceFile(s, map.sourceRoot, mapUrl, files));
  if (sources.every((s) => s === undefined)) return out;
  for (const [index, lines] of linesRunMapped(functions, lineLengths, map)) {
    const file = sources[index];
    const source = file === undefined ? undefined : files.read(file);
    if (file === undefined || source === undefined) continue;
    // A build older than its sources maps to lines that have moved: leave the file out.
    const content = map.sourcesContent?.[index];
    if (typeof content === 'string' && content !== source) continue;
    const code = codeLines(source);
    out.set(file, [...lines].filter((l) => code.has(l)));
  }
  return out;
}

/** The workspace file a map's source names (relative to the map, under its sourceRoot), or undefined. */
function sourceFile(source: string | null | undefined, sourceRoot: string | undefined, mapUrl: string, files: WorkspaceFiles): string | undefined {
  if (!source) return undefined;
  try {
    const base = mapUrl.startsWith('file:') ? mapUrl : pathToFileURL(mapUrl).href;
    const url = new URL((sourceRoot ?? '') + source, base);
    return url.protocol === 'file:' ? files.relative(url.href) : undefined;
  } catch {
    return undefined;
  }
}

function hasSourceMapComment(source: string): boolean {
  return /\/\/[#@] sourceMappingURL=\S+\s*$/.test(source.slice(-4096));
}

/** Workspace files by path: only existing files inside the root, never in node_modules or a Python environment. */
class WorkspaceFiles {
  private readonly paths: WorkspacePaths;
  private readonly sources = new Map<string, string | undefined>();

  constructor(private readonly root: string) {
    this.paths = new WorkspacePaths(root);
  }

  /** Workspace-relative path of a file: URL or path, or undefined when it is not a workspace source file. */
  relative(url: string): string | undefined {
    let file: string;
    try {
      file = url.startsWith('file:') ? fileURLToPath(url.replace(/[?#].*$/, '')) : url;
    } catch {
      return undefined;
    }
    const rel = this.paths.relative(file);
    if (!rel || rel.split('/').some((part) => part === 'node_modules' || part === 'site-packages' || part === '.venv' || part.startsWith('.'))) return undefined;
    return this.read(rel) === undefined ? undefined : rel;
  }

  /** The text of a workspace file (cached; BOM removed as Node removes it), or undefined when it is not a file. */
  read(rel: string): string | undefined {
    if (!this.sources.has(rel)) {
      let text: string | undefined;
      try {
        text = fs.readFileSync(path.join(this.root, rel), 'utf8');
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      } catch {
        text = undefined;
      }
      this.sources.set(rel, text);
    }
    return this.sources.get(rel);
  }
}
