import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { fixturePath } from '../../support/fixtures';
import { isSelected, parseEvents, resultsFromEvents } from '../../../src/node/testRunners/reporterEvents';

function captured(name: string) {
  return parseEvents(fs.readFileSync(path.join(fixturePath('reporter-output'), name), 'utf8'));
}

const CALENDAR = 'test/calendar.test.js';

describe('reporter events → test results (captured from the real tools)', () => {
  it('jest: statuses, assertion location, frames through the source file, and the test cut off by the timeout', () => {
    const { results, unfinished } = resultsFromEvents(captured('jest-events.jsonl'), '/WORKSPACE', 'v8');
    assert.deepStrictEqual(results.map((r) => [r.id, r.status]), [
      [`${CALENDAR}::calendar > isLeapYear > accepts years divisible by four`, 'passed'],
      [`${CALENDAR}::calendar > isLeapYear > rejects century years`, 'failed'],
      [`${CALENDAR}::calendar > averages an empty list to zero`, 'failed'],
      [`${CALENDAR}::calendar > averages numbers`, 'passed'],
      [`${CALENDAR}::calendar > is not finished yet`, 'skipped'],
    ]);
    const assertion = results[1].failure!;
    assert.strictEqual(assertion.message, 'expect(received).toBe(expected) // Object.is equality\n\nExpected: false\nReceived: true');
    assert.strictEqual(assertion.expected, 'false');
    assert.strictEqual(assertion.actual, 'true');
    assert.deepStrictEqual(assertion.location, { file: CALENDAR, line: 10 });
    assert.deepStrictEqual(assertion.frames, [{ file: CALENDAR, line: 10 }]);
    const thrown = results[2].failure!;
    assert.strictEqual(thrown.message, 'average of an empty list');
    assert.deepStrictEqual(thrown.frames, [{ file: 'src/calendar.js', line: 11 }, { file: CALENDAR, line: 15 }]);
    assert.deepStrictEqual(unfinished, [{ file: 'test/loop.test.js', name: 'loop > never ends' }]);
  });

  it('vitest: the blocked test is the first collected test of its file that never finished', () => {
    const { results, unfinished } = resultsFromEvents(captured('vitest-events.jsonl'), '/WORKSPACE', 'v8');
    assert.deepStrictEqual(results.map((r) => r.status), ['passed', 'failed', 'failed', 'passed', 'skipped']);
    assert.deepStrictEqual(results[1].failure!.location, { file: CALENDAR, line: 11 });
    assert.strictEqual(results[1].failure!.message, 'expected true to be false // Object.is equality');
    assert.deepStrictEqual([results[1].failure!.expected, results[1].failure!.actual], ['false', 'true']);
    assert.deepStrictEqual(results[2].failure!.frames, [{ file: 'src/calendar.js', line: 9 }, { file: CALENDAR, line: 16 }]);
    assert.deepStrictEqual(unfinished, [{ file: 'test/loop.test.js', name: 'loop > never ends' }]);
  });

  it('vitest: when the stuck test shares its file, our runner\'s end events keep the outcomes of the tests before it', () => {
    const { results, unfinished } = resultsFromEvents(captured('vitest-events-stuck-file.jsonl'), '/WORKSPACE', 'v8');
    assert.deepStrictEqual(results.map((r) => `${r.id}: ${r.status}`), [
      'src/stack.test.ts::Stack > push then pop: passed',
      'src/stack.test.ts::Stack > peek shows the top: failed',
      'src/stack.test.ts::Stack > pop on empty returns undefined: failed',
    ]);
    // TypeScript lines, mapped back by vitest.
    assert.deepStrictEqual(results[1].failure!.location, { file: 'src/stack.test.ts', line: 11 });
    assert.deepStrictEqual(results[2].failure!.frames, [{ file: 'src/stack.ts', line: 5 }, { file: 'src/stack.test.ts', line: 14 }]);
    assert.deepStrictEqual(unfinished, [{ file: 'src/stack.test.ts', name: 'Stack > spins' }]);
  });

  it('mocha: cwd-relative stack paths resolve against the root', () => {
    const { results, unfinished } = resultsFromEvents(captured('mocha-events.jsonl'), '/WORKSPACE', 'v8');
    const byName = new Map(results.map((r) => [r.name, r]));
    assert.strictEqual(results.length, 5);
    assert.deepStrictEqual(byName.get('calendar > isLeapYear > rejects century years')!.failure!.location, { file: CALENDAR, line: 11 });
    assert.strictEqual(byName.get('calendar > isLeapYear > rejects century years')!.failure!.message, 'Expected values to be strictly equal:\n\ntrue !== false\n');
    assert.deepStrictEqual(byName.get('calendar > averages an empty list to zero')!.failure!.frames,
      [{ file: 'src/calendar.js', line: 11 }, { file: CALENDAR, line: 16 }]);
    assert.strictEqual(byName.get('calendar > is not finished yet')!.status, 'skipped');
    assert.deepStrictEqual(unfinished, [{ file: 'test/loop.test.js', name: 'loop > never ends' }]);
  });

  it('node:test: suites become name prefixes; the assertion is at line 12 of the test file', () => {
    const { results } = resultsFromEvents(captured('node-test-events.jsonl'), '/WORKSPACE', 'v8');
    assert.deepStrictEqual(results.map((r) => `${r.name}: ${r.status}`), [
      'calendar > isLeapYear > accepts years divisible by four: passed',
      'calendar > isLeapYear > rejects century years: failed',
      'calendar > averages an empty list to zero: failed',
      'calendar > averages numbers: passed',
      'calendar > is not finished yet: skipped',
    ]);
    assert.deepStrictEqual(results[1].failure!.location, { file: CALENDAR, line: 12 });
    assert.deepStrictEqual(results[2].failure!.frames, [{ file: 'src/calendar.js', line: 11 }, { file: CALENDAR, line: 17 }]);
  });

  it('pytest: node ids become file and name; the traceback gives frames innermost first', () => {
    const { results, unfinished } = resultsFromEvents(captured('pytest-events.jsonl'), '/WORKSPACE', 'python');
    assert.deepStrictEqual(results.map((r) => `${r.id}: ${r.status}`), [
      'tests/test_calendar.py::test_accepts_years_divisible_by_four: passed',
      'tests/test_calendar.py::test_rejects_century_years: failed',
      'tests/test_calendar.py::TestAverage > test_empty_list_is_zero: failed',
      'tests/test_calendar.py::TestAverage > test_numbers: passed',
      'tests/test_calendar.py::test_not_finished: skipped',
    ]);
    assert.deepStrictEqual(results[1].failure!.location, { file: 'tests/test_calendar.py', line: 11 });
    assert.deepStrictEqual(results[2].failure!.frames, [{ file: 'calendar_utils.py', line: 10 }, { file: 'tests/test_calendar.py', line: 16 }]);
    assert.strictEqual(results[2].failure!.message, 'ValueError: average of an empty list');
    assert.deepStrictEqual(unfinished, [{ file: 'tests/test_loop.py', name: 'test_never_ends' }]);
  });

  it('merges several results for one test, keeping the worst status and its evidence', () => {
    const { results } = resultsFromEvents([
      { type: 'result', file: 'a.py', names: ['t'], status: 'passed', durationMs: 1 },
      { type: 'result', file: 'a.py', names: ['t'], status: 'failed', durationMs: 3, error: { message: 'teardown broke' } },
      { type: 'result', file: 'a.py', names: ['t'], status: 'passed', durationMs: 2 },
    ], '/w', 'python');
    assert.deepStrictEqual(results, [{ id: 'a.py::t', file: 'a.py', name: 't', status: 'failed', durationMs: 3, failure: { message: 'teardown broke', frames: [] } }]);
  });

  it('ignores a torn last line left by a killed process', () => {
    assert.deepStrictEqual(parseEvents('{"type":"start","file":"a","names":["x"]}\n{"type":"res'), [{ type: 'start', file: 'a', names: ['x'] }]);
  });

  it('selects whole files, exact names, and suites by name prefix', () => {
    const t = { file: 'test/a.test.js', name: 'math > sum > adds' };
    assert.strictEqual(isSelected(t, [{ file: './test/a.test.js' }]), true);
    assert.strictEqual(isSelected(t, [{ file: 'test/a.test.js', name: 'math > sum' }]), true);
    assert.strictEqual(isSelected(t, [{ file: 'test/a.test.js', name: 'math > su' }]), false);
    assert.strictEqual(isSelected(t, [{ file: 'test/b.test.js' }]), false);
    assert.strictEqual(isSelected(t, undefined), true);
  });
});
