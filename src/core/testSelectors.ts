/**
 * Test names as people write them: the one parser of `--only` specs (the CLI's `reflect test` and `reflect fix`,
 * and the extension), and the one rule deciding which reported test a selector names.
 *
 * A reported test's name is its suites and its own title joined by ' > ' ("math > add > adds two numbers";
 * pytest: "TestCart > test_total[2-3]"). A selector's name may be that full name, a suite path leading it (all
 * the tests inside), or the end of it: the title as written in `it()`/`test()`, or "add > adds two numbers".
 * A pytest parametrized group is named by its function: "test_total" selects every "test_total[…]".
 */
import type { TestSelector } from './types';

/** The separator between suite and test titles in full names. */
export const NAME_SEPARATOR = ' > ';

/** A malformed selector; the message says what to type instead. */
export class SelectorSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorSyntaxError';
  }
}

/**
 * `FILE`, `FILE::NAME` (NAME: a title, a describe path "A > B > title") or a pytest node id
 * (`tests/test_x.py::TestA::test_b[1-2]`, whose `::` become ' > '). Throws SelectorSyntaxError.
 */
export function parseSelector(spec: string): TestSelector {
  const at = spec.indexOf('::');
  const file = (at < 0 ? spec : spec.slice(0, at)).trim().replace(/\\/g, '/').replace(/^(?:\.\/)+/, '');
  if (!file) throw new SelectorSyntaxError(`--only needs FILE or "FILE::TEST NAME", got "${spec}"`);
  if (at < 0) return { file };
  let name = spec.slice(at + 2).trim();
  if (/\.py$/.test(file)) name = name.split('::').map((part) => part.trim()).join(NAME_SEPARATOR);
  name = name.split(/\s+>\s+/).join(NAME_SEPARATOR);
  if (!name) throw new SelectorSyntaxError(`--only "${spec}" has an empty test name; use "FILE::TEST NAME" or just FILE`);
  return { file, name };
}

/** `FILE::NAME` as a person would type it back. */
export function formatSelector(s: TestSelector): string {
  return s.name ? `${s.file}::${s.name}` : s.file;
}

/** How a selector's name relates to a test's full name. */
export type NameMatch = 'exact' | 'inside' | 'ending' | undefined;

/**
 * Whether the selector name `wanted` names the test `full`: 'exact', 'inside' (a suite path that leads it),
 * 'ending' (its title as written, or the last part of its describe path, or a parametrized group), or not.
 */
export function matchTestName(wanted: string, full: string): NameMatch {
  if (wanted === full) return 'exact';
  const w = wanted.split(NAME_SEPARATOR);
  const f = full.split(NAME_SEPARATOR);
  if (w.length < f.length && w.every((part, i) => part === f[i])) return 'inside';
  if (w.length > f.length) return undefined;
  const offset = f.length - w.length;
  const ends = w.every((part, i) => (i === w.length - 1 ? sameTitle(part, f[offset + i]) : part === f[offset + i]));
  return ends ? 'ending' : undefined;
}

/** A title, or a parametrized instance of it (pytest "test_total[2-3]" for "test_total"). */
function sameTitle(wanted: string, title: string): boolean {
  return wanted === title || (title.startsWith(`${wanted}[`) && title.endsWith(']'));
}

/**
 * A note for each selector whose name was not a full name and matched tests of more than one full name
 * (they all ran): "test/a.test.ts::adds matched 2 tests: math > adds, strings > adds".
 */
export function ambiguityNotes(only: TestSelector[] | undefined, tests: { file: string; name: string }[]): string[] {
  const notes: string[] = [];
  for (const s of only ?? []) {
    if (!s.name) continue;
    const names = [...new Set(tests.filter((t) => t.file === s.file && matchTestName(s.name!, t.name) === 'ending').map((t) => t.name))];
    // The instances of one parametrized test are one group, named on purpose by its function.
    const groups = new Set(names.map((n) => n.replace(/\[[^\]]*\]$/, '')));
    if (groups.size > 1 && !tests.some((t) => t.file === s.file && t.name === s.name)) {
      notes.push(`${formatSelector(s)} matched ${names.length} tests, all run: ${names.join(', ')}`);
    }
  }
  return notes;
}
