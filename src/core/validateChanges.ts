/**
 * Checks a candidate's changes before anything is tested: paths stay inside the workspace, the protected test
 * setup stays untouched (unless allowed, see protectedPaths.ts), every changed file still parses, and the
 * candidate changes something.
 */
import type { SyntaxNode, SyntaxParser } from './ports';
import { reviewProtectedChanges } from './protectedPaths';
import type { FileChange } from './types';

export interface ValidationContext {
  syntax: SyntaxParser;
  isTestFile(path: string): boolean;
  allowTestEdits: boolean;
}

/** A reason to reject the changes, written as feedback for the model, or undefined when they may be tested. */
export async function validateChanges(changes: FileChange[], ctx: ValidationContext): Promise<string | undefined> {
  for (const change of changes) {
    const reason = pathProblem(change.path);
    if (reason) return reason;
  }
  // The same protected-path rules as the loop's own check, so a caller of this function alone is guarded too.
  const refused = reviewProtectedChanges(changes, { allowTestEdits: ctx.allowTestEdits, isTestFile: (p) => ctx.isTestFile(p) }).refused;
  if (refused) return refused.reason;
  const effective = changes.filter((c) => c.before !== c.after);
  if (effective.length === 0) return 'changes nothing: every edited file is identical to the original';
  for (const change of effective) {
    const language = ctx.syntax.languageOf(change.path);
    if (!language) continue;
    const before = change.before === '' ? [] : await ctx.syntax.parse(language, change.before, errorRows);
    const after = await ctx.syntax.parse(language, change.after, errorRows);
    // Only new errors count, so a file that was already broken can still be repaired step by step.
    if (after.length > before.length) {
      const beforeLines = change.before.split(/\r?\n/);
      const afterLines = change.after.split(/\r?\n/);
      const known = new Set(before.map((row) => beforeLines[row]?.trim()));
      // Point at the first error on a line that was not already broken.
      const row = after.find((r) => !known.has(afterLines[r]?.trim())) ?? after[0];
      return `the change to ${change.path} no longer parses: syntax error at line ${row + 1} (\`${afterLines[row]?.trim() ?? ''}\`)`;
    }
  }
  return undefined;
}

function pathProblem(path: string): string | undefined {
  if (path === '' || path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path)) {
    return `changes ${path || 'an empty path'}, which is not a workspace-relative path`;
  }
  if (path.split(/[\\/]/).includes('..')) return `changes ${path}, whose path contains "..": only files inside the workspace may change`;
  return undefined;
}

/** 0-based rows of the ERROR and missing nodes, top to bottom. */
function errorRows(root: SyntaxNode): number[] {
  const rows: number[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === 'ERROR' || node.isMissing) rows.push(node.startPosition.row);
    if (!node.hasError && !node.isMissing) continue;
    for (const c of node.children) if (c) stack.push(c);
  }
  return rows.sort((a, b) => a - b);
}
