import * as assert from 'assert';
import { createTrace, redactSecrets, traceToMarkdown } from '../../src/core/trace';
import { Candidate, DEFAULT_LOOP_OPTIONS, LoopEvent, Trace } from '../../src/core/types';
import { runEngine } from '../../src/node/engine';
import { copyFixture, removeFixtureCopy } from '../support/fixtures';
import { startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';

const candidate = (over: Partial<Candidate>): Candidate => ({
  id: 'r1c1', round: 1, index: 0, source: 'model', summary: 'src/sum.js: adds instead of subtracting', changes: [],
  diff: '--- a/src/sum.js\n+++ b/src/sum.js\n@@ -1 +1 @@\n-a - b\n+a + b\n', status: 'failed', targetsPassed: 0, targetsTotal: 1,
  newFailures: [], remainingFailures: [{ id: 'test/sum.test.js::adds', message: 'expected 3\nactual -1' }], score: 0, durationMs: 12, ...over,
});

function sampleTrace(): Trace {
  const trace = createTrace({ runId: 'run-1', startedAt: '2026-11-24T00:00:00.000Z', workspaceName: 'sum', provider: 'openai-compatible (http://127.0.0.1:1/v1)', model: 'actor', criticModel: 'critic', options: { ...DEFAULT_LOOP_OPTIONS } });
  trace.baseline = { summary: { passed: 1, failed: 1, skipped: 0 }, failing: ['test/sum.test.js::adds'], flaky: [], durationMs: 500 };
  trace.rounds.push({
    index: 1, candidates: [candidate({}), candidate({ id: 'r1c2', index: 1, status: 'rejected', rejectReason: 'it edits the test file test/sum.test.js', diff: '', remainingFailures: [] })],
    reflection: { round: 1, author: 'model', model: 'critic', text: 'The sum subtracts.\nUse +.', durationMs: 5 },
    calls: [], tokens: { prompt: 100, completion: 20 }, durationMs: 2000,
  });
  trace.result = { status: 'no-fix', stopReason: 'no candidate passed', patch: '', files: [], tokens: { prompt: 100, completion: 20 }, durationMs: 2500 };
  return trace;
}

describe('trace', () => {
  it('is versioned JSON that survives a round trip', () => {
    const trace = sampleTrace();
    assert.strictEqual(trace.version, 1);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(trace)), trace);
  });

  it('renders Markdown with the result, baseline, candidates, diffs and the reflection', () => {
    const md = traceToMarkdown(sampleTrace());
    assert.ok(md.startsWith('# Reflect run run-1\n'));
    assert.ok(md.includes('- Provider: openai-compatible (http://127.0.0.1:1/v1) (actor actor, critic critic)\n'));
    assert.ok(md.includes('- Result: **no-fix** — no candidate passed\n'));
    assert.ok(md.includes('| r1c1 | failed | 0/1 | 0 | src/sum.js: adds instead of subtracting |\n'));
    assert.ok(md.includes('| r1c2 | rejected | 0/1 | 0 | src/sum.js: adds instead of subtracting — rejected: it edits the test file test/sum.test.js |\n'));
    assert.ok(md.includes('```diff\n--- a/src/sum.js\n+++ b/src/sum.js\n@@ -1 +1 @@\n-a - b\n+a + b\n```\n'));
    assert.ok(md.includes('- `test/sum.test.js::adds`: expected 3 actual -1\n'));
    assert.ok(md.includes('### Reflection (model, critic)\n\n> The sum subtracts.\n> Use +.\n'));
  });

  it('redacts secrets from every string', () => {
    const trace = sampleTrace();
    trace.rounds[0].reflection!.text = 'the key sk-abcdefgh1234 was refused';
    const clean = redactSecrets(trace, ['sk-abcdefgh1234', undefined, 'short']);
    assert.strictEqual(clean.rounds[0].reflection!.text, 'the key [redacted] was refused');
  });

  it('never holds the API key, even when the server echoes it back', async function () {
    this.timeout(60_000);
    const SECRET = 'sk-trace-SECRET-abcdef0123456789';
    const ENV_SECRET = 'sk-env-SECRET-9876543210fedcba';
    const server = await startScriptedOpenAIServer((r) => ({ text: `you sent ${String(r.headers.authorization)} and ${ENV_SECRET}; no edit here` }));
    const dir = copyFixture('fix-price');
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = ENV_SECRET;
    try {
      const events: LoopEvent[] = [];
      const run = runEngine({
        root: dir, provider: { kind: 'openai', baseURL: server.baseURL, model: 'actor', apiKey: SECRET },
        options: { ...DEFAULT_LOOP_OPTIONS, rounds: 2, candidates: 1, flakyRetries: 0 },
      }, new AbortController().signal);
      for await (const e of run) events.push(e);
      const end = events[events.length - 1];
      assert.ok(end.type === 'run-end');
      assert.strictEqual(server.requests[0].headers.authorization, `Bearer ${SECRET}`);
      const json = JSON.stringify(end.trace);
      const md = traceToMarkdown(end.trace);
      assert.ok(json.includes('[redacted]'), 'the echoed key was in the trace before redaction');
      for (const text of [json, md]) {
        assert.ok(!text.includes(SECRET));
        assert.ok(!text.includes(ENV_SECRET));
      }
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
      await server.close();
      removeFixtureCopy(dir);
    }
  });
});
