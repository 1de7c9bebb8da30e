/** Token estimates for when a server reports no usage and for prompt budgets. */

/** About four characters per token for English and code (the usual rule of thumb for BPE tokenizers). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Cuts `text` to about `maxTokens` tokens, keeping the head and the tail (where errors and summaries live). */
export function truncateToTokens(text: string, maxTokens: number): string {
  const maxChars = maxTokens * 4;
  if (text.length <= maxChars) return text;
  const head = Math.floor(maxChars * 0.6);
  const tail = maxChars - head;
  return `${text.slice(0, head)}\n… (${text.length - maxChars} characters cut) …\n${text.slice(text.length - tail)}`;
}
