/**
 * How a workspace is copied into a scratch folder: dependency folders are symbolically linked (cheap even with
 * 100k files), caches and `.git` are left out, everything else (`.gitignore`d folders too) is copied
 * (tests write files, and a hard link would write through to the user's copy).
 */
import * as fs from 'fs';
import * as path from 'path';
import { BUILD_FOLDERS, CACHE_FOLDERS, DEPENDENCY_FOLDERS } from './sourceFiles';
import { linkDependencyEntries } from './workspacePackages';

type Treatment = 'copy' | 'link' | 'skip';

/** What to do with a folder: dependencies are linked, caches skipped, the rest copied. */
function folderTreatment(name: string, rel: string, ignored: IgnoredDirs): Treatment {
  if (CACHE_FOLDERS.has(name)) return 'skip';
  if (DEPENDENCY_FOLDERS.has(name)) return 'link';
  if (BUILD_FOLDERS.has(name)) return 'copy';
  // Copied, not linked: tests write into ignored folders (fixtures, outputs), and a link would carry those writes
  // into the user's folder.
  if (ignored.names.has(name) || ignored.paths.has(rel)) return 'copy';
  return 'copy';
}

/**
 * Copies asynchronously, a folder's entries in parallel: the extension host must not freeze while a large
 * workspace is copied, and the thread pool overlaps the many small file copies.
 */
export async function copyTree(src: string, dst: string, root: string, ignored: IgnoredDirs, exclude: string, workspace = false): Promise<void> {
  const entries = await fs.promises.readdir(src, { withFileTypes: true });
  await Promise.all(entries.map(async (e) => {
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    if (from === exclude) return;
    if (e.isDirectory()) {
      const rel = path.relative(root, from).split(path.sep).join('/');
      const how = folderTreatment(e.name, rel, ignored);
      // node_modules becomes a folder of links (see workspacePackages.ts): a tool that creates a file there
      // creates it in the copy, and a workspace's links to its own packages lead into the copy.
      if (how === 'link' && e.name === 'node_modules') await linkDependencyEntries(from, to, root, workspace);
      else if (how === 'link') await fs.promises.symlink(from, to, 'dir');
      else if (how === 'copy') {
        await fs.promises.mkdir(to);
        await copyTree(from, to, root, ignored, exclude, workspace);
      }
    } else if (e.isFile()) {
      // FICLONE uses a copy-on-write clone where the file system has one and falls back to a plain copy.
      await fs.promises.copyFile(from, to, fs.constants.COPYFILE_FICLONE);
    } else if (e.isSymbolicLink()) {
      await fs.promises.symlink(linkTarget(from, root), to);
    }
  }));
}

/** A link inside the workspace stays relative (it then points into the copy); one leaving it becomes absolute. */
function linkTarget(link: string, root: string): string {
  const target = fs.readlinkSync(link);
  const resolved = path.resolve(path.dirname(link), target);
  const rel = path.relative(root, resolved);
  const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
  if (path.isAbsolute(target)) return inside ? path.relative(path.dirname(link), resolved) || '.' : target;
  return inside ? target : resolved;
}

export interface IgnoredDirs {
  /** Names matched at any depth (`.gitignore` lines without an inner slash). */
  names: Set<string>;
  /** Workspace-relative folder paths (lines with a slash inside). */
  paths: Set<string>;
}

/** Plain folder entries of the root `.gitignore` (globs and negations are left out: they are not cheap to honour). */
export function ignoredDirectories(root: string): IgnoredDirs {
  const result: IgnoredDirs = { names: new Set(), paths: new Set() };
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, '.gitignore'), 'utf8');
  } catch {
    return result;
  }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!') || /[*?[\]\\]/.test(line)) continue;
    const clean = line.replace(/^\/+/, '').replace(/\/+$/, '');
    if (!clean || clean.split('/').includes('..')) continue;
    const anchored = line.startsWith('/') || clean.includes('/');
    if (anchored) {
      const abs = path.join(root, clean);
      if (isDirectory(abs)) result.paths.add(clean);
    } else {
      result.names.add(clean);
    }
  }
  return result;
}

function isDirectory(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}
