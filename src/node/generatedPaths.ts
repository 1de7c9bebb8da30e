/**
 * Which files of a workspace are made rather than written: git-ignored files (build output such as `dist/`,
 * generated code) and the TypeScript output folder. A candidate editing one is refused (protectedPaths.ts's
 * `generated` rule): the next build overwrites it, and a test run that builds first never sees it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ignoredDirectories } from './workspaceCopy';

/** A checker for `root`: a short phrase saying what a workspace-relative path is, or undefined for a source file. */
export function generatedPathChecker(root: string): (rel: string) => string | undefined {
  const outDir = typeScriptOutDir(root);
  return (rel: string) => {
    const clean = rel.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
    if (outDir && (clean === outDir || clean.startsWith(`${outDir}/`))) return `build output (${outDir}/, the outDir of tsconfig.json)`;
    return isIgnored(root, clean) ? 'git-ignored (see .gitignore)' : undefined;
  };
}

/** `git check-ignore` where root is in a repository (every pattern honoured); else the plain folder entries. */
function isIgnored(root: string, rel: string): boolean {
  const git = spawnSync('git', ['check-ignore', '-q', '--no-index', '--', rel], { cwd: root, timeout: 5000 });
  if (git.status === 0) return true;
  if (git.status === 1) return false;
  const ignored = ignoredDirectories(root);
  const parts = rel.split('/');
  return parts.slice(0, -1).some((p, i) => ignored.names.has(p) || ignored.paths.has(parts.slice(0, i + 1).join('/')));
}

function typeScriptOutDir(root: string): string | undefined {
  try {
    // tsconfig.json may hold comments and trailing commas; the outDir value is all we need.
    const text = fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8');
    const m = /"outDir"\s*:\s*"([^"]+)"/.exec(text);
    const out = m && path.posix.normalize(m[1].replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/+$/, '');
    return out && !out.startsWith('..') && out !== '.' ? out : undefined;
  } catch {
    return undefined;
  }
}
