/**
 * Which code units a failing test reaches, most suspicious first: the functions on its failing frames, then what
 * the test calls, followed through the call graph (helpers in the test file included, but not quoted) to the
 * functions, methods and module-level tables below it, in whatever file or workspace package they live. Calls are
 * resolved through imports, re-exports, path aliases and workspace packages (ModuleResolver), instance methods
 * (`x = new X()`, `this.x = new X()`, Python `self.x = X()`), `this`/`self`, and functions passed as values.
 */
import type { LanguageId } from './ports';
import type { SourceLocation, TestResult } from './types';
import type { ModuleResolver } from './moduleResolver';
import type { Definition, SourceOutline } from './sourceOutline';

/** A parsed workspace file. */
export interface FileInfo {
  path: string;
  lines: string[];
  language?: LanguageId;
  outline?: SourceOutline;
}

export type Load = (path: string) => Promise<FileInfo | undefined>;

/** A unit worth quoting: a function, method, class or module-level constant, with why it is shown. */
export interface Unit {
  file: FileInfo;
  def: Definition;
  why: string;
  /** 0-based rows to flag (failing frames). */
  marks: number[];
  /** Calls between the test (or the failing frame) and this unit. */
  depth: number;
}

export interface UnitSearch {
  failure: TestResult;
  testFile?: FileInfo;
  block?: { startRow: number; endRow: number };
  load: Load;
  resolver: ModuleResolver;
  isTestFile(path: string): boolean;
}

const MAX_FRAMES = 3;
const MAX_DEPTH = 5;
const MAX_UNITS = 40;
/** Member calls on values of unknown type that are never the project's own methods worth guessing. */
const BUILTIN_METHODS = new Set([
  'map', 'filter', 'reduce', 'forEach', 'push', 'pop', 'shift', 'slice', 'splice', 'join', 'split', 'replace', 'test',
  'includes', 'indexOf', 'toString', 'toFixed', 'trim', 'keys', 'values', 'entries', 'get', 'set', 'has', 'add',
  'append', 'sort', 'concat', 'find', 'some', 'every', 'then', 'catch', 'apply', 'call', 'bind', 'format', 'items',
]);

/** The units reached from one failing test, in the order they should be quoted. */
export async function unitsUnderTest(search: UnitSearch): Promise<Unit[]> {
  const { failure, load } = search;
  const units: Unit[] = [];
  const seen = new Set<string>();
  const queue: { file: FileInfo; def?: Definition; startRow: number; endRow: number; depth: number }[] = [];
  const isTest = (p: string) => p === failure.file || search.isTestFile(p);
  const emit = (file: FileInfo, def: Definition, why: string, depth: number, marks: number[] = []) => {
    const key = `${file.path}:${def.startRow}:${def.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (!isTest(file.path) && units.length < MAX_UNITS) units.push({ file, def, why, marks, depth });
    if (def.kind !== 'constant' && depth < MAX_DEPTH) queue.push({ file, def, startRow: def.startRow, endRow: def.endRow, depth: depth + 1 });
  };

  // Frames in source files: where the failure surfaced, strongest evidence first.
  const frames = [...(failure.failure?.frames ?? [])];
  const loc = failure.failure?.location;
  if (loc && loc.file !== failure.file && !frames.some((fr) => fr.file === loc.file && fr.line === loc.line)) frames.unshift(loc);
  const header = await syntaxErrorAt(failure.failure?.stack, load);
  if (header) frames.unshift(header);
  for (const frame of await sourceFrames(frames, isTest, load)) {
    const file = await load(frame.file);
    const def = file && (innermost(file.outline?.definitions ?? [], frame.line - 1) ?? around(file, frame.line - 1));
    if (!file || !def) continue;
    const existing = units.find((u) => u.file === file && u.def === def);
    if (existing) existing.marks.push(frame.line - 1);
    else emit(file, def, `on the failing stack at ${frame.file}:${frame.line}`, 0, [frame.line - 1]);
  }
  if (search.testFile && search.block) queue.push({ file: search.testFile, startRow: search.block.startRow, endRow: search.block.endRow, depth: 1 });

  while (queue.length && units.length < MAX_UNITS) {
    const scope = queue.shift()!;
    const outline = scope.file.outline;
    if (!outline) continue;
    const caller = scope.def ? `\`${scope.def.qualified}\`` : 'the test';
    const inScope = (row: number) => row >= scope.startRow && row <= scope.endRow;
    for (const call of outline.calls.filter((c) => inScope(c.row) && c.object !== undefined)) {
      for (const hit of await resolveMember(scope.file, call.object!, call.name, scope.def, load, search.resolver)) {
        emit(hit.file, hit.def, `called by ${caller}`, scope.depth);
      }
    }
    // Plain calls, `new X()`, functions passed as values and module-level tables read: every name used in scope.
    const names = new Set(outline.uses.filter((u) => inScope(u.row)).map((u) => u.name));
    for (const name of names) {
      if (name === scope.def?.name) continue;
      const hit = await resolveName(scope.file, name, load, search.resolver);
      if (!hit) continue;
      if (hit.def.kind === 'class') {
        const ctor = classMember(hit.file, hit.def.name, ['constructor', '__init__']);
        if (ctor && outline.calls.some((c) => inScope(c.row) && c.name === name)) emit(hit.file, ctor, `constructed by ${caller}`, scope.depth);
        continue;
      }
      emit(hit.file, hit.def, hit.def.kind === 'constant' ? `read by ${caller}` : `called by ${caller}`, scope.depth);
    }
  }
  return units;
}

/**
 * The first frames worth quoting: not in test files, and not in compiled output whose source is in the workspace
 * (a frame in dist/ that no source map brought back to src/; the call graph reaches the source instead).
 */
async function sourceFrames(frames: SourceLocation[], isTest: (p: string) => boolean, load: Load): Promise<SourceLocation[]> {
  const kept: SourceLocation[] = [];
  for (const frame of frames) {
    if (kept.length >= MAX_FRAMES) break;
    if (!isTest(frame.file) && !(await compiledWithSource(frame.file, load))) kept.push(frame);
  }
  return kept;
}

const BUILD_OUTPUT = /(^|\/)(?:dist|build|out|lib)\//;
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** True for a JavaScript file in a build folder with a source beside it (dist/x.js → src/x.ts, src/x.js, …). */
async function compiledWithSource(path: string, load: Load): Promise<boolean> {
  if (!BUILD_OUTPUT.test(path) || !/\.[cm]?js$/.test(path)) return false;
  const base = path.replace(BUILD_OUTPUT, '$1src/').replace(/\.[cm]?js$/, '');
  for (const ext of SOURCE_EXTENSIONS) if (await load(`${base}${ext}`)) return true;
  return false;
}

/** The smallest function or method around `row` (a class only when no function encloses it). */
export function innermost(defs: Definition[], row: number): Definition | undefined {
  const around = defs.filter((d) => d.startRow <= row && row <= d.endRow);
  const fns = around.filter((d) => d.kind !== 'class' && d.kind !== 'constant');
  const pool = fns.length ? fns : around;
  return pool.sort((a, b) => (a.endRow - a.startRow) - (b.endRow - b.startRow))[0];
}

/**
 * Where a file that does not compile breaks: Node puts `/abs/path/file.js:LINE` on the stack's first line (before
 * `SyntaxError: …`), and no frame points there. The workspace file is the longest path suffix that loads.
 */
async function syntaxErrorAt(stack: string | undefined, load: Load): Promise<{ file: string; line: number } | undefined> {
  const m = /^(?:file:\/\/)?(\S+?):(\d+)\s*$/m.exec((stack ?? '').split('\n').slice(0, 2).join('\n'));
  if (!m || !/SyntaxError/.test(stack ?? '')) return undefined;
  const parts = m[1].replace(/\\/g, '/').split('/').filter((p) => p !== '');
  for (let k = 0; k < parts.length; k++) {
    const rel = parts.slice(k).join('/');
    if (await load(rel)) return { file: rel, line: Number(m[2]) };
  }
  return undefined;
}

/** Lines around `row` as a unit, for a frame outside any definition (top-level code, a file that does not parse). */
function around(file: FileInfo, row: number): Definition {
  const startRow = Math.max(0, row - 10);
  const endRow = Math.min(file.lines.length - 1, row + 10);
  return { name: `${file.path}:${row + 1}`, qualified: `lines ${startRow + 1}-${endRow + 1}`, kind: 'region', startRow, endRow, signature: '' };
}

type Hit = { file: FileInfo; def: Definition };

/** What `name` means at the top level of `file`: its own definition, or the definition an import leads to. */
async function resolveName(file: FileInfo, name: string, load: Load, resolver: ModuleResolver): Promise<Hit | undefined> {
  const outline = file.outline;
  if (!outline) return undefined;
  const local = outline.definitions.find((d) => d.name === name && d.kind !== 'method' && !isNested(outline, d));
  if (local) return { file, def: local };
  const binding = outline.imports.find((b) => b.local === name && !b.reexport);
  if (!binding || binding.imported === '*') return undefined;
  return findExport(file, binding.module, binding.imported === 'default' ? name : binding.imported, load, resolver, 0);
}

/** The definition module `specifier` (imported from `from`) exports as `name`, through re-exports. */
async function findExport(from: FileInfo, specifier: string, name: string, load: Load, resolver: ModuleResolver, hops: number): Promise<Hit | undefined> {
  if (hops > 4) return undefined;
  for (const candidate of await resolver.candidates(from.path, specifier, from.language === 'python')) {
    const file = await load(candidate);
    if (!file?.outline) continue;
    const def = file.outline.definitions.find((d) => d.name === name && d.kind !== 'method' && !isNested(file.outline!, d));
    if (def) return { file, def };
    const via = file.outline.imports.find((b) => b.local === name && b.imported !== '*');
    if (via) return findExport(file, via.module, via.imported === 'default' ? name : via.imported, load, resolver, hops + 1);
    for (const star of file.outline.imports.filter((b) => b.reexport && b.local === '*')) {
      const hit = await findExport(file, star.module, name, load, resolver, hops + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  return undefined;
}

/** Methods a member call `object.name(…)` may reach. */
async function resolveMember(file: FileInfo, object: string, name: string, scope: Definition | undefined, load: Load, resolver: ModuleResolver): Promise<Hit[]> {
  const outline = file.outline!;
  if (object === 'this' || object === 'self') {
    const cls = scope?.qualified.includes('.') ? scope.qualified.split('.')[0] : undefined;
    const def = cls ? classMember(file, cls, [name]) : undefined;
    return def ? [{ file, def }] : [];
  }
  const binding = outline.imports.find((b) => b.local === object && b.imported === '*' && !b.reexport);
  if (binding) {
    const hit = await findExport(file, binding.module, name, load, resolver, 0);
    return hit ? [hit] : [];
  }
  const className = /^new\s+([A-Za-z_$][\w$]*)/.exec(object)?.[1]
    ?? outline.instances.find((i) => i.name === object)?.className
    ?? (/^[A-Z]/.test(object) ? object : undefined);
  if (className) {
    const cls = await resolveName(file, className, load, resolver);
    const def = cls?.def.kind === 'class' ? classMember(cls.file, className, [name]) : undefined;
    if (def) return [{ file: cls!.file, def }];
  }
  if (BUILTIN_METHODS.has(name)) return [];
  // A value of unknown type (a parameter, an element of a list): methods of that name in this file and the files
  // it imports are the likely targets.
  const hits: Hit[] = [];
  const files = [file];
  for (const b of outline.imports.filter((i) => !i.reexport)) {
    for (const c of await resolver.candidates(file.path, b.module, file.language === 'python')) {
      const f = await load(c);
      if (f?.outline) {
        files.push(f);
        break;
      }
    }
  }
  for (const f of files) for (const d of f.outline!.definitions) if (d.kind === 'method' && d.name === name) hits.push({ file: f, def: d });
  return hits.slice(0, 2);
}

function classMember(file: FileInfo, className: string, names: string[]): Definition | undefined {
  for (const n of names) {
    const def = file.outline?.definitions.find((d) => d.kind === 'method' && d.qualified === `${className}.${n}`);
    if (def) return def;
  }
  return undefined;
}

/** A definition inside another function (not reachable by name from the module's top level). */
function isNested(outline: SourceOutline, def: Definition): boolean {
  return outline.definitions.some((o) => o !== def && o.kind !== 'constant' && o.startRow < def.startRow && def.endRow <= o.endRow && !(o.kind === 'class' && def.kind === 'method'));
}
