import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { scanTestNames } from '../../../src/node/testRunners/testFileScan';
import { fixturePath } from '../../support/fixtures';

describe('scanTestNames', () => {
  it('lists the fixture tests with their suites, in source order', () => {
    const source = fs.readFileSync(path.join(fixturePath('node-test-project'), 'test/calendar.test.js'), 'utf8');
    assert.deepStrictEqual(scanTestNames(source), [
      ['calendar', 'isLeapYear', 'accepts years divisible by four'],
      ['calendar', 'isLeapYear', 'rejects century years'],
      ['calendar', 'averages an empty list to zero'],
      ['calendar', 'averages numbers'],
      ['calendar', 'is not finished yet'],
    ]);
  });

  it('handles top-level tests, template titles and escaped quotes', () => {
    const source = "test('a', () => {});\ndescribe(`s`, () => {\n  it.only('it\\'s b', async () => {});\n});\ntest(\"c\", () => {});\n";
    assert.deepStrictEqual(scanTestNames(source), [['a'], ['s', "it's b"], ['c']]);
  });
});
