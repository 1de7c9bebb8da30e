import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Repository root (works from both src-relative ts-node and compiled out/ paths). */
export const repoRoot = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'esbuild.js'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`repository root not found above ${start}`);
    dir = up;
  }
  return dir;
}

/** Absolute path of test/fixtures/<name> in the repository (read-only: copy it before running anything). */
export function fixturePath(name: string): string {
  return path.join(repoRoot, 'test', 'fixtures', name);
}

/**
 * Copies test/fixtures/<name> into a fresh temporary folder, as a real project would look: JavaScript fixtures get
 * a `node_modules` link to the repository's own (jest, vitest, mocha are devDependencies), so the copy resolves
 * its framework like an installed project. Returns the folder; remove it with `removeFixtureCopy`.
 */
export function copyFixture(name: string): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), `reflect-fixture-${name.replace(/[^\w-]/g, '_')}-`));
  fs.cpSync(fixturePath(name), dest, { recursive: true });
  if (fs.existsSync(path.join(dest, 'package.json')) && !fs.existsSync(path.join(dest, 'node_modules'))) {
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
  }
  return dest;
}

export function removeFixtureCopy(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
