/**
 * The actor: asks a chat model for K candidate fixes per round (K calls, each with its own temperature and
 * instruction so the samples differ), streams the replies as events, and turns each reply into file changes.
 * A reply with no usable edit becomes a rejected proposal (recorded, the loop goes on); a model failure
 * (ModelError) ends the run with its message.
 */
import type { ChatModel, ChatRequest, ChatResult, Proposal, ProposalRequest, Proposer } from './ports';
import { ModelError } from './ports';
import { runActorTurn } from './actorTurn';
import { ACTOR_SYSTEM_PROMPT, actorVariation, renderActorPrompt } from './prompts';
import { estimateTokens } from './tokens';
import type { FileChange, LoopEvent, ModelRole } from './types';

/** Edits parsed from a reply and applied to the current files, or why they could not be. */
export interface ParsedEdits {
  changes: FileChange[];
  error?: string;
}

/** The code context of an actor prompt. */
export interface ModelContext {
  text: string;
  /** True when the text already quotes each failure's message, expected/actual and stack. */
  hasEvidence: boolean;
}

export interface ModelProposerOptions {
  actor: ChatModel;
  /** Model name to request (default: the ChatModel's own). */
  model?: string;
  /** The code context for the failing tests (tree-sitter slices within a token budget), and whether it quotes the evidence. */
  buildContext(request: ProposalRequest): Promise<ModelContext>;
  /** Parses the reply's edits and applies them to the files as they are now. */
  parseEdits(reply: string, request: ProposalRequest): Promise<ParsedEdits>;
  /** Reply length cap per call (default 4096 tokens). */
  maxTokens?: number;
  /** Offer the read-only workspace tools through the protocol (default true; `NEED:` lines work either way). */
  offerTools?: boolean;
}

/** A Proposer backed by a chat model. */
export function createModelProposer(options: ModelProposerOptions): Proposer {
  return {
    name: options.model ?? options.actor.name,
    async propose(request: ProposalRequest): Promise<Proposal[]> {
      const context = await options.buildContext(request);
      // One failing call cancels its siblings: the run stops with that call's error.
      const siblings = new AbortController();
      const abortSiblings = () => siblings.abort();
      request.signal.addEventListener('abort', abortSiblings, { once: true });
      try {
        const calls = Array.from({ length: Math.max(1, request.count) }, async (_, index) => {
          const variation = actorVariation(index);
          const prompt = renderActorPrompt({
            failures: request.failures, context: context.text, contextHasEvidence: context.hasEvidence, memory: request.memory, best: request.best, lessons: request.lessons,
            hint: request.hint, instruction: variation.instruction, rejected: rejectedLastRound(request),
          });
          try {
            const turn = await runActorTurn({
              model: options.actor,
              request: {
                role: 'actor', model: options.model, temperature: variation.temperature, maxTokens: options.maxTokens ?? 4096,
                messages: [{ role: 'system', content: ACTOR_SYSTEM_PROMPT }, { role: 'user', content: prompt }],
                signal: siblings.signal,
              },
              offerTools: options.offerTools ?? true, tools: { files: request.files, syntax: request.syntax },
              round: request.round, callId: `r${request.round}-actor-${index + 1}`, emit: request.emit,
            });
            const proposal = await proposalFromReply(turn.reply, request, options);
            if (turn.asked.length) proposal.asked = turn.asked;
            if (turn.unanswered && proposal.rejectReason) {
              proposal.rejectReason = `the model was still asking for code (${turn.unanswered}) when its turn's requests ran out; no edit to test`;
            }
            return proposal;
          } catch (error) {
            siblings.abort();
            throw error;
          }
        });
        return await Promise.all(calls);
      } finally {
        request.signal.removeEventListener('abort', abortSiblings);
      }
    },
  };
}

async function proposalFromReply(reply: string, request: ProposalRequest, options: ModelProposerOptions): Promise<Proposal> {
  const rationale = proseOf(reply);
  let parsed: ParsedEdits;
  try {
    parsed = await options.parseEdits(reply, request);
  } catch (error) {
    parsed = { changes: [], error: `the edits could not be applied: ${(error as Error).message}` };
  }
  const changed = parsed.changes.filter((c) => c.before !== c.after);
  const summary = summarize(changed, rationale);
  if (parsed.error || changed.length === 0) {
    return { summary, rationale, changes: changed, source: 'model', rejectReason: parsed.error ?? 'the reply contains no usable edit (no SEARCH/REPLACE block that changes a file)' };
  }
  return { summary, rationale, changes: changed, source: 'model' };
}

/**
 * Calls the model, streaming deltas and reporting the call (usage, time) as events. Shared with the critic.
 * Throws ModelError (the loop turns it into status 'error').
 */
export async function callModel(
  model: ChatModel,
  request: Omit<ChatRequest, 'onDelta'>,
  round: number,
  callId: string,
  emit: (event: LoopEvent) => void,
): Promise<string> {
  return (await callModelForResult(model, request, round, callId, emit)).text;
}

/** Like callModel, with the whole result (the tool calls of a reply that asks for code). */
export async function callModelForResult(
  model: ChatModel,
  request: Omit<ChatRequest, 'onDelta'>,
  round: number,
  callId: string,
  emit: (event: LoopEvent) => void,
): Promise<ChatResult> {
  let streamed = '';
  const role: ModelRole = request.role;
  const name = request.model ?? model.name;
  const started = Date.now();
  try {
    const result = await model.complete({
      ...request,
      onDelta: (text) => {
        streamed += text;
        emit({ type: 'model-delta', round, role, callId, text, completionTokens: estimateTokens(streamed) });
      },
    });
    emit({ type: 'model-call', round, call: { id: callId, role, model: result.model || name, round, usage: result.usage, durationMs: result.durationMs } });
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    emit({ type: 'model-call', round, call: { id: callId, role, model: name, round, usage: { prompt: 0, completion: estimateTokens(streamed), estimated: true }, durationMs: Date.now() - started, error: message } });
    throw error instanceof ModelError ? error : new ModelError(message, 'other');
  }
}

/** Why the model's replies of the previous round were rejected before testing. */
function rejectedLastRound(request: ProposalRequest): string[] {
  const last = request.previousRounds[request.previousRounds.length - 1];
  return (last?.candidates ?? []).filter((c) => c.source === 'model' && c.rejectReason).map((c) => `${c.id}: ${c.rejectReason!.slice(0, 400)}`);
}

/** The reply's explanation: the text before the first edit block, without fences. */
export function proseOf(reply: string): string {
  const cut = reply.search(/^[^\n]*\n?<{7} SEARCH|^```/m);
  const head = (cut >= 0 ? reply.slice(0, cut) : reply).trim();
  // Drop a trailing path line that belongs to the first block.
  const lines = head.split('\n').filter((l) => l.trim() !== '');
  if (lines.length && /^[\w./-]+\.\w+$/.test(lines[lines.length - 1].trim())) lines.pop();
  return lines.join('\n').slice(0, 600);
}

function summarize(changes: FileChange[], rationale: string): string {
  const files = changes.map((c) => c.path).join(', ');
  const first = rationale.split(/(?<=[.!?])\s/)[0]?.trim() ?? '';
  const sentence = first.length > 100 ? `${first.slice(0, 97)}…` : first;
  if (files && sentence) return `${files}: ${sentence}`;
  return files || sentence || 'no edit';
}
