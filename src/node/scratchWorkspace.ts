/**
 * Scratch workspaces: isolated copies of the user's folder in which candidates are applied and tested, so the
 * user's files are never touched until they accept a change.
 *
 * Layout: <os.tmpdir()>/reflect-scratch/<pid>-<random>/{owner.json, <folder name>/}. Keeping the folder's own name
 * keeps tools that look at it (package names, pytest rootdir) unchanged. What is linked, left out or copied is
 * decided in workspaceCopy.ts.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ScratchProvider, ScratchWorkspace } from '../core/ports';
import type { FileChange } from '../core/types';
import { DEPENDENCY_FOLDERS, insideRoot, normalizeRelative } from './sourceFiles';
import { exactTextOf } from './safeWrite';
import { copyTree, ignoredDirectories } from './workspaceCopy';
import { WorkspaceLinkError, workspaceRootOf } from './workspacePackages';

/** Where scratch copies live unless told otherwise. */
export function defaultScratchBase(): string {
  return path.join(os.tmpdir(), 'reflect-scratch');
}

export interface ScratchOptions {
  /** Unsaved editor buffers (workspace-relative path → text) written over the copy. */
  overlay?: Map<string, string>;
  /** Parent folder of the copies (default: os.tmpdir()/reflect-scratch). */
  baseDir?: string;
}

/**
 * A provider of scratch copies of `root`. The first `create()` removes copies left behind by dead processes.
 * Copies still alive when the process exits normally are removed then.
 */
export function createScratchProvider(root: string, opts: ScratchOptions = {}): ScratchProvider {
  const absRoot = path.resolve(root);
  const baseDir = opts.baseDir ?? defaultScratchBase();
  let cleaned = false;
  return {
    async create(): Promise<ScratchWorkspace> {
      if (!cleaned) {
        cleaned = true;
        removeStaleScratch(baseDir);
      }
      return createScratchWorkspace(absRoot, baseDir, opts.overlay);
    },
  };
}

/** Removes copies under `baseDir` whose owning process is gone. Returns how many were removed. */
export function removeStaleScratch(baseDir: string = defaultScratchBase()): number {
  let entries: string[];
  try {
    entries = fs.readdirSync(baseDir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of entries) {
    const m = /^(\d+)-/.exec(name);
    if (!m) continue;
    const dir = path.join(baseDir, name);
    let pid = Number(m[1]);
    try {
      pid = Number(JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8')).pid) || pid;
    } catch {
      // No owner file: the pid in the name is all we have.
    }
    if (pid === process.pid || isAlive(pid)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const liveCopies = new Set<string>();
let exitHookInstalled = false;

function removeLiveCopiesOnExit(): void {
  for (const dir of liveCopies) fs.rmSync(dir, { recursive: true, force: true });
}

async function createScratchWorkspace(root: string, baseDir: string, overlay?: Map<string, string>): Promise<ScratchWorkspace> {
  if (!fs.statSync(root).isDirectory()) throw new Error(`cannot copy ${root}: not a folder`);
  fs.mkdirSync(baseDir, { recursive: true });
  const id = `${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const dir = path.join(baseDir, id);
  fs.mkdirSync(dir);
  // The owner file comes first so that a crash in the middle of copying still leaves a removable copy.
  // No project path in it: code run in the copy must not learn where the user's files are.
  fs.writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() }));
  liveCopies.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', removeLiveCopiesOnExit);
  }
  // A package of an npm/yarn/pnpm workspace is copied with its whole workspace (see workspacePackages.ts).
  const workspace = workspaceRootOf(root);
  const base = workspace ?? root;
  const copyBase = path.join(dir, path.basename(base) || 'workspace');
  const copyRoot = path.join(copyBase, path.relative(base, root));
  try {
    fs.mkdirSync(copyBase);
    // The copies' own folder is never copied into a copy (a workspace that contains the temp folder).
    await copyTree(base, copyBase, base, ignoredDirectories(base), path.resolve(baseDir), workspace !== undefined);
    for (const [p, text] of overlay ?? []) writeInside(copyRoot, normalizeRelative(p), text, []);
  } catch (e) {
    liveCopies.delete(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    if (e instanceof WorkspaceLinkError) throw e;
    throw new Error(`could not make a scratch copy of ${root}: ${(e as Error).message}; check that the folder is readable and ${baseDir} has free space`);
  }
  return scratchWorkspace(dir, copyRoot);
}

function scratchWorkspace(dir: string, copyRoot: string): ScratchWorkspace {
  /** Content and mtime of each file before the first change to it; null when the change created it. */
  const originals = new Map<string, { data: Buffer; mtime: Date } | null>();
  const createdDirs: string[] = [];
  return {
    root: copyRoot,
    async apply(changes: Pick<FileChange, 'path' | 'after'>[]): Promise<void> {
      for (const change of changes) {
        const rel = normalizeRelative(change.path);
        // Validated before anything is recorded, so reset() never writes through a linked folder.
        const abs = prepareWrite(copyRoot, rel, createdDirs);
        // A binary or non-UTF-8 file would be re-encoded by writing text over it: refused, never tested.
        const existing = readIfFile(abs);
        const exact = existing && exactTextOf(existing, rel);
        if (exact && 'refusal' in exact) throw new Error(`cannot write ${rel}: ${exact.refusal}`);
        if (!originals.has(rel)) {
          try {
            originals.set(rel, { data: fs.readFileSync(abs), mtime: fs.statSync(abs).mtime });
          } catch {
            originals.set(rel, null);
          }
        }
        writeInside(copyRoot, rel, change.after, createdDirs);
      }
    },
    async reset(): Promise<void> {
      for (const [rel, original] of originals) {
        const abs = path.join(copyRoot, rel);
        if (original) {
          fs.writeFileSync(abs, original.data);
          // The old mtime too, so tools that compare times (make, incremental builds) see the original file.
          fs.utimesSync(abs, original.mtime, original.mtime);
        } else {
          fs.rmSync(abs, { force: true });
        }
        forgetBytecode(abs);
      }
      originals.clear();
      for (const d of createdDirs.reverse()) {
        try {
          fs.rmdirSync(d);
        } catch {
          // Not empty: a test run put files there; they go with the copy.
        }
      }
      createdDirs.length = 0;
    },
    async dispose(): Promise<void> {
      liveCopies.delete(dir);
      // rmSync removes symbolic links themselves; it never follows them into the user's node_modules.
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `text` at `rel` inside the copy, refusing to write through a linked folder (that is the user's disk). */
function writeInside(copyRoot: string, rel: string, text: string, createdDirs: string[]): void {
  const abs = prepareWrite(copyRoot, rel, createdDirs);
  if (fs.existsSync(abs) && fs.lstatSync(abs).isSymbolicLink()) fs.rmSync(abs);
  fs.writeFileSync(abs, text);
  forgetBytecode(abs);
}

/** Checks that `rel` stays in the copy and off linked folders, creates its missing folders, returns its path. */
function prepareWrite(copyRoot: string, rel: string, createdDirs: string[]): string {
  const abs = insideRoot(copyRoot, rel);
  const parts = rel.split('/').slice(0, -1);
  // Dependency folders belong to the user's installation (node_modules is a folder of links into it).
  if (parts.length && DEPENDENCY_FOLDERS.has(parts[0])) {
    throw new Error(`cannot write ${rel}: ${parts[0]} is a linked dependency folder, shared with your workspace`);
  }
  let cur = copyRoot;
  for (const part of parts) {
    cur = path.join(cur, part);
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(cur);
    } catch {
      st = undefined;
    }
    if (!st) {
      fs.mkdirSync(cur);
      createdDirs.push(cur);
    } else if (st.isSymbolicLink()) {
      throw new Error(`cannot write ${rel}: ${path.relative(copyRoot, cur)} is a linked dependency folder, shared with your workspace`);
    } else if (!st.isDirectory()) {
      throw new Error(`cannot write ${rel}: ${path.relative(copyRoot, cur)} is a file`);
    }
  }
  return abs;
}

function readIfFile(abs: string): Buffer | undefined {
  try {
    return fs.readFileSync(abs);
  } catch {
    return undefined;
  }
}

/**
 * Python validates cached bytecode by source size and mtime in whole seconds, so two candidates of the same size
 * written within one second would share a stale .pyc. Removing it forces a recompile.
 */
function forgetBytecode(abs: string): void {
  if (!abs.endsWith('.py')) return;
  const cache = path.join(path.dirname(abs), '__pycache__');
  const stem = `${path.basename(abs, '.py')}.`;
  let names: string[];
  try {
    names = fs.readdirSync(cache);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(stem) && n.endsWith('.pyc')) fs.rmSync(path.join(cache, n), { force: true });
}
