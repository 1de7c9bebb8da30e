/**
 * The command line's one vocabulary: every command (`test`, `fix`, `verify`, `mcp`, `bench`) reads its flags with
 * `parseFlags` (Node's util.parseArgs), its numbers with `parseNumber`/`parseSeconds`, its `--only` with
 * `parseSelector`, and reports a mistake as a `CliUsageError` (exit code 2). Times are seconds everywhere:
 * `--test-timeout S` limits one test run, `--max-seconds S` a whole repair run; `--timeout` is not a flag.
 */
import { parseArgs, type ParseArgsConfig } from 'util';
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

/** The flags a command accepts, in util.parseArgs's form. */
export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** Flags that were renamed, and what the message says to type instead. */
const RENAMED: Record<string, string> = {
  '--timeout': 'use --test-timeout S for one test run, or --max-seconds S for a whole repair run',
};

/**
 * Reads `argv` against `flags` (strict: no positionals, no unknown flags); `--flag=value` and `--flag value` both
 * work. A mistake becomes a CliUsageError that names the flag and says where the options are listed.
 */
export function parseFlags<const F extends FlagSpec>(command: string, argv: string[], flags: F) {
  const renamed = argv.map((a) => a.split('=')[0]).find((a) => RENAMED[a] && !(a.slice(2) in flags));
  if (renamed) throw new CliUsageError(`${renamed} is not an option; ${RENAMED[renamed]}`);
  try {
    return parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new CliUsageError(`${(e as Error).message.split('\n')[0].replace(/\.$/, '')}; run "reflect ${command} --help" for the options`);
  }
}

/**
 * A number from a flag value, or a usage error naming the flag: at least 0, or above 0 with `positive`, and a whole
 * number with `integer`.
 */
export function parseNumber(flag: string, value: string | undefined, opts: { integer?: boolean; positive?: boolean } = {}): number {
  const n = Number(value);
  const bad = value === undefined || value.trim() === '' || !Number.isFinite(n) || (opts.positive ? n <= 0 : n < 0) ||
    (opts.integer && !Number.isInteger(n));
  if (bad) {
    const kind = `${opts.integer ? 'whole ' : ''}number ${opts.positive ? 'above 0' : 'of at least 0'}`;
    throw new CliUsageError(`${flag} needs a ${kind}, got "${value ?? ''}"`);
  }
  return n;
}

/** A time in seconds from a flag value (fractions allowed, above 0), as milliseconds. */
export function parseSeconds(flag: string, value: string | undefined): number {
  return Math.max(1, Math.round(parseNumber(flag, value, { positive: true }) * 1000));
}
