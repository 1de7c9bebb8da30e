import * as assert from 'assert';
import * as path from 'path';
import { CliUsageError, parseSelector } from '../../../src/cli/args';
import { parseTestArgs, renderReport } from '../../../src/cli/testCommand';
import type { TestReport } from '../../../src/core/types';

describe('reflect test arguments', () => {
  it('parses FILE and FILE::TEST NAME selectors; pytest node ids become suite names', () => {
    assert.deepStrictEqual(parseSelector('./test/a.test.js'), { file: 'test/a.test.js' });
    assert.deepStrictEqual(parseSelector('test/a.test.js::math > sum > adds'), { file: 'test/a.test.js', name: 'math > sum > adds' });
    assert.deepStrictEqual(parseSelector('tests/test_a.py::TestA::test_b'), { file: 'tests/test_a.py', name: 'TestA > test_b' });
    assert.throws(() => parseSelector('::name'), CliUsageError);
  });

  it('maps flags to options with the documented defaults', () => {
    const a = parseTestArgs(['--cwd', '/tmp/p', '--only', 'a.test.js', '--only', 'b.test.js::x', '--test-timeout', '2.5', '--json']);
    assert.deepStrictEqual(a, {
      root: path.resolve('/tmp/p'), command: undefined, only: [{ file: 'a.test.js' }, { file: 'b.test.js', name: 'x' }],
      timeoutMs: 2500, retries: 'auto', json: true, help: false,
    });
    assert.strictEqual(parseTestArgs(['--retries', '0']).retries, 0);
  });

  it('rejects unknown flags and bad numbers with a message saying what to do', () => {
    assert.throws(() => parseTestArgs(['--bogus']), /Unknown option '--bogus'; run "reflect test --help" for the options/);
    assert.throws(() => parseTestArgs(['--test-timeout', 'soon']), /^CliUsageError: --test-timeout needs a number above 0, got "soon"$/);
    assert.throws(() => parseTestArgs(['--timeout', '5']), /--timeout is not an option; use --test-timeout S for one test run/);
    assert.throws(() => parseTestArgs(['--retries', '1.5']), /--retries needs a whole number/);
  });

  it('renders failures with file:line and message, then the counts', () => {
    const report: TestReport = {
      framework: 'jest', command: 'jest', exitCode: 1, durationMs: 1500, timedOut: false,
      summary: { passed: 1, failed: 1, skipped: 0 },
      tests: [
        { id: 'a.test.js::adds', file: 'a.test.js', name: 'adds', status: 'passed', durationMs: 1 },
        { id: 'a.test.js::divides', file: 'a.test.js', name: 'divides', status: 'failed', durationMs: 1,
          failure: { message: 'boom\nmore', expected: '1', actual: '2', location: { file: 'src/d.js', line: 4 }, frames: [{ file: 'src/d.js', line: 4 }, { file: 'a.test.js', line: 9 }] } },
      ],
    };
    assert.strictEqual(renderReport(report, '/w/proj'), [
      '✗ a.test.js › divides',
      '    src/d.js:4: boom more',
      '    expected 1, actual 2',
      '    via a.test.js:9',
      '',
      '1 passed, 1 failed in 1.5 s',
      'command: jest',
      '',
    ].join('\n'));
  });
});
