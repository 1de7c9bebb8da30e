import * as assert from 'assert';
import * as net from 'net';
import { ModelError } from '../../src/core/ports';
import { createOpenAIModel } from '../../src/node/openaiModel';
import { ReplyScript, ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';

const SECRET = 'sk-test-SECRET-0123456789';

describe('createOpenAIModel against a scripted OpenAI-compatible server', () => {
  let server: ScriptedOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(script: ReplyScript) {
    server = await startScriptedOpenAIServer(script);
    return server;
  }

  const ask = (text: string) => [{ role: 'user' as const, content: text }];

  it('streams deltas, returns the text and the usage the server reports', async () => {
    const s = await start(() => ({ text: 'hello world, this is streamed', chunkSize: 5, usage: { prompt_tokens: 11, completion_tokens: 7 } }));
    const model = createOpenAIModel({ baseURL: s.baseURL, model: 'actor', env: {} });
    const deltas: string[] = [];
    const result = await model.complete({ role: 'actor', messages: ask('hi'), temperature: 0.6, onDelta: (d) => deltas.push(d) });
    assert.strictEqual(result.text, 'hello world, this is streamed');
    assert.deepStrictEqual(deltas, ['hello', ' worl', 'd, th', 'is is', ' stre', 'amed']);
    assert.deepStrictEqual(result.usage, { prompt: 11, completion: 7 });
    assert.strictEqual(s.requests[0].model, 'actor');
    assert.strictEqual(s.requests[0].stream, true);
    assert.strictEqual(s.requests[0].temperature, 0.6);
    assert.deepStrictEqual(s.requests[0].stream_options, { include_usage: true });
  });

  it('estimates usage (chars / 4) when the server sends none', async () => {
    const s = await start(() => ({ text: '12345678', usage: null }));
    const model = createOpenAIModel({ baseURL: s.baseURL, model: 'm', env: {} });
    const result = await model.complete({ role: 'actor', messages: ask('abcdefghijkl') });
    assert.deepStrictEqual(result.usage, { prompt: 3, completion: 2, estimated: true });
  });

  it('asks again without stream_options when a server rejects them, estimating usage', async () => {
    const s = await start((r) => (r.stream_options ? { status: 400, errorMessage: 'unknown field: stream_options' } : { text: 'fine', usage: null }));
    const result = await createOpenAIModel({ baseURL: s.baseURL, model: 'm', env: {} }).complete({ role: 'actor', messages: ask('abcd') });
    assert.strictEqual(result.text, 'fine');
    assert.deepStrictEqual(result.usage, { prompt: 1, completion: 1, estimated: true });
    assert.deepStrictEqual(s.requests.map((r) => r.stream_options), [{ include_usage: true }, undefined]);
  });

  it('uses the request model over the default (the critic model)', async () => {
    const s = await start((r) => ({ text: `I am ${r.model}` }));
    const model = createOpenAIModel({ baseURL: s.baseURL, model: 'actor', env: {} });
    const result = await model.complete({ role: 'critic', model: 'critic', messages: ask('x') });
    assert.strictEqual(result.text, 'I am critic');
  });

  it('sends a placeholder key to servers that need none, and the env key when set', async () => {
    const s = await start(() => ({ text: 'ok' }));
    await createOpenAIModel({ baseURL: s.baseURL, model: 'm', env: {} }).complete({ role: 'actor', messages: ask('x') });
    await createOpenAIModel({ baseURL: s.baseURL, model: 'm', apiKeyEnv: 'MY_KEY', env: { MY_KEY: SECRET } }).complete({ role: 'actor', messages: ask('x') });
    assert.strictEqual(s.requests[0].headers.authorization, 'Bearer no-key-needed');
    assert.strictEqual(s.requests[1].headers.authorization, `Bearer ${SECRET}`);
  });

  it('says the key was refused on 401, names the variable, never shows the key', async () => {
    const s = await start(() => ({ status: 401, errorMessage: `Incorrect API key provided: ${SECRET}` }));
    const model = createOpenAIModel({ baseURL: s.baseURL, model: 'm', env: { OPENAI_API_KEY: SECRET } });
    const error = await model.complete({ role: 'actor', messages: ask('x') }).then(() => undefined, (e) => e);
    assert.ok(error instanceof ModelError);
    assert.strictEqual(error.kind, 'auth');
    assert.strictEqual(error.message, 'the server refused the API key (401); set OPENAI_API_KEY (or pass --api-key-env VAR naming the variable that holds the key)');
    assert.ok(!error.message.includes(SECRET));
  });

  it('names the unknown model on 404', async () => {
    const s = await start(() => ({ status: 404, errorMessage: 'model "nope" not found' }));
    const model = createOpenAIModel({ baseURL: s.baseURL, model: 'nope', env: {} });
    const error = await model.complete({ role: 'actor', messages: ask('x') }).then(() => undefined, (e) => e);
    assert.strictEqual(error.kind, 'not-found');
    assert.strictEqual(error.message, `the server at ${s.baseURL} does not know model "nope" (404); check the model name (e.g. \`ollama list\` for Ollama) and the base URL`);
  });

  it('retries a 500 a bounded number of times, then reports the server error', async () => {
    const s = await start(() => ({ status: 500, errorMessage: 'boom', headers: { 'retry-after-ms': '1' } }));
    const model = createOpenAIModel({ baseURL: s.baseURL, model: 'm', maxRetries: 2, env: {} });
    const error = await model.complete({ role: 'actor', messages: ask('x') }).then(() => undefined, (e) => e);
    assert.strictEqual(s.requests.length, 3);
    assert.strictEqual(error.kind, 'server');
    assert.strictEqual(error.message, `the model server at ${s.baseURL} answered with an error (500): boom; try again later or check the server`);
  });

  it('retries a 429 honouring retry-after, then succeeds', async () => {
    const s = await start((_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '0' } } : { text: 'after the wait' }));
    const model = createOpenAIModel({ baseURL: s.baseURL, model: 'm', env: {} });
    const result = await model.complete({ role: 'actor', messages: ask('x') });
    assert.strictEqual(result.text, 'after the wait');
    assert.strictEqual(s.requests.length, 2);
  });

  it('treats a stream cut mid-way as incomplete, not as a short answer', async () => {
    const s = await start(() => ({ text: 'a'.repeat(100), chunkSize: 10, disconnectAfterChars: 30 }));
    const model = createOpenAIModel({ baseURL: s.baseURL, model: 'm', maxRetries: 0, env: {} });
    const error = await model.complete({ role: 'actor', messages: ask('x') }).then(() => undefined, (e) => e);
    assert.strictEqual(error.kind, 'malformed');
    assert.strictEqual(error.message, "the model server closed the stream before the reply was complete (30 characters received); try again, or check the server's log");
  });

  it('says the server cannot be reached when nothing listens', async () => {
    const port = await freePort();
    const baseURL = `http://127.0.0.1:${port}/v1`;
    const model = createOpenAIModel({ baseURL, model: 'm', maxRetries: 0, env: {} });
    const error = await model.complete({ role: 'actor', messages: ask('x') }).then(() => undefined, (e) => e);
    assert.strictEqual(error.kind, 'unreachable');
    assert.strictEqual(error.message, `cannot reach the model server at ${baseURL}: ECONNREFUSED; is it running?`);
  });

  it('stops mid-stream on abort and says it was cancelled', async () => {
    const s = await start(() => ({ text: 'x'.repeat(2000), chunkSize: 10 }));
    const model = createOpenAIModel({ baseURL: s.baseURL, model: 'm', env: {} });
    const controller = new AbortController();
    let received = 0;
    const error = await model
      .complete({ role: 'actor', messages: ask('x'), signal: controller.signal, onDelta: (d) => { received += d.length; if (received >= 50) controller.abort(); } })
      .then(() => undefined, (e) => e);
    assert.strictEqual(error.kind, 'aborted');
    assert.ok(received < 2000);
  });

  it('times out a request that gets no answer', async () => {
    const s = await start(() => ({ text: 'late', delayMs: 1500 }));
    const model = createOpenAIModel({ baseURL: s.baseURL, model: 'm', requestTimeoutMs: 200, maxRetries: 0, env: {} });
    const error = await model.complete({ role: 'actor', messages: ask('x') }).then(() => undefined, (e) => e);
    assert.strictEqual(error.kind, 'unreachable');
    assert.strictEqual(error.message, `the model server at ${s.baseURL} did not answer within 0.2 s; check that it is not overloaded, or raise the request timeout`);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
