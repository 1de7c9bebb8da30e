/**
 * Unified diffs in model replies (```diff blocks): parsed leniently, the way models write them (hunk headers with or
 * without line numbers, `a/`/`b/` prefixes or none, blank context lines without their leading space), and applied
 * hunk by hunk where the hunk's old lines really are: at the stated line, else the one exact place in the file,
 * else the one place that matches ignoring indentation. A hunk that matches nowhere is an error that says which
 * hunk and which lines, for the next attempt.
 */

export interface DiffHunk {
  /** 1-based line the header names for the old side, when it names one. */
  oldStart?: number;
  /** Body lines with their marker: ' ' context, '-' removed, '+' added. */
  lines: string[];
}

export interface FileDiff {
  path: string;
  hunks: DiffHunk[];
  /** `--- /dev/null`: the file is new. */
  created: boolean;
}

/** `@@ -12,4 +12,5 @@ …`, or the bare `@@` some models write. */
const HUNK = /^@@(?:\s*-(\d+)(?:,\d+)?\s+\+\d+(?:,\d+)?)?\s*(?:@@.*)?$/;

/** True when a code block's body is a unified diff rather than code. */
export function looksLikeDiff(info: string, body: string[]): boolean {
  const first = body.find((l) => l.trim() !== '') ?? '';
  if (/^(?:diff|patch|udiff)\b/i.test(info.trim())) return body.some((l) => HUNK.test(l) || /^[-+]/.test(l));
  return /^(?:--- |diff --git |@@)/.test(first) && body.some((l) => HUNK.test(l));
}

/** The file diffs of a diff block; `fallbackPath` names the file when the block has no `---`/`+++` lines. */
export function parseUnifiedDiff(body: string[], fallbackPath: string | undefined): { files: FileDiff[]; problem?: string } {
  const files: FileDiff[] = [];
  let current: FileDiff | undefined;
  let oldName: string | undefined;
  for (let i = 0; i < body.length; i++) {
    const line = body[i];
    if (line.startsWith('diff --git ') || line.startsWith('index ')) continue;
    if (line.startsWith('--- ') && body[i + 1]?.startsWith('+++ ')) {
      oldName = stripPrefix(line.slice(4));
      const newName = stripPrefix(body[i + 1].slice(4));
      current = { path: newName === '/dev/null' ? oldName : newName, hunks: [], created: oldName === '/dev/null' };
      files.push(current);
      i++;
      continue;
    }
    const header = HUNK.exec(line);
    if (header) {
      if (!current) {
        if (!fallbackPath) return { files, problem: 'a unified diff with no file name: start it with "--- a/path" and "+++ b/path" lines' };
        current = { path: fallbackPath, hunks: [], created: false };
        files.push(current);
      }
      current.hunks.push({ ...(header[1] ? { oldStart: Number(header[1]) } : {}), lines: [] });
      continue;
    }
    // A diff without any hunk header: its changed lines form one hunk.
    if (!current?.hunks.length && /^[-+]/.test(line) && fallbackPath) {
      current ??= { path: fallbackPath, hunks: [], created: false };
      if (!files.includes(current)) files.push(current);
      current.hunks.push({ lines: [] });
    }
    const hunk = current?.hunks[current.hunks.length - 1];
    if (!hunk) continue;
    if (line === '\\ No newline at end of file') continue;
    // A blank line inside a hunk is a blank context line whose leading space was lost.
    hunk.lines.push(/^[ +-]/.test(line) ? line : ` ${line}`);
  }
  for (const f of files) while (f.hunks.length && f.hunks[f.hunks.length - 1].lines.every((l) => l.trim() === '')) f.hunks.pop();
  return { files };
}

/** Applies one file's hunks to `text` (undefined: no such file). */
export function applyFileDiff(text: string | undefined, diff: FileDiff, label: string): { text: string } | { error: string } {
  if (text === undefined && !diff.created) return { error: `${label}: the file does not exist` };
  let lines = (text ?? '').split('\n');
  // Lines shift as earlier hunks add or remove lines; a stated line number is adjusted by that offset.
  let offset = 0;
  for (const [k, hunk] of diff.hunks.entries()) {
    const old = hunk.lines.filter((l) => !l.startsWith('+')).map((l) => l.slice(1));
    const replacement = hunk.lines.filter((l) => !l.startsWith('-')).map((l) => l.slice(1));
    while (old.length && old[old.length - 1] === '' && replacement[replacement.length - 1] === '') {
      old.pop();
      replacement.pop();
    }
    if (old.length === 0) {
      if (diff.created || (text ?? '').trim() === '') {
        lines = [...replacement, ...(lines.length === 1 && lines[0] === '' ? [''] : lines)];
        continue;
      }
      return { error: `${label}: hunk ${k + 1} has no context or removed lines, so there is no telling where it goes` };
    }
    const stated = hunk.oldStart !== undefined ? hunk.oldStart - 1 + offset : undefined;
    const at = locate(lines, old, stated);
    if (at < 0) {
      const where = hunk.oldStart !== undefined ? `lines ${hunk.oldStart}–${hunk.oldStart + old.length - 1}` : 'any lines';
      return { error: `${label}: hunk ${k + 1} does not match ${where} of the file (nor any other place); its first old line is "${old[0].trim().slice(0, 80)}". Copy the context and removed lines exactly as the file has them now` };
    }
    const indent = reindent(lines.slice(at, at + old.length), old);
    lines.splice(at, old.length, ...replacement.map(indent));
    offset += replacement.length - old.length;
  }
  return { text: lines.join('\n') };
}

/** Where `old` occurs in `lines`: at `stated` if it matches there, else the single exact match, else the single loose one. */
function locate(lines: string[], old: string[], stated: number | undefined): number {
  const matchesAt = (i: number, eq: (a: string, b: string) => boolean) => old.every((l, j) => lines[i + j] !== undefined && eq(lines[i + j], l));
  const exact = (a: string, b: string) => a === b;
  const loose = (a: string, b: string) => a.trim() === b.trim();
  for (const eq of [exact, loose]) {
    if (stated !== undefined && stated >= 0 && matchesAt(stated, eq)) return stated;
    const found: number[] = [];
    for (let i = 0; i + old.length <= lines.length; i++) if (matchesAt(i, eq)) found.push(i);
    if (found.length === 1) return found[0];
    if (found.length > 1 && stated !== undefined) return found.sort((a, b) => Math.abs(a - stated) - Math.abs(b - stated))[0];
  }
  return -1;
}

/** When the hunk matched only ignoring indentation, its added lines take the file's indentation instead. */
function reindent(actual: string[], old: string[]): (line: string) => string {
  const lead = (s: string) => /^\s*/.exec(s)![0];
  const i = old.findIndex((l, j) => l.trim() !== '' && lead(l) !== lead(actual[j]));
  if (i < 0) return (l) => l;
  const from = lead(old[i]);
  const to = lead(actual[i]);
  return (l) => (l.startsWith(from) ? to + l.slice(from.length) : l);
}

function stripPrefix(name: string): string {
  const n = name.trim().split('\t')[0].replace(/^"|"$/g, '');
  return n === '/dev/null' ? n : n.replace(/^[ab]\//, '').replace(/^\.\//, '');
}

/**
 * Code copied from the prompt's excerpts keeps their `12| ` / `12> ` prefixes: when every non-blank line carries
 * one, they are dropped.
 */
export function stripLineNumbers(lines: string[]): string[] {
  const numbered = /^\s*\d+[|>] ?/;
  const nonBlank = lines.filter((l) => l.trim() !== '');
  if (nonBlank.length === 0 || !nonBlank.every((l) => numbered.test(l))) return lines;
  return lines.map((l) => l.replace(numbered, ''));
}
