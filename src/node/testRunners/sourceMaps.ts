/**
 * Source maps of built files (tsc, esbuild, a bundle): where a position in `dist/x.js` came from. A map is found
 * the way Node finds it: the file's last `//# sourceMappingURL=` comment (a file beside it, or an inline `data:`
 * URL), else `<file>.map`. Read with Node's own `SourceMap` (no dependency). Maps are cached for the life of one
 * `SourceMapCache` (one test run); a missing, broken or huge map means "no map", never an error.
 */
import * as fs from 'fs';
import { SourceMap, type SourceMapPayload } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

/** A position in an original source: absolute path, 1-based line and column. */
export interface OriginalPosition {
  file: string;
  line: number;
  column: number;
}

/** A map as read from disk, with what is needed to resolve its sources to absolute paths. */
export interface LoadedMap {
  map: SourceMap;
  /** Absolute paths of the map's sources, in the map's order (undefined for a source that is not a file). */
  sources: (string | undefined)[];
}

/** Maps and generated files larger than this are ignored: a bundle's map is a few MB at most. */
export const MAX_SOURCE_MAP_BYTES = 20 * 1024 * 1024;

// The last "//# sourceMappingURL=…" (or the older "//@") comment of a file; CSS-style /*# … */ as well.
const MAPPING_URL = /(?:\/\/|\/\*)[#@]\s*sourceMappingURL=([^\s*'"]+)\s*(?:\*\/\s*)?$/;

/** Reads and caches the source maps of generated files. */
export class SourceMapCache {
  private readonly maps = new Map<string, LoadedMap | undefined>();

  constructor(private readonly maxBytes = MAX_SOURCE_MAP_BYTES) {}

  /** The map of `file` (absolute), or undefined when it has none that can be read. */
  mapOf(file: string): LoadedMap | undefined {
    if (!this.maps.has(file)) this.maps.set(file, loadSourceMap(file, this.maxBytes));
    return this.maps.get(file);
  }

  /**
   * Where 1-based `line`/`column` of generated `file` came from, or undefined (no map, no mapping there, a
   * source that is not a file). The entry at or before the position is taken, as Node's --enable-source-maps
   * does. Without a column (a reporter's line-only location) the line's last entry, if the line has one.
   */
  originalPosition(file: string, line: number, column?: number): OriginalPosition | undefined {
    const loaded = this.mapOf(file);
    if (!loaded || line < 1) return undefined;
    try {
      // findEntry takes and returns 0-based lines and columns; stacks and reports are 1-based.
      const entry = loaded.map.findEntry(line - 1, column === undefined ? Number.MAX_SAFE_INTEGER : Math.max(0, column - 1)) as Entry;
      if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
      if (column === undefined && entry.generatedLine !== line - 1) return undefined;
      const source = sourcePath(loaded, entry.originalSource);
      return source ? { file: source, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 } : undefined;
    } catch {
      return undefined;
    }
  }
}

/** What findEntry returns: every field, or none when nothing maps there. */
type Entry = Partial<{ generatedLine: number; originalSource: string; originalLine: number; originalColumn: number }>;

/** Reads the map of `file` (absolute): its sourceMappingURL comment, else `<file>.map`; undefined when none is usable. */
export function loadSourceMap(file: string, maxBytes = MAX_SOURCE_MAP_BYTES): LoadedMap | undefined {
  try {
    const url = mappingUrlOf(file, maxBytes);
    if (url?.startsWith('data:')) return parsePayload(dataUrlText(url), path.dirname(file), maxBytes);
    const mapFile = url ? resolveMapUrl(url, file) : `${file}.map`;
    if (!mapFile || fileSize(mapFile) > maxBytes) return undefined;
    return parsePayload(fs.readFileSync(mapFile, 'utf8'), path.dirname(mapFile), maxBytes);
  } catch {
    // A map that is missing or broken only means the frame stays where it was.
    return undefined;
  }
}

/** The URL in the last sourceMappingURL comment of `file`, if it has one. */
function mappingUrlOf(file: string, maxBytes: number): string | undefined {
  if (fileSize(file) > maxBytes) return undefined;
  return sourceMappingUrlIn(fs.readFileSync(file, 'utf8'));
}

/** The URL in the last sourceMappingURL comment of generated code, if it has one. */
export function sourceMappingUrlIn(text: string): string | undefined {
  // The comment is at the end of the file; look at the last few lines only (an inline map's line can be long).
  const end = text.trimEnd();
  let start = end.length;
  for (let n = 0; n < 3 && start > 0; n++) start = end.lastIndexOf('\n', start - 1);
  const lines = end.slice(Math.max(0, start)).split('\n').reverse();
  for (const line of lines) {
    const m = MAPPING_URL.exec(line.trim());
    if (m) return m[1];
  }
  return undefined;
}

function resolveMapUrl(url: string, file: string): string | undefined {
  if (url.startsWith('file:')) return fileURLToPath(url);
  // http(s) and other schemes are not ours to fetch.
  if (/^[a-z][\w+.-]*:/i.test(url)) return undefined;
  return path.resolve(path.dirname(file), decodeURIComponent(url.split(/[?#]/)[0]));
}

/** The JSON of a `data:application/json;base64,…` (or URI-encoded) URL. */
function dataUrlText(url: string): string {
  const comma = url.indexOf(',');
  if (comma < 0) throw new Error('a data: URL without a comma');
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return /;base64$/i.test(head) ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

function parsePayload(text: string, mapDir: string, maxBytes: number): LoadedMap | undefined {
  if (text.length > maxBytes) return undefined;
  const payload = JSON.parse(text.replace(/^\)\]\}'[^\n]*\n/, '')) as SourceMapPayload & { sections?: unknown };
  // Index maps (sections) are rare in test output; a map without plain sources is not worth guessing at.
  if (!payload || typeof payload.mappings !== 'string' || !Array.isArray(payload.sources)) return undefined;
  // Node's decoder reads any text as mappings; a character outside base64 VLQ means the map is corrupt.
  if (!/^[A-Za-z0-9+/,;]*$/.test(payload.mappings)) return undefined;
  const root = typeof payload.sourceRoot === 'string' ? payload.sourceRoot : '';
  const sources = payload.sources.map((s) => (typeof s === 'string' ? sourceFile(s, root, mapDir) : undefined));
  return { map: new SourceMap(payload), sources };
}

/** Absolute path of a map's source, or undefined for sources that are not files (webpack://, http://). */
function sourceFile(source: string, sourceRoot: string, mapDir: string): string | undefined {
  const joined = sourceRoot && !/^[a-z][\w+.-]*:/i.test(source) && !path.isAbsolute(source) ? `${sourceRoot.replace(/\/?$/, '/')}${source}` : source;
  if (joined.startsWith('file:')) {
    try {
      return fileURLToPath(joined);
    } catch {
      return undefined;
    }
  }
  if (/^[a-z][\w+.-]*:/i.test(joined)) return undefined;
  return path.resolve(mapDir, joined);
}

/** The absolute path of the source findEntry named (Node gives the map's `sources` entry as written). */
function sourcePath(loaded: LoadedMap, originalSource: string): string | undefined {
  const payload = loaded.map.payload as SourceMapPayload;
  const index = payload.sources.indexOf(originalSource);
  return index >= 0 ? loaded.sources[index] : undefined;
}

function fileSize(file: string): number {
  return fs.statSync(file).size;
}
