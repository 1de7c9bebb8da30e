import * as assert from 'assert';
import { createProgressPrinter } from '../../src/cli/fixProgress';
import { createTrace, traceToMarkdown } from '../../src/core/trace';
import { DEFAULT_LOOP_OPTIONS, type Candidate } from '../../src/core/types';
import { toCandidateView } from '../../src/vscode/panelEvents';
import { verdictLines } from '../../src/webview/format';

/** How the CLI, the panel and the trace show warnings, vanished tests and the minimality check: exact texts. */

const MINIMAL = 'minimal after dropping 1 of 2 hunks the tests do not need: its one hunk is needed; without the patch the target tests fail: 1 on their assertion';
const base: Candidate = {
  id: 'r1c1', round: 1, index: 0, source: 'model', summary: 'slice(1)', changes: [{ path: 'src/w.js', before: 'a\n', after: 'b\n' }],
  diff: '--- a/src/w.js\n+++ b/src/w.js\n@@ -1 +1 @@\n-a\n+b\n', status: 'verified', targetsPassed: 1, targetsTotal: 1, newFailures: [],
  remainingFailures: [], score: 1000, durationMs: 1200, full: { passed: 3, failed: 0, skipped: 0 },
};
const minimal: Candidate = { ...base, minimality: { hunks: 2, kept: 1, targetRuns: 2, durationMs: 300, targetsFailWithout: [{ id: 't::a', on: 'assertion' }], originalDiff: '--- a/src/w.js\n+++ b/src/w.js\n@@ -1 +1 @@\n-a\n+b\n@@ -9 +9 @@\n-y\n+z\n', summary: MINIMAL } };
const vanished: Candidate = {
  ...base, status: 'passed-targets', score: 40, newFailures: ['test/h.test.js::doubles'], missingTests: ['test/h.test.js::doubles'],
  notVerifiedReason: 'the full suite ran 2 test(s), the baseline 3: tests disappeared', warnings: ['it edits conftest.py, a test runner config or setup file (test setup changed; allowed by --allow-test-edits)'],
};

describe('what the front ends say about trusting the green', () => {
  it('the panel lists warnings first, marks vanished tests, and shows the minimality verdict', () => {
    assert.deepStrictEqual(verdictLines(toCandidateView(vanished), undefined), [
      'Warning: it edits conftest.py, a test runner config or setup file (test setup changed; allowed by --allow-test-edits)',
      'Targets passed 1/1',
      'New failures: test/h.test.js::doubles (missing from the run)',
      'Not verified: the full suite ran 2 test(s), the baseline 3: tests disappeared',
      'Full suite: 3 passed, 0 failed',
      'Tested in 1.2 s',
    ]);
    assert.ok(verdictLines(toCandidateView(minimal), undefined).includes(MINIMAL));
  });

  it('the CLI prints warnings with the candidate and the minimality verdict when it arrives', () => {
    let text = '';
    const print = createProgressPrinter({ write: (t) => { text += t; return true; } });
    print({ type: 'candidate', round: 1, candidate: { ...vanished, status: 'pending' } });
    print({ type: 'candidate-result', round: 1, candidate: vanished });
    print({ type: 'candidate-result', round: 1, candidate: minimal });
    assert.strictEqual(text, [
      '  r1c1 warning: it edits conftest.py, a test runner config or setup file (test setup changed; allowed by --allow-test-edits)',
      '  r1c1 passed-targets: 1/1 target tests pass; breaks test/h.test.js::doubles (missing from the run: its file no longer loads, or it was not run) — slice(1)',
      '      not verified: the full suite ran 2 test(s), the baseline 3: tests disappeared',
      `  r1c1 ${MINIMAL}`,
      '',
    ].join('\n'));
  });

  it('the Markdown trace shows the minimality verdict and keeps the verified original', () => {
    const trace = createTrace({ runId: 'run-1', startedAt: '2026-01-01T00:00:00.000Z', workspaceName: 'w', provider: 'scripted', options: DEFAULT_LOOP_OPTIONS });
    trace.rounds.push({ index: 1, candidates: [minimal], calls: [], tokens: { prompt: 0, completion: 0 }, durationMs: 1 });
    const md = traceToMarkdown(trace);
    assert.ok(md.includes(`\n${MINIMAL}\n`), md);
    assert.ok(md.includes('As verified, before the unneeded hunks were dropped:\n\n```diff\n--- a/src/w.js\n+++ b/src/w.js\n@@ -1 +1 @@\n-a\n+b\n@@ -9 +9 @@\n-y\n+z\n```'), md);
  });
});
