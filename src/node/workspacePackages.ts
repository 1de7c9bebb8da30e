/**
 * npm, yarn and pnpm workspaces in scratch copies. A workspace's `node_modules` holds links to its own packages
 * (`node_modules/@app/lib -> ../packages/lib`); linking that folder whole into a copy would make the copy's code
 * import the user's unedited packages. So dependency folders are rebuilt in the copy as folders of
 * links: third-party packages still link to the user's install (cheap), workspace packages link to the copy's
 * own packages. A project opened at a package folder is copied with its whole workspace, so that its siblings,
 * the hoisted dependencies and the shared configuration resolve as they do for the user.
 */
import * as fs from 'fs';
import * as path from 'path';

/** A link in a dependency folder that leaves the project (an `npm link` to a checkout elsewhere). */
export class WorkspaceLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceLinkError';
  }
}

/**
 * The root of the npm/yarn/pnpm workspace holding `dir` (a `package.json` with `workspaces`, or a
 * `pnpm-workspace.yaml`), `dir` itself when it is one; undefined when `dir` is in no workspace.
 */
export function workspaceRootOf(dir: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    if (isWorkspaceRoot(d)) return d;
    const up = path.dirname(d);
    // A workspace never contains its packages through a dependency folder.
    if (up === d || path.basename(d) === 'node_modules') return undefined;
    d = up;
  }
}

function isWorkspaceRoot(dir: string): boolean {
  if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return true;
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { workspaces?: unknown };
    const w = pkg.workspaces as string[] | { packages?: string[] } | undefined;
    return Array.isArray(w) ? w.length > 0 : Array.isArray(w?.packages) && w!.packages!.length > 0;
  } catch {
    return false;
  }
}

/** Caches tools write into node_modules: left out, so a run in the copy creates its own instead of the user's. */
const DEPENDENCY_CACHES = new Set(['.cache', '.vite', '.vitest']);

/**
 * Recreates the dependency folder `from` at `to` as a folder of links (scopes `@x/` one level down), so a tool
 * that creates a file there (a cache, a results file) creates it in the copy; writes inside a package still
 * reach the user's files (the after-run tree check reports them). Workspace packages (links into `root` outside
 * any node_modules) keep their relative link, which then points into the copy; everything else links to the
 * user's entry. In a workspace (`workspace`), a link leaving `root` throws WorkspaceLinkError.
 */
export async function linkDependencyEntries(from: string, to: string, root: string, workspace: boolean): Promise<void> {
  await fs.promises.mkdir(to);
  const entries = await fs.promises.readdir(from, { withFileTypes: true });
  await Promise.all(entries.map(async (e) => {
    const src = path.join(from, e.name);
    const dst = path.join(to, e.name);
    if (DEPENDENCY_CACHES.has(e.name)) return;
    if (e.name.startsWith('@') && e.isDirectory()) return linkDependencyEntries(src, dst, root, workspace);
    if (!e.isSymbolicLink()) return fs.promises.symlink(src, dst, e.isDirectory() ? 'dir' : 'file');
    const target = path.resolve(from, await fs.promises.readlink(src));
    const rel = path.relative(root, target);
    const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
    const inDependencies = target.split(path.sep).includes('node_modules');
    if (inside && !inDependencies) return fs.promises.symlink(path.relative(from, target), dst);
    if (!inside && !inDependencies && workspace) {
      throw new WorkspaceLinkError(`${path.relative(root, src)} links to ${target}, outside ${root}; a scratch copy cannot hold edits there: open the folder that contains both, or install the package instead of linking it`);
    }
    return fs.promises.symlink(src, dst);
  }));
}
