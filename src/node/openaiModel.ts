/**
 * The OpenAI-compatible chat model (OpenAI, Ollama, LM Studio, llama.cpp's server, vLLM …) behind the `ChatModel`
 * port, with the official `openai` SDK: streamed replies, token usage per call, cancellation, a request timeout,
 * bounded retries on 429/5xx (a server's `retry-after` capped and announced, see modelRetry.ts), a reply stream
 * that stops sending ended after the request timeout, and errors a person can act on.
 */
import OpenAI from 'openai';
import { withoutUrlCredentials } from '../core/outputSafety';
import { ChatMessage, ChatModel, ChatRequest, ChatResult, ModelError, ToolCall } from '../core/ports';
import { estimateTokens } from '../core/tokens';
import { RETRY_WAIT_CAP_MS, withRetries } from './modelRetry';

export interface OpenAIModelOptions {
  /** E.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 (Ollama). */
  baseURL: string;
  /** Default model name (a request may name another, e.g. the critic's). */
  model: string;
  /** The key itself; wins over `apiKeyEnv`. Never logged, never put in an error message. */
  apiKey?: string;
  /** Environment variable holding the key (default OPENAI_API_KEY). */
  apiKeyEnv?: string;
  /** Per request, in milliseconds, and the longest silence inside a streamed reply (default 120 s). */
  requestTimeoutMs?: number;
  /** Retries on 408/409/429/5xx and connection errors (default 2). */
  maxRetries?: number;
  /** Environment to read the key from (default process.env); lets tests and the extension pass their own. */
  env?: Record<string, string | undefined>;
  /** Told before a retry waits (the text names no key). */
  onNotice?: (text: string) => void;
}

/** Local servers accept any key; the SDK refuses to start without one, so this placeholder is sent. */
const PLACEHOLDER_KEY = 'no-key-needed';

/** Creates a ChatModel talking to an OpenAI-compatible `/chat/completions` endpoint. */
export function createOpenAIModel(options: OpenAIModelOptions): ChatModel {
  const env = options.env ?? process.env;
  const keyVar = options.apiKeyEnv ?? 'OPENAI_API_KEY';
  const apiKey = options.apiKey || env[keyVar] || PLACEHOLDER_KEY;
  const timeoutMs = options.requestTimeoutMs ?? 120_000;
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey,
    timeout: timeoutMs,
    // Retries are ours (modelRetry.ts): capped, announced and cancellable waits.
    maxRetries: 0,
  });
  const shownURL = withoutUrlCredentials(options.baseURL);
  const where = { baseURL: shownURL, keyVar, timeoutMs };
  const maxRetries = options.maxRetries ?? 2;

  return {
    name: options.model,
    async complete(request: ChatRequest): Promise<ChatResult> {
      const model = request.model ?? options.model;
      const started = Date.now();
      let offered = request;
      const once = async () => {
        try {
          return await streamCompletion(client, model, offered, started, true, timeoutMs);
        } catch (error) {
          // A server without tool calling may refuse the `tools` field: the prompt's NEED: lines still work.
          if (offered.tools && error instanceof OpenAI.BadRequestError && /tool/i.test(error.message)) {
            offered = { ...request, tools: undefined };
            return await streamCompletion(client, model, offered, started, true, timeoutMs);
          }
          // Some older OpenAI-compatible servers reject stream_options; ask again without it (usage is then estimated).
          if (!(error instanceof OpenAI.BadRequestError) || !/stream_options|include_usage/i.test(error.message)) throw error;
          return await streamCompletion(client, model, offered, started, false, timeoutMs);
        }
      };
      try {
        return await withRetries(once, {
          maxRetries, signal: request.signal,
          onWait: (w) => options.onNotice?.(
            `${w.reason}${w.askedMs !== undefined ? ` and asked to retry after ${seconds(w.askedMs)}` : ''}; ` +
            `retry ${w.retry} of ${w.of} in ${seconds(w.waitMs)}${w.askedMs !== undefined && w.askedMs > RETRY_WAIT_CAP_MS ? ` (Reflect waits at most ${seconds(RETRY_WAIT_CAP_MS)})` : ''} — Ctrl-C or --max-seconds ends the wait`,
          ),
        });
      } catch (error) {
        if (request.signal?.aborted) throw new ModelError('the model request was cancelled', 'aborted');
        throw toModelError(error, model, where);
      }
    },
  };
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

async function streamCompletion(
  client: OpenAI, model: string, request: ChatRequest, started: number, askUsage: boolean, idleLimitMs: number,
): Promise<ChatResult> {
  // A server that sends headers and then nothing more would hold the run forever: silence longer than the request
  // timeout ends the stream.
  const idle = new AbortController();
  let stalled = false;
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      stalled = true;
      idle.abort();
    }, idleLimitMs);
  };
  const signal = request.signal ? AbortSignal.any([request.signal, idle.signal]) : idle.signal;
  const stalledError = () => new ModelError(
    `the model server stopped sending its reply for ${seconds(idleLimitMs)} (stalled stream); try again, or raise the request timeout (--request-timeout, reflect.requestTimeout)`,
    'unreachable',
  );
  try {
    return await readStream(client, model, request, started, askUsage, signal, armIdle);
  } catch (error) {
    if (stalled && !request.signal?.aborted) throw stalledError();
    throw error;
  } finally {
    clearTimeout(idleTimer);
  }
}

async function readStream(
  client: OpenAI, model: string, request: ChatRequest, started: number, askUsage: boolean, signal: AbortSignal, armIdle: () => void,
): Promise<ChatResult> {
  const stream = await client.chat.completions.create(
    {
      model,
      messages: request.messages.map(wireMessage),
      stream: true,
      ...(request.tools?.length ? { tools: request.tools.map((t) => ({ type: 'function' as const, function: t })) } : {}),
      ...(askUsage ? { stream_options: { include_usage: true } } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    },
    { signal },
  );
  armIdle();
  let text = '';
  const calls: ToolCall[] = [];
  let finishReason: string | null | undefined;
  let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
  let servedModel = model;
  const incomplete = () =>
    new ModelError(
      `the model server closed the stream before the reply was complete (${text.length} characters received); try again, or check the server's log`,
      'malformed',
    );
  try {
    for await (const chunk of stream) {
      armIdle();
      if (chunk.model) servedModel = chunk.model;
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices ?? []) {
        const piece = choice.delta?.content;
        if (piece) {
          text += piece;
          request.onDelta?.(piece);
        }
        // Tool calls stream in pieces: the first piece of each index names it, the rest extend its arguments.
        for (const piece of choice.delta?.tool_calls ?? []) {
          const call = (calls[piece.index] ??= { id: piece.id ?? `call_${piece.index}`, name: '', arguments: '' });
          if (piece.function?.name) call.name += piece.function.name;
          if (piece.function?.arguments) call.arguments += piece.function.arguments;
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    }
  } catch (error) {
    // Node's fetch reports a socket closed mid-body as a TypeError "terminated".
    if (!request.signal?.aborted && error instanceof TypeError && /terminated|socket/i.test(error.message)) throw incomplete();
    throw error;
  }
  // An aborted stream and a stream cut by the server may both end the loop silently: tell them apart here.
  if (request.signal?.aborted) throw new ModelError('the model request was cancelled', 'aborted');
  if (signal.aborted) throw new Error('stalled');
  if (!finishReason) throw incomplete();
  const promptText = request.messages.map((m) => m.content).join('\n');
  return {
    text,
    ...(calls.length ? { toolCalls: calls.filter((c) => c !== undefined) } : {}),
    model: servedModel,
    usage: usage
      ? { prompt: usage.prompt_tokens, completion: usage.completion_tokens }
      : { prompt: estimateTokens(promptText), completion: estimateTokens(text), estimated: true },
    durationMs: Date.now() - started,
  };
}

/** A chat message in the wire format: tool calls on assistant messages, the answered call's id on tool messages. */
function wireMessage(m: ChatMessage): OpenAI.Chat.ChatCompletionMessageParam {
  if (m.role === 'tool') return { role: 'tool', content: m.content, tool_call_id: m.toolCallId ?? '' };
  if (m.role === 'assistant' && m.toolCalls?.length) {
    return {
      role: 'assistant', content: m.content || null,
      tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
    };
  }
  return { role: m.role, content: m.content };
}

/** Turns an SDK or network error into a ModelError whose message says what to do; never includes the key. */
export function toModelError(error: unknown, model: string, where: { baseURL: string; keyVar: string; timeoutMs: number }): ModelError {
  if (error instanceof ModelError) return error;
  const url = where.baseURL;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ModelError(
      `the model server at ${url} did not answer within ${Number((where.timeoutMs / 1000).toFixed(1))} s; check that it is not overloaded, or raise the request timeout`,
      'unreachable',
    );
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = describeCause(error);
    return new ModelError(`cannot reach the model server at ${url}${cause ? `: ${cause}` : ''}; is it running?`, 'unreachable');
  }
  if (error instanceof OpenAI.AuthenticationError) {
    return new ModelError(
      `the server refused the API key (401); set ${where.keyVar} (or pass --api-key-env VAR naming the variable that holds the key)`,
      'auth',
    );
  }
  if (error instanceof OpenAI.PermissionDeniedError) {
    return new ModelError(`the server at ${url} denied access to model "${model}" (403); check the key's permissions`, 'auth');
  }
  if (error instanceof OpenAI.NotFoundError) {
    return new ModelError(
      `the server at ${url} does not know model "${model}" (404); check the model name (e.g. \`ollama list\` for Ollama) and the base URL`,
      'not-found',
    );
  }
  if (error instanceof OpenAI.RateLimitError) {
    return new ModelError(`the model server at ${url} is rate-limiting requests (429) and retries did not help; wait and try again`, 'rate-limit');
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 'unknown status';
    const detail = serverMessage(error);
    const kind = typeof error.status === 'number' && error.status >= 500 ? 'server' : 'other';
    return new ModelError(`the model server at ${url} answered with an error (${status})${detail ? `: ${detail}` : ''}; try again later or check the server`, kind);
  }
  if (error instanceof SyntaxError) {
    return new ModelError(`the model server at ${url} sent a reply that is not valid JSON; is the base URL an OpenAI-compatible /v1 endpoint?`, 'malformed');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError(`the model call failed: ${message}`, 'other');
}

function describeCause(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string; cause?: { code?: string } } }).cause;
  return cause?.code ?? cause?.cause?.code ?? cause?.message ?? '';
}

function serverMessage(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : '';
  return text.slice(0, 200);
}
