/**
 * Mutation rules shared by every language: literal and bound shifts, argument and variable swaps, method
 * confusions, and statement deletion, duplication, swap and guard removal.
 */
import type { SyntaxNode } from '../ports';
import type { RuleContext } from './generate';
import type { OperatorKind } from './mutation';

/** An alternative text and its prior. */
export type Alternative = [text: string, prior: number];

/** Comparison slips both languages share: a bound included or not (most likely), then a reversed comparison. */
export const COMPARISON_SWAPS: Record<string, Alternative[]> = {
  '<': [['<=', 1], ['>', 0.6], ['>=', 0.5]],
  '<=': [['<', 1], ['>=', 0.6], ['>', 0.5]],
  '>': [['>=', 1], ['<', 0.6], ['<=', 0.5]],
  '>=': [['>', 1], ['<=', 0.6], ['<', 0.5]],
  '==': [['!=', 0.8], ['<', 0.3], ['>', 0.3]],
  '!=': [['==', 0.8], ['<', 0.3], ['>', 0.3]],
};

/** Replaces an operator token by each alternative. */
export function swapsFor(op: SyntaxNode, alternatives: Alternative[] | undefined, kind: OperatorKind, ctx: RuleContext): void {
  for (const [alt, prior] of alternatives ?? []) ctx.replace(op, alt, kind, prior);
}

/** `3` → `4`, `2`, `0`: integer literals off by one (and reset to zero). */
export function numberShifts(node: SyntaxNode, ctx: RuleContext): void {
  const text = node.text;
  const m = /^(\d+)(\.0*)?$/.exec(text);
  if (!m) return;
  const n = Number(m[1]);
  const isFloat = m[2] !== undefined;
  const fmt = (v: number) => (isFloat ? `${v}.0` : String(v));
  const p = isFloat ? 0.35 : 0.6;
  // `x - 1` → `x - 0` is the operand removal `x` written worse: leave zero to that rule.
  const parent = node.parent;
  const addend = !!parent && /^binary_(expression|operator)$/.test(parent.type) && same(parent.childForFieldName('right'), node) &&
    /^[-+]$/.test(parent.childForFieldName('operator')?.type ?? '');
  ctx.replace(node, fmt(n + 1), 'literal', p);
  if (n > 1 || n === 1 && !addend) ctx.replace(node, fmt(n - 1), 'literal', p);
  if (n > 1 && !addend) ctx.replace(node, fmt(0), 'literal', 0.25);
  if (n > 2) ctx.replace(node, fmt(1), 'literal', 0.2);
}

/** `' '` → `''` and `''` → `' '`: a separator or padding that is wrong. Longer strings are left alone. */
export function stringShifts(node: SyntaxNode, ctx: RuleContext): void {
  const m = /^(['"])(.{0,1})\1$/s.exec(node.text);
  if (!m) return;
  const [, q, body] = m;
  if (body === '') ctx.replace(node, `${q} ${q}`, 'literal', 0.25);
  else if (/^[\s,;:.\-_|/]$/.test(body)) ctx.replace(node, `${q}${q}`, 'literal', 0.35);
}

/** `e` → `e - 1`, `e + 1`: a bound or index off by one. Literals are left to `numberShifts`. */
export function boundaryShifts(expr: SyntaxNode, ctx: RuleContext, prior: number): void {
  if (/^(number|integer|float|string|true|false|null|undefined|none)$/.test(expr.type)) return;
  if (expr.text.length > 60) return;
  const wrapped = /^(binary_expression|binary_operator|ternary_expression|conditional_expression|boolean_operator|comparison_operator|assignment_expression)$/.test(expr.type)
    ? `(${expr.text})` : expr.text;
  ctx.replace(expr, `${wrapped} - 1`, 'boundary', prior);
  ctx.replace(expr, `${wrapped} + 1`, 'boundary', prior * 0.9);
}

/** `f(a, b)` → `f(b, a)` for each adjacent pair. */
export function argumentSwaps(args: SyntaxNode, ctx: RuleContext): void {
  const list = args.namedChildren.filter((c): c is SyntaxNode => !!c && c.type !== 'comment');
  for (let i = 0; i + 1 < list.length; i++) {
    const a = list[i];
    const b = list[i + 1];
    if (a.text === b.text) continue;
    const between = ctx.text.slice(a.endIndex, b.startIndex);
    ctx.replace({ start: a.startIndex, end: b.endIndex }, `${b.text}${between}${a.text}`, 'arguments', 0.35,
      `${a.text}${between}${b.text}`, `${b.text}${between}${a.text}`);
  }
}

/**
 * A variable replaced by another one in scope (nearest scopes first, each a little less likely). Only names the
 * code declares are swapped (not `Math` or `len`), and a value is not swapped for a function or the reverse.
 */
export function identifierSwaps(node: SyntaxNode, ctx: RuleContext, prior: number): void {
  const inScope = ctx.scopeNames(node);
  if (!inScope.includes(node.text)) return;
  const functions = ctx.functionNames();
  const isFunction = functions.has(node.text);
  const names = inScope.filter((n) => n !== node.text && functions.has(n) === isFunction);
  names.slice(0, 10).forEach((name, k) => ctx.replace(node, name, 'identifier', prior / (1 + 0.12 * k)));
}

/** `Math.min` → `Math.max` and the like. */
export function methodSwaps(node: SyntaxNode, table: Record<string, Alternative[]>, ctx: RuleContext): void {
  const alternatives = Object.prototype.hasOwnProperty.call(table, node.text) ? table[node.text] : undefined;
  swapsFor(node, alternatives, 'method', ctx);
}

/** Deletion, duplication and swap of the statements of a block, removal of an `else` and of an `if` guard. */
export function statementEdits(container: SyntaxNode, ctx: RuleContext, isStatement: (n: SyntaxNode) => boolean): void {
  const statements = container.namedChildren.filter((c): c is SyntaxNode => !!c && isStatement(c));
  const python = ctx.language === 'python';
  statements.forEach((s, i) => {
    const prior = deletionPrior(s, i === statements.length - 1);
    if (prior > 0) {
      const emptyBlock = python && statements.length === 1;
      ctx.replace(s, emptyBlock ? 'pass' : '', 'delete', prior, s.text, '');
    }
    if (/^(expression_statement|augmented_assignment)$/.test(s.type)) {
      ctx.replace(s, `${s.text}\n${indentOf(ctx.text, s.startIndex)}${s.text}`, 'duplicate', 0.12, s.text, `${s.text} ×2`);
    }
    const next = statements[i + 1];
    if (next && !/declaration|definition/.test(s.type + next.type) && s.type !== 'return_statement') {
      const between = ctx.text.slice(s.endIndex, next.startIndex);
      ctx.replace({ start: s.startIndex, end: next.endIndex }, `${next.text}${between}${s.text}`, 'swap', 0.2,
        `${s.text}; ${next.text}`, `${next.text}; ${s.text}`);
    }
    if (s.type === 'if_statement') ifEdits(s, ctx);
  });
}

function deletionPrior(s: SyntaxNode, last: boolean): number {
  switch (s.type) {
    case 'expression_statement': return /^[\w.]+\s*(=|\+=|-=|\*=)/.test(s.text) || /\(/.test(s.text) ? 0.45 : 0.3;
    case 'if_statement': return 0.4;
    case 'break_statement': case 'continue_statement': return 0.4;
    case 'return_statement': return last ? 0 : 0.3;
    case 'for_statement': case 'while_statement': case 'for_in_statement': return 0.15;
    default: return 0;
  }
}

function ifEdits(s: SyntaxNode, ctx: RuleContext): void {
  const consequence = s.childForFieldName('consequence');
  const alternatives = s.children.filter((c): c is SyntaxNode => !!c && /^(else_clause|elif_clause)$/.test(c.type));
  if (consequence && alternatives.length === 0) {
    const body = ctx.language === 'python'
      ? dedent(consequence.text, consequence.startPosition.column - s.startPosition.column)
      : consequence.text;
    ctx.replace(s, body, 'unwrap', 0.3, s.text.split('\n')[0], body.split('\n')[0]);
  }
  for (const alt of alternatives) {
    // Remove from the end of what precedes the clause, so no blank `else` line is left behind.
    const prev = ctx.text.slice(0, alt.startIndex).replace(/\s+$/, '').length;
    ctx.replace({ start: prev, end: alt.endIndex }, '', 'delete', 0.35, alt.text.split('\n')[0], '');
  }
}

function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
}

function dedent(text: string, by: number): string {
  if (by <= 0) return text;
  return text.split('\n').map((l, i) => (i === 0 ? l : l.replace(new RegExp(`^ {0,${by}}`), ''))).join('\n');
}

/** The same syntax node (tree-sitter hands out a new object on every access, so identity does not work). */
export function same(a: SyntaxNode | null | undefined, b: SyntaxNode | null | undefined): boolean {
  return !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

/** `f` when `node` is an argument of the call `f(…)`, as written (`Math.floor`, `math.floor`), spaces removed. */
export function calleeOf(node: SyntaxNode): string | undefined {
  const args = node.parent;
  if (args?.type !== 'arguments' && args?.type !== 'argument_list') return undefined;
  return args.parent?.childForFieldName('function')?.text.replace(/\s+/g, '');
}
