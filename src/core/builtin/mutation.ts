/**
 * The data of the built-in repair engine: one small source edit (a mutation), how it is applied, and how it is
 * described to a person. Pure: offsets are UTF-16 indices into the file text, as tree-sitter reports them here.
 */

/** The families of mutation operators; the critique groups what was tried by these. */
export type OperatorKind =
  | 'syntax'
  | 'comparison'
  | 'arithmetic'
  | 'logical'
  | 'operand'
  | 'literal'
  | 'boundary'
  | 'boolean'
  | 'sign'
  | 'negate'
  | 'arguments'
  | 'identifier'
  | 'method'
  | 'delete'
  | 'unwrap'
  | 'duplicate'
  | 'swap';

/** Words a person reads for each family (plural, as in "12 comparison swaps"). */
export const OPERATOR_LABELS: Record<OperatorKind, string> = {
  syntax: 'syntax repairs',
  comparison: 'comparison swaps',
  arithmetic: 'arithmetic swaps',
  logical: 'logical swaps',
  operand: 'operand removals',
  literal: 'off-by-one literals',
  boundary: 'off-by-one bounds',
  boolean: 'boolean flips',
  sign: 'sign flips',
  negate: 'negated conditions',
  arguments: 'argument swaps',
  identifier: 'variable replacements',
  method: 'method confusions',
  delete: 'statement deletions',
  unwrap: 'guard removals',
  duplicate: 'statement duplications',
  swap: 'statement swaps',
};

/** One text edit inside one file. */
export interface TextEdit {
  start: number;
  end: number;
  replacement: string;
}

/** One candidate edit of one file, with what it means and how promising it looks. */
export interface Mutation extends TextEdit {
  file: string;
  /** 1-based line of the edit. */
  line: number;
  operator: OperatorKind;
  /** The code before and after, short, for the summary ("`<`", "`<=`"). */
  from: string;
  to: string;
  /** How often this kind of edit is the fix, before looking at where it is (0..3). */
  prior: number;
  /** prior × suspicion of the line; set by the generator. */
  score: number;
}

/** Applies non-overlapping edits to a text (any order given; overlapping edits after the first are dropped). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let floor = Number.POSITIVE_INFINITY;
  for (const e of sorted) {
    if (e.end > floor) continue;
    out = out.slice(0, e.start) + e.replacement + out.slice(e.end);
    floor = e.start;
  }
  return out;
}

/** A stable key for a mutation (used to avoid proposing the same edit twice). */
export function mutationKey(m: Pick<Mutation, 'file' | 'start' | 'end' | 'replacement'>): string {
  return `${m.file}:${m.start}:${m.end}:${m.replacement}`;
}

/** "`<` → `<=` at src/range.js:4": the one-line summary of a candidate. */
export function describeMutation(m: Pick<Mutation, 'from' | 'to' | 'file' | 'line' | 'operator'>): string {
  if (m.operator === 'delete') return `deleted \`${shorten(m.from)}\` at ${m.file}:${m.line}`;
  if (m.operator === 'duplicate') return `duplicated \`${shorten(m.from)}\` at ${m.file}:${m.line}`;
  return `\`${shorten(m.from)}\` → \`${shorten(m.to)}\` at ${m.file}:${m.line}`;
}

/** Keeps code in a summary to one short line. */
export function shorten(code: string, max = 48): string {
  const one = code.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** 1-based line of an offset in a text. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
