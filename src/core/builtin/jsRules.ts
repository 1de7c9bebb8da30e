/**
 * Mutation rules for JavaScript and TypeScript syntax trees (tree-sitter-javascript / -typescript node types).
 * Each alternative carries a prior: how likely that edit is the fix for everyday bugs of that shape.
 */
import type { SyntaxNode } from '../ports';
import type { RuleContext } from './generate';
import {
  COMPARISON_SWAPS, argumentSwaps, calleeOf, boundaryShifts, identifierSwaps, methodSwaps, numberShifts, same, stringShifts, statementEdits, swapsFor, type Alternative,
} from './commonRules';

const COMPARISON: Record<string, Alternative[]> = {
  ...COMPARISON_SWAPS,
  '===': [['!==', 0.8], ['<', 0.3], ['>', 0.3]],
  '!==': [['===', 0.8], ['<', 0.3], ['>', 0.3]],
};
const ARITHMETIC: Record<string, Alternative[]> = {
  '+': [['-', 0.8], ['*', 0.4]],
  '-': [['+', 0.8], ['*', 0.3], ['/', 0.2]],
  '*': [['/', 0.5], ['+', 0.5], ['**', 0.3], ['-', 0.2]],
  '/': [['*', 0.6], ['%', 0.4]],
  '%': [['/', 0.5], ['*', 0.2]],
  '**': [['*', 0.5]],
};
const LOGICAL: Record<string, Alternative[]> = {
  '&&': [['||', 0.9]],
  '||': [['&&', 0.9]],
  '??': [['||', 0.4]],
  '&': [['&&', 0.4], ['|', 0.4]],
  '|': [['||', 0.4], ['&', 0.4]],
};
const AUGMENTED: Record<string, Alternative[]> = {
  '+=': [['-=', 0.7], ['=', 0.4], ['*=', 0.3]],
  '-=': [['+=', 0.7], ['=', 0.4], ['/=', 0.2]],
  '*=': [['/=', 0.5], ['+=', 0.5]],
  '/=': [['*=', 0.5]],
  '%=': [['/=', 0.3]],
};
/** Method and function names people confuse; the fix is often the sibling. */
export const JS_METHODS: Record<string, Alternative[]> = {
  min: [['max', 1]], max: [['min', 1]], floor: [['ceil', 0.9], ['round', 0.5], ['trunc', 0.3]],
  ceil: [['floor', 0.9], ['round', 0.5]], round: [['floor', 0.6], ['ceil', 0.5]], trunc: [['floor', 0.4]],
  slice: [['splice', 0.5], ['substring', 0.3]], splice: [['slice', 0.5]], substring: [['slice', 0.3], ['substr', 0.4]],
  substr: [['substring', 0.4]],
  push: [['unshift', 0.7]], unshift: [['push', 0.7]], pop: [['shift', 0.7]], shift: [['pop', 0.7]],
  some: [['every', 0.9]], every: [['some', 0.9]], filter: [['find', 0.3]], find: [['filter', 0.3]],
  toUpperCase: [['toLowerCase', 1]], toLowerCase: [['toUpperCase', 1]],
  indexOf: [['lastIndexOf', 0.6], ['includes', 0.2]], lastIndexOf: [['indexOf', 0.6]],
  startsWith: [['endsWith', 0.8]], endsWith: [['startsWith', 0.8]],
  trimStart: [['trimEnd', 0.5]], trimEnd: [['trimStart', 0.5]],
  reduce: [['reduceRight', 0.3]], reduceRight: [['reduce', 0.3]], sort: [['reverse', 0.2]],
  parseInt: [['parseFloat', 0.4]], parseFloat: [['parseInt', 0.4]], abs: [['sign', 0.2]],
  isInteger: [['isFinite', 0.2]], charCodeAt: [['codePointAt', 0.1]],
  keys: [['values', 0.4]], values: [['keys', 0.4]],
};

const ROUNDING_CALLS = new Set(['Math.floor', 'Math.ceil', 'Math.round', 'Math.trunc', 'parseInt']);
const BOUND_METHODS = new Set(['slice', 'substring', 'substr', 'splice', 'charAt', 'at', 'repeat', 'padStart', 'padEnd']);
const CONDITION_PARENTS = new Set(['if_statement', 'while_statement', 'do_statement', 'ternary_expression', 'for_statement']);
const STATEMENT_CONTAINERS = new Set(['statement_block', 'program', 'switch_case', 'switch_default', 'class_body']);

/** The JavaScript/TypeScript rules. */
export function javascriptRules(node: SyntaxNode, ctx: RuleContext): void {
  switch (node.type) {
    case 'binary_expression': return binary(node, ctx);
    case 'augmented_assignment_expression': {
      const op = node.childForFieldName('operator');
      if (op) swapsFor(op, AUGMENTED[op.type], 'arithmetic', ctx);
      return;
    }
    case 'update_expression': {
      const op = node.children.find((c) => c && (c.type === '++' || c.type === '--'));
      if (op) ctx.replace(op, op.type === '++' ? '--' : '++', 'arithmetic', 0.5);
      return;
    }
    case 'unary_expression': {
      const op = node.childForFieldName('operator');
      const arg = node.childForFieldName('argument');
      if (op && arg && (op.type === '!' || op.type === '-')) {
        ctx.replace(node, arg.text, op.type === '!' ? 'negate' : 'sign', op.type === '!' ? 0.7 : 0.5);
      }
      return;
    }
    case 'true': ctx.replace(node, 'false', 'boolean', 0.7); return;
    case 'false': ctx.replace(node, 'true', 'boolean', 0.7); return;
    case 'number': return numberShifts(node, ctx);
    case 'string': if (!isModuleName(node)) stringShifts(node, ctx); return;
    case 'parenthesized_expression': return condition(node, ctx);
    case 'assignment_expression': return assignmentInCondition(node, ctx);
    case 'property_identifier': return methodSwaps(node, JS_METHODS, ctx);
    case 'identifier': return identifier(node, ctx);
    case 'arguments': {
      argumentSwaps(node, ctx);
      const fn = node.parent?.childForFieldName('function');
      const name = fn?.type === 'member_expression' ? fn.childForFieldName('property')?.text : fn?.text;
      if (name && BOUND_METHODS.has(name)) for (const a of node.namedChildren) if (a) boundaryShifts(a, ctx, 0.4);
      return;
    }
    case 'subscript_expression': {
      const index = node.childForFieldName('index');
      if (index && index.type !== 'string') boundaryShifts(index, ctx, 0.5);
      return;
    }
    case 'return_statement': {
      const value = node.namedChildren[0];
      if (value && /^(binary|call|unary)_expression$/.test(value.type) && /[<>=!]|\b(includes|some|every|has)\b/.test(value.text)) {
        ctx.replace(value, `!(${value.text})`, 'negate', 0.3);
      }
      return;
    }
    default:
      if (STATEMENT_CONTAINERS.has(node.type)) statementEdits(node, ctx, isJsStatement);
  }
}

function binary(node: SyntaxNode, ctx: RuleContext): void {
  const op = node.childForFieldName('operator');
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!op || !left || !right) return;
  const t = op.type;
  if (COMPARISON[t]) {
    swapsFor(op, COMPARISON[t], 'comparison', ctx);
    // A bound that is off by one: `i < n` → `i < n - 1`, `i <= n + 1`.
    boundaryShifts(right, ctx, 0.45);
    boundaryShifts(left, ctx, 0.3);
  } else if (ARITHMETIC[t]) {
    swapsFor(op, ARITHMETIC[t], 'arithmetic', ctx);
    // Rounded on the spot (`Math.floor(x - base)`): a division is what is usually meant.
    if (t !== '/' && ROUNDING_CALLS.has(calleeOf(node) ?? '')) ctx.replace(op, '/', 'arithmetic', 0.9);
    ctx.replace(node, left.text, 'operand', 0.55, node.text, left.text);
    ctx.replace(node, right.text, 'operand', 0.35, node.text, right.text);
    if (t === '-' || t === '/' || t === '%') ctx.replace(node, `${right.text} ${t} ${left.text}`, 'operand', 0.35);
    if (t === '/') ctx.replace(node, `Math.floor(${node.text})`, 'method', 0.45);
    if (t === '-' && node.parent?.type !== 'call_expression') ctx.replace(node, `Math.abs(${node.text})`, 'method', 0.3);
  } else if (LOGICAL[t]) {
    swapsFor(op, LOGICAL[t], 'logical', ctx);
    if (t === '&&' || t === '||') {
      ctx.replace(node, left.text, 'operand', 0.5, node.text, left.text);
      ctx.replace(node, right.text, 'operand', 0.5, node.text, right.text);
    }
  }
}

/** `if (c)` → `if (!(c))`, and a bare `!c` condition handled by unary rules. */
function condition(node: SyntaxNode, ctx: RuleContext): void {
  const parent = node.parent;
  if (!parent || !CONDITION_PARENTS.has(parent.type)) return;
  const inner = node.namedChildren[0];
  if (!inner || inner.type === 'unary_expression' && inner.text.startsWith('!')) return;
  ctx.replace(inner, `!(${inner.text})`, 'negate', 0.55, inner.text, `!(${inner.text})`);
}

/** `if (x = 2)` is almost always `if (x === 2)`. */
function assignmentInCondition(node: SyntaxNode, ctx: RuleContext): void {
  const parent = node.parent;
  if (parent?.type !== 'parenthesized_expression' || !parent.parent || !CONDITION_PARENTS.has(parent.parent.type)) return;
  const op = node.children.find((c) => c?.type === '=');
  if (!op) return;
  ctx.replace(op, '===', 'syntax', 1.5);
  ctx.replace(op, '==', 'syntax', 1.2);
}

const NOT_REPLACEABLE_PARENTS = new Set([
  'variable_declarator', 'formal_parameters', 'function_declaration', 'method_definition', 'import_specifier',
  'labeled_statement', 'shorthand_property_identifier', 'pair',
]);

function identifier(node: SyntaxNode, ctx: RuleContext): void {
  const parent = node.parent;
  if (!parent || NOT_REPLACEABLE_PARENTS.has(parent.type) && same(parent.childForFieldName('name'), node)) return;
  if (parent.type === 'formal_parameters' || parent.type === 'arrow_function' && same(parent.childForFieldName('parameter'), node)) return;
  if (parent.type === 'call_expression' && same(parent.childForFieldName('function'), node)) {
    methodSwaps(node, JS_METHODS, ctx);
    return;
  }
  if (parent.type === 'for_in_statement' && same(parent.childForFieldName('left'), node)) return;
  if (parent.type === 'assignment_expression' && same(parent.childForFieldName('left'), node)) {
    identifierSwaps(node, ctx, 0.3);
    return;
  }
  identifierSwaps(node, ctx, 0.4);
}

function isJsStatement(n: SyntaxNode): boolean {
  return /(_statement|_declaration)$/.test(n.type) && n.type !== 'empty_statement';
}

/** Strings naming a module (`require('x')`, imports) are not data. */
function isModuleName(node: SyntaxNode): boolean {
  const p = node.parent;
  return !!p && (/import|export/.test(p.type) || p.type === 'arguments' && /^require\b/.test(p.parent?.text ?? ''));
}
