import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildContext } from '../../src/core/context';
import type { TestResult } from '../../src/core/types';
import { createSourceFiles } from '../../src/node/sourceFiles';
import { createSyntaxParser } from '../../src/node/treeSitter';
import { fixturePath } from '../support/fixtures';

// Failures as the test runners report them for test/fixtures/context-project (jest for JS/TS, pytest for Python).
const rangeFailure: TestResult = {
  id: 'test/range.test.js::range > includes the end', file: 'test/range.test.js', name: 'range > includes the end', status: 'failed', durationMs: 3,
  failure: {
    message: 'expect(received).toEqual(expected) // deep equality\n\n- Expected  - 1\n+ Received  + 0',
    expected: '[1, 2, 3]', actual: '[1, 2]',
    stack: 'Error: expect(received).toEqual(expected)\n    at Object.toEqual (/home/dev/proj/test/range.test.js:5:26)\n'
      + '    at Promise.then.completed (/home/dev/proj/node_modules/jest-circus/build/utils.js:298:28)\n    at node:internal/process/task_queues:95:5',
    location: { file: 'test/range.test.js', line: 5, column: 26 },
    frames: [{ file: 'test/range.test.js', line: 5 }],
  },
};
const stackFailure: TestResult = {
  id: 'test/stack.test.ts::Stack > refuses to pop when empty', file: 'test/stack.test.ts', name: 'Stack > refuses to pop when empty', status: 'failed', durationMs: 2,
  failure: {
    message: 'pop from an empty stack',
    stack: 'Error: pop from an empty stack\n    at Stack.pop (/home/dev/proj/src/stack.ts:9:35)\n    at Object.<anonymous> (/home/dev/proj/test/stack.test.ts:14:7)',
    location: { file: 'src/stack.ts', line: 9 },
    frames: [{ file: 'src/stack.ts', line: 9 }, { file: 'test/stack.test.ts', line: 14 }],
  },
};
const pyFailure: TestResult = {
  id: 'py/tests/test_calc.py::test_mean', file: 'py/tests/test_calc.py', name: 'test_mean', status: 'failed', durationMs: 1,
  failure: { message: 'assert 1.5 == 2', location: { file: 'py/tests/test_calc.py', line: 5 }, frames: [] },
};

const RANGE_EVIDENCE = `## Failing test: range > includes the end (test/range.test.js)
Message: expect(received).toEqual(expected) // deep equality

- Expected  - 1
+ Received  + 0
Expected: [1, 2, 3]
Actual: [1, 2]
At: test/range.test.js:5
Stack:
  at Object.toEqual (test/range.test.js:5:26)`;

const RANGE_CONTEXT = `${RANGE_EVIDENCE}

### test/range.test.js:4-6 Test \`range > includes the end\`
\`\`\`js
4|   it('includes the end', () => {
5|     expect(range(1, 3)).toEqual([1, 2, 3]);
6|   });
\`\`\`

### src/range.js:3-10 Function \`range\` (called by the test)
\`\`\`js
 3| /** Numbers from start up to end, inclusive. */
 4| function range(start, end) {
 5|   assertNumber(start);
 6|   assertNumber(end);
 7|   const out = [];
 8|   for (let i = start; i < end; i++) out.push(i);
 9|   return out;
10| }
\`\`\`

### src/checks.js:1-3 Function \`assertNumber\` (called by \`range\`)
\`\`\`js
1| function assertNumber(x) {
2|   if (typeof x !== 'number') throw new TypeError(\`not a number: \${x}\`);
3| }
\`\`\``;

const STACK_CONTEXT = `## Failing test: Stack > refuses to pop when empty (test/stack.test.ts)
Message: pop from an empty stack
At: src/stack.ts:9
Stack:
  at Stack.pop (src/stack.ts:9:35)
  at Object.<anonymous> (test/stack.test.ts:14:7)

### test/stack.test.ts:11-16 Test \`Stack > refuses to pop when empty\`
\`\`\`ts
11|   it('refuses to pop when empty', () => {
12|     const s = new Stack<number>();
13|     s.push(1);
14|     s.pop();
15|     expect(s.pop()).toBeUndefined();
16|   });
\`\`\`

### src/stack.ts:8-11 Method \`Stack.pop\` (on the failing stack at src/stack.ts:9)
\`\`\`ts
 8|   pop(): T {
 9>     if (this.isEmpty()) throw new Error('pop from an empty stack');
10|     return this.items.shift() as T;
11|   }
\`\`\`

### src/stack.ts:13-15 Method \`Stack.isEmpty\` (called by \`Stack.pop\`)
\`\`\`ts
13|   isEmpty(): boolean {
14|     return this.items.length === 0;
15|   }
\`\`\`

### src/stack.ts:4-6 Method \`Stack.push\` (called by the test)
\`\`\`ts
4|   push(item: T): void {
5|     this.items.push(item);
6|   }
\`\`\``;

describe('buildContext', () => {
  const files = createSourceFiles(fixturePath('context-project'));
  const syntax = createSyntaxParser();

  it('quotes the test, the evidence, the imported function the test calls with its doc comment, and what it calls, whole', async () => {
    const ctx = await buildContext({ failures: [rangeFailure], files, syntax, tokenBudget: 4000 });
    assert.strictEqual(ctx.text, RANGE_CONTEXT);
    assert.deepStrictEqual(ctx.files, ['test/range.test.js', 'src/range.js', 'src/checks.js']);
    assert.deepStrictEqual(ctx.symbols, ['range', 'assertNumber']);
  });

  it('quotes the method on the failing stack first, marking the failing line, then what it and the test call', async () => {
    const ctx = await buildContext({ failures: [stackFailure], files, syntax, tokenBudget: 4000 });
    assert.strictEqual(ctx.text, STACK_CONTEXT);
    assert.deepStrictEqual(ctx.symbols, ['Stack.pop', 'Stack.isEmpty', 'Stack.push']);
  });

  it('follows a Python `from module import name` to the function and its callees', async () => {
    const ctx = await buildContext({ failures: [pyFailure], files, syntax, tokenBudget: 4000 });
    assert.strictEqual(ctx.text, `## Failing test: test_mean (py/tests/test_calc.py)
Message: assert 1.5 == 2
At: py/tests/test_calc.py:5

### py/tests/test_calc.py:4-5 Test \`test_mean\`
\`\`\`python
4| def test_mean():
5|     assert mean([1, 2, 3]) == 2
\`\`\`

### py/calc.py:1-2 Function \`mean\` (called by the test)
\`\`\`python
1| def mean(xs):
2|     return total(xs) / (len(xs) + 1)
\`\`\`

### py/calc.py:5-9 Function \`total\` (called by \`mean\`)
\`\`\`python
5| def total(xs):
6|     s = 0
7|     for x in xs:
8|         s += x
9|     return s
\`\`\``);
    assert.deepStrictEqual(ctx.files, ['py/tests/test_calc.py', 'py/calc.py']);
  });

  it('shows a very long function as its first and last lines plus the lines around the failing one', async () => {
    const failure: TestResult = {
      id: 'test/report.test.js::report', file: 'test/report.test.js', name: 'report', status: 'failed', durationMs: 1,
      failure: { message: 'too many rows', location: { file: 'src/report.js', line: 60 }, frames: [{ file: 'src/report.js', line: 60 }] },
    };
    const ctx = await buildContext({ failures: [failure], files, syntax, tokenBudget: 4000 });
    const lines = fs.readFileSync(path.join(fixturePath('context-project'), 'src/report.js'), 'utf8').split('\n');
    const row = (n: number) => `${String(n).padStart(3)}${n === 60 ? '>' : '|'} ${lines[n - 1]}`;
    const expected = ['### src/report.js:1-101 Function `report` (on the failing stack at src/report.js:60)', '```js', row(1), '     …'];
    for (let n = 45; n <= 75; n++) expected.push(row(n));
    expected.push('     …', row(101), '```');
    assert.strictEqual(ctx.text, `## Failing test: report (test/report.test.js)\nMessage: too many rows\nAt: src/report.js:60\n\n${expected.join('\n')}`);
  });

  it('drops the deepest units, then the others, then test blocks to fit the budget, keeping every failure\'s evidence', async () => {
    const full = await buildContext({ failures: [rangeFailure, stackFailure], files, syntax, tokenBudget: 10_000 });
    assert.strictEqual(full.text, `${RANGE_CONTEXT}\n\n${STACK_CONTEXT}`);
    const deepest = RANGE_CONTEXT.slice(RANGE_CONTEXT.indexOf('\n\n### src/checks.js'));
    const budget = Math.ceil((full.text.length - deepest.length + 10) / 4);
    const cut = await buildContext({ failures: [rangeFailure, stackFailure], files, syntax, tokenBudget: budget });
    // `assertNumber` is two calls below the test, every other unit at most one: it is the first to go.
    assert.strictEqual(cut.text, full.text.replace(deepest, ''));
    const tight = await buildContext({ failures: [rangeFailure, stackFailure], files, syntax, tokenBudget: 130 });
    assert.ok(tight.text.startsWith(RANGE_EVIDENCE));
    assert.ok(tight.text.includes('## Failing test: Stack > refuses to pop when empty'));
    assert.ok(!tight.text.includes('Function `') && !tight.text.includes('Method `'));
    assert.ok(tight.text.length <= 520, `${tight.text.length} characters`);
    assert.deepStrictEqual(tight.symbols, []);
  });
});

describe('buildContext on built output', () => {
  const syntax = createSyntaxParser();
  const compiled = 'function parseCents(text) {\n  const parts = text.split(".");\n  if (parts[1].length >= 2) throw new RangeError("decimals");\n  return Number(parts[0]) * 100;\n}\nexports.parseCents = parseCents;\n';
  const source = '/** Cents of "12.34". */\nexport function parseCents(text: string): number {\n  const parts = text.split(\'.\');\n  if (parts[1].length >= 2) throw new RangeError(\'decimals\');\n  return Number(parts[0]) * 100;\n}\n';
  const failure: TestResult = {
    id: 'test/a.test.js::cents', file: 'test/a.test.js', name: 'cents', status: 'failed', durationMs: 1,
    failure: { message: 'decimals', location: { file: 'dist/cents.js', line: 3 }, frames: [{ file: 'dist/cents.js', line: 3 }, { file: 'test/a.test.js', line: 2 }] },
  };
  const test = "const { parseCents } = require('../dist/cents');\ntest('cents', () => parseCents('1.99'));\n";

  it('never quotes compiled output (a frame in it, an import of it) when its source is in the workspace', async () => {
    const files = createSourceFiles('/nonexistent-workspace', new Map([['dist/cents.js', compiled], ['src/cents.ts', source], ['test/a.test.js', test]]));
    const ctx = await buildContext({ failures: [failure], files, syntax, tokenBudget: 4000 });
    assert.ok(!ctx.files.includes('dist/cents.js'), ctx.text);
    assert.ok(!ctx.text.includes('### dist/'), ctx.text);
    assert.ok(ctx.text.includes('### src/cents.ts:1-6 Function `parseCents` (called by the test)'), 'the test\'s import of ../dist/cents leads to the source');
  });

  it('quotes the compiled frame when it is all there is', async () => {
    const files = createSourceFiles('/nonexistent-workspace', new Map([['dist/cents.js', compiled], ['test/a.test.js', test]]));
    const ctx = await buildContext({ failures: [failure], files, syntax, tokenBudget: 4000 });
    assert.ok(ctx.text.includes('### dist/cents.js:1-5 Function `parseCents` (on the failing stack at dist/cents.js:3)'), ctx.text);
  });
});

describe('buildModelContext', () => {
  it('keeps the code context within the configured token budget', async () => {
    const { buildModelContext } = await import('../../src/core/modelInputs');
    const { isTestFile } = await import('../../src/core/testFiles');
    const files = createSourceFiles(fixturePath('context-project'));
    const failure: TestResult = {
      id: 'test/range.test.js::range > includes the end', file: 'test/range.test.js', name: 'range > includes the end', status: 'failed', durationMs: 3,
      failure: { message: 'expected [1, 2, 3]', location: { file: 'test/range.test.js', line: 5 }, frames: [] },
    };
    const request = (contextTokens?: number) => ({
      round: 1, count: 1, failures: [failure], files, syntax: createSyntaxParser(), memory: [], previousRounds: [], lessons: [], isTestFile,
      signal: new AbortController().signal, emit: () => undefined, baseline: { framework: 'jest' as const, command: '', exitCode: 1, durationMs: 1, timedOut: false, summary: { passed: 0, failed: 1, skipped: 0 }, tests: [failure] },
      ...(contextTokens !== undefined ? { contextTokens } : {}),
    });
    const full = await buildModelContext(request());
    const small = await buildModelContext(request(60));
    assert.ok(full.text.includes('function assertNumber'));
    assert.ok(small.text.length <= 240 && !small.text.includes('function range'), small.text);
  });
});
