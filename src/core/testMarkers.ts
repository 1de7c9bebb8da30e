/**
 * Skip, focus and to-do markers in test code (`it.skip`, `describe.only`, `xit`, `test.todo`,
 * `@pytest.mark.skip`, `unittest.skip` …). A change that adds one silences a test instead of fixing the code,
 * so the protected-path rules count the markers before and after a change. Pure: works on text only.
 */

/** One kind of marker and how to find it in source text. */
interface MarkerPattern {
  /** What a person (or a model) reads: "it.skip", "@pytest.mark.xfail". */
  label: string;
  pattern: RegExp;
}

const JS_MARKERS: MarkerPattern[] = [
  { label: '.skip / .only / .todo on a test or suite', pattern: /\b(?:it|test|describe|suite|context|specify)\s*\.\s*(?:skip|only|todo|skipIf|runIf|fails)\b/g },
  // A string first argument tells a test call from a function that happens to be called fit( or xit(.
  { label: 'xit / xdescribe / xtest', pattern: /\bx(?:it|describe|test|context|specify)\s*\(\s*['"`]/g },
  { label: 'fit / fdescribe', pattern: /\bf(?:it|describe)\s*\(\s*['"`]/g },
  { label: 'a { skip | only | todo } test option', pattern: /\b(?:it|test|describe|suite)\s*\(\s*(['"`])[^'"`\n]*\1\s*,\s*\{[^}]*\b(?:skip|only|todo)\s*:/g },
  { label: 'this.skip() / t.skip() / t.todo()', pattern: /\b(?:this|t|ctx|context)\s*\.\s*(?:skip|todo)\s*\(/g },
];

const PY_MARKERS: MarkerPattern[] = [
  { label: '@pytest.mark.skip / skipif / xfail', pattern: /\bpytest\s*\.\s*mark\s*\.\s*(?:skip|skipif|xfail)\b/g },
  { label: 'pytest.skip( / pytest.xfail( / pytest.importorskip(', pattern: /\bpytest\s*\.\s*(?:skip|xfail|importorskip)\s*\(/g },
  { label: 'unittest.skip / skipIf / skipUnless / expectedFailure', pattern: /(?:@|\bunittest\s*\.\s*)(?:skip|skipIf|skipUnless|expectedFailure)\b/g },
  { label: 'self.skipTest( / SkipTest', pattern: /\b(?:skipTest\s*\(|SkipTest\b)/g },
];

const JS_FILE = /\.[cm]?[jt]sx?$/;

/**
 * The markers `after` has more of than `before` (labels, first found first). Only markers the change ADDS
 * count: a file that already skips a test may still be edited. Files other than JS/TS/Python have none.
 */
export function addedTestMarkers(path: string, before: string, after: string): string[] {
  const patterns = JS_FILE.test(path) ? JS_MARKERS : /\.py$/.test(path) ? PY_MARKERS : [];
  const added: string[] = [];
  for (const { label, pattern } of patterns) {
    if (count(after, pattern) > count(before, pattern)) added.push(label);
  }
  return added;
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}
