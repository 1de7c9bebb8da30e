/** Finds the tools a project uses: its own packages' binaries and its Python interpreter. */
import * as fs from 'fs';
import * as path from 'path';

/** The JavaScript entry of a package binary (`.bin/jest` is a symlink to it), run with our `node`. */
export function findPackageFile(dir: string, pkg: string, rel: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    const candidate = path.join(d, 'node_modules', pkg, rel);
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** The major version of an installed package (0 when it cannot be read), to drive each version as it allows. */
export function majorVersion(dir: string, pkg: string): number {
  const file = findPackageFile(dir, pkg, 'package.json');
  try {
    return Number(/^(\d+)\./.exec((JSON.parse(fs.readFileSync(file ?? '', 'utf8')) as { version?: string }).version ?? '')?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The project's virtualenv interpreter (.venv or venv) if there is one, else `python3` from PATH. */
export function findPython(dir: string): string {
  for (const venv of ['.venv', 'venv']) {
    const p = path.join(dir, venv, 'bin', 'python');
    if (fs.existsSync(p)) return p;
  }
  return 'python3';
}

/** The system interpreter tried when the first one lacks pytest (Debian's python3-pytest lives there). */
export const SYSTEM_PYTHON = '/usr/bin/python3';
