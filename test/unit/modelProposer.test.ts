import * as assert from 'assert';
import { parseReplyEdits } from '../../src/core/modelInputs';
import { createModelProposer } from '../../src/core/modelProposer';
import { ChatModel, ChatRequest, ModelError, ProposalRequest } from '../../src/core/ports';
import { ACTOR_SYSTEM_PROMPT } from '../../src/core/prompts';
import { Candidate, LoopEvent, TestResult } from '../../src/core/types';

const SOURCE = 'function sum(a, b) {\n  return a - b;\n}\nmodule.exports = { sum };\n';
const FIX = 'Subtraction instead of addition.\n\nsrc/sum.js\n<<<<<<< SEARCH\n  return a - b;\n=======\n  return a + b;\n>>>>>>> REPLACE\n';

const failure: TestResult = {
  id: 'test/sum.test.js::adds', file: 'test/sum.test.js', name: 'adds', status: 'failed', durationMs: 1,
  failure: { message: 'Expected values to be strictly equal:\n\n-1 !== 3', expected: '3', actual: '-1', location: { file: 'test/sum.test.js', line: 5 }, frames: [] },
};

/** A chat model standing in for the server: answers with a function of the request, streaming in two pieces. */
function scriptedModel(answer: (r: ChatRequest, i: number) => string | Error): ChatModel & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    name: 'scripted',
    requests,
    async complete(r) {
      const i = requests.push(r) - 1;
      const text = answer(r, i);
      if (text instanceof Error) throw text;
      r.onDelta?.(text.slice(0, 5));
      r.onDelta?.(text.slice(5));
      return { text, model: 'scripted-1', usage: { prompt: 100, completion: 20 }, durationMs: 3 };
    },
  };
}

function request(over: Partial<ProposalRequest> = {}): { req: ProposalRequest; events: LoopEvent[] } {
  const events: LoopEvent[] = [];
  const req: ProposalRequest = {
    round: 2, count: 3, baseline: { framework: 'node-test', command: 'x', exitCode: 1, durationMs: 1, timedOut: false, summary: { passed: 0, failed: 1, skipped: 0 }, tests: [failure] },
    failures: [failure],
    files: { read: async (p) => (p === 'src/sum.js' ? SOURCE : undefined), list: async () => ['src/sum.js', 'test/sum.test.js'] },
    syntax: { languageOf: () => undefined, parse: async () => { throw new Error('not needed'); } },
    memory: [{ round: 1, author: 'model', text: 'r1c1 multiplied; the test expects 3 for (1, 2).', durationMs: 1 }],
    previousRounds: [], lessons: [{ id: 'l', createdAt: '', files: [], tests: [], symbols: [], text: 'Off-by-one in range checks.' }],
    hint: 'look at the operator', isTestFile: (p) => p.startsWith('test/'), signal: new AbortController().signal,
    emit: (e) => events.push(e), ...over,
  };
  return { req, events };
}

const proposerFor = (model: ChatModel) =>
  createModelProposer({ actor: model, buildContext: async () => ({ text: 'src/sum.js\n```js\n' + SOURCE + '```', hasEvidence: false }), parseEdits: parseReplyEdits });

describe('model proposer (actor)', () => {
  it('makes K calls with different temperatures and instructions, all carrying failures, memory, best, lessons and hint', async () => {
    const model = scriptedModel(() => FIX);
    const best = { id: 'r1c1', summary: 'times', diff: '-  return a - b;\n+  return a * b;\n', targetsPassed: 0, targetsTotal: 1, remainingFailures: [{ id: failure.id, message: '2 !== 3' }] } as Candidate;
    const { req } = request({ best });
    const proposals = await proposerFor(model).propose(req);
    assert.strictEqual(proposals.length, 3);
    assert.deepStrictEqual(model.requests.map((r) => r.temperature), [0.2, 0.6, 0.9]);
    assert.strictEqual(new Set(model.requests.map((r) => r.messages[1].content)).size, 3);
    for (const r of model.requests) {
      assert.strictEqual(r.messages[0].content, ACTOR_SYSTEM_PROMPT);
      const user = r.messages[1].content;
      for (const part of ['Expected: 3', 'Actual: -1', 'At: test/sum.test.js:5', 'Round 1:\nr1c1 multiplied; the test expects 3 for (1, 2).', '+  return a * b;', '- test/sum.test.js::adds: 2 !== 3', '- Off-by-one in range checks.', '## Hint from the developer\n\nlook at the operator']) {
        assert.ok(user.includes(part), `missing ${JSON.stringify(part)}`);
      }
    }
    assert.deepStrictEqual(proposals[0].changes, [{ path: 'src/sum.js', before: SOURCE, after: SOURCE.replace('a - b', 'a + b') }]);
    assert.strictEqual(proposals[0].rationale, 'Subtraction instead of addition.');
    assert.strictEqual(proposals[0].summary, 'src/sum.js: Subtraction instead of addition.');
    assert.strictEqual(proposals[0].rejectReason, undefined);
  });

  it('turns a reply with no usable edit into a rejected proposal with the reason', async () => {
    const { req } = request({ count: 2 });
    const proposals = await proposerFor(scriptedModel((_r, i) => (i === 0 ? 'I am not sure.' : 'src/sum.js\n<<<<<<< SEARCH\n  return a * b;\n=======\n  return a + b;\n>>>>>>> REPLACE\n'))).propose(req);
    assert.strictEqual(proposals[0].rejectReason, 'the reply contains no SEARCH/REPLACE block and no code block to apply');
    assert.ok(proposals[1].rejectReason && proposals[1].rejectReason.includes('SEARCH block 1 for src/sum.js'), proposals[1].rejectReason);
    assert.deepStrictEqual(proposals[1].changes, []);
  });

  it('streams deltas and reports each call with its usage', async () => {
    const { req, events } = request({ count: 1 });
    await proposerFor(scriptedModel(() => FIX)).propose(req);
    const deltas = events.filter((e) => e.type === 'model-delta');
    assert.deepStrictEqual(deltas.map((e) => e.type === 'model-delta' && [e.role, e.callId, e.text]), [['actor', 'r2-actor-1', FIX.slice(0, 5)], ['actor', 'r2-actor-1', FIX.slice(5)]]);
    const calls = events.filter((e) => e.type === 'model-call');
    assert.deepStrictEqual(calls.map((e) => e.type === 'model-call' && e.call), [{ id: 'r2-actor-1', role: 'actor', model: 'scripted-1', round: 2, usage: { prompt: 100, completion: 20 }, durationMs: 3 }]);
  });

  it('lets a ModelError through (the loop ends the run with it) and cancels the sibling calls', async () => {
    const signals: AbortSignal[] = [];
    const model: ChatModel = {
      name: 'm',
      async complete(r) {
        signals.push(r.signal!);
        if (signals.length === 1) throw new ModelError('the server refused the API key (401)', 'auth');
        await new Promise((resolve) => r.signal!.addEventListener('abort', resolve));
        throw new ModelError('the model request was cancelled', 'aborted');
      },
    };
    const { req, events } = request({ count: 2 });
    await assert.rejects(proposerFor(model).propose(req), { message: 'the server refused the API key (401)' });
    assert.ok(signals.every((s) => s.aborted));
    const failed = events.find((e) => e.type === 'model-call');
    assert.ok(failed?.type === 'model-call' && failed.call.error === 'the server refused the API key (401)');
  });
});
