/**
 * The hunks of an inline review and where they sit in the buffer now. Free of `vscode` (plain line numbers) so the
 * rules — a hunk applies only where its original lines are still intact, never forced — are easy to reason about.
 * Lines are the editor's lines: `text.split(/\r?\n/)`, so a trailing newline gives a last empty line, as in VS Code.
 */
import { diffArrays } from 'diff';
import { fileHunks } from '../core/unifiedDiff';

/** One change of a candidate, with no context lines: the lines it removes and the lines it puts in their place. */
export interface ReviewHunk {
  index: number;
  /** 0-based line in the candidate's `before` where the removed lines start (insertions: the line they go before). */
  oldStart: number;
  oldLines: string[];
  newLines: string[];
}

/** A replacement in the current buffer, in 0-based line/character positions. */
export interface LineEdit {
  start: { line: number; character: number };
  end: { line: number; character: number };
  text: string;
}

/** Splits text into the editor's lines. */
export function editorLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/**
 * The hunks turning `before` into `after`, in order (the project's `fileHunks`: no context lines, so each hunk is
 * exactly what the person accepts or rejects).
 */
export function computeHunks(before: string, after: string): ReviewHunk[] {
  return fileHunks(before, after).map((h, index) => ({ index, oldStart: h.oldStart, oldLines: h.removed, newLines: h.added }));
}

/**
 * Where each hunk's original lines are in `current` (0-based start line), or undefined when they were edited
 * since: a line of `before` counts as intact when the diff from `before` to `current` keeps it unchanged, and a
 * hunk applies only when all its lines are intact and still adjacent. An insertion needs the line above it intact.
 */
export function locateHunks(before: string, current: string, hunks: readonly ReviewHunk[]): Map<number, number | undefined> {
  const oldLines = editorLines(before);
  const kept = new Map<number, number>();
  let o = 0;
  let c = 0;
  for (const part of diffArrays(oldLines, editorLines(current))) {
    const n = part.value.length;
    if (part.added) c += n;
    else if (part.removed) o += n;
    else for (let i = 0; i < n; i++) kept.set(o++, c++);
  }
  const where = new Map<number, number | undefined>();
  for (const h of hunks) {
    if (h.oldLines.length === 0) {
      const above = h.oldStart > 0 ? kept.get(h.oldStart - 1) : -1;
      where.set(h.index, above === undefined ? undefined : above + 1);
      continue;
    }
    const start = kept.get(h.oldStart);
    let intact = start !== undefined;
    for (let i = 1; intact && i < h.oldLines.length; i++) intact = kept.get(h.oldStart + i) === start! + i;
    where.set(h.index, intact ? start : undefined);
  }
  return where;
}

/**
 * The edit that applies `hunk` at `start` in a buffer with `lines`, touching only the hunk's own lines (so other
 * hunks and the cursor elsewhere stay put). `eol` is the buffer's line break.
 */
export function hunkEdit(hunk: ReviewHunk, start: number, lines: readonly string[], eol: string): LineEdit {
  const k = hunk.oldLines.length;
  const added = hunk.newLines.join(eol);
  if (k === 0) {
    if (start < lines.length) return { start: { line: start, character: 0 }, end: { line: start, character: 0 }, text: added + eol };
    const last = lines.length - 1;
    const end = { line: last, character: lines[last].length };
    return { start: end, end, text: eol + added };
  }
  const lastOld = start + k - 1;
  if (hunk.newLines.length > 0) {
    return { start: { line: start, character: 0 }, end: { line: lastOld, character: lines[lastOld].length }, text: added };
  }
  if (lastOld + 1 < lines.length) return { start: { line: start, character: 0 }, end: { line: lastOld + 1, character: 0 }, text: '' };
  if (start > 0) return { start: { line: start - 1, character: lines[start - 1].length }, end: { line: lastOld, character: lines[lastOld].length }, text: '' };
  return { start: { line: 0, character: 0 }, end: { line: lastOld, character: lines[lastOld].length }, text: '' };
}

/**
 * The sentence of `why` (a candidate's rationale or a critique) that best explains `hunk`: the one sharing the
 * most identifiers and numbers with the hunk's lines; the first sentence when none shares any.
 */
export function motivatingSentence(why: string, hunk: ReviewHunk): string {
  const sentences = why.split(/(?<=[.!?])\s+(?=[A-Z`"'(])/).map((s) => s.trim()).filter(Boolean);
  if (sentences.length === 0) return '';
  const words = new Set(`${hunk.oldLines.join(' ')} ${hunk.newLines.join(' ')}`.match(/[A-Za-z_$][\w$]*|\d+|[<>=!]=?=?/g) ?? []);
  let best = sentences[0];
  let bestScore = 0;
  for (const s of sentences) {
    const score = (s.match(/[A-Za-z_$][\w$]*|\d+|[<>=!]=?=?/g) ?? []).filter((w) => words.has(w)).length;
    if (score > bestScore) { best = s; bestScore = score; }
  }
  return best;
}
