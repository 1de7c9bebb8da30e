import * as assert from 'assert';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/vscode/runController';
import { startScriptedOpenAIServer, ScriptedOpenAIServer } from '../support/scriptedOpenAIServer';
import { resetEditors, services, setSetting } from './support';

const KEY = 'sk-reflect-e2e-0123456789abcdef';

describe('the OpenAI-compatible provider with a key in SecretStorage', () => {
  let server: ScriptedOpenAIServer;

  before(async () => {
    server = await startScriptedOpenAIServer(() => ({ text: 'I do not know how to fix this.' }));
    await setSetting('provider', 'openai');
    await setSetting('openai.baseUrl', server.baseURL);
    await setSetting('openai.model', 'scripted-model');
    await setSetting('rounds', 1);
    await setSetting('candidates', 1);
  });
  after(async () => {
    await vscode.commands.executeCommand('reflect.clearApiKey');
    for (const key of ['provider', 'openai.baseUrl', 'openai.model', 'rounds', 'candidates']) await setSetting(key, undefined);
    await server.close();
    await resetEditors();
  });

  it('sends the stored key to the server and never writes it to the log or the trace', async () => {
    assert.strictEqual(await vscode.commands.executeCommand('reflect.setApiKey', KEY), true);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('reflect.fixFailingTests');
    assert.strictEqual(outcome.status, 'no-fix', outcome.result?.stopReason);
    assert.ok(server.requests.length >= 1, 'the model server got no request');
    assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`));
    const s = await services();
    assert.ok(s.log.text().includes('provider openai scripted-model'), 'the log does not name the provider');
    assert.strictEqual(s.log.text().includes(KEY), false);
    assert.strictEqual(JSON.stringify(s.runs.get(outcome.runId)!.trace).includes(KEY), false);
  });

  it('Retry with a hint (the panel\'s action) runs again with the person\'s sentence in the prompt', async () => {
    const s = await services();
    const first = s.runs.get()!.id;
    const before = server.requests.length;
    const outcome = await s.retry(first, 'The bug is in the comparison on line 5.');
    assert.strictEqual(outcome.status, 'no-fix', outcome.result?.stopReason);
    assert.notStrictEqual(outcome.runId, first);
    const prompts = server.requests.slice(before).flatMap((r) => r.messages.map((m) => m.content));
    assert.ok(prompts.some((p) => p.includes('The bug is in the comparison on line 5.')), 'the hint is not in any prompt');
  });
});
