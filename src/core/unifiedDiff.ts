/**
 * Per-hunk views of one file's change, for the editor's inline review (the person accepts or rejects each hunk).
 * A candidate's whole unified diff is `diffOfChanges` (candidates.ts).
 */
import { diffArrays } from 'diff';

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
