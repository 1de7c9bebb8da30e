import * as vscode from 'vscode';
import type { TestSelector } from '../core/types';
import { relativePath } from './workspaceFiles';

const JS_TEST = /^\s*(?:it|test)(?:\.only|\.skip)?\s*\(\s*(['"`])((?:\\.|(?!\1).)*)\1/;
const JS_SUITE = /^\s*(?:describe|suite)(?:\.only|\.skip)?\s*\(\s*(['"`])((?:\\.|(?!\1).)*)\1/;
const PY_TEST = /^(\s*)(?:async\s+)?def\s+(test\w*)\s*\(/;
const PY_CLASS = /^(\s*)class\s+(Test\w*)\b/;

/**
 * The test around `line` (0-based) in a test file, as a selector with its full name ("suite > test"), found from
 * the `it`/`test`/`describe` calls (JS/TS) or `def test_…`/`class Test…` (Python) above it. Indentation decides
 * nesting, which is what formatted test files look like; undefined when no test encloses the line.
 */
export function testAtLine(doc: vscode.TextDocument, line: number, root: string): TestSelector | undefined {
  const file = relativePath(root, doc.uri);
  if (!file) return undefined;
  const lines = doc.getText().split(/\r?\n/);
  const python = doc.languageId === 'python' || file.endsWith('.py');
  let testLine = -1;
  let testName = '';
  for (let i = Math.min(line, lines.length - 1); i >= 0; i--) {
    const m = python ? PY_TEST.exec(lines[i]) : JS_TEST.exec(lines[i]);
    if (m) { testLine = i; testName = m[2]; break; }
  }
  if (testLine < 0) return undefined;
  const names = [testName];
  let indent = indentOf(lines[testLine]);
  for (let i = testLine - 1; i >= 0 && indent > 0; i--) {
    const m = python ? PY_CLASS.exec(lines[i]) : JS_SUITE.exec(lines[i]);
    if (m && indentOf(lines[i]) < indent) {
      names.unshift(m[2]);
      indent = indentOf(lines[i]);
    }
  }
  return { file, name: names.join(' > ') };
}

/**
 * Maps a Testing-view item to a selector: its file, and the labels from the first item that has a range (a
 * suite or test inside the file) down to it. A file-level item selects the whole file.
 */
export function testItemSelector(item: vscode.TestItem, root: string): TestSelector | undefined {
  if (!item.uri) return undefined;
  const file = relativePath(root, item.uri);
  if (!file) return undefined;
  const labels: string[] = [];
  for (let it: vscode.TestItem | undefined = item; it; it = it.parent) {
    if (!it.range || it.uri?.toString() !== item.uri.toString()) break;
    labels.unshift(it.label);
  }
  return labels.length ? { file, name: labels.join(' > ') } : { file };
}

const FUNCTION_PATTERNS = [
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/,
  /^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/,
  /^\s*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/,
  /^\s*(?:public\s+|private\s+|protected\s+|static\s+|async\s+)*([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::\s*[^{]+)?\{\s*$/,
];
const NOT_FUNCTIONS = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'function']);

/** Name of the function declared at or above `line` (0-based), for the "Fix This Function…" instruction. */
export function functionAtLine(doc: vscode.TextDocument, line: number): string | undefined {
  for (let i = Math.min(line, doc.lineCount - 1); i >= 0; i--) {
    const text = doc.lineAt(i).text;
    for (const p of FUNCTION_PATTERNS) {
      const m = p.exec(text);
      if (m && !NOT_FUNCTIONS.has(m[1])) return m[1];
    }
  }
  return undefined;
}

function indentOf(text: string): number {
  return /^\s*/.exec(text)![0].replace(/\t/g, '    ').length;
}
