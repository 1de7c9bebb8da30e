import * as assert from 'assert';
import { builtinCritique } from '../../../src/core/builtin/critique';
import { localiseFaults } from '../../../src/core/builtin/localise';
import { createBuiltinProposer } from '../../../src/core/builtin/proposer';
import type { ProposalRequest, SourceFiles } from '../../../src/core/ports';
import { isTestFile } from '../../../src/core/testFiles';
import type { Candidate, Round, TestReport, TestResult } from '../../../src/core/types';
import { createSyntaxParser } from '../../../src/node/treeSitter';

const syntax = createSyntaxParser();

const RANGE = [
  '/** Integers from start to end, both included. */',
  'function range(start, end) {',
  '  const out = [];',
  '  for (let i = start; i < end; i++) out.push(i);',
  '  return out;',
  '}',
  'function unrelated(a, b) {',
  '  return a * b - 1;',
  '}',
  'module.exports = { range, unrelated };',
  '',
].join('\n');
const TEST = "const { test } = require('node:test');\nconst { range } = require('../src/range');\ntest('range includes end', () => { range(1, 3); });\n";

function memoryFiles(files: Record<string, string>): SourceFiles {
  return { read: async (p) => files[p], list: async () => Object.keys(files) };
}

const failing: TestResult = {
  id: 'test/range.test.js::range includes end', file: 'test/range.test.js', name: 'range includes end', status: 'failed', durationMs: 1,
  failure: { message: 'Expected [1,2,3], got [1,2]', expected: '[1,2,3]', actual: '[1,2]', frames: [] },
};
const baseline: TestReport = {
  framework: 'node-test', command: 'node --test', exitCode: 1, durationMs: 100, timedOut: false,
  summary: { passed: 0, failed: 1, skipped: 0 }, tests: [failing],
};

function request(round: number, previousRounds: Round[] = []): ProposalRequest {
  return {
    round, count: 3, baseline, failures: [failing], files: memoryFiles({ 'src/range.js': RANGE, 'test/range.test.js': TEST }),
    syntax, memory: [], previousRounds, lessons: [], isTestFile, signal: new AbortController().signal, emit: () => undefined,
  };
}

function candidate(over: Partial<Candidate>): Candidate {
  return {
    id: 'r1c1', round: 1, index: 0, source: 'builtin', summary: '', changes: [], diff: '', status: 'failed', targetsPassed: 0,
    targetsTotal: 3, newFailures: [], remainingFailures: [], score: 0, durationMs: 10, ...over,
  };
}

describe('built-in fault localisation', () => {
  it('ranks the function the failing test calls above an unrelated one', async () => {
    const s = await localiseFaults({ failures: [failing], files: memoryFiles({ 'src/range.js': RANGE, 'test/range.test.js': TEST }), syntax, isTestFile });
    const lines = s.get('src/range.js')!;
    assert.strictEqual(lines.get(4), 0.6);
    assert.strictEqual(lines.get(8), undefined);
    assert.strictEqual(s.has('test/range.test.js'), false);
  });

  it('puts a stack frame in a source file first', async () => {
    const withFrame: TestResult = { ...failing, failure: { message: 'boom', frames: [{ file: 'src/range.js', line: 8 }] } };
    const s = await localiseFaults({ failures: [withFrame], files: memoryFiles({ 'src/range.js': RANGE, 'test/range.test.js': TEST }), syntax, isTestFile });
    assert.strictEqual(s.get('src/range.js')!.get(8), 1.5);
  });

  it('reaches a helper two calls below the test, in a file that sorts after 400 others, and the table it reads', async () => {
    const files: Record<string, string> = {
      'test/total.test.js': "const { test } = require('node:test');\nconst { total } = require('../a/total');\ntest('total', () => { total([1]); });\n",
      'a/total.js': "const { scale } = require('../zz/scale');\nfunction total(xs) {\n  return xs.map(scale).reduce((a, b) => a + b, 0);\n}\nmodule.exports = { total };\n",
      'zz/scale.js': "const FACTORS = { base: 3 };\nfunction scale(x) {\n  return x * FACTORS.base;\n}\nmodule.exports = { scale };\n",
    };
    for (let k = 0; k < 400; k++) files[`b/m${String(k).padStart(3, '0')}.js`] = `function f${k}(x) {\n  return x + ${k};\n}\nmodule.exports = { f${k} };\n`;
    const failure: TestResult = { ...failing, id: 'test/total.test.js::total', file: 'test/total.test.js', name: 'total' };
    const s = await localiseFaults({ failures: [failure], files: memoryFiles(files), syntax, isTestFile });
    assert.strictEqual(s.get('a/total.js')!.get(3), 0.6);
    assert.strictEqual(s.get('zz/scale.js')!.get(3), 0.54, 'scale, one call deeper');
    assert.strictEqual(s.get('zz/scale.js')!.get(1), 0.55 * 0.9 ** 2, 'FACTORS, read by scale');
    assert.strictEqual([...s.keys()].filter((f) => f.startsWith('b/')).length, 0);
  });
});

describe('built-in proposer', () => {
  it('proposes the most likely single mutation of the suspicious code first, within the budget', async () => {
    const proposer = createBuiltinProposer({ candidatesPerRound: 5 });
    const proposals = await proposer.propose(request(1));
    assert.strictEqual(proposals.length, 5);
    assert.strictEqual(proposals[0].summary, '`<` → `<=` at src/range.js:4');
    assert.strictEqual(proposals[0].changes[0].after, RANGE.replace('i < end', 'i <= end'));
    assert.strictEqual(proposals[0].changes[0].before, RANGE);
    assert.ok(proposals.every((p) => p.source === 'builtin' && !p.summary.includes(':8')));
  });

  it('continues with the next-ranked mutations in the next round', async () => {
    const proposer = createBuiltinProposer({ candidatesPerRound: 5 });
    const first = await proposer.propose(request(1));
    const second = await proposer.propose(request(2, [{ index: 1, candidates: [], calls: [], tokens: { prompt: 0, completion: 0 }, durationMs: 0 }]));
    assert.strictEqual(second.length, 5);
    assert.deepStrictEqual(second.filter((p) => first.some((f) => f.summary === p.summary)), []);
  });

  it('builds second-order mutations on a candidate that improved things, before new single ones', async () => {
    const proposer = createBuiltinProposer({ candidatesPerRound: 6 });
    await proposer.propose(request(1));
    const after = RANGE.replace('i < end', 'i <= end');
    const seed = candidate({ summary: '`<` → `<=` at src/range.js:4', status: 'improved', targetsPassed: 1, targetsTotal: 2, score: 50,
      changes: [{ path: 'src/range.js', before: RANGE, after }] });
    const round: Round = { index: 1, candidates: [seed], calls: [], tokens: { prompt: 0, completion: 0 }, durationMs: 0 };
    const second = await proposer.propose(request(2, [round]));
    assert.ok(second[0].summary.startsWith('`<` → `<=` at src/range.js:4 + '), second[0].summary);
    assert.notStrictEqual(second[0].changes[0].after, after);
    assert.strictEqual(second[0].changes[0].before, RANGE);
  });
});

describe('built-in critique', () => {
  it('names the closest candidate, what it changed in the results and what still fails', () => {
    const closest = candidate({
      id: 'r1c2', summary: '`<` → `<=` at src/range.js:4', status: 'improved', targetsPassed: 2, targetsTotal: 3, score: 67,
      remainingFailures: [{ id: 'test/sum.test.js::sum of empty', message: 'expected 0, got NaN' }],
    });
    const text = builtinCritique({
      round: 1, baseline, failures: [],
      candidates: [candidate({ summary: '`+` → `-` at src/range.js:8' }), closest, candidate({ id: 'r1c3', summary: 'x', status: 'rejected', score: -1 })],
    });
    assert.strictEqual(text,
      'Round 1 tried 3 mutations (1 arithmetic, 1 comparison, 1 other) at src/range.js:4–8; 2 tested, 1 rejected before testing. ' +
      'Closest: `<` → `<=` at src/range.js:4 (r1c2) made 2 of 3 failing tests pass (the rest of the suite was not run for it). ' +
      'Still failing with it: `sum of empty` — expected 0, got NaN. ' +
      'Next round: combine the 1 best partial fix with a second mutation, then test the next-ranked single mutations.');
  });

  it('says how the failure changed when no candidate made a test pass', () => {
    const c = candidate({ id: 'r1c1', summary: '`1` → `0` at src/a.js:2', remainingFailures: [{ id: failing.id, message: 'Expected [1,2,3], got [0,1,2]' }] });
    const text = builtinCritique({ round: 2, baseline, failures: [], candidates: [c] });
    assert.ok(text.includes('Closest: `1` → `0` at src/a.js:2 (r1c1) made none of the 3 failing tests pass, but changed how `range includes end` fails: "Expected [1,2,3], got [1,2]" became "Expected [1,2,3], got [0,1,2]"'), text);
  });
});
