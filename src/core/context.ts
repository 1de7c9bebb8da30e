/**
 * The code context a proposer sees for failing tests: per failure, the evidence (message, expected/actual,
 * trimmed stack), the test's own block, the functions on the failing stack in source files (or, with no such
 * frames, the functions the test imports and calls), and one-line signatures of what those functions call.
 * Everything fits a token budget; the least important sections go first (signatures, then functions, then tests).
 */
import type { LanguageId, SourceFiles, SyntaxParser } from './ports';
import type { TestResult } from './types';
import { importCandidates } from './importResolution';
import { outlineSource, type Definition, type SourceOutline } from './sourceOutline';

export interface ContextInput {
  failures: TestResult[];
  files: SourceFiles;
  syntax: SyntaxParser;
  /** Tokens the context may take (estimated as characters / 4). */
  tokenBudget: number;
  /** Frames in test files (helpers) are not quoted as functions under test. Default: only the failing test's file. */
  isTestFile?(path: string): boolean;
}

export interface BuiltContext {
  text: string;
  /** Workspace files the text quotes, in order of appearance. */
  files: string[];
  /** Names of the source functions quoted (`Class.method` for methods). */
  symbols: string[];
}

interface Section {
  /** Lower is kept first: 0 evidence, 1 test block, 2 functions, 3 signatures. */
  rank: number;
  order: number;
  text: string;
  file?: string;
  symbol?: string;
  /** `order` of the section this one only makes sense with (signatures belong to their function). */
  parent?: number;
}

interface FileInfo {
  path: string;
  lines: string[];
  language?: LanguageId;
  outline?: SourceOutline;
}

const FENCE_LANG: Record<LanguageId, string> = { javascript: 'js', typescript: 'ts', tsx: 'tsx', python: 'python' };
const MAX_FRAMES = 3;
const MAX_SIGNATURES = 8;

/** Builds the context text for `failures` within `tokenBudget`. */
export async function buildContext(input: ContextInput): Promise<BuiltContext> {
  const cache = new Map<string, Promise<FileInfo | undefined>>();
  const load = (p: string) => {
    let f = cache.get(p);
    if (!f) cache.set(p, (f = loadFile(p, input.files, input.syntax)));
    return f;
  };
  const sections: Section[] = [];
  const add = (s: Omit<Section, 'order'>) => sections.push({ ...s, order: sections.length });
  const quoted = new Set<string>();
  for (const failure of input.failures) {
    add({ rank: 0, text: evidence(failure) });
    // The test file may be unreadable (another language, deleted): the stack still leads to the source.
    const testFile = await load(failure.file);
    const block = testFile && testBlock(testFile, failure);
    if (testFile && block) add({ rank: 1, text: excerpt(testFile, block.startRow, block.endRow, `Test \`${block.name}\``), file: testFile.path });
    const defs = await functionsUnderTest(failure, testFile, block, load, input.isTestFile ?? (() => false));
    for (const { file, def, why, marks } of defs) {
      const key = `${file.path}:${def.startRow}`;
      if (quoted.has(key)) continue;
      quoted.add(key);
      const parent = sections.length;
      add({ rank: 2, text: excerpt(file, def.startRow, def.endRow, `${def.kind === 'class' ? 'Class' : 'Function'} \`${def.qualified}\` (${why})`, marks), file: file.path, symbol: def.qualified });
      const sigs = await calleeSignatures(file, def, load, quoted);
      if (sigs.length) add({ rank: 3, parent, text: `What \`${def.qualified}\` calls:\n${sigs.map((s) => `- ${s}`).join('\n')}` });
    }
  }
  return fitBudget(sections, Math.max(0, input.tokenBudget) * 4);
}

async function loadFile(p: string, files: SourceFiles, syntax: SyntaxParser): Promise<FileInfo | undefined> {
  let text: string | undefined;
  try {
    text = await files.read(p);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  const language = syntax.languageOf(p);
  const outline = language ? await outlineSource(language, text, syntax) : undefined;
  return { path: p, lines: text.split(/\r?\n/), language, outline };
}

function evidence(f: TestResult): string {
  const out = [`## Failing test: ${f.name} (${f.file})`];
  const failure = f.failure;
  if (!failure) return `${out[0]}\nStatus: ${f.status}, no failure details`;
  out.push(`Message: ${capLines(stripAnsi(failure.message), 30)}`);
  if (failure.expected !== undefined) out.push(`Expected: ${capLines(failure.expected, 10)}`);
  if (failure.actual !== undefined) out.push(`Actual: ${capLines(failure.actual, 10)}`);
  if (failure.location) out.push(`At: ${failure.location.file}:${failure.location.line}`);
  const stack = stripAnsi(failure.stack ?? '').split('\n')
    .filter((l) => /^\s*at\s|File "|^\S+\.py:\d+/.test(l) && !/node_modules|node:internal|\(internal\/|\(<anonymous>\)$/.test(l))
    .slice(0, 10);
  const known = [f.file, ...failure.frames.map((fr) => fr.file), ...(failure.location ? [failure.location.file] : [])];
  if (stack.length) out.push(`Stack:\n${stack.map((l) => `  ${relativize(l.trim(), known)}`).join('\n')}`);
  return out.join('\n');
}

function testBlock(file: FileInfo, f: TestResult): { name: string; startRow: number; endRow: number } | undefined {
  const tests = file.outline?.tests ?? [];
  const row = f.failure?.location?.file === f.file ? f.failure.location.line - 1 : undefined;
  if (row !== undefined) {
    const around = tests.filter((t) => t.startRow <= row && row <= t.endRow).sort((a, b) => (a.endRow - a.startRow) - (b.endRow - b.startRow))[0];
    if (around) return around;
  }
  const last = lastSegment(f.name);
  const byName = tests.find((t) => t.name === f.name) ?? tests.find((t) => lastSegment(t.name) === last);
  if (byName) return byName;
  return row === undefined ? undefined : { name: f.name, startRow: Math.max(0, row - 5), endRow: Math.min(file.lines.length - 1, row + 5) };
}

function lastSegment(name: string): string {
  return name.split(/ > |::/).pop()!.replace(/\[.*\]$/, '').trim();
}

type Load = (p: string) => Promise<FileInfo | undefined>;
interface Found { file: FileInfo; def: Definition; why: string; marks: number[] }

/** Functions on the failing stack in source files; without such frames, the imported functions the test calls. */
async function functionsUnderTest(
  f: TestResult, testFile: FileInfo | undefined, block: { startRow: number; endRow: number } | undefined, load: Load, isTestFile: (p: string) => boolean,
): Promise<Found[]> {
  const frames = [...(f.failure?.frames ?? [])];
  const loc = f.failure?.location;
  if (loc && loc.file !== f.file && !frames.some((fr) => fr.file === loc.file && fr.line === loc.line)) frames.unshift(loc);
  const found: Found[] = [];
  for (const frame of frames.filter((fr) => fr.file !== f.file && !isTestFile(fr.file)).slice(0, MAX_FRAMES)) {
    const file = await load(frame.file);
    const def = file && innermost(file.outline?.definitions ?? [], frame.line - 1);
    if (!file || !def) continue;
    const same = found.find((x) => x.file === file && x.def === def);
    if (same) same.marks.push(frame.line - 1);
    else found.push({ file, def, why: `on the failing stack at ${frame.file}:${frame.line}`, marks: [frame.line - 1] });
  }
  if (found.length || !block || !testFile?.outline) return found;
  const seen = new Set<string>();
  for (const call of testFile.outline.calls.filter((c) => c.row >= block.startRow && c.row <= block.endRow)) {
    const hit = await resolveCall(testFile, call.object, call.name, load);
    if (!hit || seen.has(`${hit.file.path}:${hit.def.startRow}`)) continue;
    seen.add(`${hit.file.path}:${hit.def.startRow}`);
    found.push({ ...hit, why: `called by the test`, marks: [] });
  }
  return found;
}

/** The smallest function or method around `row` (a class only when no function encloses it). */
function innermost(defs: Definition[], row: number): Definition | undefined {
  const around = defs.filter((d) => d.startRow <= row && row <= d.endRow);
  const fns = around.filter((d) => d.kind !== 'class');
  const pool = fns.length ? fns : around;
  return pool.sort((a, b) => (a.endRow - a.startRow) - (b.endRow - b.startRow))[0];
}

/** Where the function a file calls as `object.name(...)` or `name(...)` is defined, following its imports. */
async function resolveCall(from: FileInfo, object: string | undefined, name: string, load: Load): Promise<{ file: FileInfo; def: Definition } | undefined> {
  const outline = from.outline;
  if (!outline) return undefined;
  const binding = outline.imports.find((b) => b.local === (object ?? name));
  if (!binding || (object !== undefined && binding.imported !== '*')) return undefined;
  const wanted = object !== undefined ? name : binding.imported === 'default' || binding.imported === '*' ? name : binding.imported;
  for (const candidate of importCandidates(from.path, binding.module, from.language === 'python')) {
    const file = await load(candidate);
    if (!file?.outline) continue;
    const def = file.outline.definitions.find((d) => d.name === wanted && d.kind !== 'method');
    return def ? { file, def } : undefined;
  }
  return undefined;
}

/** One-line signatures of the functions `def` calls that the context does not quote whole. */
async function calleeSignatures(file: FileInfo, def: Definition, load: Load, quoted: Set<string>): Promise<string[]> {
  const outline = file.outline;
  if (!outline) return [];
  const out: string[] = [];
  const names = new Set<string>();
  for (const call of outline.calls) {
    if (call.row < def.startRow || call.row > def.endRow || names.has(call.name) || call.name === def.name) continue;
    names.add(call.name);
    const local = call.object === undefined || call.object === 'this' || call.object === 'self'
      ? outline.definitions.find((d) => d.name === call.name && d.kind !== 'class')
      : undefined;
    const hit = local ? { file, def: local } : await resolveCall(file, call.object, call.name, load);
    if (!hit || quoted.has(`${hit.file.path}:${hit.def.startRow}`)) continue;
    out.push(`${hit.file.path}:${hit.def.startRow + 1}  ${hit.def.signature}`);
    if (out.length >= MAX_SIGNATURES) break;
  }
  return out;
}

/** A fenced excerpt with 1-based line numbers; `marks` (0-based rows) are flagged with '>'. */
function excerpt(file: FileInfo, startRow: number, endRow: number, title: string, marks: number[] = []): string {
  const width = String(endRow + 1).length;
  const line = (row: number) => `${String(row + 1).padStart(width)}${marks.includes(row) ? '>' : '|'} ${file.lines[row] ?? ''}`.trimEnd();
  const body: string[] = [];
  // A very long function is shown as its header plus the lines around the failing ones (or its beginning).
  const shown = shownRows(startRow, endRow, marks);
  for (let row = startRow; row <= endRow; row++) {
    if (shown(row)) body.push(line(row));
    else if (shown(row - 1) || row === startRow) body.push(`${' '.repeat(width)}  …`);
  }
  const lang = file.language ? FENCE_LANG[file.language] : '';
  return `### ${file.path}:${startRow + 1}-${endRow + 1} ${title}\n\`\`\`${lang}\n${body.join('\n')}\n\`\`\``;
}

const MAX_EXCERPT_LINES = 80;
const AROUND_MARK = 15;

function shownRows(startRow: number, endRow: number, marks: number[]): (row: number) => boolean {
  if (endRow - startRow < MAX_EXCERPT_LINES) return () => true;
  if (marks.length === 0) return (row) => row < startRow + MAX_EXCERPT_LINES - 1 || row === endRow;
  return (row) => row === startRow || row === endRow || marks.some((m) => Math.abs(row - m) <= AROUND_MARK);
}

function fitBudget(sections: Section[], maxChars: number): BuiltContext {
  const kept: Section[] = [];
  const keptOrders = new Set<number>();
  let used = 0;
  for (const s of [...sections].sort((a, b) => a.rank - b.rank || a.order - b.order)) {
    if (s.parent !== undefined && !keptOrders.has(s.parent)) continue;
    const cost = s.text.length + 2;
    if (used + cost <= maxChars) {
      kept.push(s);
      keptOrders.add(s.order);
      used += cost;
    } else if (s.rank === 0 && maxChars - used > 200) {
      // Evidence is worth keeping even cut short.
      kept.push({ ...s, text: `${s.text.slice(0, maxChars - used - 40)}\n[… cut to fit the budget]` });
      used = maxChars;
    }
  }
  kept.sort((a, b) => a.order - b.order);
  const files = [...new Set(kept.flatMap((s) => (s.file ? [s.file] : [])))];
  const symbols = [...new Set(kept.flatMap((s) => (s.symbol ? [s.symbol] : [])))];
  return { text: kept.map((s) => s.text).join('\n\n'), files, symbols };
}

/** Shortens absolute paths ending in a known workspace file to that workspace-relative path (fewer tokens). */
function relativize(line: string, files: string[]): string {
  let out = line;
  for (const file of new Set(files)) {
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?:file://)?(?:[A-Za-z]:)?[^\\s("']*[\\/]${escaped}(?=[:"'])`, 'g'), file);
  }
  return out;
}

function capLines(text: string, max: number): string {
  const lines = text.trimEnd().split('\n');
  return lines.length <= max ? lines.join('\n') : `${lines.slice(0, max).join('\n')}\n[… ${lines.length - max} more lines]`;
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex -- colour codes start with the ESC control character
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}
