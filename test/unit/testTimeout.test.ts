import * as assert from 'assert';
import { createCandidateTimeout } from '../../src/core/testTimeout';
import type { TestReport } from '../../src/core/types';

const report = (durationMs: number, extra: Partial<TestReport> = {}): TestReport => ({
  framework: 'node-test', command: 'node --test', exitCode: 1, durationMs, timedOut: false,
  summary: { passed: 1, failed: 1, skipped: 0 },
  tests: [{ id: 'a.test.js::t', file: 'a.test.js', name: 't', status: 'failed', durationMs: 1 }],
  ...extra,
});

describe('candidate test timeout', () => {
  it('waits the configured limit until a run has finished, then factor × the longest finished run', () => {
    const t = createCandidateTimeout(60_000, 5);
    assert.strictEqual(t.current(), 60_000);
    t.observe(report(1_000));
    assert.strictEqual(t.current(), 5_000);
    t.observe(report(3_000));
    t.observe(report(500));
    assert.strictEqual(t.current(), 15_000);
  });

  it('never goes below the floor nor above the configured limit', () => {
    const t = createCandidateTimeout(10_000, 5);
    t.observe(report(100));
    assert.strictEqual(t.current(), 2_000);
    t.observe(report(4_000));
    assert.strictEqual(t.current(), 10_000);
  });

  it('learns no duration from runs that failed to start or reported no test', () => {
    const t = createCandidateTimeout(30_000, 5);
    t.observe(report(50, { error: 'node: not found', tests: [] }));
    t.observe(report(80, { tests: [] }));
    assert.strictEqual(t.current(), 30_000);
    assert.strictEqual(t.longestMs, 0);
  });

  it('gives a quarter of the limit while every run so far hung, then learns from the first that finishes', () => {
    const t = createCandidateTimeout(40_000, 5);
    t.observe(report(40_000, { timedOut: true }));
    assert.strictEqual(t.longestMs, 0);
    assert.strictEqual(t.current(), 10_000);
    t.observe(report(300));
    assert.strictEqual(t.current(), 2_000);
    const small = createCandidateTimeout(4_000, 5);
    small.observe(report(4_000, { timedOut: true }));
    assert.strictEqual(small.current(), 2_000);
  });

  it('is off with factor 0', () => {
    const t = createCandidateTimeout(30_000, 0);
    t.observe(report(100));
    assert.strictEqual(t.current(), 30_000);
  });
});
