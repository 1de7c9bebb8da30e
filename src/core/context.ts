/**
 * The code context a proposer sees for failing tests: per failure, the evidence (message, expected/actual,
 * trimmed stack), the test's own block, then the code units the test reaches (contextUnits: the functions on the
 * failing frames, then what the test calls, followed down the call graph through files, packages, aliases and
 * instance methods, with the module-level tables they read), each whole with its leading doc comment.
 * With the baseline's coverage, units no failing test ran sink and code the failing tests ran but the calls
 * followed did not reach is added (spectrum.ts: the same scores rank the built-in engine's mutations).
 * Everything fits a token budget; the least important sections go first (deepest and least suspicious units,
 * then tests).
 */
import type { SourceFiles, SyntaxParser } from './ports';
import type { TestResult } from './types';
import { unitsUnderTest, type FileInfo, type Unit } from './contextUnits';
import { createModuleResolver } from './moduleResolver';
import { unitSuspicion, type LineScores } from './spectrum';
import { createFileLoader, testBlockOf, unitsRunByFailingTests } from './testReach';

export interface ContextInput {
  failures: TestResult[];
  files: SourceFiles;
  syntax: SyntaxParser;
  /** Tokens the context may take (estimated as characters / 4). */
  tokenBudget: number;
  /** Frames in test files (helpers) are not quoted as functions under test. Default: only the failing test's file. */
  isTestFile?(path: string): boolean;
  /** Ochiai scores from the baseline's coverage, when it was measured. */
  coverage?: LineScores;
}

export interface BuiltContext {
  text: string;
  /** Workspace files the text quotes, in order of appearance. */
  files: string[];
  /** Names of the source functions quoted (`Class.method` for methods). */
  symbols: string[];
}

interface Section {
  /** Lower is kept first: 0 evidence, 1 test block, then units by unitRank (the deeper and less suspicious, the sooner dropped). */
  rank: number;
  order: number;
  text: string;
  file?: string;
  symbol?: string;
}

const FENCE_LANG: Record<string, string> = { javascript: 'js', typescript: 'ts', tsx: 'tsx', python: 'python' };
const KIND_TITLE: Record<string, string> = { class: 'Class', method: 'Method', function: 'Function', constant: 'Constant', region: 'Code' };

/** Builds the context text for `failures` within `tokenBudget`. */
export async function buildContext(input: ContextInput): Promise<BuiltContext> {
  const load = createFileLoader(input.files, input.syntax);
  const sections: Section[] = [];
  const add = (s: Omit<Section, 'order'>) => sections.push({ ...s, order: sections.length });
  const quoted = new Set<string>();
  const resolver = createModuleResolver(input.files);
  const isTestFile = input.isTestFile ?? (() => false);
  const addUnit = ({ file, def, why, marks, depth }: Unit, suspicion: number | undefined) => {
    const key = `${file.path}:${def.startRow}`;
    if (quoted.has(key)) return;
    quoted.add(key);
    const start = withLeadingComments(file, def.startRow);
    const title = `${KIND_TITLE[def.kind]} \`${def.qualified}\` (${why}${coverageNote(suspicion)})`;
    add({ rank: unitRank(depth, marks.length > 0, suspicion), text: excerpt(file, start, def.endRow, title, marks), file: file.path, symbol: def.qualified });
  };
  for (const failure of input.failures) {
    add({ rank: 0, text: evidence(failure) });
    // The test file may be unreadable (another language, deleted): the stack still leads to the source.
    const testFile = await load(failure.file);
    const block = testFile && testBlockOf(testFile, failure);
    if (testFile && block) add({ rank: 1, text: excerpt(testFile, block.startRow, block.endRow, `Test \`${block.name}\``), file: testFile.path });
    const units = await unitsUnderTest({ failure, testFile, block, load, resolver, isTestFile });
    for (const unit of units) addUnit(unit, unitSuspicion(input.coverage, unit.file.path, unit.def.startRow + 1, unit.def.endRow + 1));
  }
  if (input.coverage) {
    for (const { unit, suspicion } of await unitsRunByFailingTests(input.coverage, load, isTestFile, quoted)) addUnit(unit, suspicion);
  }
  return fitBudget(sections, Math.max(0, input.tokenBudget) * 4);
}

/**
 * Where a unit stands in the budget (lower is kept first): units on the failing stack first, then by calls from
 * the test, a unit no failing test ran two places lower, one only failing tests ran where it is.
 */
export function unitRank(depth: number, onStack: boolean, suspicion: number | undefined): number {
  if (onStack) return 2;
  return 2 + depth + (suspicion === undefined ? 0.5 : 2 * (1 - suspicion));
}

function coverageNote(suspicion: number | undefined): string {
  if (suspicion === undefined) return '';
  if (suspicion === 0) return '; no failing test ran it';
  return `; failing tests ran it, suspicion ${suspicion.toFixed(2)}`;
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
    .filter((l) => /^\s*at\s|File "|^\S+\.py:\d+/.test(l) && !/node_modules|\(node:|at node:|node:internal|\(internal\/|\(<anonymous>\)$/.test(l))
    .slice(0, 10);
  const known = [f.file, ...failure.frames.map((fr) => fr.file), ...(failure.location ? [failure.location.file] : [])];
  if (stack.length) out.push(`Stack:\n${stack.map((l) => `  ${relativize(l.trim(), known)}`).join('\n')}`);
  return out.join('\n');
}

/** The row where the comment block right above `row` starts (JSDoc, `//` or `#` lines), or `row`. */
function withLeadingComments(file: FileInfo, row: number): number {
  let start = row;
  for (let r = row - 1; r >= 0 && row - r <= 30; r--) {
    const t = (file.lines[r] ?? '').trim();
    if (/^(\/\/|\/\*|\*|#(?!!))/.test(t) && !/^#\s*(?:region|endregion)\b/.test(t)) start = r;
    else break;
  }
  return start;
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
  let used = 0;
  for (const s of [...sections].sort((a, b) => a.rank - b.rank || a.order - b.order)) {
    const cost = s.text.length + 2;
    if (used + cost <= maxChars) {
      kept.push(s);
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
