/**
 * The VS Code LM API's side of tool calling, as plain data: how the engine's chat messages (OpenAI-shaped, see
 * ChatMessage in core/ports) become LM API messages and parts, and how a reply's parts become the engine's text and
 * tool calls. Nothing here imports `vscode`, so it is unit-tested outside an editor; lmChatModel.ts turns each plain
 * part into its `vscode` class (and back) and does nothing else.
 *
 * The protocol (LanguageModelChatRequestOptions.tools): the model's tool calls come back as
 * LanguageModelToolCallPart; the caller answers them with an Assistant message carrying those call parts, followed
 * by a User message carrying one LanguageModelToolResultPart per call, with the same call ids.
 */
import type { ChatMessage, ToolCall, ToolSpec } from '../core/ports';

/** One content part of an LM API message, as plain data. */
export type LmPart =
  | { kind: 'text'; value: string }
  | { kind: 'toolCall'; callId: string; name: string; input: Record<string, unknown> }
  | { kind: 'toolResult'; callId: string; text: string };

/** One LM API message (the API has no system or tool role: both travel in User messages). */
export interface LmMessage {
  role: 'user' | 'assistant';
  parts: LmPart[];
}

/** A part of a streamed LM API reply, as plain data. `input` is whatever the model sent: untrusted. */
export type LmReplyPart =
  | { kind: 'text'; value: string }
  | { kind: 'toolCall'; callId: unknown; name: unknown; input: unknown };

/** A `LanguageModelChatTool` (a plain interface in the API, so this is the value passed as is). */
export interface LmTool {
  name: string;
  description: string;
  inputSchema: object;
}

/** The engine's tool specs as LM API tools (the JSON Schema parameters become `inputSchema`). */
export function toLmTools(specs: ToolSpec[]): LmTool[] {
  return specs.map((s) => ({ name: s.name, description: s.description, inputSchema: s.parameters }));
}

/**
 * The engine's conversation as LM API messages. The system text becomes the first User message, marked as
 * instructions; an assistant message with tool calls carries them as call parts; the tool messages that answer
 * them are gathered into one User message of result parts right after it.
 */
export function toLmConversation(messages: ChatMessage[]): LmMessage[] {
  const out: LmMessage[] = [];
  for (const m of messages) {
    if (m.role === 'tool') {
      const result: LmPart = { kind: 'toolResult', callId: m.toolCallId ?? '', text: m.content };
      const last = out[out.length - 1];
      if (last && isToolResultsMessage(last)) last.parts.push(result);
      else out.push({ role: 'user', parts: [result] });
    } else if (m.role === 'assistant') {
      const parts: LmPart[] = m.content || !m.toolCalls?.length ? [{ kind: 'text', value: m.content }] : [];
      for (const call of m.toolCalls ?? []) parts.push({ kind: 'toolCall', callId: call.id, name: call.name, input: inputObject(call.arguments) });
      out.push({ role: 'assistant', parts });
    } else {
      out.push({ role: 'user', parts: [{ kind: 'text', value: m.role === 'system' ? `Instructions:\n${m.content}` : m.content }] });
    }
  }
  return out;
}

/** The reply's text (its text parts in order) and its tool calls, checked so the engine can trust their shape. */
export function fromLmReply(parts: LmReplyPart[]): { text: string; toolCalls: ToolCall[] } {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const part of parts) {
    if (part.kind === 'text') text += part.value;
    else toolCalls.push(toToolCall(part, toolCalls));
  }
  return { text, toolCalls };
}

/**
 * One tool call part as the engine's ToolCall. The model's input is kept as JSON text even when it is not an object
 * (a string, an array, null), so the tool answers with an error the model reads instead of running on a guess. A
 * missing or repeated call id is replaced: the result part must name its call unambiguously.
 */
function toToolCall(part: Extract<LmReplyPart, { kind: 'toolCall' }>, earlier: ToolCall[]): ToolCall {
  const given = typeof part.callId === 'string' ? part.callId.trim() : '';
  const id = given && !earlier.some((c) => c.id === given) ? given : `lm-call-${earlier.length + 1}`;
  return { id, name: typeof part.name === 'string' ? part.name : '', arguments: jsonText(part.input) };
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value ?? null) ?? 'null';
  } catch {
    // A value JSON cannot write (a cycle, a BigInt) is as unusable to a tool as no input at all.
    return 'null';
  }
}

/**
 * A call's arguments as the object a LanguageModelToolCallPart must carry. Arguments that are not a JSON object were
 * answered with a tool error already; the call part then carries `{}` so the conversation stays well formed.
 */
function inputObject(args: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function isToolResultsMessage(m: LmMessage): boolean {
  return m.role === 'user' && m.parts.length > 0 && m.parts.every((p) => p.kind === 'toolResult');
}

/**
 * Whether a failed request looks like the model refusing the tools (a model or provider without tool calling), in
 * which case the request is made again without them and the prompt's `NEED:` lines carry the asking.
 */
export function looksLikeToolRefusal(message: string): boolean {
  return /\btools?\b|tool[_ ]?call|function[_ ]?call/i.test(message);
}
