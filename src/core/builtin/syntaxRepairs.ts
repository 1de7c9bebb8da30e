/**
 * Repairs for code that does not parse: tree-sitter marks a token it had to invent as MISSING (insert it), and
 * an ERROR region often lacks a closing bracket at the end of its line (try each one).
 */
import type { SyntaxNode } from '../ports';
import type { RuleContext } from './generate';

const CLOSERS = [')', ']', '}'];

/** Records syntax-repair mutations for every MISSING token and ERROR region under `root`. */
export function syntaxRepairs(root: SyntaxNode, ctx: RuleContext): void {
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (!n.hasError && !n.isMissing && n.type !== 'ERROR') continue;
    if (n.isMissing) {
      const token = n.type;
      if (token.length <= 3 && !/^\w+$/.test(token)) {
        ctx.replace({ start: n.startIndex, end: n.startIndex }, token, 'syntax', 3, '', token);
      }
    }
    if (n.type === 'ERROR') errorRepairs(n, ctx);
    for (const c of n.children) if (c) stack.push(c);
  }
}

function errorRepairs(n: SyntaxNode, ctx: RuleContext): void {
  const text = ctx.text;
  // Insert a closer at the end of each line the ERROR spans (before a trailing `;` or `:`), and try deleting
  // a stray closer inside it.
  let pos = n.startIndex;
  while (pos < n.endIndex) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0 || eol > n.endIndex) eol = Math.min(n.endIndex, eol < 0 ? text.length : eol);
    let at = eol;
    while (at > pos && /\s/.test(text[at - 1])) at--;
    if (at > pos && /[;:]/.test(text[at - 1])) at--;
    for (const c of CLOSERS) ctx.replace({ start: at, end: at }, c, 'syntax', 2, '', c);
    pos = eol + 1;
  }
  for (let i = n.startIndex; i < n.endIndex; i++) {
    if (CLOSERS.includes(text[i]) || text[i] === '(' || text[i] === '[' || text[i] === '{') {
      ctx.replace({ start: i, end: i + 1 }, '', 'syntax', 1.5, text[i], '');
    }
  }
}
