import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { fixturePath } from '../../support/fixtures';
import { parseGenericOutput } from '../../../src/node/testRunners/genericAdapter';
import { parseJUnit } from '../../../src/node/testRunners/junitParser';
import { resultsFromEvents } from '../../../src/node/testRunners/reporterEvents';
import { parseTap } from '../../../src/node/testRunners/tapParser';

const read = (name: string) => fs.readFileSync(path.join(fixturePath('reporter-output'), name), 'utf8');
const proc = (exitCode: number) => ({ exitCode, timedOut: false, durationMs: 1200 });

describe('generic output parsers (captured from the real tools)', () => {
  it('TAP from node --test: nested subtests become names, suites are left out, YAML gives the evidence', () => {
    const { results } = resultsFromEvents(parseTap(read('node-test-tap.txt')), '/WORKSPACE', 'v8');
    assert.deepStrictEqual(results.map((r) => `${r.id}: ${r.status}`), [
      'test/calendar.test.js::calendar > isLeapYear > accepts years divisible by four: passed',
      'test/calendar.test.js::calendar > isLeapYear > rejects century years: failed',
      'test/calendar.test.js::calendar > averages an empty list to zero: failed',
      'test/calendar.test.js::calendar > averages numbers: passed',
      'test/calendar.test.js::calendar > is not finished yet: skipped',
    ]);
    const assertion = results[1].failure!;
    assert.strictEqual(assertion.message, 'Expected values to be strictly equal:\n\ntrue !== false');
    assert.deepStrictEqual([assertion.expected, assertion.actual], ['false', 'true']);
    assert.deepStrictEqual(assertion.location, { file: 'test/calendar.test.js', line: 12 });
    assert.deepStrictEqual(results[2].failure!.frames, [{ file: 'src/calendar.js', line: 11 }, { file: 'test/calendar.test.js', line: 17 }]);
  });

  it('JUnit XML from pytest: classnames map to files and classes, failure text to frames', () => {
    const exists = (f: string) => f === 'tests/test_calendar.py';
    const { results } = resultsFromEvents(parseJUnit(read('pytest-junit.xml'), exists), '/WORKSPACE', 'python');
    assert.deepStrictEqual(results.map((r) => `${r.id}: ${r.status}`), [
      'tests/test_calendar.py::test_accepts_years_divisible_by_four: passed',
      'tests/test_calendar.py::test_rejects_century_years: failed',
      'tests/test_calendar.py::TestAverage > test_empty_list_is_zero: failed',
      'tests/test_calendar.py::TestAverage > test_numbers: passed',
      'tests/test_calendar.py::test_not_finished: skipped',
    ]);
    assert.strictEqual(results[1].failure!.message, 'assert True == False\n +  where True = is_leap_year(1900)');
    assert.deepStrictEqual(results[1].failure!.location, { file: 'tests/test_calendar.py', line: 11 });
    assert.deepStrictEqual(results[2].failure!.frames, [{ file: 'calendar_utils.py', line: 10 }, { file: 'tests/test_calendar.py', line: 16 }]);
  });

  it('plain jest console output: one result for the command, with the first error and the workspace frames', () => {
    const { results } = parseGenericOutput(read('jest-console.txt'), '/WORKSPACE', 'npx jest', proc(1));
    assert.strictEqual(results.length, 1);
    assert.strictEqual(results[0].id, '::npx jest');
    assert.strictEqual(results[0].status, 'failed');
    assert.strictEqual(results[0].failure!.message, 'RangeError: average of an empty list');
    assert.deepStrictEqual(results[0].failure!.frames.slice(0, 1), [{ file: 'test/calendar.test.js', line: 10 }]);
    assert.deepStrictEqual(results[0].failure!.frames.map((f) => f.file).sort(), ['src/calendar.js', 'test/calendar.test.js', 'test/calendar.test.js']);
  });

  it('plain pytest console output: frames from the long tracebacks', () => {
    const { results } = parseGenericOutput(read('pytest-console.txt'), '/WORKSPACE', 'pytest', proc(1));
    assert.strictEqual(results[0].status, 'failed');
    assert.deepStrictEqual(results[0].failure!.location, { file: 'calendar_utils.py', line: 10 });
  });

  it('a command that exits 0 without TAP or JUnit is one passing result', () => {
    assert.deepStrictEqual(parseGenericOutput('all good\n', '/w', 'make test', proc(0)).results,
      [{ id: '::make test', file: '', name: 'make test', status: 'passed', durationMs: 1200 }]);
  });

  it('a command the shell cannot find gives no results (the report explains instead)', () => {
    assert.deepStrictEqual(parseGenericOutput('/bin/sh: 1: nope: not found\n', '/w', 'nope', proc(127)).results, []);
  });
});
