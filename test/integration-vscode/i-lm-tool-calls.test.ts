import * as assert from 'assert';
import * as vscode from 'vscode';
import { ACTOR_SYSTEM_PROMPT } from '../../src/core/prompts';
import type { RunOutcome } from '../../src/vscode/runController';
import { diskText, EXTENSION_ID, resetEditors, setSetting } from './support';

/**
 * The editor's language models (provider "lm") calling Reflect's read-only workspace tools, end to end in the real
 * extension host: a chat model registered through VS Code's own LM API (the test-only extension
 * test/e2e/scripted-lm-provider, loaded beside Reflect) answers with scripted parts. Reflect's requests and the
 * model's tool calls cross the workbench as real LanguageModelChatMessages, tool call parts and tool result parts.
 */
const PROVIDER_ID = 'reflect-test.scripted-lm-provider';
const SOURCE = 'src/range.js';
const BUGGY_LINE = '  return x > lo && x < hi;';
const FIXED_LINE = '  return x >= lo && x <= hi;';
const FIX_REPLY = `The bounds are excluded; the doc comment says both are included.\n\n${SOURCE}\n<<<<<<< SEARCH\n${BUGGY_LINE}\n=======\n${FIXED_LINE}\n>>>>>>> REPLACE\n`;
const CRITIC_REPLY = 'The comparison excluded both bounds; the candidate includes them and the tests pass.';

type Part = { text?: string; toolCall?: string; name?: string; input?: unknown; toolResult?: string };
interface RecordedRequest { from: string; tools: string[]; toolMode?: number; messages: { role: string; parts: Part[] }[] }
type ScriptedReply = { parts: ({ text: string } | { toolCall: { callId: string; name: string; input: unknown } })[] } | { fail: string };
interface ScriptedModel {
  script(replies: ScriptedReply[], otherwise?: string): void;
  readonly requests: RecordedRequest[];
}

/** Reflect's actor requests (the critic's are told apart by their system prompt, sent as the first User message). */
function actorRequests(model: ScriptedModel): RecordedRequest[] {
  return model.requests.filter((r) => r.messages[0]?.parts[0]?.text === `Instructions:\n${ACTOR_SYSTEM_PROMPT}`);
}

async function fix(): Promise<RunOutcome> {
  return vscode.commands.executeCommand<RunOutcome>('reflect.fixFailingTests');
}

describe('an editor language model (vscode.lm) that calls the workspace tools', () => {
  let model: ScriptedModel;
  let original: string;

  before(async () => {
    const ext = vscode.extensions.getExtension<ScriptedModel>(PROVIDER_ID);
    assert.ok(ext, `${PROVIDER_ID} is not loaded (test/e2e/run.sh loads it beside Reflect)`);
    model = await ext.activate();
    await resetEditors();
    original = diskText(SOURCE);
    assert.ok(original.includes(BUGGY_LINE), 'fixture changed: the buggy line is missing');
    await setSetting('provider', 'lm');
    await setSetting('lm.vendor', 'reflect-scripted');
    await setSetting('lm.family', 'tools');
    await setSetting('rounds', 1);
    await setSetting('candidates', 1);
  });
  after(async () => {
    for (const key of ['provider', 'lm.vendor', 'lm.family', 'rounds', 'candidates']) await setSetting(key, undefined);
    await resetEditors();
  });

  it('answers a read_file tool call with the file as a tool result part, and the fix then verifies', async () => {
    model.script([
      { parts: [{ text: 'Let me read the source first.' }, { toolCall: { callId: 'call-1', name: 'read_file', input: { path: SOURCE } } }] },
      { parts: [{ text: FIX_REPLY }] },
    ], CRITIC_REPLY);
    const outcome = await fix();
    assert.strictEqual(outcome.status, 'verified', outcome.result?.stopReason);
    assert.strictEqual(outcome.result!.best!.changes[0].after, original.replace(BUGGY_LINE, FIXED_LINE));
    assert.strictEqual(diskText(SOURCE), original, 'nothing is written before the person accepts');

    const [first, second] = actorRequests(model);
    assert.strictEqual(first.from, EXTENSION_ID);
    assert.deepStrictEqual(first.tools, ['read_file', 'find_definition', 'search_text']);
    assert.strictEqual(first.toolMode, vscode.LanguageModelChatToolMode.Auto);
    const [call, result] = second.messages.slice(-2);
    assert.deepStrictEqual(call, {
      role: 'assistant',
      parts: [{ text: 'Let me read the source first.' }, { toolCall: 'call-1', name: 'read_file', input: { path: SOURCE } }],
    });
    assert.strictEqual(result.role, 'user');
    assert.strictEqual(result.parts.length, 1);
    assert.strictEqual(result.parts[0].toolResult, 'call-1');
    assert.ok(result.parts[0].text!.startsWith(`${SOURCE}:1-`), result.parts[0].text);
    assert.ok(result.parts[0].text!.includes(`5| ${BUGGY_LINE}`), result.parts[0].text);
    assert.deepStrictEqual(outcome.result!.best!.asked, [`read_file({"path":"${SOURCE}"}) → ${SOURCE} (16 lines)`]);
  });

  it('answers malformed tool calls (unknown tool, input not an object, a path outside the workspace) with tool errors, and the run goes on', async () => {
    model.script([
      {
        parts: [
          { toolCall: { callId: 'a', name: 'write_file', input: { path: SOURCE } } },
          { toolCall: { callId: 'b', name: 'read_file', input: SOURCE } },
          { toolCall: { callId: 'c', name: 'read_file', input: { path: '../../../etc/passwd' } } },
        ],
      },
      { parts: [{ text: FIX_REPLY }] },
    ], CRITIC_REPLY);
    const outcome = await fix();
    assert.strictEqual(outcome.status, 'verified', outcome.result?.stopReason);
    const results = actorRequests(model)[1].messages.at(-1)!.parts;
    assert.deepStrictEqual(results.map((p) => p.toolResult), ['a', 'b', 'c']);
    assert.match(results[0].text!, /^error: unknown tool "write_file"; the tools are read_file, find_definition, search_text$/);
    assert.match(results[1].text!, /^error: read_file: the arguments are not a JSON object/);
    assert.match(results[2].text!, /^error: cannot read \.\.\/\.\.\/\.\.\/etc\/passwd: path \.\.\/\.\.\/\.\.\/etc\/passwd is outside the workspace /);
    assert.ok(!results[2].text!.includes('root:'), 'a file outside the workspace was read');
  });

  it('asks again without tools when the model refuses them, and the NEED: fallback then works', async () => {
    model.script([
      { fail: 'This model does not support tools' },
      { parts: [{ text: `NEED: ${SOURCE}:3-6` }] },
      { parts: [{ text: FIX_REPLY }] },
    ], CRITIC_REPLY);
    const outcome = await fix();
    assert.strictEqual(outcome.status, 'verified', outcome.result?.stopReason);
    const actor = actorRequests(model);
    assert.deepStrictEqual(actor.slice(0, 3).map((r) => r.tools.length), [3, 0, 0], 'after the refusal no request offers tools');
    const answer = actor[2].messages.at(-1)!.parts[0].text!;
    assert.ok(answer.startsWith('Here is what you asked for:'), answer);
    assert.ok(answer.includes(`5| ${BUGGY_LINE}`), answer);
  });

  it('offers no tools to a model whose provider declares it cannot call them, and its NEED: lines are answered', async () => {
    await setSetting('lm.family', 'plain');
    model.script([
      { parts: [{ text: `I need to see the function first.\nNEED: ${SOURCE}:3-6` }] },
      { parts: [{ text: FIX_REPLY }] },
    ], CRITIC_REPLY);
    const outcome = await fix();
    assert.strictEqual(outcome.status, 'verified', outcome.result?.stopReason);
    const actor = actorRequests(model);
    assert.deepStrictEqual(actor.map((r) => r.tools.length), [0, 0]);
    assert.ok(actor[1].messages.at(-1)!.parts[0].text!.includes(`5| ${BUGGY_LINE}`));
  });
});
