import * as assert from 'assert';
import { buildContext } from '../../src/core/context';
import { coverageFactor, ochiaiScores, unitSuspicion } from '../../src/core/spectrum';
import type { CoverageSpectrum, TestResult } from '../../src/core/types';
import { createSourceFiles } from '../../src/node/sourceFiles';
import { createSyntaxParser } from '../../src/node/treeSitter';
import { localiseFaults } from '../../src/core/builtin/localise';
import { fixturePath } from '../support/fixtures';


// test/fixtures/multifile-bugs/js-formatter-registry: renderCell loads its formatter by a computed path, which no call graph follows.
// The spectrum is what a per-test coverage run of its three tests gives (lines that ran, per test).
const RENDER = [2, 5, 7, 8, 9, 10, 14, 15, 16, 19];
const spectrum: CoverageSpectrum = {
  granularity: 'test', source: 'test spectrum',
  entries: [
    { label: 'test/render.test.js::renders amounts with cents', failed: true, lines: { 'src/render.js': RENDER, 'src/formatters/currency.js': [3, 6, 7, 8, 11, 12, 16, 17, 18, 19, 20, 21, 24] } },
    { label: 'test/render.test.js::renders ratios as percentages', failed: false, lines: { 'src/render.js': RENDER, 'src/formatters/percent.js': [4, 5, 6, 9] } },
    { label: 'test/render.test.js::renders dates in UTC and pads to the column width', failed: false, lines: { 'src/render.js': RENDER, 'src/formatters/date.js': [3, 5, 6, 10, 11, 12, 13, 14, 17] } },
  ],
};

const failure: TestResult = {
  id: 'test/render.test.js::renders amounts with cents', file: 'test/render.test.js', name: 'renders amounts with cents', status: 'failed', durationMs: 2,
  failure: {
    message: "Expected values to be strictly equal:\n\n'$1,234.5' !== '$1,234.05'", expected: "'$1,234.05'", actual: "'$1,234.5'",
    location: { file: 'test/render.test.js', line: 7 }, frames: [{ file: 'test/render.test.js', line: 7 }],
  },
};

describe('spectrum-based suspicion (Ochiai)', () => {
  it('scores a line by the failing entries that ran it against the passing ones', () => {
    const scores = ochiaiScores(spectrum)!;
    assert.strictEqual(scores.at('src/formatters/currency.js', 20), 1);
    // Every test ran renderCell: 1 / sqrt(1 × 3).
    assert.strictEqual(scores.at('src/render.js', 15)!.toFixed(4), (1 / Math.sqrt(3)).toFixed(4));
    assert.strictEqual(scores.at('src/formatters/percent.js', 5), 0);
    assert.strictEqual(scores.at('src/formatters/currency.js', 1), 0, 'a line of a measured file no test ran');
    assert.strictEqual(scores.at('src/other.js', 1), undefined, 'a file the coverage never saw is unknown');
    assert.deepStrictEqual(scores.failingFiles().sort(), ['src/formatters/currency.js', 'src/render.js']);
    assert.strictEqual(scores.describe, 'test spectrum, per test (3 entries, 1 failing)');
    assert.strictEqual(unitSuspicion(scores, 'src/formatters/date.js', 10, 15), 0);
    assert.strictEqual(unitSuspicion(scores, 'src/nowhere.js', 1, 5), undefined);
    assert.deepStrictEqual([coverageFactor(1), coverageFactor(0), coverageFactor(undefined)], [1, 0.25, 0.75]);
  });

  it('gives no scores when no entry failed (nothing to contrast)', () => {
    assert.strictEqual(ochiaiScores({ ...spectrum, entries: spectrum.entries.slice(1) }), undefined);
    assert.strictEqual(ochiaiScores(undefined), undefined);
  });

  it('brings code the failing test ran but no call followed reaches into the model context', async () => {
    const root = fixturePath('multifile-bugs/js-formatter-registry/project');
    const files = createSourceFiles(root);
    const syntax = createSyntaxParser();
    const isTestFile = (p: string) => p.startsWith('test/');
    const without = await buildContext({ failures: [failure], files, syntax, tokenBudget: 6000, isTestFile });
    assert.ok(!without.files.includes('src/formatters/currency.js'), 'the computed require is not followed without coverage');
    const withCoverage = await buildContext({ failures: [failure], files, syntax, tokenBudget: 6000, isTestFile, coverage: ochiaiScores(spectrum) });
    assert.ok(withCoverage.files.includes('src/formatters/currency.js'));
    assert.ok(!withCoverage.files.includes('src/formatters/percent.js') && !withCoverage.files.includes('src/formatters/date.js'));
    assert.match(withCoverage.text, /### src\/formatters\/currency\.js:15-22 Function `format` \(run by the failing tests \(coverage\), not reached through the calls followed; failing tests ran it, suspicion 1\.00\)/);
    assert.match(withCoverage.text, /20\| {3}const fraction = String\(Math\.abs\(cents\) % 100\)\.padStart\(1, '0'\);/);
    // renderCell is on the call path and every test ran it: still quoted, with its lower suspicion.
    assert.match(withCoverage.text, /Function `renderCell` \(called by the test; failing tests ran it, suspicion 0\.58\)/);
  });

  it('ranks the built-in engine\'s lines by the same scores', async () => {
    const root = fixturePath('multifile-bugs/js-formatter-registry/project');
    const input = { failures: [failure], files: createSourceFiles(root), syntax: createSyntaxParser(), isTestFile: (p: string) => p.startsWith('test/') };
    // Without coverage, every formatter's `format` is only a name renderCell calls: all three weigh the same.
    const without = await localiseFaults(input);
    const weight = (s: Map<string, Map<number, number>>, file: string, line: number) => s.get(file)?.get(line) ?? 0;
    assert.ok(weight(without, 'src/formatters/currency.js', 20) > 0);
    assert.strictEqual(weight(without, 'src/formatters/currency.js', 20), weight(without, 'src/formatters/percent.js', 6));
    assert.strictEqual(weight(without, 'src/formatters/currency.js', 20), weight(without, 'src/formatters/date.js', 13));
    // With it, the formatter only the failing test ran leads; the ones only passing tests ran fall to a quarter.
    const ranked = await localiseFaults({ ...input, coverage: ochiaiScores(spectrum) });
    const buggy = weight(ranked, 'src/formatters/currency.js', 20);
    assert.ok(buggy > weight(without, 'src/formatters/currency.js', 20), 'coverage adds to the call-graph evidence');
    assert.ok(buggy >= 4 * weight(ranked, 'src/formatters/percent.js', 6));
    assert.ok(buggy >= 4 * weight(ranked, 'src/formatters/date.js', 13));
    assert.ok(buggy > weight(ranked, 'src/render.js', 15), 'renderCell ran in every test');
  });
});
