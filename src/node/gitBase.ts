/**
 * What changed in a folder since a git commit: the files that differ between the working tree and a base (`HEAD`
 * or any ref), with both contents. Read-only: it runs `git rev-parse`, `diff`, `ls-files` and `show`, never a
 * command that writes to the repository or the index.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { FileChange } from '../core/types';

/** The base a change is compared with. */
export interface GitBase {
  /** The ref as given (`HEAD`, `main`, a sha). */
  ref: string;
  /** The full commit id it names. */
  commit: string;
}

/** Files that differ from the base, as workspace-relative changes (`before` '' for a new file, `after` '' for a deleted one). */
export interface WorkingTreeChanges {
  base: GitBase;
  changes: FileChange[];
  /** Paths deleted in the working tree (also in `changes`, with `after` ''). */
  deleted: string[];
  /** Paths the base does not have: new, untracked files (also in `changes`, with `before` ''). */
  added: string[];
}

/** A problem with the repository or the ref, said so that a person knows what to do. */
export class GitBaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitBaseError';
  }
}

/**
 * The changes of the working tree under `root` against `ref`: tracked files that differ and untracked files that
 * are not ignored. Paths are relative to `root` (which may be a subfolder of the repository).
 */
export async function workingTreeChanges(root: string, ref: string, signal?: AbortSignal): Promise<WorkingTreeChanges> {
  if (!/^[\w./~^@{}-]+$/.test(ref) || ref.startsWith('-')) throw new GitBaseError(`"${ref}" is not a git ref; pass a branch, tag or commit such as HEAD or main`);
  try {
    await git(root, ['rev-parse', '--is-inside-work-tree'], signal);
  } catch {
    throw new GitBaseError(`${root} is not inside a git repository; reflect verify compares the working tree with a commit`);
  }
  let commit: string;
  try {
    commit = (await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], signal)).trim();
  } catch {
    throw new GitBaseError(`no commit "${ref}" in this repository${ref === 'HEAD' ? ' (is there a first commit yet?)' : ''}; pass --base with an existing branch, tag or commit`);
  }
  // -z keeps unusual file names intact; --relative limits the diff to root and makes its paths root-relative.
  const tracked = splitZ(await git(root, ['diff', '--name-only', '-z', '--no-renames', '--relative', commit, '--'], signal));
  const untracked = splitZ(await git(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', '.'], signal));
  const changes: FileChange[] = [];
  const deleted: string[] = [];
  const added = untracked.filter((rel) => !tracked.includes(rel));
  for (const rel of [...new Set([...tracked, ...untracked])].sort()) {
    const before = tracked.includes(rel) ? await showAtBase(root, commit, rel, signal) : '';
    const abs = path.join(root, rel);
    const exists = fs.existsSync(abs);
    if (!exists) deleted.push(rel);
    const after = exists ? fs.readFileSync(abs, 'utf8') : '';
    if (before !== after || !exists) changes.push({ path: rel, before, after });
  }
  return { base: { ref, commit }, changes, deleted, added };
}

/** The file's content at the base; '' when the base does not have it. */
async function showAtBase(root: string, commit: string, rel: string, signal?: AbortSignal): Promise<string> {
  try {
    // "./path" is read relative to the current folder, so a workspace below the repository's top works.
    return await git(root, ['show', `${commit}:./${rel}`], signal);
  } catch {
    return '';
  }
}

function splitZ(text: string): string[] {
  return text.split('\0').filter(Boolean);
}

/** Runs git in `cwd`; rejects with git's own message on a non-zero exit. */
function git(cwd: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'core.quotepath=off', ...args], { cwd, signal, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(stderr.trim() || error.message));
      else resolve(stdout);
    });
  });
}
