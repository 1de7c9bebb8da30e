/**
 * `reflect verify --check-edit`: a PreToolUse hook for agents (Claude Code, VS Code agent hooks). Reads the hook's
 * JSON on stdin and denies (exit 2, reason on stderr) a file edit that would change the test setup; any other call
 * passes (exit 0). The hook input is untrusted text: a malformed one is a non-blocking error (exit 1).
 */
import * as fs from 'fs';
import * as path from 'path';
import { testSetupTampering } from '../node/testSetupGuard';

/** Tool-input fields that name the file an edit tool writes, across the agents' edit tools. */
const PATH_FIELDS = ['file_path', 'filePath', 'path', 'notebook_path'];

/** Decides on one hook call; writes the reason to stderr and returns the exit code. */
export function checkEditFromHook(stdin: string, cwdFlag: string | undefined): number {
  let hook: { cwd?: unknown; tool_input?: Record<string, unknown> };
  try {
    hook = JSON.parse(stdin);
    if (!hook || typeof hook !== 'object') throw new Error('not an object');
  } catch (e) {
    process.stderr.write(`reflect verify --check-edit: the hook input on stdin is not JSON (${(e as Error).message}); is this configured as a PreToolUse hook?\n`);
    return 1;
  }
  const root = path.resolve(cwdFlag ?? (typeof hook.cwd === 'string' ? hook.cwd : process.cwd()));
  const input = hook.tool_input ?? {};
  // A new test file is welcome (a regression test) unless it adds a skip/only marker: new files are judged by content.
  const files = editedFiles(input, root);
  const changes = files.map((rel) => {
    const abs = path.join(root, rel);
    const before = fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : '';
    return { path: rel, before, after: afterEdit(input, before, files.length) };
  });
  const added = new Set(changes.filter((c) => !fs.existsSync(path.join(root, c.path))).map((c) => c.path));
  const packageJson = fs.existsSync(path.join(root, 'package.json')) ? fs.readFileSync(path.join(root, 'package.json'), 'utf8') : undefined;
  const reasons = testSetupTampering(changes, { added, packageJson });
  if (reasons.length === 0) return 0;
  process.stderr.write(`reflect: denied: ${reasons.join('; ')}. Fix the code under test instead; if the test itself is wrong, ask the user.\n`);
  return 2;
}

/**
 * The file's text after the call, when the call says it (one file: a Write's content, an Edit's replacement);
 * otherwise undefined, and the path alone is judged.
 */
function afterEdit(input: Record<string, unknown>, before: string, fileCount: number): string | undefined {
  if (fileCount !== 1) return undefined;
  if (typeof input.content === 'string') return input.content;
  const edits = Array.isArray(input.edits) ? input.edits : [input];
  let text = before;
  for (const e of edits as Record<string, unknown>[]) {
    if (typeof e?.old_string !== 'string' || typeof e.new_string !== 'string' || !text.includes(e.old_string)) return undefined;
    text = e.replace_all === true ? text.split(e.old_string).join(e.new_string) : text.replace(e.old_string, () => e.new_string as string);
  }
  return text;
}

/** Workspace-relative paths an edit tool call would write; files outside the workspace are not this hook's concern. */
export function editedFiles(input: Record<string, unknown>, root: string): string[] {
  const named = PATH_FIELDS.map((f) => input[f]).filter((v): v is string => typeof v === 'string');
  // VS Code's editFiles tool names its files in a list.
  if (Array.isArray(input.files)) named.push(...input.files.filter((v): v is string => typeof v === 'string'));
  // apply_patch-style tools carry the paths inside the patch text.
  const patch = typeof input.input === 'string' ? input.input : typeof input.patch === 'string' ? input.patch : '';
  for (const m of patch.matchAll(/^\*\*\* (?:Update|Add|Delete) File: (.+)$/gm)) named.push(m[1].trim());
  const out: string[] = [];
  for (const file of named) {
    const rel = path.relative(root, path.resolve(root, file));
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) out.push(rel.split(path.sep).join('/'));
  }
  return out;
}
