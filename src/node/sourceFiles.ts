/**
 * The user's workspace as the user sees it: unsaved editor buffers (the overlay) win over the disk.
 * Also owns the list of folders that are never source code (dependencies, caches, build output), shared with the
 * scratch workspace so both agree on what "the project's files" are.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SourceFiles } from '../core/ports';

/** Dependency folders: heavy, read-only in practice. Listing skips them; scratch copies link them. */
export const DEPENDENCY_FOLDERS: ReadonlySet<string> = new Set(['node_modules', '.venv', 'venv', '.tox']);

/**
 * Caches a test run recreates on its own. Listing skips them; scratch copies leave them out entirely, because a
 * shared `__pycache__` would let one candidate's bytecode stand in for another's source (same size, same second).
 */
export const CACHE_FOLDERS: ReadonlySet<string> = new Set([
  '.git', '__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', 'coverage', '.nyc_output', '.next',
]);

/** Build output: listing skips it; scratch copies COPY it, since a test command may rebuild it in place. */
export const BUILD_FOLDERS: ReadonlySet<string> = new Set(['dist', 'build', 'out']);

/** Larger files are never read: no source file is this big, and reading one would stall the engine. */
export const MAX_READ_BYTES = 32 * 1024 * 1024;

/** At most this many files are listed, so a huge workspace cannot stall context building. */
export const MAX_LISTED_FILES = 20_000;

/**
 * Source files of the workspace at `root`, with `overlay` (workspace-relative path → text) winning over the disk.
 * `read` throws for a path that leaves the workspace (absolute, or `..` escaping it): callers check model paths first.
 */
export function createSourceFiles(root: string, overlay?: Map<string, string>): SourceFiles {
  const absRoot = path.resolve(root);
  const buffers = new Map<string, string>();
  for (const [p, text] of overlay ?? []) buffers.set(normalizeRelative(p), text);
  let realRoot: Promise<string> | undefined;
  return {
    async read(relPath: string): Promise<string | undefined> {
      const rel = normalizeRelative(relPath);
      const abs = insideRoot(absRoot, rel);
      if (buffers.has(rel)) return buffers.get(rel);
      try {
        // A symbolic link inside the workspace may point anywhere: what it resolves to must be inside too.
        realRoot ??= fs.promises.realpath(absRoot).catch(() => absRoot);
        const real = await fs.promises.realpath(abs);
        const back = path.relative(await realRoot, real);
        if (back.startsWith('..') || path.isAbsolute(back)) throw new Error(`path ${rel} leads outside the workspace through a symbolic link`);
        if ((await fs.promises.stat(real)).size > MAX_READ_BYTES) throw new Error(`${rel} is larger than ${MAX_READ_BYTES / 1024 / 1024} MB`);
        return await fs.promises.readFile(real, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
        throw e;
      }
    },
    async list(): Promise<string[]> {
      const found = await listWorkspaceFiles(absRoot, MAX_LISTED_FILES);
      const seen = new Set(found);
      for (const p of buffers.keys()) if (!seen.has(p)) found.push(p);
      return found.sort();
    },
  };
}

/** Forward slashes, no leading `./`. Does not resolve `..` (insideRoot rejects escapes). */
export function normalizeRelative(p: string): string {
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** Absolute path of `rel` under `root`; throws when `rel` is absolute or escapes `root`. */
export function insideRoot(root: string, rel: string): string {
  if (path.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) throw new Error(`path ${rel} is absolute; use a workspace-relative path`);
  const abs = path.resolve(root, rel);
  const back = path.relative(root, abs);
  if (back === '' || back.startsWith('..') || path.isAbsolute(back)) throw new Error(`path ${rel} is outside the workspace ${root}`);
  return abs;
}

/** True for folder names a file listing never enters. */
export function isSkippedFolder(name: string): boolean {
  return DEPENDENCY_FOLDERS.has(name) || CACHE_FOLDERS.has(name) || BUILD_FOLDERS.has(name);
}

async function listWorkspaceFiles(root: string, limit: number): Promise<string[]> {
  const out: string[] = [];
  // Breadth-first, so that when the limit cuts the list, the files near the root (the project's own) are kept.
  let level = [''];
  while (level.length > 0 && out.length < limit) {
    const next: string[] = [];
    for (const dir of level) {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(path.join(root, dir), { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const rel = dir ? `${dir}/${e.name}` : e.name;
        // Symbolic links are not followed: they lead to dependencies or loops, not to the project's own code.
        if (e.isDirectory()) {
          if (!isSkippedFolder(e.name)) next.push(rel);
        } else if (e.isFile()) {
          out.push(rel);
          if (out.length >= limit) return out;
        }
      }
    }
    level = next;
  }
  return out;
}
