import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ChatMessage } from '../../src/core/ports';
import { runWorkspaceTool, WORKSPACE_TOOLS, type ToolContext } from '../../src/core/workspaceTools';
import { createSourceFiles } from '../../src/node/sourceFiles';
import { createSyntaxParser } from '../../src/node/treeSitter';
import { fromLmReply, looksLikeToolRefusal, toLmConversation, toLmTools } from '../../src/vscode/lmConversation';

/**
 * The VS Code LM API's tool calling as plain data (lmConversation.ts): what lmChatModel.ts sends and reads. The
 * same path with the real `vscode` classes and a registered chat provider is tested in the extension host
 * (test/integration-vscode/i-lm-tool-calls.test.ts).
 */
describe('LM API tool calling as plain data', () => {
  it('offers the workspace tools as LanguageModelChatTools with their JSON Schema as inputSchema', () => {
    const tools = toLmTools(WORKSPACE_TOOLS);
    assert.deepStrictEqual(tools.map((t) => t.name), ['read_file', 'find_definition', 'search_text']);
    assert.strictEqual(tools[0].inputSchema, WORKSPACE_TOOLS[0].parameters);
    assert.strictEqual(tools[2].description, WORKSPACE_TOOLS[2].description);
  });

  it('sends a tool conversation as an Assistant message of call parts and one User message of result parts', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You fix tests.' },
      { role: 'user', content: 'Fix inRange.' },
      {
        role: 'assistant', content: '',
        toolCalls: [
          { id: 'c1', name: 'read_file', arguments: '{"path":"src/range.js"}' },
          { id: 'c2', name: 'search_text', arguments: '{"text":"inRange"}' },
        ],
      },
      { role: 'tool', toolCallId: 'c1', content: 'src/range.js\n1| x' },
      { role: 'tool', toolCallId: 'c2', content: 'src/range.js:1: x' },
    ];
    assert.deepStrictEqual(toLmConversation(messages), [
      { role: 'user', parts: [{ kind: 'text', value: 'Instructions:\nYou fix tests.' }] },
      { role: 'user', parts: [{ kind: 'text', value: 'Fix inRange.' }] },
      {
        role: 'assistant', parts: [
          { kind: 'toolCall', callId: 'c1', name: 'read_file', input: { path: 'src/range.js' } },
          { kind: 'toolCall', callId: 'c2', name: 'search_text', input: { text: 'inRange' } },
        ],
      },
      {
        role: 'user', parts: [
          { kind: 'toolResult', callId: 'c1', text: 'src/range.js\n1| x' },
          { kind: 'toolResult', callId: 'c2', text: 'src/range.js:1: x' },
        ],
      },
    ]);
  });

  it('keeps an assistant\'s text before its tool calls, and plain replies as one text part', () => {
    const out = toLmConversation([
      { role: 'assistant', content: 'Let me look.', toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"a.js"}' }] },
      { role: 'tool', toolCallId: 'c1', content: 'a' },
      { role: 'assistant', content: 'NEED: b.js' },
      { role: 'user', content: 'Here is what you asked for' },
    ]);
    assert.deepStrictEqual(out.map((m) => [m.role, m.parts.map((p) => p.kind)]), [
      ['assistant', ['text', 'toolCall']], ['user', ['toolResult']], ['assistant', ['text']], ['user', ['text']],
    ]);
  });

  it('sends {} as the input of an earlier call whose arguments were not a JSON object (the conversation stays well formed)', () => {
    const out = toLmConversation([{
      role: 'assistant', content: '',
      toolCalls: [
        { id: 'a', name: 'read_file', arguments: '"src/range.js"' },
        { id: 'b', name: 'read_file', arguments: '{"path": ' },
        { id: 'c', name: 'read_file', arguments: '[1]' },
      ],
    }]);
    assert.deepStrictEqual(out[0].parts.map((p) => (p.kind === 'toolCall' ? p.input : undefined)), [{}, {}, {}]);
  });

  it('reads a reply\'s text parts in order and its tool call parts as tool calls with JSON arguments', () => {
    const reply = fromLmReply([
      { kind: 'text', value: 'I need ' },
      { kind: 'toolCall', callId: 'call-9', name: 'read_file', input: { path: 'src/util.js', start_line: 3 } },
      { kind: 'text', value: 'the helper.' },
    ]);
    assert.strictEqual(reply.text, 'I need the helper.');
    assert.deepStrictEqual(reply.toolCalls, [{ id: 'call-9', name: 'read_file', arguments: '{"path":"src/util.js","start_line":3}' }]);
  });

  it('replaces a missing, blank or repeated call id, so each result names one call', () => {
    const { toolCalls } = fromLmReply([
      { kind: 'toolCall', callId: undefined, name: 'read_file', input: { path: 'a.js' } },
      { kind: 'toolCall', callId: '  ', name: 'read_file', input: { path: 'b.js' } },
      { kind: 'toolCall', callId: 'x', name: 'read_file', input: { path: 'c.js' } },
      { kind: 'toolCall', callId: 'x', name: 'read_file', input: { path: 'd.js' } },
    ]);
    assert.deepStrictEqual(toolCalls.map((c) => c.id), ['lm-call-1', 'lm-call-2', 'x', 'lm-call-4']);
  });

  it('keeps input that is not an object as its JSON text, and a name that is not a string as ""', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const { toolCalls } = fromLmReply([
      { kind: 'toolCall', callId: 'a', name: 'read_file', input: 'src/range.js' },
      { kind: 'toolCall', callId: 'b', name: 42, input: undefined },
      { kind: 'toolCall', callId: 'c', name: 'read_file', input: cyclic },
    ]);
    assert.deepStrictEqual(toolCalls, [
      { id: 'a', name: 'read_file', arguments: '"src/range.js"' },
      { id: 'b', name: '', arguments: 'null' },
      { id: 'c', name: 'read_file', arguments: 'null' },
    ]);
  });

  it('recognises a model refusing tools, and nothing else, as a reason to ask again without them', () => {
    for (const m of ['This model does not support tools', 'tool_calls are not supported by this endpoint', 'Function calling is unavailable', 'Invalid request: tools[0] unsupported']) {
      assert.strictEqual(looksLikeToolRefusal(m), true, m);
    }
    for (const m of ['Rate limit exceeded', 'Response contained no choices', 'the toolbar is hidden', 'Request Failed: 500']) {
      assert.strictEqual(looksLikeToolRefusal(m), false, m);
    }
  });

  describe('malformed tool calls from the model become tool errors it reads (real workspace tools)', () => {
    let dir: string;
    let ctx: ToolContext;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-lmconv-'));
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(path.join(dir, 'src/range.js'), 'function inRange(x, lo, hi) {\n  return x > lo && x < hi;\n}\n');
      ctx = { files: createSourceFiles(dir), syntax: createSyntaxParser() };
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = async (name: unknown, input: unknown) => {
      const [call] = fromLmReply([{ kind: 'toolCall', callId: 'c', name, input }]).toolCalls;
      return runWorkspaceTool(call, ctx);
    };

    it('a well-formed call reads the file', async () => {
      const answer = await run('read_file', { path: 'src/range.js' });
      assert.strictEqual(answer.error, false);
      assert.ok(answer.output.includes('2|   return x > lo && x < hi;'), answer.output);
    });

    it('input that is a string, not an object', async () => {
      const answer = await run('read_file', 'src/range.js');
      assert.strictEqual(answer.error, true);
      assert.match(answer.output, /^error: read_file: the arguments are not a JSON object \(not a JSON object\)/);
    });

    it('an unknown tool, and a tool without a name', async () => {
      assert.match((await run('write_file', { path: 'src/range.js' })).output, /^error: unknown tool "write_file"; the tools are read_file, find_definition, search_text$/);
      assert.match((await run(7, { path: 'src/range.js' })).output, /^error: unknown tool ""/);
    });

    it('a path outside the workspace', async () => {
      const answer = await run('read_file', { path: '../../etc/passwd' });
      assert.strictEqual(answer.output, `error: cannot read ../../etc/passwd: path ../../etc/passwd is outside the workspace ${dir}`);
    });
  });
});
