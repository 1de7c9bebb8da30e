/**
 * Model replies → edits → file changes. Three formats are understood:
 * - SEARCH/REPLACE blocks: a line with the workspace-relative path, then `<<<<<<< SEARCH`, the old lines,
 *   `=======`, the new lines, `>>>>>>> REPLACE`; fenced or not, several per reply, prose around them.
 * - Whole functions: a fenced code block holding function definitions, with a path line before it (or a
 *   `// file: path` / `# file: path` first line); each replaces the function of the same name (see functionEdits).
 * - Unified diffs: a ```diff block (see diffEdits), hunks applied where their old lines are.
 * Code copied with the prompt's `12| ` line prefixes on every line is taken without them.
 * Pure: no I/O besides the ports passed in. Problems and errors are sentences fed back to the model.
 */
import type { SourceFiles, SyntaxParser } from './ports';
import type { FileChange } from './types';
import { applyFileDiff, looksLikeDiff, parseUnifiedDiff, stripLineNumbers, type FileDiff } from './diffEdits';
import { applyFunctionEdit } from './functionEdits';
import { replaceBlock } from './searchReplace';

/** One edit parsed from a model reply. `block` numbers edits of the same kind from 1, in reply order. */
export type ModelEdit =
  | { kind: 'search-replace'; block: number; path: string; search: string; replace: string }
  | { kind: 'function'; block: number; path: string; code: string }
  | { kind: 'diff'; block: number; path: string; diff: FileDiff };

const SEARCH = /^\s*<{5,9} ?SEARCH\b.*$/;
const DIVIDER = /^\s*={5,9}\s*$/;
const REPLACE = /^\s*>{5,9} ?REPLACE\b.*$/;
const FENCE = /^\s*(`{3,}|~{3,})\s*([^`]*)$/;
const FILE_COMMENT = /^\s*(?:\/\/|#|\/\*|<!--)\s*(?:file(?:name)?|path)\s*:\s*(\S+?)\s*(?:\*\/|-->)?\s*$/i;

/** Parses every edit in a model reply. `problems` says what could not be understood, as feedback for the model. */
export function parseModelEdits(reply: string): { edits: ModelEdit[]; problems: string[] } {
  const lines = reply.split(/\r?\n/);
  const edits: ModelEdit[] = [];
  const problems: string[] = [];
  let lastPath: string | undefined;
  let searchCount = 0;
  let codeCount = 0;
  let diffCount = 0;
  /** The closing line of a fence that only wraps SEARCH/REPLACE blocks: skipped when reached. */
  const wrapperEnds = new Set<number>();
  let i = 0;
  while (i < lines.length) {
    if (wrapperEnds.has(i)) {
      i++;
      continue;
    }
    if (SEARCH.test(lines[i])) {
      searchCount++;
      const path = pathBefore(lines, i) ?? lastPath;
      const divider = findLine(lines, i + 1, DIVIDER, SEARCH);
      const end = divider < 0 ? -1 : findLine(lines, divider + 1, REPLACE, SEARCH);
      if (divider < 0 || end < 0) {
        problems.push(`SEARCH block ${searchCount}${path ? ` for ${path}` : ''} is not closed: it needs a line "=======" and then a line ">>>>>>> REPLACE"`);
        i++;
        continue;
      }
      if (!path) {
        problems.push(`SEARCH block ${searchCount} has no file path: put the workspace-relative path alone on the line before "<<<<<<< SEARCH"`);
      } else {
        edits.push({
          kind: 'search-replace', block: searchCount, path,
          search: joinLines(stripLineNumbers(lines.slice(i + 1, divider))), replace: joinLines(stripLineNumbers(lines.slice(divider + 1, end))),
        });
        lastPath = path;
      }
      i = end + 1;
      continue;
    }
    const fence = FENCE.exec(lines[i]);
    if (fence) {
      const close = closingFence(lines, i + 1, fence[1]);
      const body = lines.slice(i + 1, close < 0 ? lines.length : close);
      // A fence around SEARCH/REPLACE blocks is only packaging: scan inside it.
      if (body.some((l) => SEARCH.test(l))) {
        const infoPath = cleanPath(fence[2].split(/[\s:]+/).slice(-1)[0] ?? '');
        if (infoPath) lastPath = infoPath;
        if (close >= 0) wrapperEnds.add(close);
        i++;
        continue;
      }
      if (looksLikeDiff(fence[2], body)) {
        diffCount++;
        // A diff block names its file in ---/+++ lines, or the line before it; an earlier edit's file only counts
        // for a block with real hunk headers (a bare list of -/+ lines may be prose).
        const named = codeBlockPath(lines, i, '', body)?.path;
        const parsed = parseUnifiedDiff(body, named ?? (body.some((l) => l.startsWith('@@')) ? lastPath : undefined));
        if (parsed.problem) problems.push(`unified diff ${diffCount}: ${parsed.problem}`);
        for (const f of parsed.files) {
          edits.push({ kind: 'diff', block: diffCount, path: f.path, diff: f });
          lastPath = f.path;
        }
        i = close < 0 ? lines.length : close + 1;
        continue;
      }
      const named = codeBlockPath(lines, i, fence[2], body);
      // Only a block that starts with a definition is an edit; a quoted test or usage example is left alone.
      const found = named && startsWithDefinition(stripLineNumbers(body.slice(named.skip))) ? named : undefined;
      if (found && close < 0) {
        codeCount++;
        problems.push(`code block ${codeCount} for ${found.path} is not closed: end it with a line of ${fence[1]}`);
      } else if (found) {
        codeCount++;
        edits.push({ kind: 'function', block: codeCount, path: found.path, code: joinLines(stripLineNumbers(body.slice(found.skip))) });
        lastPath = found.path;
      }
      i = close < 0 ? lines.length : close + 1;
      continue;
    }
    i++;
  }
  return { edits, problems };
}

const DEFINITION_STARTS = [
  /^(?:async\s+)?def\s+\w+\s*\(/, /^@[\w.]+/,
  /^(?:export\s+)?(?:default\s+)?(?:async\s+)?function\b/,
  /^(?:export\s+)?(?:const|let|var)\s+[\w$]+\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\(|[\w$]+\s*=>)/,
  // A method: name(params) { — but not a control statement or a call with string arguments.
  /^(?:(?:public|private|protected|static|async|get|set|override|readonly|abstract)\s+)*(?!(?:if|for|while|switch|catch|with|return|function)\b)[A-Za-z_$#][\w$]*\s*(?:<[^>]*>)?\s*\([^'"`;]*\)\s*(?::\s*[^{;=]+)?\{\s*$/,
];

/** True when the first line that is not blank or a comment opens a function, method or decorated definition. */
function startsWithDefinition(body: string[]): boolean {
  const first = body.map((l) => l.trim()).find((l) => l !== '' && !/^(?:\/\/|\/\*|\*|#(?!!))/.test(l));
  return first !== undefined && DEFINITION_STARTS.some((re) => re.test(first));
}

/**
 * Applies edits in order to the files as `files` shows them (several edits of one file build on each other).
 * `changes` holds every file whose text changed; `errors` says, per failed edit, why (feedback for the model).
 * CRLF files keep their line endings. Callers usually reject a candidate whose edits produced errors.
 */
export async function applyModelEdits(
  edits: ModelEdit[], files: SourceFiles, syntax: SyntaxParser,
): Promise<{ changes: FileChange[]; errors: string[] }> {
  const state = new Map<string, { before: string | undefined; text: string | undefined; eol: string }>();
  const errors: string[] = [];
  for (const edit of edits) {
    const label = edit.kind === 'search-replace' ? `SEARCH block ${edit.block} for ${edit.path}`
      : edit.kind === 'diff' ? `unified diff ${edit.block} for ${edit.path}` : `code block ${edit.block} for ${edit.path}`;
    if (leavesWorkspace(edit.path)) {
      errors.push(`${label}: the path is outside the workspace; use a workspace-relative path such as src/file.js`);
      continue;
    }
    let file = state.get(edit.path);
    if (!file) {
      let before: string | undefined;
      try {
        before = await files.read(edit.path);
      } catch (e) {
        errors.push(`${label}: cannot read the file (${(e as Error).message})`);
        continue;
      }
      const eol = before !== undefined && /\r\n/.test(before) ? '\r\n' : '\n';
      file = { before, text: before?.replace(/\r\n/g, '\n'), eol };
      state.set(edit.path, file);
    }
    const result = edit.kind === 'search-replace'
      ? applySearchReplace(file.text, edit.search, edit.replace.replace(/\r\n/g, '\n'), label)
      : edit.kind === 'diff'
        ? applyFileDiff(file.text, edit.diff, label)
        : file.text === undefined
        ? { error: `${label}: the file does not exist; whole-function replacement only changes existing functions` }
        : await applyFunctionEdit(file.text, edit, syntax, label);
    if ('error' in result) errors.push(result.error);
    else file.text = result.text;
  }
  const changes: FileChange[] = [];
  for (const [path, file] of state) {
    if (file.text === undefined) continue;
    const after = file.eol === '\r\n' ? file.text.replace(/\n/g, '\r\n') : file.text;
    if (after !== (file.before ?? '') || file.before === undefined) changes.push({ path, before: file.before ?? '', after });
  }
  return { changes, errors };
}

function applySearchReplace(text: string | undefined, search: string, replace: string, label: string): { text: string } | { error: string } {
  const normalized = search.replace(/\r\n/g, '\n');
  if (normalized.trim() === '') {
    // Empty SEARCH: create the file, or append to it (the common reading of this format).
    if (text === undefined || text.trim() === '') return { text: replace };
    return { text: text.endsWith('\n') || text === '' ? text + replace : `${text}\n${replace}` };
  }
  if (text === undefined) return { error: `${label}: the file does not exist; to create it, leave the SEARCH part empty` };
  return replaceBlock(text, normalized, replace, label);
}

function leavesWorkspace(path: string): boolean {
  return path.startsWith('/') || /^[a-zA-Z]:/.test(path) || path.split('/').includes('..');
}

function joinLines(lines: string[]): string {
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Index of the first line from `from` matching `want`, or -1 when `stop` (or the end) comes first. */
function findLine(lines: string[], from: number, want: RegExp, stop: RegExp): number {
  for (let j = from; j < lines.length; j++) {
    if (want.test(lines[j])) return j;
    if (stop.test(lines[j])) return -1;
  }
  return -1;
}

function closingFence(lines: string[], from: number, opener: string): number {
  for (let j = from; j < lines.length; j++) {
    const t = lines[j].trim();
    if (t.length >= opener.length && t === opener[0].repeat(t.length)) return j;
  }
  return -1;
}

/** The path on the closest non-blank line before `index`, looking through fence openers (at most 3 lines up). */
function pathBefore(lines: string[], index: number): string | undefined {
  let looked = 0;
  for (let j = index - 1; j >= 0 && looked < 3; j--) {
    const line = lines[j].trim();
    if (!line) continue;
    looked++;
    const fence = FENCE.exec(line);
    if (fence) {
      const fromInfo = cleanPath(fence[2].split(/[\s:]+/).slice(-1)[0] ?? '');
      if (fromInfo) return fromInfo;
      continue;
    }
    return cleanPath(line) ?? quotedPath(line);
  }
  return undefined;
}

/** The one path quoted in backticks in a line of prose ("In `src/a.js`, change:"), if there is exactly one. */
function quotedPath(line: string): string | undefined {
  const paths = [...line.matchAll(/`([^`\s]+)`/g)].map((m) => cleanPath(m[1])).filter((p): p is string => p !== undefined);
  return paths.length === 1 ? paths[0] : undefined;
}

/** Where a code block says which file it belongs to; `skip` = lines of the body that only named the file. */
function codeBlockPath(lines: string[], fenceLine: number, info: string, body: string[]): { path: string; skip: number } | undefined {
  const first = body.findIndex((l) => l.trim() !== '');
  if (first >= 0) {
    const m = FILE_COMMENT.exec(body[first]);
    const p = m && cleanPath(m[1]);
    if (p) return { path: p, skip: first + 1 };
  }
  const words = info.trim().split(/[\s:]+/).filter(Boolean);
  const fromInfo = words.length > 1 || (words.length === 1 && words[0].includes('.')) ? cleanPath(words[words.length - 1]) : undefined;
  if (fromInfo) return { path: fromInfo, skip: 0 };
  for (let j = fenceLine - 1; j >= 0 && j >= fenceLine - 2; j--) {
    if (!lines[j].trim()) continue;
    // A path line, or prose naming one file ("In `src/x.js`:").
    const p = cleanPath(lines[j]) ?? quotedPath(lines[j]);
    return p ? { path: p, skip: 0 } : undefined;
  }
  return undefined;
}

/**
 * A workspace path from a line that holds only a path, decorated the usual ways (`**src/a.js**`, `` `src/a.js` ``,
 * `### src/a.js`, `File: src/a.js`, `src/a.js:`); undefined for prose.
 */
export function cleanPath(line: string): string | undefined {
  let s = line.trim().replace(/^#+\s*/, '').replace(/^(?:[-*]\s+)/, '');
  s = s.replace(/^(?:file(?:name)?|path)\s*:\s*/i, '');
  s = s.replace(/^[*`'"]+|[*`'":]+$/g, '').trim();
  s = s.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (!/^[\w@.+~-][\w@.+~/-]*$/.test(s) || s.endsWith('/')) return undefined;
  // A path has an extension or a folder; a bare word ("python", "diff") is a fence language or prose.
  const base = s.split('/').pop() ?? '';
  if (!/\.[A-Za-z0-9]+$/.test(base) || /^\.+$/.test(base)) return undefined;
  return s;
}
