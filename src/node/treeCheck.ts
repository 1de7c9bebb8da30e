/**
 * The after-run check of the user's folder: what changed in it while Reflect ran, though Reflect wrote nothing
 * there. Metadata only, so it stays cheap on a large project: the snapshot (taken while the baseline runs) keeps
 * the type, size, mtime and inode of every file outside dependency folders, and the mtime and entry names of
 * every folder. Inside dependency folders (node_modules, .venv …, often 100k files) only folders are looked at:
 * a file created, removed or renamed there changes its folder's mtime; a file rewritten in place does not, and
 * is the one change this check cannot see.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CACHE_FOLDERS, DEPENDENCY_FOLDERS } from './sourceFiles';

/** The state of a folder tree, as metadata. */
export interface TreeSnapshot {
  root: string;
  /** Workspace-relative file → its signature (outside dependency folders). */
  files: Map<string, string>;
  /** Workspace-relative folder ('' for the root) → mtime and entry names. */
  dirs: Map<string, { mtimeMs: number; names: Set<string> }>;
}

/** Folders never looked at: version control (the person's own git commands) and caches tools rewrite. */
function isUnwatched(name: string): boolean {
  return name === '.git' || CACHE_FOLDERS.has(name);
}

/** Takes the snapshot; asynchronous so an editor stays responsive on a big tree. */
export async function snapshotTree(root: string): Promise<TreeSnapshot> {
  const snap: TreeSnapshot = { root, files: new Map(), dirs: new Map() };
  await snapshotDir(snap, '', false);
  return snap;
}

async function snapshotDir(snap: TreeSnapshot, rel: string, inDependencies: boolean): Promise<void> {
  const abs = path.join(snap.root, rel);
  let entries: fs.Dirent[];
  let stat: fs.Stats;
  try {
    [stat, entries] = await Promise.all([fs.promises.lstat(abs), fs.promises.readdir(abs, { withFileTypes: true })]);
  } catch {
    return;
  }
  snap.dirs.set(rel, { mtimeMs: stat.mtimeMs, names: new Set(entries.map((e) => e.name)) });
  await Promise.all(entries.map(async (e) => {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (isUnwatched(e.name)) return;
      await snapshotDir(snap, childRel, inDependencies || DEPENDENCY_FOLDERS.has(e.name));
    } else if (!inDependencies) {
      try {
        snap.files.set(childRel, signature(await fs.promises.lstat(path.join(abs, e.name))));
      } catch {
        // Removed while we looked: the check will not expect it.
      }
    }
  }));
}

function signature(st: fs.Stats): string {
  const type = st.isSymbolicLink() ? 'l' : st.isFile() ? 'f' : 'o';
  return `${type}:${st.size}:${st.mtimeMs}:${st.ino}:${st.mode}`;
}

/**
 * Workspace-relative paths that were added, removed or changed since the snapshot (folders end in '/'), sorted,
 * at most `limit` of them. Synchronous and metadata only.
 */
export function changedSince(snap: TreeSnapshot, limit = 50): string[] {
  const changed = new Set<string>();
  for (const [rel, dir] of snap.dirs) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(snap.root, rel));
    } catch {
      changed.add(`${rel}/`);
      continue;
    }
    if (st.mtimeMs === dir.mtimeMs) continue;
    // Its entries changed: name the ones added or removed (a renamed file shows as both).
    let names: string[];
    try {
      names = fs.readdirSync(path.join(snap.root, rel));
    } catch {
      changed.add(`${rel}/`);
      continue;
    }
    const now = new Set(names);
    for (const n of names) if (!dir.names.has(n) && !isUnwatched(n)) changed.add(rel ? `${rel}/${n}` : n);
    for (const n of dir.names) if (!now.has(n) && !isUnwatched(n)) changed.add(rel ? `${rel}/${n}` : n);
  }
  for (const [rel, sig] of snap.files) {
    let now: string;
    try {
      now = signature(fs.lstatSync(path.join(snap.root, rel)));
    } catch {
      now = 'gone';
    }
    if (now !== sig) changed.add(rel);
  }
  return [...changed].sort().slice(0, limit);
}
