/** Writes a verified fix into the user's folder: the one place the CLI and the agent tools touch the user's files. */
import * as fs from 'fs';
import * as path from 'path';
import type { FileChange } from '../core/types';

/**
 * Writes the changes, but only if every file still holds what the run started from (the user or an agent may
 * have edited it meanwhile). Returns why nothing was written, or undefined once everything was.
 */
export function applyVerifiedChanges(root: string, changes: Pick<FileChange, 'path' | 'before' | 'after'>[]): string | undefined {
  for (const c of changes) {
    const abs = path.join(root, c.path);
    const now = fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : '';
    if (now !== c.before) return `${c.path} changed since the run started; run reflect fix again`;
  }
  for (const c of changes) {
    const abs = path.join(root, c.path);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, c.after);
  }
  return undefined;
}
