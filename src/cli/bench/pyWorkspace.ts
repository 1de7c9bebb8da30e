/**
 * A Python benchmark problem as a small real pytest project: solution.py (prompt + buggy body) and
 * test_solution.py with one pytest test per `assert` of the problem's `check`, so partial progress is visible.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SyntaxNode, SyntaxParser } from '../../core/ports';
import type { WrittenWorkspace } from './jsWorkspace';
import { shownAssertions, type Problem } from './problems';

const HELPERS = `import solution as _solution
from solution import *

_target = [-1]


def _show(v):
    r = repr(v)
    return r if len(r) <= 200 else r[:199] + "…"


def _assert(k, check, source, left=None, right=None):
    if k != _target[0]:
        return
    if check():
        return
    if left is not None:
        raise AssertionError(source + ": got " + _show(left()) + ", expected " + _show(right()))
    raise AssertionError("assert failed: " + source)
`;

/**
 * Writes the problem's project into `dir`. `python` (optional) becomes .venv/bin/python, the interpreter the
 * test runner picks for a project, so every run skips a slow launcher shim.
 */
export async function writePyWorkspace(dir: string, problem: Problem, syntax: SyntaxParser, python?: string): Promise<WrittenWorkspace> {
  if (!problem.entryPoint) return { solutionFile: 'solution.py', assertions: 0, skipped: 'the problem has no entry_point' };
  const solution = `${problem.prompt}${problem.buggySolution}`;
  const { text, count } = await syntax.parse('python', problem.test, (root) => rewriteAsserts(root, problem.test));
  if (count === 0) return { solutionFile: 'solution.py', assertions: 0, skipped: 'its test has no assert to check' };
  fs.writeFileSync(path.join(dir, 'solution.py'), solution.endsWith('\n') ? solution : `${solution}\n`);
  const tests: string[] = [];
  for (let k = 0; k < shownAssertions(problem, count); k++) {
    tests.push(`def test_assertion_${k + 1}():\n    _target[0] = ${k}\n    check(_solution.${problem.entryPoint})\n`);
  }
  fs.writeFileSync(path.join(dir, 'test_solution.py'), `${HELPERS}\n\n${text}\n\n${tests.join('\n\n')}`);
  if (python) {
    fs.mkdirSync(path.join(dir, '.venv', 'bin'), { recursive: true });
    fs.symlinkSync(python, path.join(dir, '.venv', 'bin', 'python'));
  }
  return { solutionFile: 'solution.py', assertions: count };
}

/** The independent check: prompt + patched body + test + `check(entry_point)`, as the suite runs it. */
export function pyVerificationScript(patchedSolution: string, problem: Problem): string {
  return `${patchedSolution}\n${problem.test}\ncheck(${problem.entryPoint})\n`;
}

/** Rewrites each `assert X[, msg]` into `_assert(k, lambda: (X), …)`. */
function rewriteAsserts(root: SyntaxNode, text: string): { text: string; count: number } {
  const asserts: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'assert_statement') asserts.push(n);
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  asserts.sort((a, b) => a.startIndex - b.startIndex);
  let out = text;
  const rewrites = asserts.map((a, k) => {
    const cond = a.namedChildren[0]!;
    const source = cond.text.replace(/\s+/g, ' ').trim();
    let sides = '';
    const ops = cond.type === 'comparison_operator' ? cond.children.filter((c) => c && !c.isNamed) : [];
    const operands = cond.namedChildren;
    if (ops.length === 1 && ops[0]!.type === '==' && operands.length === 2) {
      sides = `, lambda: (${operands[0]!.text}), lambda: (${operands[1]!.text})`;
    }
    return { start: a.startIndex, end: a.endIndex, text: `_assert(${k}, lambda: (${cond.text}), ${JSON.stringify(source)}${sides})` };
  });
  for (const r of rewrites.reverse()) out = out.slice(0, r.start) + r.text + out.slice(r.end);
  return { text: out, count: asserts.length };
}
