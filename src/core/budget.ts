/** Token and time budgets of a run, and token bookkeeping. */
import type { LoopOptions, TokenUsage } from './types';

/** Why the run must stop now (a sentence), or undefined while within budget. */
export function budgetExceeded(options: LoopOptions, totals: TokenUsage, elapsedMs: number): string | undefined {
  if (options.maxTokens > 0 && totals.prompt + totals.completion >= options.maxTokens) {
    return `the token budget of ${options.maxTokens} was reached (${totals.prompt + totals.completion} used)`;
  }
  if (options.maxDurationMs > 0 && elapsedMs >= options.maxDurationMs) return `the time budget of ${options.maxDurationMs / 1000} s was reached`;
  return undefined;
}

/** Adds `usage` into `into` (an estimate anywhere makes the sum an estimate). */
export function addUsage(into: TokenUsage, usage: TokenUsage): void {
  into.prompt += usage.prompt;
  into.completion += usage.completion;
  if (usage.estimated) into.estimated = true;
}
