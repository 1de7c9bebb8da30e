/** Small helpers for the command line: usage errors, test selectors, numbers. */
import { parseSelector as parseTestSelector, SelectorSyntaxError } from '../core/testSelectors';
import type { TestSelector } from '../core/types';

/** A mistake in the command line; the message says what to type instead. Exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** `FILE` or `FILE::TEST NAME` → a selector (see core/testSelectors.ts); a malformed one is a usage error. */
export function parseSelector(spec: string): TestSelector {
  try {
    return parseTestSelector(spec);
  } catch (e) {
    if (e instanceof SelectorSyntaxError) throw new CliUsageError(e.message);
    throw e;
  }
}

/** A non-negative number from a flag value, or a usage error naming the flag. */
export function parseNumber(flag: string, value: string | undefined, opts: { integer?: boolean } = {}): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < 0 || (opts.integer && !Number.isInteger(n))) {
    throw new CliUsageError(`${flag} needs a ${opts.integer ? 'whole ' : ''}number of at least 0, got "${value ?? ''}"`);
  }
  return n;
}
