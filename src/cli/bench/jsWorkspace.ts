/**
 * A JavaScript benchmark problem as a small real node:test project: solution.js (prompt + buggy body, exporting
 * its top-level names) and solution.test.js with one node:test test per `console.assert` of the problem, so a
 * failed assertion really fails (in Node, console.assert only prints) and partial progress is visible.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SyntaxNode, SyntaxParser } from '../../core/ports';
import { shownAssertions, type Problem } from './problems';

/** What was written, or why the problem cannot run here. */
export interface WrittenWorkspace {
  solutionFile: string;
  assertions: number;
  skipped?: string;
}

interface Rewrite { start: number; end: number; text: string }

const HELPERS = `let __target = -1;
function __show(v) {
  let s;
  try { s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v); } catch { s = String(v); }
  if (typeof v === 'number' && !Number.isFinite(v)) s = String(v);
  return s.length > 200 ? s.slice(0, 199) + '…' : s;
}
function __assert(k, check, source, left, right, op) {
  if (k !== __target) return;
  if (check()) return;
  if (left && right) {
    const actual = left();
    const expected = right();
    const not = op === '!==' || op === '!=' ? 'anything but ' : '';
    throw new assert.AssertionError({ message: source + ': got ' + __show(actual) + ', expected ' + not + __show(expected), actual, expected, operator: op });
  }
  throw new assert.AssertionError({ message: 'console.assert failed: ' + source, actual: false, expected: true, operator: '==' });
}
`;

/** Writes the problem's project into `dir` (which must exist and be empty). */
export async function writeJsWorkspace(dir: string, problem: Problem, syntax: SyntaxParser): Promise<WrittenWorkspace> {
  const solution = `${problem.prompt}${problem.buggySolution}`;
  const missing = missingPackages(`${solution}\n${problem.test}`);
  if (missing.length) {
    return { solutionFile: 'solution.js', assertions: 0, skipped: `needs the npm package${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which is not installed` };
  }
  const names = await syntax.parse('javascript', solution, topLevelNames);
  const { text: testBody, count, labels } = await syntax.parse('javascript', problem.test, (root) => rewriteAsserts(root, problem.test));
  if (count === 0) return { solutionFile: 'solution.js', assertions: 0, skipped: 'its test has no console.assert to check' };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-problem', private: true, scripts: { test: 'node --test' } }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'solution.js'), `${solution}\nmodule.exports = { ${names.join(', ')} };\n`);
  const tests = labels.slice(0, shownAssertions(problem, count)).map((label, k) => `test(${JSON.stringify(`assertion ${k + 1}: ${label}`)}, () => { __run(${k}); });`);
  fs.writeFileSync(path.join(dir, 'solution.test.js'), [
    "'use strict';",
    "const { test } = require('node:test');",
    "const assert = require('node:assert');",
    `const { ${names.join(', ')} } = require('./solution.js');`,
    HELPERS,
    'function __run(target) {',
    '  __target = target;',
    testBody,
    '}',
    ...tests,
    '',
  ].join('\n'));
  return { solutionFile: 'solution.js', assertions: count };
}

/** The independent check: the original harness (prompt + patched body + test) with a counting console.assert. */
export function jsVerificationScript(patchedSolution: string, problem: Problem): string {
  return [
    'let __failed = 0;',
    'console.assert = (ok) => { if (!ok) __failed++; };',
    "process.on('exit', () => { if (__failed > 0) { process.stderr.write(__failed + ' assertion(s) failed\\n'); process.exitCode = 1; } });",
    patchedSolution,
    problem.test,
    '',
  ].join('\n');
}

/** npm packages required by the code that cannot be resolved from here. */
function missingPackages(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/require\(\s*['"]([^'"./][^'"]*)['"]\s*\)/g)) {
    const name = m[1];
    if (name.startsWith('node:') || out.includes(name)) continue;
    try {
      require.resolve(name, { paths: [process.cwd()] });
    } catch {
      out.push(name);
    }
  }
  return out;
}

/** Names declared at the top level (const/let/var, functions, classes). */
function topLevelNames(root: SyntaxNode): string[] {
  const names: string[] = [];
  for (const n of root.namedChildren) {
    if (!n) continue;
    if (n.type === 'lexical_declaration' || n.type === 'variable_declaration') {
      for (const d of n.namedChildren) {
        const name = d?.type === 'variable_declarator' ? d.childForFieldName('name') : null;
        if (name?.type === 'identifier') names.push(name.text);
      }
    } else if (/^(function_declaration|generator_function_declaration|class_declaration)$/.test(n.type)) {
      const name = n.childForFieldName('name');
      if (name) names.push(name.text);
    }
  }
  return [...new Set(names)];
}

/** Rewrites each `console.assert(X, …)` into a lazy `__assert(k, () => (X), …)`; returns the text and labels. */
function rewriteAsserts(root: SyntaxNode, text: string): { text: string; count: number; labels: string[] } {
  const calls: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'call_expression' && n.childForFieldName('function')?.text.replace(/\s+/g, '') === 'console.assert') calls.push(n);
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  calls.sort((a, b) => a.startIndex - b.startIndex);
  const rewrites: Rewrite[] = [];
  const labels: string[] = [];
  for (const call of calls) {
    if (rewrites.some((r) => r.start <= call.startIndex && call.endIndex <= r.end)) continue;
    const arg = call.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment');
    if (!arg) continue;
    const k = labels.length;
    const source = arg.text.replace(/\s+/g, ' ').trim();
    labels.push(source.length > 70 ? `${source.slice(0, 69)}…` : source);
    let sides = '';
    const op = arg.type === 'binary_expression' ? arg.childForFieldName('operator')?.type : undefined;
    if (op && /^(===|==|!==|!=)$/.test(op)) {
      sides = `, () => (${arg.childForFieldName('left')!.text}), () => (${arg.childForFieldName('right')!.text}), ${JSON.stringify(op)}`;
    }
    rewrites.push({ start: call.startIndex, end: call.endIndex, text: `__assert(${k}, () => (${arg.text}), ${JSON.stringify(source)}${sides})` });
  }
  let out = text;
  for (const r of [...rewrites].sort((a, b) => b.start - a.start)) out = out.slice(0, r.start) + r.text + out.slice(r.end);
  return { text: out, count: labels.length, labels };
}
