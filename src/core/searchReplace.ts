/**
 * Finds a SEARCH block in a file and replaces it: exactly first, then ignoring trailing spaces, then ignoring
 * indentation (the replacement is re-indented to the file's), then without blank lines at the block's edges.
 * A block that matches several places is an error, never a guess. Texts use '\n' line endings here.
 */

type Compare = (fileLine: string, searchLine: string) => boolean;

const LEVELS: Compare[] = [
  (a, b) => a === b,
  (a, b) => a.trimEnd() === b.trimEnd(),
  (a, b) => a.trim() === b.trim(),
];

/** Replaces the one place where `search` (whole lines) occurs in `text` with `replace`, or says why it cannot. */
export function replaceBlock(text: string, search: string, replace: string, label: string): { text: string } | { error: string } {
  const fileLines = text.split('\n');
  const searchLines = withoutFinalNewline(search).split('\n');
  const replaceLines = replace === '' ? [] : withoutFinalNewline(replace).split('\n');
  const trimmed = trimBlankEdges(searchLines);
  const attempts = trimmed.length !== searchLines.length && trimmed.length > 0 ? [searchLines, trimmed] : [searchLines];
  for (const lines of attempts) {
    for (let level = 0; level < LEVELS.length; level++) {
      const starts = matchStarts(fileLines, lines, LEVELS[level]);
      if (starts.length > 1) {
        const where = starts.slice(0, 4).map((s) => s + 1).join(', ');
        return { error: `${label} matches ${starts.length} places (starting at lines ${where}); add surrounding lines from the file so it matches only one` };
      }
      if (starts.length === 1) {
        const start = starts[0];
        const newLines = level === 2 ? reindent(replaceLines, lines, fileLines.slice(start, start + lines.length)) : replaceLines;
        fileLines.splice(start, lines.length, ...newLines);
        return { text: fileLines.join('\n') };
      }
    }
  }
  return { error: `${label} does not match the file: ${closestHint(fileLines, searchLines)}` };
}

function withoutFinalNewline(s: string): string {
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}

function trimBlankEdges(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b);
}

function matchStarts(fileLines: string[], searchLines: string[], same: Compare): number[] {
  const starts: number[] = [];
  outer: for (let s = 0; s + searchLines.length <= fileLines.length; s++) {
    for (let j = 0; j < searchLines.length; j++) if (!same(fileLines[s + j], searchLines[j])) continue outer;
    starts.push(s);
  }
  return starts;
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** Moves the replacement by the indentation difference between the SEARCH lines and the file lines they matched. */
function reindent(replaceLines: string[], searchLines: string[], matched: string[]): string[] {
  const k = searchLines.findIndex((l) => l.trim() !== '');
  if (k < 0) return replaceLines;
  const from = indentOf(searchLines[k]);
  const to = indentOf(matched[k]);
  return replaceLines.map((line) => {
    if (line.trim() === '') return line;
    const own = indentOf(line);
    return own.startsWith(from) ? to + line.slice(from.length) : to + line.slice(own.length);
  });
}

/** A sentence pointing at the file lines closest to the SEARCH block, so the model can copy them exactly. */
function closestHint(fileLines: string[], searchLines: string[]): string {
  const search = trimBlankEdges(searchLines);
  if (search.length === 0 || fileLines.length === 0) return 'copy the lines to replace exactly from the file';
  // Bounded work: on huge inputs, only the first SEARCH line is compared.
  const lines = fileLines.length * search.length > 200_000 ? search.slice(0, 1) : search;
  let best = -1;
  let bestScore = -1;
  for (let s = 0; s + lines.length <= fileLines.length || (s === 0 && fileLines.length < lines.length); s++) {
    let score = 0;
    for (let j = 0; j < lines.length && s + j < fileLines.length; j++) score += similarity(fileLines[s + j].trim(), lines[j].trim());
    if (score > bestScore) {
      bestScore = score;
      best = s;
    }
  }
  if (best < 0 || bestScore < lines.length * 0.5) {
    return `no lines in the file resemble it (its first line is \`${search[0].trim()}\`); copy the lines to replace exactly from the file`;
  }
  const end = Math.min(best + lines.length, fileLines.length);
  for (let j = 0; j < lines.length && best + j < fileLines.length; j++) {
    if (fileLines[best + j].trim() !== lines[j].trim()) {
      return `the closest lines are ${best + 1}-${end}; line ${best + j + 1} of the file is \`${fileLines[best + j].trim()}\` where SEARCH has \`${lines[j].trim()}\``;
    }
  }
  return `the closest lines are ${best + 1}-${end}, but they differ in blank lines or length; copy them exactly from the file`;
}

/** Dice coefficient of character bigrams: 1 for equal strings, near 0 for unrelated ones. */
function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) {
    const g = a.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  let common = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const g = b.slice(i, i + 2);
    const n = grams.get(g) ?? 0;
    if (n > 0) {
      common++;
      grams.set(g, n - 1);
    }
  }
  return (2 * common) / (a.length - 1 + b.length - 1);
}
