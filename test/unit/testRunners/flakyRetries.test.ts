import * as assert from 'assert';
import type { TestResult } from '../../../src/core/types';
import { looksNonDeterministic } from '../../../src/node/testRunners/runWithAdapter';

const failed = (message: string, stack = ''): TestResult => ({
  id: 'a::t', file: 'a', name: 't', status: 'failed', durationMs: 1, failure: { message, stack, frames: [] },
});

describe('which failures are worth a re-run by default', () => {
  it('re-runs failures that speak of timing, the network or randomness', () => {
    for (const m of ['Timeout of 2000ms exceeded', 'Error: connect ECONNREFUSED 127.0.0.1:5432', 'test timed out after 5000ms', 'socket hang up']) {
      assert.strictEqual(looksNonDeterministic(failed(m)), true, m);
    }
    assert.strictEqual(looksNonDeterministic(failed('expected 3', 'Error: expected 3\n    at Math.random (x.js:1:1)')), true);
  });

  it('does not re-run a plain assertion failure on values, or a test without failure evidence', () => {
    assert.strictEqual(looksNonDeterministic(failed("expected 'Hllo' to be 'Hello'", "AssertionError: expected 'Hllo'\n    at t (test/a.test.js:3:9)")), false);
    assert.strictEqual(looksNonDeterministic({ ...failed(''), failure: undefined }), false);
  });
});
