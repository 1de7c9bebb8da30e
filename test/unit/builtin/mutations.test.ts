import * as assert from 'assert';
import { generateMutations } from '../../../src/core/builtin/generate';
import { applyEdits, describeMutation, type Mutation } from '../../../src/core/builtin/mutation';
import type { LanguageId } from '../../../src/core/ports';
import { createSyntaxParser } from '../../../src/node/treeSitter';

const syntax = createSyntaxParser();

async function mutate(language: LanguageId, text: string, lines?: number[]): Promise<Mutation[]> {
  return syntax.parse(language, text, (root) =>
    generateMutations(root, text, 'src/f', language, (line) => (!lines || lines.includes(line) ? 1 : 0)));
}

function results(text: string, ms: Mutation[]): string[] {
  return ms.map((m) => applyEdits(text, [m]));
}

describe('built-in mutation operators', () => {
  it('swaps a comparison for its off-by-one sibling first', async () => {
    const text = 'function f(n) {\n  for (let i = 0; i < n; i++) g(i);\n}\n';
    const ms = (await mutate('javascript', text)).sort((a, b) => b.score - a.score);
    assert.strictEqual(describeMutation(ms[0]), '`<` → `<=` at src/f:2');
    assert.ok(results(text, ms).includes('function f(n) {\n  for (let i = 0; i <= n; i++) g(i);\n}\n'));
  });

  it('offers method confusions, literal shifts, operand removal and negated conditions', async () => {
    const text = 'const f = (a, b) => {\n  if (a > 0) return Math.min(a, b) + 1;\n  return b.slice(1);\n};\n';
    const out = results(text, await mutate('javascript', text));
    assert.ok(out.includes(text.replace('Math.min', 'Math.max')));
    assert.ok(out.includes(text.replace('slice(1)', 'slice(2)')));
    assert.ok(out.includes(text.replace('Math.min(a, b) + 1', 'Math.min(a, b)')));
    assert.ok(out.includes(text.replace('if (a > 0)', 'if (!(a > 0))')));
    assert.ok(out.includes(text.replace('Math.min(a, b)', 'Math.min(b, a)')));
  });

  it('replaces a variable with another one in scope, never with an undeclared name', async () => {
    const text = 'function f(xs, limit) {\n  let total = 0;\n  return total + xs.length;\n}\n';
    const swaps = (await mutate('javascript', text, [3])).filter((m) => m.operator === 'identifier' && m.from === 'total');
    assert.deepStrictEqual(swaps.map((m) => m.to).sort(), ['limit', 'xs']);
  });

  it('leaves globals alone and never swaps a value for a function (or the reverse)', async () => {
    const text = 'const g = (a) => a;\nfunction f(x, base) {\n  const { y } = x;\n  return Math.floor(x - base) + g(y);\n}\n';
    const swaps = (await mutate('javascript', text, [4])).filter((m) => m.operator === 'identifier');
    const by = (from: string) => swaps.filter((m) => m.from === from).map((m) => m.to).sort();
    assert.deepStrictEqual(by('Math'), []);
    assert.deepStrictEqual(by('x'), ['base', 'y']);
    assert.deepStrictEqual(by('y'), ['base', 'x']);
  });

  it('tries a division first when the result is rounded on the spot', async () => {
    const js = 'function f(x, base) {\n  return Math.floor(x - base);\n}\n';
    const jsMs = (await mutate('javascript', js, [2])).filter((m) => m.operator === 'arithmetic').sort((a, b) => b.prior - a.prior);
    assert.deepStrictEqual([jsMs[0].from, jsMs[0].to], ['-', '/']);
    const py = 'def f(x, base):\n    return int(x - base)\n';
    const pyMs = (await mutate('python', py, [2])).filter((m) => m.operator === 'arithmetic').sort((a, b) => b.prior - a.prior);
    assert.deepStrictEqual([pyMs[0].from, pyMs[0].to], ['-', '//']);
  });

  it('deletes statements and removes else branches', async () => {
    const text = 'function f(x) {\n  x.push(1);\n  if (x.length > 2) {\n    x.pop();\n  } else {\n    x.shift();\n  }\n  return x;\n}\n';
    const out = results(text, await mutate('javascript', text));
    assert.ok(out.includes(text.replace('  x.push(1);\n', '  \n')));
    assert.ok(out.includes(text.replace(' else {\n    x.shift();\n  }', '')));
  });

  it('inserts a token tree-sitter reports as missing', async () => {
    const text = 'function f(a) {\n  return g(a, 1;\n}\n';
    const ms = (await mutate('javascript', text)).filter((m) => m.operator === 'syntax');
    const fixed = results(text, ms);
    assert.ok(fixed.includes('function f(a) {\n  return g(a, 1);\n}\n'), fixed.join('\n---\n'));
  });

  it('empties a one-character separator but leaves module names alone', async () => {
    const text = "const p = require('x');\nconst f = (xs) => xs.join(' ');\n";
    const ms = await mutate('javascript', text);
    assert.ok(results(text, ms).includes(text.replace("join(' ')", "join('')")));
    assert.ok(ms.every((m) => m.from !== "'x'"));
  });

  it('turns an assignment in a condition into a comparison', async () => {
    const text = 'function f(x) {\n  if (x = 2) return 1;\n  return 0;\n}\n';
    assert.ok(results(text, await mutate('javascript', text)).includes(text.replace('x = 2', 'x === 2')));
  });

  it('mutates Python: // and /, comparison chains, not, min/max, range bounds', async () => {
    const text = 'def f(xs, n):\n    if not n < len(xs):\n        return min(xs) // 2\n    return [x for x in range(n)]\n';
    const out = results(text, await mutate('python', text));
    assert.ok(out.includes(text.replace('min(xs) // 2', 'min(xs) / 2')));
    assert.ok(out.includes(text.replace('n < len(xs)', 'n <= len(xs)')));
    assert.ok(out.includes(text.replace('not n < len(xs)', 'n < len(xs)')));
    assert.ok(out.includes(text.replace('min(xs)', 'max(xs)')));
    assert.ok(out.includes(text.replace('range(n)', 'range(n + 1)')));
  });

  it('leaves lines without suspicion alone', async () => {
    const text = 'const a = 1 < 2;\nconst b = 3 < 4;\n';
    const ms = await mutate('javascript', text, [2]);
    assert.ok(ms.length > 0);
    assert.ok(ms.every((m) => m.line === 2));
  });

  it('applies several edits from the end so offsets stay valid', () => {
    assert.strictEqual(applyEdits('a < b && c', [{ start: 2, end: 3, replacement: '<=' }, { start: 6, end: 8, replacement: '||' }]), 'a <= b || c');
  });
});
