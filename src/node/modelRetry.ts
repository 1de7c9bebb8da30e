/**
 * Retries of a model request, done here rather than by the SDK: the SDK obeys any `Retry-After` (an hour,
 * silently) and its wait cannot be cancelled. Here a server's wait is capped, announced, and ended at once by
 * the run's signal (Ctrl-C, the whole-run --timeout).
 */
import OpenAI from 'openai';

/** The longest Reflect waits before a retry, whatever the server asks. */
export const RETRY_WAIT_CAP_MS = 60_000;

export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  maxRetries: number;
  signal?: AbortSignal;
  /** Told before each wait: how long, how long the server asked for, which retry. */
  onWait?: (wait: { waitMs: number; askedMs?: number; retry: number; of: number; reason: string }) => void;
}

/** Runs `attempt` until it succeeds, fails in a way a retry cannot help, or the retries run out. */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (retry > options.maxRetries || options.signal?.aborted || !isRetryable(error)) throw error;
      const asked = askedWaitMs(error);
      const waitMs = Math.min(RETRY_WAIT_CAP_MS, asked ?? backoffMs(retry));
      options.onWait?.({ waitMs, ...(asked !== undefined ? { askedMs: asked } : {}), retry, of: options.maxRetries, reason: reasonOf(error) });
      await abortableSleep(waitMs, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

/**
 * Rate limits, overloads, server errors and refused connections may pass; a request timeout is not retried (a
 * server that does not answer would only cost the same time again), nor is anything a person must fix.
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return false;
  if (error instanceof OpenAI.APIConnectionError) return true;
  if (!(error instanceof OpenAI.APIError) || typeof error.status !== 'number') return false;
  if (error.headers?.get('x-should-retry') === 'false') return false;
  return error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500;
}

/** The wait a server asked for (retry-after-ms, or retry-after in seconds or as a date), in ms. */
export function askedWaitMs(error: unknown): number | undefined {
  if (!(error instanceof OpenAI.APIError)) return undefined;
  const ms = Number.parseFloat(error.headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const header = error.headers?.get('retry-after');
  if (!header) return undefined;
  const seconds = Number.parseFloat(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** 0.5 s, 1 s, 2 s … with a little jitter so parallel candidates do not retry in step. */
function backoffMs(retry: number): number {
  return Math.min(8_000, 500 * 2 ** (retry - 1)) * (0.8 + Math.random() * 0.4);
}

function reasonOf(error: unknown): string {
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') return `the server answered ${error.status}`;
  return 'the server could not be reached';
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
