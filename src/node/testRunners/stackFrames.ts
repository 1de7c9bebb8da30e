/**
 * Turns stack traces (V8 and Python) into workspace-relative frames: only files inside the workspace, never
 * node_modules, Node internals or the test framework, top (innermost) frame first, 1-based lines. A V8 frame in a
 * built file with a source map (tsc or esbuild output, a bundle) names its original source instead, when that
 * source is a workspace file (sourceMaps.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import type { SourceLocation } from '../../core/types';
import { SourceMapCache } from './sourceMaps';

/** Maps absolute or cwd-relative paths to workspace-relative '/' paths; undefined for files outside it. */
export class WorkspacePaths {
  private readonly roots: string[];
  /** The source maps read while this object lives (one test run): each built file's map is read once. */
  readonly sourceMaps = new SourceMapCache();
  private readonly existing = new Map<string, boolean>();
  private readonly realPaths = new Map<string, string | undefined>();

  constructor(readonly root: string) {
    const roots = [path.resolve(root)];
    try {
      const real = fs.realpathSync(root);
      if (!roots.includes(real)) roots.push(real);
    } catch {
      // A root that does not exist yet cannot have a different real path.
    }
    this.roots = roots;
  }

  /** Workspace-relative path of `file` (absolute, file:// URL, or relative to the root), or undefined. */
  relative(file: string): string | undefined {
    let p = file.trim();
    if (p.startsWith('file://')) {
      try {
        p = fileURLToPath(p);
      } catch {
        return undefined;
      }
    }
    if (p.startsWith('node:') || p.startsWith('internal/') || p.startsWith('<')) return undefined;
    if (!path.isAbsolute(p)) p = path.resolve(this.roots[0], p);
    // A path outside the root may still lead into it through a symbolic link (a linked package, a linked root).
    return this.under(p) ?? this.under(this.realPath(p));
  }

  private under(p: string | undefined): string | undefined {
    if (p === undefined) return undefined;
    for (const r of this.roots) {
      const rel = path.relative(r, p);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
    }
    return undefined;
  }

  private realPath(p: string): string | undefined {
    if (!this.realPaths.has(p)) {
      let real: string | undefined;
      try {
        real = fs.realpathSync(p);
      } catch {
        real = undefined;
      }
      this.realPaths.set(p, real === p ? undefined : real);
    }
    return this.realPaths.get(p);
  }

  /**
   * Where 1-based `line`/`column` of workspace file `rel` came from by its source map: a workspace file (never
   * node_modules, never outside the workspace) that exists, else undefined. A frame already mapped (a `.ts`
   * file jest, vitest or node --enable-source-maps named) has no map, so it is never mapped twice. Without a
   * column, the line's last mapping.
   */
  original(rel: string, line: number, column?: number): SourceLocation | undefined {
    const mapped = this.sourceMaps.originalPosition(path.resolve(this.roots[0], rel), line, column);
    const file = mapped && this.relative(mapped.file);
    if (!mapped || !file || isForeign(file) || !this.exists(mapped.file)) return undefined;
    return column === undefined ? { file, line: mapped.line } : { file, line: mapped.line, column: mapped.column };
  }

  private exists(file: string): boolean {
    if (!this.existing.has(file)) this.existing.set(file, fs.existsSync(file) && fs.statSync(file).isFile());
    return this.existing.get(file)!;
  }

  /** Like `relative`, but keeps files outside the workspace as they are (for test files reported oddly). */
  relativeOrSelf(file: string): string {
    return this.relative(file) ?? file.split(path.sep).join('/');
  }
}

/** True for workspace paths that are not the user's code (installed packages, Python environments). */
export function isForeign(rel: string): boolean {
  return rel.split('/').some((part) => part === 'node_modules' || part === '.venv' || part === 'venv' || part === 'site-packages');
}

// "at fn (/a/b.js:3:7)", "at /a/b.js:3:7", "at async fn (file:///a/b.mjs:3:7)", "at Object.<anonymous> (b.js:3:7)".
const V8_FRAME = /^\s*at (?:.*? \()?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

/** Workspace frames of a V8 stack trace, innermost first, through source maps where built files have them. */
export function framesFromV8Stack(stack: string | undefined, paths: WorkspacePaths): SourceLocation[] {
  if (!stack) return [];
  const frames: SourceLocation[] = [];
  for (const line of stack.split('\n')) {
    const m = V8_FRAME.exec(line);
    if (!m) continue;
    const rel = paths.relative(m[1]);
    if (!rel || isForeign(rel)) continue;
    const at = { file: rel, line: Number(m[2]), column: Number(m[3]) };
    const frame = paths.original(at.file, at.line, at.column) ?? at;
    const last = frames[frames.length - 1];
    if (last && last.file === frame.file && last.line === frame.line) continue;
    frames.push(frame);
  }
  return frames;
}

/**
 * The stack with each frame in a built workspace file pointing at its original source (absolute path, 1-based
 * line and column), as node --enable-source-maps would print it; other lines as they were. The model and a person
 * then read `src/round.ts:12`, not `dist/index.js:40`.
 */
export function sourceMappedStack(stack: string, paths: WorkspacePaths): string {
  return stack.split('\n').map((line) => {
    const m = V8_FRAME.exec(line);
    const rel = m && paths.relative(m[1]);
    if (!m || !rel || isForeign(rel)) return line;
    const to = paths.original(rel, Number(m[2]), Number(m[3]));
    if (!to) return line;
    const at = line.lastIndexOf(`${m[1]}:${m[2]}:${m[3]}`);
    return `${line.slice(0, at)}${path.resolve(paths.root, to.file)}:${to.line}:${to.column}${line.slice(at + `${m[1]}:${m[2]}:${m[3]}`.length)}`;
  }).join('\n');
}

// pytest's long traceback: "tests/test_x.py:16: " or "calendar_utils.py:10: ValueError".
const PYTEST_ENTRY = /^([^\s:][^:\n]*\.py):(\d+): ?(.*)$/;
// CPython's own traceback: '  File "/a/b.py", line 10, in f'.
const PY_FRAME = /^\s*File "([^"]+)", line (\d+)/;

/** Workspace frames of a Python traceback (pytest's long format or CPython's), innermost first. */
export function framesFromPythonTraceback(text: string | undefined, paths: WorkspacePaths): SourceLocation[] {
  if (!text) return [];
  const outerFirst: SourceLocation[] = [];
  for (const line of text.split('\n')) {
    const m = PYTEST_ENTRY.exec(line) ?? PY_FRAME.exec(line);
    if (!m) continue;
    const rel = paths.relative(m[1]);
    if (!rel || isForeign(rel)) continue;
    outerFirst.push({ file: rel, line: Number(m[2]) });
  }
  return outerFirst.reverse();
}

/** The error message of a V8 stack ("RangeError: x\n    at ..." → "x"), without the frames. */
export function messageOfV8Stack(stack: string): string {
  const lines = stack.split('\n');
  const firstFrame = lines.findIndex((l) => V8_FRAME.test(l));
  const head = (firstFrame < 0 ? lines : lines.slice(0, firstFrame)).join('\n');
  return head.replace(/^(?:[\w$.]*Error|Error)(?: \[[A-Z_]+\])?: /, '').trimEnd();
}
