import * as assert from 'assert';
import { parseSelector as parseCliSelector } from '../../src/cli/args';
import { CliUsageError } from '../../src/cli/args';
import { parseFixArgs } from '../../src/cli/fixCommand';
import { ambiguityNotes, matchTestName, parseSelector, SelectorSyntaxError } from '../../src/core/testSelectors';
import { isSelected } from '../../src/node/testRunners/reporterEvents';

describe('test selectors (names as people write them)', () => {
  it('parses FILE, FILE::NAME, describe paths with loose spaces and pytest node ids', () => {
    assert.deepStrictEqual(parseSelector('./test/a.test.ts'), { file: 'test/a.test.ts' });
    assert.deepStrictEqual(parseSelector('test/a.test.ts::adds two numbers'), { file: 'test/a.test.ts', name: 'adds two numbers' });
    assert.deepStrictEqual(parseSelector('test/a.test.ts::math>add  >  adds'), { file: 'test/a.test.ts', name: 'math>add > adds' });
    assert.deepStrictEqual(parseSelector('tests/test_cart.py::TestCart::test_total[2-3]'), { file: 'tests/test_cart.py', name: 'TestCart > test_total[2-3]' });
    assert.deepStrictEqual(parseSelector('tests\\test_cart.py::test_total'), { file: 'tests/test_cart.py', name: 'test_total' });
    assert.throws(() => parseSelector('::adds'), SelectorSyntaxError);
    assert.throws(() => parseSelector('a.test.ts::  '), /has an empty test name/);
  });

  it('reflect test and reflect fix parse --only the same way', () => {
    for (const spec of ['tests/test_a.py::TestA::test_b', 'test/a.test.js::suite > adds', './x.test.js']) {
      assert.deepStrictEqual(parseFixArgs(['--only', spec]).only, [parseCliSelector(spec)]);
    }
    assert.throws(() => parseFixArgs(['--only', '::x']), CliUsageError);
  });

  it('matches a full name, a leading suite path, the title as written, the end of a path, a parametrized group', () => {
    const full = 'math > add > adds two numbers';
    assert.strictEqual(matchTestName(full, full), 'exact');
    assert.strictEqual(matchTestName('math > add', full), 'inside');
    assert.strictEqual(matchTestName('adds two numbers', full), 'ending');
    assert.strictEqual(matchTestName('add > adds two numbers', full), 'ending');
    assert.strictEqual(matchTestName('test_total', 'TestCart > test_total[2-3]'), 'ending');
    assert.strictEqual(matchTestName('TestCart > test_total', 'TestCart > test_total[2-3]'), 'ending');
    assert.strictEqual(matchTestName('test_total[2-3]', 'TestCart > test_total[2-3]'), 'ending');
  });

  it('does not match parts of titles, middle suites or another parametrized function', () => {
    const full = 'math > add > adds two numbers';
    for (const wanted of ['two numbers', 'add', 'adds', 'math > adds two numbers', 'x > math > add > adds two numbers']) {
      assert.strictEqual(matchTestName(wanted, full), undefined, wanted);
    }
    assert.strictEqual(matchTestName('test_tot', 'test_total[1]'), undefined);
    assert.strictEqual(matchTestName('test_total', 'test_total_again'), undefined);
  });

  it('a report keeps the tests a selector names, whichever way it is written', () => {
    const t = { file: 'test/a.test.ts', name: 'math > add > adds two numbers' };
    assert.strictEqual(isSelected(t, [{ file: './test/a.test.ts', name: 'adds two numbers' }]), true);
    assert.strictEqual(isSelected(t, [{ file: 'test/b.test.ts', name: 'adds two numbers' }]), false);
  });

  it('says when a name as written matched tests of different full names, but not for one parametrized group', () => {
    const tests = [
      { file: 'a.test.ts', name: 'ints > adds' }, { file: 'a.test.ts', name: 'floats > adds' },
      { file: 't.py', name: 'test_total[1]' }, { file: 't.py', name: 'test_total[2]' },
    ];
    assert.deepStrictEqual(ambiguityNotes([{ file: 'a.test.ts', name: 'adds' }, { file: 't.py', name: 'test_total' }], tests), [
      'a.test.ts::adds matched 2 tests, all run: ints > adds, floats > adds',
    ]);
    assert.deepStrictEqual(ambiguityNotes([{ file: 'a.test.ts', name: 'ints > adds' }], tests), []);
  });
});
