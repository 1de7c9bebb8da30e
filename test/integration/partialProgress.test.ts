import * as assert from 'assert';
import { CRITIC_SYSTEM_PROMPT } from '../../src/core/prompts';
import { DEFAULT_LOOP_OPTIONS, LoopEvent, RunResult, Trace } from '../../src/core/types';
import { runEngine } from '../../src/node/engine';
import { copyFixture, removeFixtureCopy } from '../support/fixtures';
import { lastUserMessage, RecordedRequest, startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../support/scriptedOpenAIServer';

/**
 * Partial progress counts: in test/fixtures/fix-price the one failing test expects 18 and gets 2. A round-1 candidate
 * that makes it 19 still fails the test, but its actual value moved toward the expected one: it becomes the best
 * attempt, round 2's actor sees it (diff and what still fails), and the critic saw the baseline failure beside it.
 */
const edit = (replace: string, prose: string) =>
  `${prose}\n\nsrc/price.js\n<<<<<<< SEARCH\n  return sum * discount;\n=======\n${replace}\n>>>>>>> REPLACE\n`;
const HALF = edit('  return sum * (1 - discount) + 1;', 'The discount must be taken off the sum.');
const RIGHT = edit('  return sum * (1 - discount);', 'Taking the discount off was right; the + 1 was not.');
const isCritic = (r: RecordedRequest) => r.messages[0]?.content === CRITIC_SYSTEM_PROMPT;

describe('partial progress', function () {
  this.timeout(120_000);
  let server: ScriptedOpenAIServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await server?.close();
    if (dir) removeFixtureCopy(dir);
  });

  it('keeps a candidate that moved the actual value toward the expected one as the best, shows it to round 2, which fixes it', async () => {
    dir = copyFixture('fix-price');
    let scriptError: unknown;
    let actorCalls = 0;
    server = await startScriptedOpenAIServer((req) => {
      try {
        if (isCritic(req)) {
          const prompt = lastUserMessage(req);
          assert.ok(prompt.includes('### r1c1 (closest): improved'), prompt);
          assert.ok(prompt.includes('## The same tests before any change (baseline)'), prompt);
          assert.match(prompt, /Actual: 19[\s\S]*before any change[\s\S]*Actual: 2\b/);
          return { text: 'r1c1 takes the discount off but adds 1: 19 instead of 18. Drop the + 1.' };
        }
        actorCalls++;
        if (actorCalls === 1) return { text: HALF };
        const prompt = lastUserMessage(req);
        assert.ok(prompt.includes('## Best attempt so far'), prompt);
        assert.ok(prompt.includes('+  return sum * (1 - discount) + 1;'), prompt);
        assert.match(prompt, /Still failing:\n- test\/total\.test\.js::takes a 10% discount off the total: /);
        assert.ok(prompt.includes('Drop the + 1.'));
        return { text: RIGHT };
      } catch (e) {
        scriptError ??= e;
        throw e;
      }
    });
    const events: LoopEvent[] = [];
    const gen = runEngine({
      root: dir, provider: { kind: 'openai', baseURL: server.baseURL, model: 'actor' },
      options: { ...DEFAULT_LOOP_OPTIONS, rounds: 2, candidates: 1, flakyRetries: 0, testTimeoutMs: 60_000 },
    }, new AbortController().signal);
    let result: RunResult;
    for (;;) {
      const next = await gen.next();
      if (next.done) {
        result = next.value;
        break;
      }
      events.push(next.value);
    }
    if (scriptError) throw scriptError;
    const end = events[events.length - 1];
    assert.ok(end.type === 'run-end');
    const trace: Trace = end.trace;
    assert.strictEqual(result.status, 'verified', result.stopReason);
    const first = trace.rounds[0].candidates[0];
    assert.strictEqual(first.status, 'improved');
    assert.strictEqual(first.targetsPassed, 0);
    assert.ok(first.score > 0 && first.score < 100, `score ${first.score}`);
    assert.strictEqual(trace.rounds[0].bestCandidateId, 'r1c1');
    assert.ok(result.patch.includes('+  return sum * (1 - discount);'), result.patch);
  });
});
