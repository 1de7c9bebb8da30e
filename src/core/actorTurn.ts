/**
 * One actor turn as a short conversation: the model may ask for more code before it answers, with OpenAI tool
 * calls (read_file, find_definition, search_text) or, for models without tools, lines `NEED: path[:from-to]` (or a
 * plain "I need to see src/x.js" naming a workspace file). Each request is answered in the next message; the turn
 * ends with a reply that carries edits, or when the limits are reached. A reply that only asks is a request, never
 * a malformed reply. What was asked and given is reported as log events (panel and trace).
 */
import { parseModelEdits } from './editFormats';
import { callModelForResult } from './modelProposer';
import type { ChatMessage, ChatModel, ChatRequest, ToolCall } from './ports';
import type { LoopEvent } from './types';
import { DEFAULT_TOOL_LIMITS, fail, runWorkspaceTool, WORKSPACE_TOOLS, type ToolAnswer, type ToolContext, type ToolLimits } from './workspaceTools';

export interface ActorTurnInput {
  model: ChatModel;
  request: Omit<ChatRequest, 'onDelta' | 'tools'>;
  /** Offer the tools through the protocol (the text fallback is always understood). */
  offerTools: boolean;
  tools: ToolContext;
  limits?: ToolLimits;
  /** Model calls in one turn, the answering one included. */
  maxCalls?: number;
  round: number;
  callId: string;
  emit(event: LoopEvent): void;
}

/** The turn's last reply, and what the model asked for if it never stopped asking. */
export interface ActorTurnResult {
  reply: string;
  /** Set when the last reply still only asked for code (the limits were reached). */
  unanswered?: string;
  /** Each request and what it got, for the trace and the panel. */
  asked: string[];
}

const NEED_LINE = /^\s*NEED:\s*`?([^\s`:]+)`?(?::(\d+)(?:\s*-\s*(\d+))?)?\s*$/gm;
const PATH_IN_PROSE = /`?((?:[\w@.-]+\/)*[\w@.-]+\.(?:[cm]?[jt]sx?|py|json))`?/g;
const ASKING = /\b(?:need|see|show|provide|share|look at|send|give me)\b/i;

/** Runs the conversation; throws only what the model call throws (ModelError). */
export async function runActorTurn(input: ActorTurnInput): Promise<ActorTurnResult> {
  const limits = input.limits ?? DEFAULT_TOOL_LIMITS;
  const maxCalls = input.maxCalls ?? 4;
  const messages: ChatMessage[] = [...input.request.messages];
  let asked = 0;
  const log: string[] = [];
  for (let call = 1; ; call++) {
    const last = call >= maxCalls;
    const callId = call === 1 ? input.callId : `${input.callId}.${call}`;
    const result = await callModelForResult(input.model, {
      ...input.request, messages, ...(input.offerTools && !last ? { tools: WORKSPACE_TOOLS } : {}),
    }, input.round, callId, input.emit);
    if (result.toolCalls?.length && !last) {
      messages.push({ role: 'assistant', content: result.text, toolCalls: result.toolCalls });
      for (const tc of result.toolCalls) {
        const answer = asked < limits.calls ? await runWorkspaceTool(tc, input.tools, limits) : fail(`the limit of ${limits.calls} tool calls is reached; answer with your edit now`);
        asked++;
        log.push(report(input, callId, `${tc.name}(${tc.arguments.slice(0, 120)})`, answer));
        messages.push({ role: 'tool', toolCallId: tc.id, content: answer.output });
      }
      continue;
    }
    const needs = parseModelEdits(result.text).edits.length ? [] : await requestedFiles(result.text, input.tools);
    if (!needs.length) return { reply: result.text, asked: log };
    if (last) return { reply: result.text, unanswered: needs.map(describeNeed).join(', '), asked: log };
    const answers: string[] = [];
    for (const need of needs) {
      const answer = asked < limits.calls ? await runWorkspaceTool(need, input.tools, limits) : fail(`the limit of ${limits.calls} requests is reached`);
      asked++;
      log.push(report(input, callId, `NEED ${describeNeed(need)}`, answer));
      answers.push(answer.output);
    }
    messages.push({ role: 'assistant', content: result.text });
    messages.push({ role: 'user', content: `Here is what you asked for:\n\n${answers.join('\n\n')}\n\nNow answer with one or two sentences on the bug and the SEARCH/REPLACE blocks (or ask again with NEED: lines).` });
  }
}

/**
 * The files a reply without edits asks for: `NEED: path[:from-to]` lines, else workspace files named in a reply
 * that asks to see something. Each becomes a read_file call.
 */
export async function requestedFiles(reply: string, tools: ToolContext): Promise<ToolCall[]> {
  const out: ToolCall[] = [];
  for (const m of reply.matchAll(NEED_LINE)) {
    const args: Record<string, unknown> = { path: m[1] };
    if (m[2]) args.start_line = Number(m[2]);
    if (m[3]) args.end_line = Number(m[3]);
    out.push({ id: `need-${out.length + 1}`, name: 'read_file', arguments: JSON.stringify(args) });
  }
  if (out.length || !ASKING.test(reply) || /```/.test(reply)) return out.slice(0, 6);
  for (const m of reply.matchAll(PATH_IN_PROSE)) {
    const path = m[1].replace(/^\.\//, '');
    if (out.some((c) => c.arguments.includes(JSON.stringify(path)))) continue;
    const exists = await tools.files.read(path).then((t) => t !== undefined, () => false);
    if (exists) out.push({ id: `need-${out.length + 1}`, name: 'read_file', arguments: JSON.stringify({ path }) });
  }
  return out.slice(0, 6);
}

function describeNeed(call: ToolCall): string {
  try {
    const a = JSON.parse(call.arguments) as { path: string; start_line?: number; end_line?: number };
    return a.start_line ? `${a.path}:${a.start_line}${a.end_line ? `-${a.end_line}` : ''}` : a.path;
  } catch {
    return call.arguments;
  }
}

function report(input: ActorTurnInput, callId: string, asked: string, answer: ToolAnswer): string {
  const line = `${asked} → ${answer.summary}`;
  input.emit({ type: 'log', level: answer.error ? 'warn' : 'info', message: `${callId} asked ${line}` });
  return line;
}
