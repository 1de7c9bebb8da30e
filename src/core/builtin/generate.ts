/**
 * Walks a syntax tree and collects the mutations the language's rules suggest on suspicious lines, scored by
 * prior × suspicion. Pure over the SyntaxNode port.
 */
import type { LanguageId, SyntaxNode } from '../ports';
import { lineOf, mutationKey, type Mutation, type OperatorKind } from './mutation';
import { javascriptRules } from './jsRules';
import { pythonRules } from './pyRules';
import { syntaxRepairs } from './syntaxRepairs';

/** What a rule sees of the file around a node, and how it records a mutation. */
export interface RuleContext {
  readonly text: string;
  readonly language: LanguageId;
  /** Names declared in the functions enclosing `node` (parameters and locals), innermost first. */
  scopeNames(node: SyntaxNode): string[];
  /** Names the file binds to functions (declarations, `const f = () => …`, `def f`, `f = lambda …`). */
  functionNames(): ReadonlySet<string>;
  /** Records replacing `node` (or the range [start, end)) with `replacement`. */
  replace(target: SyntaxNode | { start: number; end: number }, replacement: string, operator: OperatorKind, prior: number,
    from?: string, to?: string): void;
}

/** A language's mutation rules: called once per named or anonymous node on a suspicious line. */
export type Rules = (node: SyntaxNode, ctx: RuleContext) => void;

/** The mutations of one file. `suspicion(line)` is 0 for lines not worth touching. */
export function generateMutations(
  root: SyntaxNode, text: string, file: string, language: LanguageId, suspicion: (line: number) => number,
): Mutation[] {
  const rules: Rules = language === 'python' ? pythonRules : javascriptRules;
  const out = new Map<string, Mutation>();
  const scopes = new Map<number, string[]>();
  let functions: Set<string> | undefined;
  const ctx: RuleContext = {
    text,
    language,
    scopeNames: (node) => namesInScope(node, language, scopes),
    functionNames: () => (functions ??= functionNamesOf(root)),
    replace(target, replacement, operator, prior, from, to) {
      const start = 'startIndex' in target ? target.startIndex : target.start;
      const end = 'endIndex' in target ? target.endIndex : target.end;
      const line = lineOf(text, start);
      const s = suspicion(line);
      if (s <= 0 || text.slice(start, end) === replacement) return;
      const m: Mutation = {
        file, start, end, replacement, operator, line, prior, score: prior * s,
        from: from ?? text.slice(start, end), to: to ?? replacement,
      };
      const key = mutationKey(m);
      const seen = out.get(key);
      if (!seen || seen.score < m.score) out.set(key, m);
    },
  };
  if (root.hasError) syntaxRepairs(root, ctx);
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.type === 'comment' || node.type === 'string' && language === 'python' && isDocstring(node)) continue;
    const line = node.startPosition.row + 1;
    const endLine = node.endPosition.row + 1;
    if (anySuspicious(line, endLine, suspicion)) rules(node, ctx);
    for (let i = node.children.length - 1; i >= 0; i--) {
      const c = node.children[i];
      if (c) stack.push(c);
    }
  }
  return [...out.values()];
}

function anySuspicious(first: number, last: number, suspicion: (line: number) => number): boolean {
  // Long spans (a whole function) are checked at both ends and a few lines in between: enough to decide
  // whether to descend, since rules check each edit's own line again.
  if (last - first > 200) return true;
  for (let l = first; l <= last; l++) if (suspicion(l) > 0) return true;
  return false;
}

function isDocstring(node: SyntaxNode): boolean {
  return node.parent?.type === 'expression_statement' && node.parent.parent?.type === 'block';
}

const FUNCTION_TYPES = new Set([
  'function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'function',
  'generator_function_declaration', 'function_definition', 'lambda',
]);

/** Parameters and local names of the enclosing functions (and the module's top level), innermost first. */
function namesInScope(node: SyntaxNode, language: LanguageId, cache: Map<number, string[]>): string[] {
  const names: string[] = [];
  let cur: SyntaxNode | null = node.parent;
  while (cur) {
    if (FUNCTION_TYPES.has(cur.type) || cur.parent === null) {
      let declared = cache.get(cur.startIndex * 31 + cur.endIndex);
      if (!declared) {
        declared = declaredNames(cur, language);
        cache.set(cur.startIndex * 31 + cur.endIndex, declared);
      }
      for (const n of declared) if (!names.includes(n)) names.push(n);
    }
    cur = cur.parent;
  }
  return names;
}

/** Names a function (or module) declares directly: parameters, variables, loop variables (not nested functions' own). */
function declaredNames(fn: SyntaxNode, language: LanguageId): string[] {
  const names: string[] = [];
  const add = (n: SyntaxNode | null) => {
    if (n && (n.type === 'identifier' || n.type === 'shorthand_property_identifier_pattern') && !names.includes(n.text)) names.push(n.text);
  };
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (params) {
    if (params.type === 'identifier') add(params);
    for (const p of params.namedChildren) {
      if (!p) continue;
      add(p);
      add(p.childForFieldName('name') ?? p.childForFieldName('left') ?? p.childForFieldName('pattern'));
      if (p.type === 'typed_parameter' || p.type === 'default_parameter' || p.type === 'typed_default_parameter') add(p.namedChildren[0]);
    }
  }
  const stack: SyntaxNode[] = [...fn.namedChildren].filter((c): c is SyntaxNode => !!c && !(params && c.startIndex === params.startIndex && c.type === params.type));
  while (stack.length) {
    const n = stack.pop()!;
    if (FUNCTION_TYPES.has(n.type)) {
      add(n.childForFieldName('name'));
      continue;
    }
    if (n.type === 'variable_declarator') collectTargets(n.childForFieldName('name'), add);
    if (n.type === 'catch_clause') collectTargets(n.childForFieldName('parameter'), add);
    if (language === 'python') {
      if (n.type === 'assignment' || n.type === 'augmented_assignment') collectTargets(n.childForFieldName('left'), add);
      if (n.type === 'for_statement' || n.type === 'for_in_clause') collectTargets(n.childForFieldName('left'), add);
    } else if (n.type === 'for_in_statement') {
      collectTargets(n.childForFieldName('left'), add);
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return names;
}

function collectTargets(n: SyntaxNode | null, add: (n: SyntaxNode | null) => void): void {
  if (!n) return;
  if (n.type === 'identifier' || n.type === 'shorthand_property_identifier_pattern') add(n);
  else if (n.type === 'pair_pattern') collectTargets(n.childForFieldName('value'), add);
  else if (/^(pattern_list|tuple_pattern|list_pattern|array_pattern|object_pattern|assignment_pattern)$/.test(n.type)) {
    for (const c of n.namedChildren) collectTargets(c, add);
  }
}

/** Every name the file binds to a function, at any depth. */
function functionNamesOf(root: SyntaxNode): Set<string> {
  const names = new Set<string>();
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (/^(function_declaration|generator_function_declaration|function_definition|method_definition)$/.test(n.type)) {
      const name = n.childForFieldName('name');
      if (name) names.add(name.text);
    } else if (n.type === 'variable_declarator' || n.type === 'assignment') {
      const name = n.childForFieldName('name') ?? n.childForFieldName('left');
      const value = n.childForFieldName('value') ?? n.childForFieldName('right');
      if (name?.type === 'identifier' && value && /^(arrow_function|function_expression|function|lambda)$/.test(value.type)) names.add(name.text);
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return names;
}
