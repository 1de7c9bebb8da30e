/**
 * Unified diffs of candidates (for traces, prompts and the CLI) and per-hunk views of one file's change (for the
 * editor's inline review, where the user accepts or rejects each hunk).
 */
import { createTwoFilesPatch, diffArrays } from 'diff';
import type { FileChange } from './types';

/** A unified diff of all changes: `a/` and `b/` prefixes, 3 lines of context, unchanged files left out. */
export function unifiedDiff(changes: FileChange[]): string {
  return changes
    .filter((c) => c.before !== c.after)
    .map((c) => createTwoFilesPatch(`a/${c.path}`, `b/${c.path}`, c.before, c.after, undefined, undefined, { context: 3 })
      // jsdiff starts each patch with a line of '=' that git and patch do not expect.
      .replace(/^=+\n/, ''))
    .join('');
}

/** One changed region of a file. Line numbers are 0-based; `oldStart` counts in `before`, `newStart` in `after`. */
export interface FileHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Lines of `before` the hunk removes (without line endings). */
  removed: string[];
  /** Lines the hunk adds (without line endings). */
  added: string[];
}

/** The changed regions between two versions of a file, without context lines, top to bottom. */
export function fileHunks(before: string, after: string): FileHunk[] {
  return rawHunks(before, after).map((h) => ({
    oldStart: h.oldStart, oldLines: h.removed.length, newStart: h.newStart, newLines: h.added.length,
    removed: h.removed.map(stripEol), added: h.added.map(stripEol),
  }));
}

/**
 * `before` with only the hunks at `acceptedIndexes` (indexes into `fileHunks(before, after)`) applied.
 * Accepting every hunk gives `after`; accepting none gives `before`. Line endings are kept as they are.
 */
export function applyHunks(before: string, after: string, acceptedIndexes: number[]): string {
  const accepted = new Set(acceptedIndexes);
  const lines = splitLines(before);
  const out: string[] = [];
  let pos = 0;
  rawHunks(before, after).forEach((h, k) => {
    out.push(...lines.slice(pos, h.oldStart), ...(accepted.has(k) ? h.added : h.removed));
    pos = h.oldStart + h.removed.length;
  });
  out.push(...lines.slice(pos));
  return out.join('');
}

interface RawHunk {
  oldStart: number;
  newStart: number;
  removed: string[];
  added: string[];
}

function rawHunks(before: string, after: string): RawHunk[] {
  const hunks: RawHunk[] = [];
  let oldLine = 0;
  let newLine = 0;
  let current: RawHunk | undefined;
  for (const part of diffArrays(splitLines(before), splitLines(after))) {
    const lines = part.value as string[];
    if (!part.added && !part.removed) {
      current = undefined;
      oldLine += lines.length;
      newLine += lines.length;
      continue;
    }
    current ??= hunks[hunks.push({ oldStart: oldLine, newStart: newLine, removed: [], added: [] }) - 1];
    if (part.removed) {
      current.removed.push(...lines);
      oldLine += lines.length;
    } else {
      current.added.push(...lines);
      newLine += lines.length;
    }
  }
  return hunks;
}

/** Lines with their endings attached, so joining them gives the text back exactly. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function stripEol(line: string): string {
  return line.replace(/\r?\n$/, '');
}
