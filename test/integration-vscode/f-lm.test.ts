import * as assert from 'assert';
import * as vscode from 'vscode';
import { ModelError } from '../../src/core/ports';
import { lmChatModel } from '../../src/vscode/lmChatModel';

/**
 * A stand-in for an editor language model (Copilot is not installed here): it records what it is sent, streams a
 * scripted reply piece by piece, honours the CancellationToken, and counts tokens like a tokenizer would (4 chars).
 */
function scriptedModel(pieces: string[], options: { failWith?: Error; waitForCancel?: boolean } = {}) {
  const sent: { messages: vscode.LanguageModelChatMessage[]; justification?: string; token?: vscode.CancellationToken }[] = [];
  const model = {
    id: 'scripted-1', vendor: 'scripted', family: 'test', name: 'Scripted', version: '1', maxInputTokens: 8000,
    async sendRequest(messages: vscode.LanguageModelChatMessage[], opts?: vscode.LanguageModelChatRequestOptions, token?: vscode.CancellationToken) {
      sent.push({ messages, justification: opts?.justification, token });
      if (options.failWith) throw options.failWith;
      async function* parts() {
        for (const p of pieces) {
          if (options.waitForCancel) await new Promise<void>((resolve) => token!.onCancellationRequested(() => resolve()));
          if (token?.isCancellationRequested) throw new vscode.CancellationError();
          yield new vscode.LanguageModelTextPart(p);
        }
      }
      // Like the real response: `stream` carries parts, `text` only the text parts' strings.
      return { stream: parts(), text: (async function* () { for await (const p of parts()) yield p.value; })() };
    },
    async countTokens(input: string | vscode.LanguageModelChatMessage) {
      const text = typeof input === 'string' ? input : input.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
      return Math.ceil(text.length / 4);
    },
  };
  return { model: model as unknown as vscode.LanguageModelChat, sent };
}

describe('the VS Code language model (vscode.lm) as a ChatModel', () => {
  it('streams the reply, asks with a justification, maps the system prompt, and counts tokens with the model', async () => {
    const { model, sent } = scriptedModel(['Use ', '`<=`', '.']);
    const deltas: string[] = [];
    const result = await lmChatModel(model).complete({
      role: 'actor',
      messages: [{ role: 'system', content: 'You fix tests.' }, { role: 'user', content: 'Fix inRange.' }],
      onDelta: (d) => deltas.push(d),
    });
    assert.deepStrictEqual(deltas, ['Use ', '`<=`', '.']);
    assert.strictEqual(result.text, 'Use `<=`.');
    assert.strictEqual(result.model, 'scripted-1');
    // "Instructions:\nYou fix tests." = 28 chars → 7 tokens; "Fix inRange." → 3; "Use `<=`." → 3.
    assert.deepStrictEqual(result.usage, { prompt: 10, completion: 3 });
    assert.match(sent[0].justification ?? '', /Reflect/);
    assert.strictEqual(sent[0].messages.length, 2);
    assert.strictEqual(sent[0].messages[0].role, vscode.LanguageModelChatMessageRole.User);
  });

  it('turns an AbortSignal into the request\'s cancellation and reports it as aborted', async () => {
    const { model, sent } = scriptedModel(['never'], { waitForCancel: true });
    const abort = new AbortController();
    const pending = lmChatModel(model).complete({ role: 'actor', messages: [{ role: 'user', content: 'x' }], signal: abort.signal });
    while (sent.length === 0) await new Promise((r) => setTimeout(r, 5));
    abort.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof ModelError && e.kind === 'aborted');
    assert.strictEqual(sent[0].token?.isCancellationRequested, true);
  });

  it('explains a refused consent as an auth error the person can act on', async () => {
    const { model } = scriptedModel([], { failWith: vscode.LanguageModelError.NoPermissions('user declined') });
    await assert.rejects(
      lmChatModel(model).complete({ role: 'critic', messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof ModelError && e.kind === 'auth' && /consent/.test(e.message),
    );
  });
});
