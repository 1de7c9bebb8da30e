import * as assert from 'assert';
import { brokenSince, judgeCandidate } from '../../src/core/scoring';
import type { TestReport, TestResult, TestStatus } from '../../src/core/types';

const test = (name: string, status: TestStatus, file = 'test/a.test.js'): TestResult => ({ id: `${file}::${name}`, file, name, status, durationMs: 1 });
const report = (tests: TestResult[], over: Partial<TestReport> = {}): TestReport => ({
  framework: 'mocha', command: 'mocha', exitCode: 0, durationMs: 5, timedOut: false,
  summary: { passed: tests.filter((t) => t.status === 'passed').length, failed: tests.filter((t) => t.status === 'failed').length, skipped: 0 }, tests, ...over,
});
const baseline = report([test('adds', 'failed'), test('keeps', 'passed'), test('other', 'passed', 'test/b.test.js')]);
const targets = ['test/a.test.js::adds'];
const targeted = report([test('adds', 'passed')]);

describe('judgeCandidate', () => {
  it('verifies when every baseline test is still there and passing', () => {
    const v = judgeCandidate(targets, targeted, report([test('adds', 'passed'), test('keeps', 'passed'), test('other', 'passed', 'test/b.test.js')]), baseline);
    assert.deepStrictEqual([v.status, v.newFailures, v.missingTests, v.notVerifiedReason], ['verified', [], undefined, undefined]);
  });

  it('counts a test missing from the full run (its file stopped loading) as a new failure and never verifies', () => {
    const v = judgeCandidate(targets, targeted, report([test('adds', 'passed'), test('keeps', 'passed')]), baseline);
    assert.deepStrictEqual([v.status, v.newFailures, v.missingTests], ['passed-targets', ['test/b.test.js::other'], ['test/b.test.js::other']]);
    assert.strictEqual(v.notVerifiedReason, 'the full suite ran 2 test(s), the baseline 3: tests disappeared');
  });

  it('counts a baseline-passing test that is now skipped as a new failure', () => {
    const v = judgeCandidate(targets, targeted, report([test('adds', 'passed'), test('keeps', 'skipped'), test('other', 'passed', 'test/b.test.js')]), baseline);
    assert.deepStrictEqual([v.status, v.newFailures, v.missingTests], ['passed-targets', ['test/a.test.js::keeps'], undefined]);
  });

  it('never verifies a full run with fewer tests, even when the lost test was failing anyway', () => {
    const base = report([...baseline.tests, test('broken', 'failed', 'test/c.test.js')]);
    const v = judgeCandidate(targets, targeted, report([test('adds', 'passed'), test('keeps', 'passed'), test('other', 'passed', 'test/b.test.js')]), base);
    assert.deepStrictEqual([v.status, v.newFailures], ['passed-targets', []]);
    assert.strictEqual(v.notVerifiedReason, 'the full suite ran 3 test(s), the baseline 4: tests disappeared');
  });

  it('does not verify when a target fails in the full run, or the full run crashed', () => {
    const full = report([test('adds', 'failed'), test('keeps', 'passed'), test('other', 'passed', 'test/b.test.js')]);
    assert.strictEqual(judgeCandidate(targets, targeted, full, baseline).notVerifiedReason, 'target test(s) fail in the full suite: test/a.test.js::adds');
    const crashed = judgeCandidate(targets, targeted, report([], { error: 'mocha exited with code 7' }), baseline);
    assert.deepStrictEqual([crashed.status, crashed.notVerifiedReason], ['passed-targets', 'the full suite could not run: mocha exited with code 7']);
  });
});

describe('brokenSince', () => {
  it('lists baseline-passing tests that fail, time out, are skipped or are missing, in the baseline order', () => {
    const after = report([test('other', 'timedOut', 'test/b.test.js'), test('adds', 'passed')]);
    assert.deepStrictEqual(brokenSince(baseline, after), { newFailures: ['test/a.test.js::keeps', 'test/b.test.js::other'], missingTests: ['test/a.test.js::keeps'] });
  });
});
