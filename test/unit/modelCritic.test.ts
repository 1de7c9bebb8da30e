import * as assert from 'assert';
import { createModelCritic, closestCandidate } from '../../src/core/modelCritic';
import { ChatModel, ChatRequest, CritiqueRequest } from '../../src/core/ports';
import { CRITIC_SYSTEM_PROMPT } from '../../src/core/prompts';
import { Candidate, LoopEvent, TestResult } from '../../src/core/types';

const cand = (over: Partial<Candidate>): Candidate => ({
  id: 'r1c1', round: 1, index: 0, source: 'model', summary: 's', changes: [], diff: '', status: 'failed', targetsPassed: 0, targetsTotal: 2,
  newFailures: [], remainingFailures: [], score: 0, durationMs: 1, ...over,
});

const failure: TestResult = {
  id: 't::x', file: 'test/t.test.js', name: 'x', status: 'failed', durationMs: 1,
  failure: { message: 'Expected values to be strictly equal', expected: '18', actual: '19.9', location: { file: 'test/t.test.js', line: 6 }, frames: [{ file: 'src/price.js', line: 7 }] },
};

describe('model critic', () => {
  it('asks its own model with its own system prompt, citing candidates and the closest one\'s evidence', async () => {
    const requests: ChatRequest[] = [];
    const model: ChatModel = {
      name: 'actor',
      async complete(r) {
        requests.push(r);
        r.onDelta?.('The candidate ');
        r.onDelta?.('subtracted.');
        return { text: ' The candidate subtracted. \n', model: 'critic', usage: { prompt: 50, completion: 5 }, durationMs: 2 };
      },
    };
    const events: LoopEvent[] = [];
    const candidates = [
      cand({ id: 'r1c1', status: 'rejected', rejectReason: 'it edits the test file test/t.test.js', score: -1 }),
      cand({ id: 'r1c2', index: 1, status: 'improved', targetsPassed: 1, score: 50, diff: '-  return sum * discount;\n+  return sum - discount;\n' }),
    ];
    const req: CritiqueRequest = {
      round: 1, candidates, baseline: { framework: 'node-test', command: 'x', exitCode: 1, durationMs: 1, timedOut: false, summary: { passed: 0, failed: 1, skipped: 0 }, tests: [] },
      failures: [failure], files: { read: async () => undefined, list: async () => [] }, memory: [], hint: 'money is in cents',
      signal: new AbortController().signal, emit: (e) => events.push(e),
    };
    const reflection = await createModelCritic({ critic: model, model: 'critic' }).critique(req);
    assert.strictEqual(requests[0].model, 'critic');
    assert.strictEqual(requests[0].role, 'critic');
    assert.strictEqual(requests[0].messages[0].content, CRITIC_SYSTEM_PROMPT);
    const user = requests[0].messages[1].content;
    for (const part of ['### r1c1: rejected', 'Rejected before testing: it edits the test file test/t.test.js', '### r1c2 (closest): improved', 'Target tests passed: 1/2', '+  return sum - discount;', '## Failure evidence with r1c2', 'Expected: 18', 'Actual: 19.9', 'At: test/t.test.js:6', 'Frames: src/price.js:7', 'money is in cents']) {
      assert.ok(user.includes(part), `missing ${JSON.stringify(part)}`);
    }
    assert.deepStrictEqual({ ...reflection, durationMs: 0 }, { round: 1, author: 'model', model: 'critic', text: 'The candidate subtracted.', candidateId: 'r1c2', durationMs: 0, usage: { prompt: 50, completion: 5 } });
    assert.deepStrictEqual(events.filter((e) => e.type === 'model-delta').map((e) => e.type === 'model-delta' && `${e.role}:${e.callId}:${e.text}`), ['critic:r1-critic:The candidate ', 'critic:r1-critic:subtracted.']);
  });

  it('gives the critic the code context of the failures instead of the bare evidence when it has one', async () => {
    const requests: ChatRequest[] = [];
    const model: ChatModel = { name: 'm', async complete(r) { requests.push(r); return { text: 'ok', model: 'm', usage: { prompt: 1, completion: 1 }, durationMs: 1 }; } };
    const req = {
      round: 1, candidates: [cand({ id: 'r1c1' })], baseline: { framework: 'node-test', command: 'x', exitCode: 1, durationMs: 1, timedOut: false, summary: { passed: 0, failed: 1, skipped: 0 }, tests: [] },
      failures: [failure], files: { read: async () => undefined, list: async () => [] }, memory: [], signal: new AbortController().signal, emit: () => undefined,
    } as CritiqueRequest;
    await createModelCritic({ critic: model, context: async (r) => `CONTEXT FOR ${r.failures[0].id}` }).critique(req);
    const user = requests[0].messages[1].content;
    assert.ok(user.includes('## Failure evidence with r1c1 and the code before the change\n\nCONTEXT FOR t::x\n'), user);
    assert.ok(!user.includes('Actual: 19.9'));
  });

  it('picks the highest-scoring tested candidate as the closest, and never an untested one', () => {
    assert.strictEqual(closestCandidate([cand({ id: 'a', score: 10 }), cand({ id: 'b', score: 40 }), cand({ id: 'c', status: 'rejected', score: -1 })])!.id, 'b');
    assert.strictEqual(closestCandidate([cand({ id: 'a', status: 'rejected', score: -1 })]), undefined);
  });
});
