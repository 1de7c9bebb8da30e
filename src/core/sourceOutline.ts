/**
 * A plain-data outline of one source file, taken with tree-sitter in a single parse: its definitions (functions,
 * methods, `const f = () =>`, classes) with line ranges and signatures, its imports, the calls it makes, and its
 * test blocks (`it`/`test` calls, `def test_…`). Context building works on this data, never on live tree nodes.
 */
import type { LanguageId, SyntaxNode, SyntaxParser } from './ports';

/** Rows are 0-based, as tree-sitter gives them. */
export interface Definition {
  name: string;
  /** `Class.method` for methods, else `name`. */
  qualified: string;
  /** 'region': lines around a frame outside any definition (never produced by the outline itself). */
  kind: 'function' | 'method' | 'class' | 'constant' | 'region';
  startRow: number;
  endRow: number;
  /** The header up to the body, on one line ("function range(start, end)"). */
  signature: string;
}

/** A name bound by an import: `imported` is the exported name, '*' for a whole module, 'default' for a default export. */
export interface ImportBinding {
  local: string;
  imported: string;
  module: string;
  /** Re-exported as `local` (`export { a as local } from`, `export * from` with local '*'), not a local name. */
  reexport?: boolean;
}

export interface CallSite {
  name: string;
  /** The object of a member call (`calc.mean()` → 'calc'). */
  object?: string;
  row: number;
  /** `new Name(…)`. */
  construct?: boolean;
}

/** `x = new Cart()`, `this.calendar = new Calendar()`, Python `self._ledger = Ledger()`: what a name holds. */
export interface InstanceBinding {
  /** The name as calls write their object: 'cart', 'this.calendar', 'self._ledger'. */
  name: string;
  className: string;
}

/** An identifier used on a row (module-level constants a function reads are found this way). */
export interface NameUse {
  name: string;
  row: number;
}

export interface TestBlock {
  name: string;
  startRow: number;
  endRow: number;
}

export interface SourceOutline {
  definitions: Definition[];
  imports: ImportBinding[];
  calls: CallSite[];
  tests: TestBlock[];
  instances: InstanceBinding[];
  /** Identifiers by row, each (name, row) once. */
  uses: NameUse[];
}

const TEST_FUNCTIONS = new Set(['it', 'test', 'specify']);
const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

/** Parses `text` once and returns its outline. */
export function outlineSource(language: LanguageId, text: string, syntax: SyntaxParser): Promise<SourceOutline> {
  return syntax.parse(language, text, (root) => {
    const outline: SourceOutline = { definitions: [], imports: [], calls: [], tests: [], instances: [], uses: [] };
    const seenUses = new Set<string>();
    const stack: SyntaxNode[] = [root];
    while (stack.length) {
      const node = stack.pop()!;
      visit(node, outline);
      if (node.type === 'identifier' && !seenUses.has(`${node.text}:${node.startPosition.row}`)) {
        seenUses.add(`${node.text}:${node.startPosition.row}`);
        outline.uses.push({ name: node.text, row: node.startPosition.row });
      }
      for (let k = node.namedChildren.length - 1; k >= 0; k--) {
        const c = node.namedChildren[k];
        if (c) stack.push(c);
      }
    }
    outline.definitions.sort((a, b) => a.startRow - b.startRow);
    return outline;
  });
}

function visit(node: SyntaxNode, out: SourceOutline): void {
  switch (node.type) {
    case 'function_declaration': case 'generator_function_declaration': case 'function_definition':
    case 'method_definition': case 'class_declaration': case 'class_definition': case 'class': {
      const name = node.childForFieldName('name')?.text;
      if (!name) return;
      const owner = enclosingClass(node);
      const kind = node.type.startsWith('class') ? 'class' : owner ? 'method' : 'function';
      const top = node.parent?.type === 'decorated_definition' ? node.parent : node;
      out.definitions.push({ name, qualified: owner && kind === 'method' ? `${owner}.${name}` : name, kind, startRow: top.startPosition.row, endRow: top.endPosition.row, signature: header(node) });
      if (node.type === 'function_definition' && name.startsWith('test') && (!owner || owner.startsWith('Test'))) {
        out.tests.push({ name: owner ? `${owner} > ${name}` : name, startRow: top.startPosition.row, endRow: top.endPosition.row });
      }
      return;
    }
    case 'variable_declarator': {
      const name = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      if (name?.type === 'identifier' && value && FUNCTION_VALUES.has(value.type)) {
        const stmt = node.parent && node.parent.namedChildren.length === 1 ? node.parent : node;
        out.definitions.push({ name: name.text, qualified: name.text, kind: 'function', startRow: stmt.startPosition.row, endRow: stmt.endPosition.row, signature: header(value, `${stmt === node ? '' : `${stmt.children[0]?.text ?? 'const'} `}${name.text} = `) });
      } else if (name && value?.type === 'call_expression' && value.childForFieldName('function')?.text === 'require') {
        requireBindings(name, value, out);
      } else if (name?.type === 'identifier' && value) {
        const created = constructedIn(value);
        if (created) instance(name.text, created.childForFieldName('constructor'), out);
        moduleConstant(node, name.text, out);
      }
      return;
    }
    case 'assignment_expression': case 'assignment': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left || !right) return;
      if (right.type === 'new_expression') instance(left.text, right.childForFieldName('constructor'), out);
      // Python has no `new`: `self.x = Name(…)` may construct; resolution checks that Name is a class.
      if (right.type === 'call' && /^[A-Z]/.test(right.childForFieldName('function')?.text ?? '')) instance(left.text, right.childForFieldName('function'), out);
      if (node.type === 'assignment' && left.type === 'identifier' && node.parent?.type === 'expression_statement' && node.parent.parent?.type === 'module') {
        const stmt = node.parent;
        out.definitions.push({ name: left.text, qualified: left.text, kind: 'constant', startRow: stmt.startPosition.row, endRow: stmt.endPosition.row, signature: left.text });
      }
      return;
    }
    case 'export_statement':
      reexports(node, out);
      return;
    case 'new_expression': {
      const ctor = node.childForFieldName('constructor');
      if (ctor?.type === 'identifier') out.calls.push({ name: ctor.text, row: node.startPosition.row, construct: true });
      return;
    }
    case 'import_statement': case 'import_from_statement':
      importBindings(node, out);
      return;
    case 'call_expression': case 'call':
      callSite(node, out);
      return;
    default:
  }
}

/** A top-level `const NAME = <not a function>` (plain or exported) is a unit: tables and constants hold bugs too. */
function moduleConstant(declarator: SyntaxNode, name: string, out: SourceOutline): void {
  const decl = declarator.parent;
  if (!decl || (decl.type !== 'lexical_declaration' && decl.type !== 'variable_declaration')) return;
  const top = decl.parent?.type === 'export_statement' ? decl.parent : decl;
  if (top.parent?.type !== 'program') return;
  const stmt = decl.namedChildren.length === 1 ? top : declarator;
  out.definitions.push({ name, qualified: name, kind: 'constant', startRow: stmt.startPosition.row, endRow: stmt.endPosition.row, signature: name });
}

/** `new X(…)`, or a fluent chain on one (`new Cart().add(…)` returns the cart). */
function constructedIn(value: SyntaxNode): SyntaxNode | undefined {
  let v: SyntaxNode | null = value;
  while (v?.type === 'call_expression' || v?.type === 'member_expression' || v?.type === 'await_expression') {
    v = v.type === 'call_expression' ? v.childForFieldName('function') : v.type === 'member_expression' ? v.childForFieldName('object') : v.namedChildren[0];
  }
  return v?.type === 'new_expression' ? v : undefined;
}

function instance(name: string, ctor: SyntaxNode | null, out: SourceOutline): void {
  if (ctor?.type === 'identifier') out.instances.push({ name, className: ctor.text });
}

/** `export * from './x'` and `export { a as b } from './x'`. */
function reexports(node: SyntaxNode, out: SourceOutline): void {
  const source = node.childForFieldName('source');
  if (!source) return;
  const module = unquote(source.text);
  const clause = node.namedChildren.find((c) => c?.type === 'export_clause');
  if (!clause) {
    out.imports.push({ local: '*', imported: '*', module, reexport: true });
    return;
  }
  for (const s of clause.namedChildren) {
    const n = s?.childForFieldName('name')?.text;
    if (n) out.imports.push({ local: s!.childForFieldName('alias')?.text ?? n, imported: n, module, reexport: true });
  }
}

function enclosingClass(node: SyntaxNode): string | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'class_declaration' || p.type === 'class_definition' || p.type === 'class') return p.childForFieldName('name')?.text;
    if (p.type !== 'class_body' && p.type !== 'block' && p.type !== 'decorated_definition') return undefined;
  }
  return undefined;
}

/** The definition's text up to its body, collapsed to one line. */
function header(node: SyntaxNode, prefix = ''): string {
  const body = node.childForFieldName('body');
  const end = body ? body.startIndex - node.startIndex : node.text.indexOf('\n');
  const head = (end > 0 ? node.text.slice(0, end) : node.text).replace(/\s+/g, ' ').trim().replace(/\s*(=>|:)$/, (m) => (m.trim() === '=>' ? ' =>' : ''));
  return prefix + head;
}

function requireBindings(name: SyntaxNode, call: SyntaxNode, out: SourceOutline): void {
  const arg = call.childForFieldName('arguments')?.namedChildren[0];
  if (!arg || arg.type !== 'string') return;
  const module = unquote(arg.text);
  if (name.type === 'identifier') out.imports.push({ local: name.text, imported: '*', module });
  if (name.type !== 'object_pattern') return;
  for (const p of name.namedChildren) {
    if (p?.type === 'shorthand_property_identifier_pattern') out.imports.push({ local: p.text, imported: p.text, module });
    if (p?.type === 'pair_pattern') {
      const key = p.childForFieldName('key')?.text;
      const value = p.childForFieldName('value')?.text;
      if (key && value) out.imports.push({ local: value, imported: key, module });
    }
  }
}

function importBindings(node: SyntaxNode, out: SourceOutline): void {
  if (node.type === 'import_from_statement') {
    const module = node.childForFieldName('module_name')?.text ?? '';
    for (const c of node.namedChildren) {
      if (!c || c === node.childForFieldName('module_name')) continue;
      if (c.type === 'dotted_name') out.imports.push({ local: c.text, imported: c.text, module });
      if (c.type === 'aliased_import') {
        const n = c.childForFieldName('name')?.text;
        const a = c.childForFieldName('alias')?.text;
        if (n && a) out.imports.push({ local: a, imported: n, module });
      }
    }
    return;
  }
  const source = node.childForFieldName('source');
  if (!source) {
    // Python `import a.b [as c]`.
    for (const c of node.namedChildren) {
      if (c?.type === 'dotted_name') out.imports.push({ local: c.text, imported: '*', module: c.text });
      if (c?.type === 'aliased_import') out.imports.push({ local: c.childForFieldName('alias')?.text ?? '', imported: '*', module: c.childForFieldName('name')?.text ?? '' });
    }
    return;
  }
  const module = unquote(source.text);
  const clause = node.namedChildren.find((c) => c?.type === 'import_clause');
  for (const c of clause?.namedChildren ?? []) {
    if (c?.type === 'identifier') out.imports.push({ local: c.text, imported: 'default', module });
    if (c?.type === 'namespace_import') {
      const id = c.namedChildren.find((x) => x?.type === 'identifier');
      if (id) out.imports.push({ local: id.text, imported: '*', module });
    }
    if (c?.type === 'named_imports') {
      for (const s of c.namedChildren) {
        const n = s?.childForFieldName('name')?.text;
        if (n) out.imports.push({ local: s!.childForFieldName('alias')?.text ?? n, imported: n, module });
      }
    }
  }
}

function callSite(node: SyntaxNode, out: SourceOutline): void {
  const fn = node.childForFieldName('function');
  if (!fn) return;
  const row = node.startPosition.row;
  if (fn.type === 'identifier') out.calls.push({ name: fn.text, row });
  else if (fn.type === 'member_expression' || fn.type === 'attribute') {
    const prop = fn.childForFieldName(fn.type === 'attribute' ? 'attribute' : 'property');
    const obj = fn.childForFieldName('object');
    if (prop) out.calls.push({ name: prop.text, object: obj?.text, row });
  }
  testBlock(node, fn, out);
}

/** `it('name', …)`, `test.only('name', …)`, inside `describe('suite', …)`: names joined with ' > '. */
function testBlock(node: SyntaxNode, fn: SyntaxNode, out: SourceOutline): void {
  const callee = fn.type === 'member_expression' ? fn.childForFieldName('object')?.text : fn.text;
  if (!callee || !TEST_FUNCTIONS.has(callee)) return;
  const title = titleOf(node);
  if (title === undefined) return;
  const names = [title];
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== 'call_expression') continue;
    const f = p.childForFieldName('function');
    const base = f?.type === 'member_expression' ? f.childForFieldName('object')?.text : f?.text;
    const t = base === 'describe' || base === 'suite' || base === 'context' ? titleOf(p) : undefined;
    if (t !== undefined) names.unshift(t);
  }
  out.tests.push({ name: names.join(' > '), startRow: node.startPosition.row, endRow: node.endPosition.row });
}

function titleOf(call: SyntaxNode): string | undefined {
  const arg = call.childForFieldName('arguments')?.namedChildren[0];
  return arg && (arg.type === 'string' || arg.type === 'template_string') ? unquote(arg.text) : undefined;
}

function unquote(s: string): string {
  return s.replace(/^['"`]|['"`]$/g, '');
}
