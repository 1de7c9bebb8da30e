/**
 * The critic: its own prompt role (and optionally its own model) writes the round's reflection from the test
 * evidence — what the closest candidate changed, what the failing output proves, what to try next.
 */
import { callModel } from './modelProposer';
import type { ChatModel, Critic, CritiqueRequest } from './ports';
import { CRITIC_SYSTEM_PROMPT, renderCriticPrompt } from './prompts';
import type { Candidate, Reflection, TestResult } from './types';

export interface ModelCriticOptions {
  critic: ChatModel;
  /** Model name to request (e.g. --critic-model; default: the ChatModel's own). */
  model?: string;
  /** Reply length cap (default 1024 tokens). */
  maxTokens?: number;
  temperature?: number;
  /**
   * The code and evidence of the closest candidate's failures (the test's block, the functions on its stack), so
   * the critic can explain what the code does against the assertion. Without it the critic sees diffs and evidence.
   */
  context?: (request: CritiqueRequest) => Promise<string>;
}

/** A Critic backed by a chat model. */
export function createModelCritic(options: ModelCriticOptions): Critic {
  return {
    async critique(request: CritiqueRequest): Promise<Reflection> {
      const closest = closestCandidate(request.candidates);
      let context: string | undefined;
      try {
        context = await options.context?.(request);
      } catch (error) {
        request.emit({ type: 'log', level: 'warn', message: `the critic gets no code context: ${(error as Error).message}` });
      }
      const prompt = renderCriticPrompt({
        round: request.round, candidates: request.candidates, closest, failures: request.failures, context, memory: request.memory, hint: request.hint,
        baselineFailures: closest ? baselineFailuresOf(request) : [],
      });
      const started = Date.now();
      let usage: Reflection['usage'];
      const text = await callModel(options.critic, {
        role: 'critic', model: options.model, temperature: options.temperature ?? 0.2, maxTokens: options.maxTokens ?? 1024,
        messages: [{ role: 'system', content: CRITIC_SYSTEM_PROMPT }, { role: 'user', content: prompt }],
        signal: request.signal,
      }, request.round, `r${request.round}-critic`, (event) => {
        if (event.type === 'model-call') usage = event.call.usage;
        request.emit(event);
      });
      return {
        round: request.round,
        author: 'model',
        model: options.model ?? options.critic.name,
        text: text.trim(),
        ...(closest ? { candidateId: closest.id } : {}),
        durationMs: Date.now() - started,
        ...(usage ? { usage } : {}),
      };
    },
  };
}

/** The baseline's failures of the tests that still fail, so the critic can see whether a candidate made them worse. */
function baselineFailuresOf(request: CritiqueRequest): TestResult[] {
  const ids = new Set(request.failures.map((f) => f.id));
  return request.baseline.tests.filter((t) => ids.has(t.id) && t.failure !== undefined);
}

/** The tested candidate that got furthest (highest score); else the first one (e.g. all were rejected). */
export function closestCandidate(candidates: Candidate[]): Candidate | undefined {
  let closest: Candidate | undefined;
  for (const c of candidates) {
    if (c.status === 'rejected' || c.status === 'pending') continue;
    if (!closest || c.score > closest.score) closest = c;
  }
  // An untested (rejected) candidate is never "closest": nothing says how close it came.
  return closest;
}
