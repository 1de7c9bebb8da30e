/** Small helpers for the command line: usage errors, test selectors, numbers. */
import type { TestSelector } from '../core/types';

/** A mistake in the command line; the message says what to type instead. Exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/**
 * `FILE` or `FILE::TEST NAME` → a selector. A pytest node id (`tests/test_x.py::TestA::test_b`) becomes
 * the name `TestA > test_b`, since reports join suites with ' > '.
 */
export function parseSelector(spec: string): TestSelector {
  const at = spec.indexOf('::');
  const file = (at < 0 ? spec : spec.slice(0, at)).trim().replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
  if (!file) throw new CliUsageError(`--only needs FILE or "FILE::TEST NAME", got "${spec}"`);
  if (at < 0) return { file };
  let name = spec.slice(at + 2).trim();
  if (/\.py$/.test(file)) name = name.split('::').join(' > ');
  if (!name) throw new CliUsageError(`--only "${spec}" has an empty test name; use "FILE::FULL TEST NAME" or just FILE`);
  return { file, name };
}

/** A non-negative number from a flag value, or a usage error naming the flag. */
export function parseNumber(flag: string, value: string | undefined, opts: { integer?: boolean } = {}): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < 0 || (opts.integer && !Number.isInteger(n))) {
    throw new CliUsageError(`${flag} needs a ${opts.integer ? 'whole ' : ''}number of at least 0, got "${value ?? ''}"`);
  }
  return n;
}
