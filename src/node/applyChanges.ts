/** Writes a verified fix into the user's folder: the one place the CLI and the agent tools touch the user's files. */
import type { FileChange } from '../core/types';
import { writeChangesExactly, type WriteRules } from './safeWrite';

/**
 * Writes the changes, but only if every file still holds, byte for byte, what the run started from (the user or
 * an agent may have edited it meanwhile), each target stays inside the workspace with links resolved, and no
 * protected path is touched (see safeWrite.ts). Returns why nothing was written, or undefined once everything was.
 */
export function applyVerifiedChanges(
  root: string, changes: Pick<FileChange, 'path' | 'before' | 'after'>[], rules: WriteRules = {},
): string | undefined {
  return writeChangesExactly(root, changes, rules);
}
