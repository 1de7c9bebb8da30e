/**
 * Reads the coverage a run's Node processes wrote (NODE_V8_COVERAGE's file per process, and the cuts of our
 * preload, test by test) into lines of workspace source files; processSpectrum.ts makes them a spectrum.
 *
 * Code run as written (CommonJS, ES modules) has the file's own offsets. Code a loader or a build produced (tsx,
 * ts-node, tsc into dist/) is mapped back through the source map Node kept in the coverage file's
 * `source-map-cache` (Node keeps it whenever NODE_V8_COVERAGE is set); code that cannot be mapped is left out,
 * never guessed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { CoverageSpectrum, TestResult } from '../../core/types';
import { ProcessCoverage, ProcessLines, spectrumOf } from './processSpectrum';
import { sourceMappingUrlIn } from './sourceMaps';
import { isForeign, WorkspacePaths } from './stackFrames';
import { codeLines, coverageEnd, LineSourceMap, linesRunAsWritten, linesRunMapped, V8Function } from './v8Lines';

/** What NODE_V8_COVERAGE writes for one process. */
export interface V8CoverageFile {
  result: { url: string; functions: V8Function[] }[];
  'source-map-cache'?: Record<string, { lineLengths?: number[]; data?: (LineSourceMap & { sourceRoot?: string; sourcesContent?: (string | null)[]; sections?: unknown }) | null; url?: string | null }>;
}

/**
 * The spectrum of a run from the coverage folder, over the run's `tests`; a note when no process wrote coverage
 * of a workspace file. A process our preload measured has its cuts (reflect-tests-PID-THREAD.jsonl) and Node's
 * own file (coverage-PID-TIME-THREAD.json, for its source maps); any other process has Node's file only.
 */
export function v8Spectrum(dir: string, root: string, tests: TestResult[]): CoverageSpectrum | { note: string } {
  const names = fs.readdirSync(dir).sort();
  const nodeFiles = new Map<string, V8CoverageFile[]>();
  for (const name of names) {
    const m = /^coverage-(\d+)-\d+-(\d+)\.json$/.exec(name);
    if (m) nodeFiles.set(`${m[1]}-${m[2]}`, [...nodeFiles.get(`${m[1]}-${m[2]}`) ?? [], JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as V8CoverageFile]);
  }
  const paths = new WorkspacePaths(root);
  // One reading of each source file for all the cuts of the run.
  const files = new WorkspaceFiles(root);
  const processes: ProcessCoverage[] = [];
  for (const name of names) {
    const m = /^reflect-tests-(\d+-\d+)\.jsonl$/.exec(name);
    if (!m) continue;
    const own = nodeFiles.get(m[1]) ?? [];
    nodeFiles.delete(m[1]);
    const maps = Object.assign({}, ...own.map((f) => f['source-map-cache'] ?? {})) as V8CoverageFile['source-map-cache'];
    processes.push(cutProcess(fs.readFileSync(path.join(dir, name), 'utf8'), maps, files, paths));
  }
  for (const coverages of nodeFiles.values()) processes.push({ chunks: coverages.map((f) => ({ lines: processLines(f, root, files) })) });
  return spectrumOf(processes, tests);
}

/** A process the preload cut at its tests: one chunk per cut, labelled with its test's file and full name. */
function cutProcess(text: string, maps: V8CoverageFile['source-map-cache'], files: WorkspaceFiles, paths: WorkspacePaths): ProcessCoverage {
  const p: ProcessCoverage = { chunks: [] };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let cut: { stopped?: boolean; test?: { file: string; names: string[] } | null; result?: V8CoverageFile['result'] };
    try {
      cut = JSON.parse(line);
    } catch {
      // The last line of a process killed while writing it.
      continue;
    }
    if (cut.stopped) p.stopped = true;
    if (!cut.result) continue;
    const test = cut.test ? { file: paths.relativeOrSelf(cut.test.file), name: cut.test.names.join(' > ') } : undefined;
    p.chunks.push({ ...(test ? { test } : {}), lines: processLines({ result: cut.result, 'source-map-cache': maps }, files.root, files) });
  }
  return p;
}

/**
 * The workspace files (their sources, for mapped code) one process ran, with the lines that ran. `files` may be
 * shared between calls on the same root, so each file is read once.
 */
export function processLines(coverage: V8CoverageFile, root: string, files = new WorkspaceFiles(root)): ProcessLines {
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
  if (source === undefined || sourceMappingUrlIn(source) !== undefined || coverageEnd(functions) > source.length) return undefined;
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
    const code = files.codeLines(file);
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

/** Workspace files by path: only existing files inside the root, never in node_modules, a Python environment or a dot-folder. */
export class WorkspaceFiles {
  private readonly paths: WorkspacePaths;
  private readonly sources = new Map<string, string | undefined>();
  private readonly code = new Map<string, Set<number>>();

  constructor(readonly root: string) {
    this.paths = new WorkspacePaths(root);
  }

  /** The 1-based lines of a workspace file that hold code (cached). */
  codeLines(rel: string): Set<number> {
    if (!this.code.has(rel)) this.code.set(rel, codeLines(this.read(rel) ?? ''));
    return this.code.get(rel)!;
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
    if (!rel || isForeign(rel) || rel.split('/').some((part) => part.startsWith('.'))) return undefined;
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
