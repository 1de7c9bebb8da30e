/**
 * Checks a candidate's changes before anything is tested: paths stay inside the workspace, test files stay
 * untouched (unless allowed), every changed file still parses, and the candidate changes something.
 */
import type { SyntaxNode, SyntaxParser } from './ports';
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
  for (const change of changes) {
    if (!ctx.allowTestEdits && change.before !== change.after && ctx.isTestFile(change.path)) {
      return `edits the test file ${change.path}; test files are read-only unless --allow-test-edits`;
    }
  }
  const effective = changes.filter((c) => c.before !== c.after);
  if (effective.length === 0) return 'changes nothing: every edited file is identical to the original';
  for (const change of effective) {
    const language = ctx.syntax.languageOf(change.path);
    if (!language) continue;
    const before = change.before === '' ? { count: 0 } : await ctx.syntax.parse(language, change.before, syntaxErrors);
    const after = await ctx.syntax.parse(language, change.after, syntaxErrors);
    // Only new errors count, so a file that was already broken can still be repaired step by step.
    if (after.count > before.count && after.first) {
      const line = after.first.line;
      const text = change.after.split(/\r?\n/)[line - 1]?.trim() ?? '';
      return `the change to ${change.path} no longer parses: syntax error at line ${line} (\`${text}\`)`;
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

/** Counts ERROR and missing nodes; `first` is the 1-based line of the first one. */
function syntaxErrors(root: SyntaxNode): { count: number; first?: { line: number } } {
  let count = 0;
  let first: { line: number } | undefined;
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === 'ERROR' || node.isMissing) {
      count++;
      if (!first || node.startPosition.row + 1 < first.line) first = { line: node.startPosition.row + 1 };
    }
    if (!node.hasError && !node.isMissing) continue;
    for (const c of node.children) if (c) stack.push(c);
  }
  return { count, first };
}
