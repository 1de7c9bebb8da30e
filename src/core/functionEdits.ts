/**
 * Whole-function replacement: a code block holding one (or a few) function or method definitions replaces the
 * definitions of the same names in a file, located with tree-sitter, keeping the file's indentation, `export`
 * keywords and (unless the new code brings its own) Python decorators.
 */
import type { LanguageId, SyntaxNode, SyntaxParser } from './ports';

/** A definition found in the model's code block. */
interface NewDefinition {
  name: string;
  /** The definition's text, first line unindented, later lines relative to `column`. */
  text: string;
  column: number;
  decorated: boolean;
}

const WRAPPER = 'class ReflectWrapper__ {\n';

/**
 * Replaces, in `text`, each function defined in `edit.code`. Errors are sentences for the model.
 * `label` names the edit in messages ("code block 1 for src/a.js").
 */
export async function applyFunctionEdit(
  text: string, edit: { path: string; code: string }, syntax: SyntaxParser, label: string,
): Promise<{ text: string } | { error: string }> {
  const language = syntax.languageOf(edit.path);
  if (!language) return { error: `${label}: whole-function replacement works for JavaScript, TypeScript and Python files only; use a SEARCH/REPLACE block` };
  const defs = await newDefinitions(dedent(edit.code), language, syntax);
  if ('error' in defs) return { error: `${label}: ${defs.error}` };
  const targets = await syntax.parse(language, text, (root) => {
    const found: { start: number; end: number; indent: string }[] = [];
    for (const def of defs.list) {
      const nodes = definitionsNamed(root, def.name);
      if (nodes.length === 0) return `${edit.path} has no function named \`${def.name}\`; to add new code, use a SEARCH/REPLACE block`;
      if (nodes.length > 1) {
        const lines = nodes.map((n) => n.startPosition.row + 1).join(' and ');
        return `${edit.path} has ${nodes.length} functions named \`${def.name}\` (lines ${lines}); use a SEARCH/REPLACE block`;
      }
      let node = nodes[0];
      // Python: the decorators stay unless the new code repeats them.
      if (def.decorated && node.parent?.type === 'decorated_definition') node = node.parent;
      // JavaScript: `const f = () => …` is replaced as the whole declaration statement.
      if (node.type === 'variable_declarator' && node.parent && node.parent.namedChildren.length === 1) node = node.parent;
      const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
      const before = text.slice(lineStart, node.startIndex);
      found.push({ start: node.startIndex, end: node.endIndex, indent: /^[ \t]*$/.test(before) ? before : indentOfLine(before) });
    }
    return found;
  });
  if (typeof targets === 'string') return { error: `${label}: ${targets}` };
  let out = text;
  // From the end backwards, so earlier offsets stay valid.
  const order = targets.map((t, k) => ({ ...t, def: defs.list[k] })).sort((a, b) => b.start - a.start);
  for (const t of order) out = out.slice(0, t.start) + reindent(t.def, t.indent) + out.slice(t.end);
  return { text: out };
}

function indentOfLine(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

function reindent(def: NewDefinition, indent: string): string {
  return def.text.split('\n').map((line, k) => {
    if (k === 0 || line.trim() === '') return k === 0 ? line : '';
    const own = indentOfLine(line);
    return indent + line.slice(Math.min(own.length, def.column));
  }).join('\n');
}

/** Removes the indentation common to all non-blank lines (a method pasted on its own is indented). */
function dedent(code: string): string {
  const lines = code.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => indentOfLine(l).length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(cut, indentOfLine(l).length))).join('\n');
}

async function newDefinitions(code: string, language: LanguageId, syntax: SyntaxParser): Promise<{ list: NewDefinition[] } | { error: string }> {
  const direct = await syntax.parse(language, code, (root) => collectTopLevel(root, language));
  if (!('error' in direct) || language === 'python') return direct;
  // A bare method (`add(x) { … }`) only parses inside a class body.
  const wrapped = await syntax.parse(language, `${WRAPPER}${code}\n}\n`, (root) => {
    const body = root.namedChildren[0]?.childForFieldName('body');
    return body && !root.hasError ? collectTopLevel(body, language) : direct;
  });
  return wrapped;
}

function collectTopLevel(container: SyntaxNode, language: LanguageId): { list: NewDefinition[] } | { error: string } {
  if (container.hasError && container.type === (language === 'python' ? 'module' : 'program')) {
    const line = firstErrorRow(container);
    return { error: `the code does not parse (syntax error near line ${line + 1} of the block); send complete functions` };
  }
  const list: NewDefinition[] = [];
  for (const child of container.namedChildren) {
    if (!child || child.type === 'comment' || child.type === '{' || child.type === '}') continue;
    const def = asDefinition(child);
    if (!def) return { error: `the code block holds a ${child.type.replace(/_/g, ' ')}, not only function definitions; send whole functions, or use SEARCH/REPLACE blocks` };
    list.push(def);
  }
  if (list.length === 0) return { error: 'the code block holds no function definition' };
  return { list };
}

/** `column`: indentation of the line the definition starts on (an `export` before it does not count). */
function asDefinition(node: SyntaxNode, column = node.startPosition.column): NewDefinition | undefined {
  const make = (name: string, decorated = false): NewDefinition => ({ name, text: node.text, column, decorated });
  switch (node.type) {
    case 'function_declaration': case 'generator_function_declaration': case 'function_definition': case 'method_definition': {
      const name = node.childForFieldName('name')?.text;
      return name ? make(name) : undefined;
    }
    case 'decorated_definition': {
      const inner = node.childForFieldName('definition');
      const name = inner?.type === 'function_definition' ? inner.childForFieldName('name')?.text : undefined;
      return name ? make(name, true) : undefined;
    }
    case 'export_statement': {
      const decl = node.childForFieldName('declaration');
      return decl ? asDefinition(decl, column) : undefined;
    }
    case 'lexical_declaration': case 'variable_declaration': {
      const decls = node.namedChildren.filter((c) => c?.type === 'variable_declarator');
      if (decls.length !== 1) return undefined;
      const value = decls[0]!.childForFieldName('value');
      const name = decls[0]!.childForFieldName('name')?.text;
      return name && value && FUNCTION_VALUES.has(value.type) ? make(name) : undefined;
    }
    default:
      return undefined;
  }
}

const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

/** Every definition named `name` in the tree: functions, methods, and `const name = () => …` declarators. */
function definitionsNamed(root: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    const t = node.type;
    if (t === 'function_declaration' || t === 'generator_function_declaration' || t === 'function_definition' || t === 'method_definition') {
      if (node.childForFieldName('name')?.text === name) out.push(node);
    } else if (t === 'variable_declarator') {
      const value = node.childForFieldName('value');
      if (node.childForFieldName('name')?.text === name && value && FUNCTION_VALUES.has(value.type)) out.push(node);
    }
    for (let k = node.namedChildren.length - 1; k >= 0; k--) {
      const c = node.namedChildren[k];
      if (c) stack.push(c);
    }
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}

function firstErrorRow(node: SyntaxNode): number {
  if (node.type === 'ERROR' || node.isMissing) return node.startPosition.row;
  for (const c of node.children) if (c && (c.hasError || c.isMissing)) return firstErrorRow(c);
  return node.startPosition.row;
}
