/**
 * The write rules every write into the user's workspace follows (the CLI's --apply, the editor's Accept):
 * the target, with every symbolic link resolved, stays inside the workspace; the file on disk is exactly the text
 * the change was computed from, byte for byte (so a binary or non-UTF-8 file is refused, never re-encoded, and the
 * printed diff is exactly what is written); protected paths (test setup, `.git/`, auto-run editor configs) are
 * refused with a reason.
 */
import * as fs from 'fs';
import * as path from 'path';
import { protectedChangeReason, testSetupFilesOf } from '../core/protectedPaths';

/** A change to write: workspace-relative path, the text it was computed from and the new text. */
export interface ExactChange {
  path: string;
  before: string;
  after: string;
}

/** What the person allowed: test-setup edits (--allow-test-edits, reflect.allowTestEdits). */
export interface WriteRules {
  allowTestEdits?: boolean;
}

/** The protected-path verdict (src/core/protectedPaths.ts) of a change in `root`, as a refusal. */
function protectedRefusal(root: string, change: ExactChange, rules: WriteRules): string | undefined {
  let packageJson = '';
  try {
    packageJson = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
  } catch {
    // No package.json: no setup files named there.
  }
  const verdict = protectedChangeReason(change, { allowTestEdits: rules.allowTestEdits, testSetupFiles: testSetupFilesOf(packageJson) });
  return verdict?.refused ? `${change.path} is protected: ${verdict.reason}` : undefined;
}

/**
 * Why `rel` may not be written under `root`, or undefined when it may: absolute or escaping paths, and paths
 * whose real location (symbolic links resolved, also for a file that does not exist yet) is outside the
 * workspace's real location.
 */
export function confinementRefusal(root: string, rel: string): string | undefined {
  const clean = rel.replace(/\\/g, '/');
  if (path.isAbsolute(clean) || /^[a-zA-Z]:/.test(clean)) return `${rel} is an absolute path`;
  const abs = path.resolve(root, clean);
  const back = path.relative(root, abs);
  if (!back || back.startsWith('..') || path.isAbsolute(back)) return `${rel} is outside the workspace`;
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch (e) {
    return `the workspace ${root} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const real = realLocation(abs);
  const realBack = path.relative(realRoot, real);
  if (!realBack || realBack.startsWith('..') || path.isAbsolute(realBack)) {
    return `${rel} is a symbolic link (or inside one) that points outside the workspace, to ${real}`;
  }
  return undefined;
}

/** The real path of `abs`: of the file when it exists, else of its nearest existing folder plus the rest. */
function realLocation(abs: string): string {
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest.reverse());
    } catch (e) {
      // A dangling link still points somewhere: follow what it says rather than treating it as absent.
      const link = readLinkOrUndefined(cur);
      if (link !== undefined) return realLocation(path.resolve(path.dirname(cur), link));
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

function readLinkOrUndefined(p: string): string | undefined {
  try {
    return fs.readlinkSync(p);
  } catch {
    return undefined;
  }
}

/**
 * The text of a file if its bytes are exactly that text in UTF-8; otherwise a refusal saying why (binary, another
 * encoding). A missing file reads as ''.
 */
export function readExactText(abs: string, rel: string): { text: string } | { refusal: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { text: '' };
    return { refusal: `${rel} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  return exactTextOf(bytes, rel);
}

/** `bytes` as text when they are UTF-8 without NUL bytes and decode/encode back to themselves; else a refusal. */
export function exactTextOf(bytes: Buffer, rel: string): { text: string } | { refusal: string } {
  if (bytes.includes(0)) return { refusal: `${rel} is a binary file; Reflect only edits text files` };
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    return { refusal: `${rel} is not UTF-8 text (another encoding, e.g. Latin-1); Reflect does not re-encode files` };
  }
  return { text };
}

/**
 * Why the file of this change must not be written at all (outside the workspace through a link, protected, binary
 * or not UTF-8 on disk), or undefined. The editor's Accept checks this; it edits the open buffer, hunk by hunk.
 */
export function targetRefusal(root: string, change: ExactChange, rules: WriteRules = {}): string | undefined {
  const confined = confinementRefusal(root, change.path);
  if (confined) return confined;
  const protectedReason = protectedRefusal(root, change, rules);
  if (protectedReason) return protectedReason;
  const now = readExactText(path.resolve(root, change.path), change.path);
  return 'refusal' in now ? now.refusal : undefined;
}

/** Why this change cannot be written as is (the target's refusal, or the file changed since the run), or undefined. */
export function changeRefusal(root: string, change: ExactChange, rules: WriteRules = {}): string | undefined {
  const refusal = targetRefusal(root, change, rules);
  if (refusal) return refusal;
  const now = readExactText(path.resolve(root, change.path), change.path);
  if ('text' in now && now.text !== change.before) return `${change.path} changed since the run started; run reflect fix again`;
  return undefined;
}

/**
 * Writes all the changes, or none: every change is checked first (confinement, protected paths, exact bytes),
 * then each file is written as the UTF-8 bytes of its new text through a temporary file and a rename, so a crash
 * never leaves half a file. Returns the refusal of the first change that cannot be written, else undefined.
 */
export function writeChangesExactly(root: string, changes: ExactChange[], rules: WriteRules = {}): string | undefined {
  for (const c of changes) {
    const refusal = changeRefusal(root, c, rules);
    if (refusal) return refusal;
  }
  for (const c of changes) {
    // Write at the real location (a link inside the workspace stays a link).
    const target = realLocation(path.resolve(root, c.path));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const mode = fileMode(target);
    const tmp = `${target}.reflect-${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(c.after, 'utf8'));
    // The file keeps its permissions (an executable script stays executable).
    if (mode !== undefined) fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, target);
  }
  return undefined;
}

function fileMode(abs: string): number | undefined {
  try {
    return fs.statSync(abs).mode & 0o7777;
  } catch {
    return undefined;
  }
}
