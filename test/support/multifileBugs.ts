/**
 * The multi-file bug set (test/fixtures/multifile-bugs): small real projects whose bug sits one to three calls below
 * the function the test calls. Each has its buggy tree under `project/` and the fix as a unified diff (`fix.diff`).
 * Used by the integration test that proves every buggy version fails and every fixed one passes, and by
 * `npm run bench:context`, which measures whether the first actor prompt holds the fix's file and lines.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyPatch, parsePatch } from 'diff';
import { fixturePath, repoRoot } from './fixtures';

/** One project of the set, as index.json describes it. */
export interface BugProject {
  id: string;
  language: 'javascript' | 'typescript' | 'python';
  framework: string;
  /** Where the bug hides, in a few words ("alias import (tsconfig paths)"). */
  kind: string;
  /** The fix changes one token (the built-in engine's mutations can reach it). */
  singleToken: boolean;
  /**
   * npm workspaces: packages are linked into node_modules as `npm install` would, with the root's devDependencies
   * (mocha, esbuild) and `.bin` linked from the repository's node_modules.
   */
  workspaces?: boolean;
}

/** Root of the set. */
export const MULTIFILE_BUGS = fixturePath('multifile-bugs');

/** Every project of the set, in index order. */
export function listBugProjects(): BugProject[] {
  return JSON.parse(fs.readFileSync(path.join(MULTIFILE_BUGS, 'index.json'), 'utf8')) as BugProject[];
}

/** The fix of `id` as a unified diff. */
export function fixDiff(id: string): string {
  return fs.readFileSync(path.join(MULTIFILE_BUGS, id, 'fix.diff'), 'utf8');
}

/**
 * Workspace-relative file → 1-based lines of the BUGGY file that the fix changes (removed lines; for a pure
 * insertion, the line the insertion follows), from a unified diff with `a/` and `b/` prefixes.
 */
export function changedLines(diff: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const patch of parsePatch(diff)) {
    const file = (patch.oldFileName ?? '').replace(/^a\//, '');
    const lines: number[] = [];
    for (const hunk of patch.hunks) {
      let old = hunk.oldStart;
      for (const line of hunk.lines) {
        if (line.startsWith('-')) lines.push(old);
        else if (line.startsWith('+') && !lines.includes(Math.max(1, old - 1)) && !lines.includes(old)) lines.push(Math.max(1, old - 1));
        if (!line.startsWith('+')) old++;
      }
    }
    out.set(file, [...new Set(lines)].sort((a, b) => a - b));
  }
  return out;
}

/**
 * Copies project `id` into a fresh temporary folder set up as an installed project: a `node_modules` link to the
 * repository's own (jest, vitest, mocha), or for npm workspaces a node_modules whose package links point into
 * `packages/`. With `fixed`, the fix is applied. Remove the folder with fs.rmSync when done.
 */
export function copyBugProject(project: BugProject, options: { fixed?: boolean } = {}): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), `reflect-mfb-${project.id}-`));
  fs.cpSync(path.join(MULTIFILE_BUGS, project.id, 'project'), dest, { recursive: true });
  if (project.workspaces) linkWorkspacePackages(dest);
  else if (project.language !== 'python') fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
  if (options.fixed) applyDiff(dest, fixDiff(project.id));
  return dest;
}

/** Applies a unified diff to the files under `dir`; throws when a hunk does not match. */
export function applyDiff(dir: string, diff: string): void {
  for (const patch of parsePatch(diff)) {
    const rel = (patch.oldFileName ?? '').replace(/^a\//, '');
    const file = path.join(dir, rel);
    const patched = applyPatch(fs.readFileSync(file, 'utf8'), patch);
    if (patched === false) throw new Error(`the fix does not apply to ${rel}`);
    fs.writeFileSync(file, patched);
  }
}

/**
 * node_modules/<name> → packages/<dir> for every workspace package, as `npm install` links them; the root's
 * devDependencies and node_modules/.bin → the repository's own (the tools its scripts run).
 */
function linkWorkspacePackages(root: string): void {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { workspaces?: string[]; devDependencies?: Record<string, string> };
  const tools = Object.keys(pkg.devDependencies ?? {});
  if (tools.length > 0) {
    fs.mkdirSync(path.join(root, 'node_modules'), { recursive: true });
    for (const name of [...tools, '.bin']) fs.symlinkSync(path.join(repoRoot, 'node_modules', name), path.join(root, 'node_modules', name), 'dir');
  }
  for (const pattern of pkg.workspaces ?? []) {
    const base = path.join(root, pattern.replace(/\/\*$/, ''));
    for (const dir of fs.readdirSync(base)) {
      const manifest = path.join(base, dir, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const name = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name: string }).name;
      const link = path.join(root, 'node_modules', name);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.join(base, dir), link, 'dir');
    }
  }
}
