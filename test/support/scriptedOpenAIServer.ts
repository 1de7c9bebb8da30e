/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions wire protocol, scripted per request:
 * SSE streaming (`data:` chunks, a usage chunk with `choices: []`, `data: [DONE]`) or plain JSON, and the failure
 * modes a real server has (500, 401, 404 unknown model, a stream cut mid-way, a stream that stalls). It stands in for the outside world
 * (OpenAI, Ollama, vLLM …) in tests; every request body is recorded.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface RecordedMessage {
  role: string;
  /** Empty for an assistant message that only called tools (the wire sends null). */
  content: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

/** The part of a chat-completions request body the scripts look at. */
export interface RecordedRequest {
  model: string;
  messages: RecordedMessage[];
  stream?: boolean;
  temperature?: number;
  stream_options?: { include_usage?: boolean };
  tools?: { type: 'function'; function: { name: string; description?: string; parameters?: unknown } }[];
  headers: Record<string, string | string[] | undefined>;
}

export interface ScriptedReply {
  /** The assistant's text (streamed in pieces of `chunkSize` characters). */
  text?: string;
  /** Answer with this HTTP status and an OpenAI-style error body instead. */
  status?: number;
  errorMessage?: string;
  /** Extra response headers (e.g. retry-after on a 429). */
  headers?: Record<string, string>;
  /** Cut the connection after this many characters of text were streamed (no finish_reason, no [DONE]). */
  disconnectAfterChars?: number;
  /** Stop sending after this many characters but keep the connection open (a stalled server), until closed. */
  stallAfterChars?: number;
  /** Usage to report; null = send no usage chunk. Default: counts derived from the text. */
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  chunkSize?: number;
  /** Wait before answering (ms). */
  delayMs?: number;
  /** Call these tools (streamed as `tool_calls` deltas, finish_reason 'tool_calls'); `arguments` is sent as is. */
  toolCalls?: { id?: string; name: string; arguments: string }[];
}

/** Decides the reply from the request body and its 0-based index among all requests. */
export type ReplyScript = (request: RecordedRequest, index: number) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedOpenAIServer {
  /** Base URL including /v1, e.g. http://127.0.0.1:43121/v1 */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the server on a free port of 127.0.0.1. */
export async function startScriptedOpenAIServer(script: ReplyScript): Promise<ScriptedOpenAIServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('net').Socket>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      void answer(req, res, raw).catch((e) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function answer(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      sendError(res, 404, `no route ${req.method} ${req.url}`);
      return;
    }
    const body = JSON.parse(raw) as Omit<RecordedRequest, 'headers'>;
    for (const m of body.messages) m.content ??= '';
    const recorded: RecordedRequest = { ...body, headers: req.headers };
    const index = requests.push(recorded) - 1;
    const reply = await script(recorded, index);
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (reply.status && reply.status >= 400) {
      sendError(res, reply.status, reply.errorMessage ?? `scripted error ${reply.status}`, reply.headers);
      return;
    }
    const text = reply.text ?? '';
    const usage = reply.usage === undefined
      ? { prompt_tokens: Math.ceil(raw.length / 4), completion_tokens: Math.ceil(text.length / 4) }
      : reply.usage;
    const id = `chatcmpl-${index}`;
    const toolCalls = (reply.toolCalls ?? []).map((c, k) => ({ id: c.id ?? `call_${index}_${k}`, type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));
    const finish = toolCalls.length ? 'tool_calls' : 'stop';
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify({
        id, object: 'chat.completion', created: 0, model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }, finish_reason: finish }],
        ...(usage ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } } : {}),
      }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
    const chunk = (choices: unknown[], extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: body.model, choices, ...extra })}\n\n`;
    res.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    const size = reply.chunkSize ?? 16;
    const limit = reply.disconnectAfterChars ?? Infinity;
    const stall = reply.stallAfterChars ?? Infinity;
    for (let at = 0; at < text.length; at += size) {
      // Headers and some text sent, then silence: the connection stays open until the client gives up.
      if (at >= stall) return;
      if (at >= limit) {
        // Cut the stream the way a crashed server does: the socket closes with no finish_reason and no [DONE].
        res.socket?.destroy();
        return;
      }
      res.write(chunk([{ index: 0, delta: { content: text.slice(at, at + size) }, finish_reason: null }]));
      await new Promise((r) => setImmediate(r));
    }
    if (limit !== Infinity) {
      res.socket?.destroy();
      return;
    }
    // Like OpenAI: each call's id and name first, then its arguments in pieces.
    toolCalls.forEach((c, k) => {
      res.write(chunk([{ index: 0, delta: { tool_calls: [{ index: k, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }, finish_reason: null }]));
      for (let at = 0; at < c.function.arguments.length; at += size) {
        res.write(chunk([{ index: 0, delta: { tool_calls: [{ index: k, function: { arguments: c.function.arguments.slice(at, at + size) } }] }, finish_reason: null }]));
      }
    });
    res.write(chunk([{ index: 0, delta: {}, finish_reason: finish }]));
    if (usage && body.stream_options?.include_usage) {
      res.write(chunk([], { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }));
    }
    res.write('data: [DONE]\n\n');
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function sendError(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const type = status === 401 ? 'invalid_request_error' : status === 404 ? 'invalid_request_error' : 'server_error';
  const code = status === 401 ? 'invalid_api_key' : status === 404 ? 'model_not_found' : null;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { message, type, param: null, code } }));
}

/** The text of the last user message of a request (what the scripts usually inspect). */
export function lastUserMessage(request: RecordedRequest): string {
  return [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}
