/** Mutation rules for Python syntax trees (tree-sitter-python node types). */
import type { SyntaxNode } from '../ports';
import type { RuleContext } from './generate';
import {
  COMPARISON_SWAPS, argumentSwaps, calleeOf, boundaryShifts, identifierSwaps, methodSwaps, numberShifts, same, stringShifts, statementEdits, swapsFor, type Alternative,
} from './commonRules';

const COMPARISON: Record<string, Alternative[]> = {
  ...COMPARISON_SWAPS,
  'in': [['not in', 0.8]],
  'not in': [['in', 0.8]],
  'is': [['is not', 0.7], ['==', 0.3]],
  'is not': [['is', 0.7], ['!=', 0.3]],
};
const ARITHMETIC: Record<string, Alternative[]> = {
  '+': [['-', 0.8], ['*', 0.4]],
  '-': [['+', 0.8], ['*', 0.3], ['//', 0.2]],
  '*': [['/', 0.4], ['+', 0.5], ['**', 0.3], ['//', 0.3], ['-', 0.2]],
  '/': [['//', 0.8], ['*', 0.5], ['%', 0.3]],
  '//': [['/', 0.7], ['%', 0.4], ['*', 0.3]],
  '%': [['//', 0.5], ['/', 0.3], ['*', 0.2]],
  '**': [['*', 0.5]],
  '&': [['|', 0.4]],
  '|': [['&', 0.4]],
};
const AUGMENTED: Record<string, Alternative[]> = {
  '+=': [['-=', 0.7], ['=', 0.4], ['*=', 0.3]],
  '-=': [['+=', 0.7], ['=', 0.4], ['//=', 0.25]],
  '*=': [['/=', 0.3], ['+=', 0.5], ['//=', 0.3]],
  '/=': [['//=', 0.5], ['*=', 0.4]],
  '//=': [['/=', 0.4], ['%=', 0.3]],
};
/** Function and method names people confuse in Python. */
export const PY_METHODS: Record<string, Alternative[]> = {
  min: [['max', 1]], max: [['min', 1]], floor: [['ceil', 0.9]], ceil: [['floor', 0.9]], round: [['int', 0.4]],
  int: [['round', 0.3]], any: [['all', 0.9]], all: [['any', 0.9]], upper: [['lower', 1]], lower: [['upper', 1]],
  isupper: [['islower', 0.8]], islower: [['isupper', 0.8]], isdigit: [['isalpha', 0.4]], isalpha: [['isdigit', 0.4]],
  startswith: [['endswith', 0.8]], endswith: [['startswith', 0.8]], lstrip: [['rstrip', 0.6]], rstrip: [['lstrip', 0.6]],
  find: [['rfind', 0.6]], rfind: [['find', 0.6]], index: [['rindex', 0.4]], split: [['rsplit', 0.2]],
  append: [['extend', 0.2]], extend: [['append', 0.3]], sorted: [['reversed', 0.2]], reversed: [['sorted', 0.2]],
  keys: [['values', 0.4]], values: [['keys', 0.4]], remove: [['pop', 0.2]], sum: [['len', 0.3]], len: [['sum', 0.2]],
  abs: [['int', 0.1]], pop: [['popleft', 0.05]], title: [['capitalize', 0.4]], capitalize: [['title', 0.4]],
  swapcase: [['upper', 0.2]],
};
const ROUNDING_CALLS = new Set(['int', 'round', 'math.floor', 'math.ceil', 'math.trunc', 'floor', 'ceil']);
const BOUND_FUNCTIONS = new Set(['range', 'slice', 'insert', 'pop']);
const CONDITION_PARENTS = new Set(['if_statement', 'while_statement', 'elif_clause', 'conditional_expression', 'if_clause']);

/** The Python rules. */
export function pythonRules(node: SyntaxNode, ctx: RuleContext): void {
  switch (node.type) {
    case 'binary_operator': return binary(node, ctx);
    case 'boolean_operator': return booleanOperator(node, ctx);
    case 'comparison_operator': return comparison(node, ctx);
    case 'augmented_assignment': {
      const op = node.childForFieldName('operator');
      if (op) swapsFor(op, AUGMENTED[op.type], 'arithmetic', ctx);
      return;
    }
    case 'not_operator': {
      const arg = node.childForFieldName('argument');
      if (arg) ctx.replace(node, arg.text, 'negate', 0.7);
      return;
    }
    case 'unary_operator': {
      const op = node.childForFieldName('operator');
      const arg = node.childForFieldName('argument');
      if (op?.type === '-' && arg) ctx.replace(node, arg.text, 'sign', 0.5);
      return;
    }
    case 'true': ctx.replace(node, 'False', 'boolean', 0.7); return;
    case 'false': ctx.replace(node, 'True', 'boolean', 0.7); return;
    case 'integer': case 'float': return numberShifts(node, ctx);
    case 'string': if (!isModuleName(node)) stringShifts(node, ctx); return;
    case 'identifier': return identifier(node, ctx);
    case 'argument_list': {
      argumentSwaps(node, ctx);
      const fn = node.parent?.childForFieldName('function');
      const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
      if (name && BOUND_FUNCTIONS.has(name)) {
        for (const a of node.namedChildren) if (a) boundaryShifts(a, ctx, 0.4);
      }
      return;
    }
    case 'subscript': {
      const index = node.childForFieldName('subscript');
      if (index && index.type !== 'slice' && index.type !== 'string') boundaryShifts(index, ctx, 0.45);
      return;
    }
    case 'slice':
      for (const c of node.namedChildren) if (c) boundaryShifts(c, ctx, 0.4);
      return;
    case 'return_statement': {
      const value = node.namedChildren[0];
      if (value && /^(comparison_operator|boolean_operator|call)$/.test(value.type)) {
        ctx.replace(value, `not (${value.text})`, 'negate', 0.3);
      }
      return;
    }
    case 'block': case 'module':
      return statementEdits(node, ctx, isPyStatement);
    default:
      conditionNegation(node, ctx);
  }
}

function binary(node: SyntaxNode, ctx: RuleContext): void {
  const op = node.childForFieldName('operator');
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!op || !left || !right) return;
  swapsFor(op, ARITHMETIC[op.type], 'arithmetic', ctx);
  // Rounded on the spot (`int(x - base)`): a division is what is usually meant.
  if (!/^\/\/?$/.test(op.type) && ROUNDING_CALLS.has(calleeOf(node) ?? '')) {
    ctx.replace(op, '//', 'arithmetic', 0.9);
    ctx.replace(op, '/', 'arithmetic', 0.6);
  }
  ctx.replace(node, left.text, 'operand', 0.55, node.text, left.text);
  ctx.replace(node, right.text, 'operand', 0.35, node.text, right.text);
  if (op.type === '-' || op.type === '/' || op.type === '//' || op.type === '%') {
    ctx.replace(node, `${right.text} ${op.type} ${left.text}`, 'operand', 0.35);
  }
  if (op.type === '-' && node.parent?.type !== 'argument_list') ctx.replace(node, `abs(${node.text})`, 'method', 0.3);
}

function booleanOperator(node: SyntaxNode, ctx: RuleContext): void {
  const op = node.childForFieldName('operator');
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!op || !left || !right) return;
  ctx.replace(op, op.type === 'and' ? 'or' : 'and', 'logical', 0.9);
  ctx.replace(node, left.text, 'operand', 0.5, node.text, left.text);
  ctx.replace(node, right.text, 'operand', 0.5, node.text, right.text);
  conditionNegation(node, ctx);
}

function comparison(node: SyntaxNode, ctx: RuleContext): void {
  const operands = node.namedChildren.filter((c): c is SyntaxNode => !!c);
  // Operators are anonymous tokens between operands; `not in` / `is not` come as two tokens.
  for (let i = 0; i + 1 < operands.length; i++) {
    const start = operands[i].endIndex;
    const end = operands[i + 1].startIndex;
    const raw = ctx.text.slice(start, end);
    const op = raw.trim().replace(/\s+/g, ' ');
    const lead = raw.length - raw.trimStart().length;
    const trail = raw.length - raw.trimEnd().length;
    for (const [alt, prior] of COMPARISON[op] ?? []) {
      ctx.replace({ start: start + lead, end: end - trail }, alt, 'comparison', prior, op, alt);
    }
    if (COMPARISON[op] && op !== 'in' && op !== 'not in') {
      boundaryShifts(operands[i + 1], ctx, 0.45);
      boundaryShifts(operands[i], ctx, 0.3);
    }
  }
  conditionNegation(node, ctx);
}

/** `if c:` → `if not (c):` when the node is a whole condition. */
function conditionNegation(node: SyntaxNode, ctx: RuleContext): void {
  const parent = node.parent;
  if (!parent || !CONDITION_PARENTS.has(parent.type)) return;
  if (!same(parent.childForFieldName('condition'), node) && parent.type !== 'if_clause') return;
  if (node.type === 'not_operator') return;
  ctx.replace(node, `not (${node.text})`, 'negate', 0.55);
}

function identifier(node: SyntaxNode, ctx: RuleContext): void {
  conditionNegation(node, ctx);
  const parent = node.parent;
  if (!parent) return;
  if (parent.type === 'parameters' || parent.type === 'default_parameter' || parent.type === 'typed_parameter' ||
    parent.type === 'keyword_argument' && same(parent.childForFieldName('name'), node) ||
    parent.type === 'function_definition' || parent.type === 'import_from_statement' || parent.type === 'dotted_name' ||
    parent.type === 'aliased_import' || parent.type === 'lambda_parameters') return;
  if (parent.type === 'attribute' && same(parent.childForFieldName('attribute'), node)) {
    methodSwaps(node, PY_METHODS, ctx);
    return;
  }
  if (parent.type === 'call' && same(parent.childForFieldName('function'), node)) {
    methodSwaps(node, PY_METHODS, ctx);
    return;
  }
  if ((parent.type === 'for_statement' || parent.type === 'for_in_clause') && same(parent.childForFieldName('left'), node)) return;
  if ((parent.type === 'assignment' || parent.type === 'augmented_assignment') && same(parent.childForFieldName('left'), node)) {
    identifierSwaps(node, ctx, 0.3);
    return;
  }
  identifierSwaps(node, ctx, 0.4);
}

function isPyStatement(n: SyntaxNode): boolean {
  return /(_statement|_definition)$/.test(n.type) && n.type !== 'pass_statement' && n.type !== 'import_statement' &&
    n.type !== 'import_from_statement' && !(n.type === 'expression_statement' && n.namedChildren[0]?.type === 'string');
}

/** Strings naming a module (`require('x')`, imports) are not data. */
function isModuleName(node: SyntaxNode): boolean {
  const p = node.parent;
  return !!p && (/import|export/.test(p.type) || p.type === 'arguments' && /^require\b/.test(p.parent?.text ?? ''));
}
