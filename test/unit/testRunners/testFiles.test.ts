import * as assert from 'assert';
import { isTestFile } from '../../../src/core/testFiles';

describe('isTestFile', () => {
  it('recognises test files by name and by folder', () => {
    const yes = ['src/a.test.ts', 'a.spec.js', 'lib/b.test.mjs', 'test_util.py', 'pkg/util_test.py', 'tests/helpers.py',
      'test/setup.js', 'src/__tests__/x.tsx', 'conftest.py'];
    assert.deepStrictEqual(yes.filter((p) => !isTestFile(p)), []);
  });

  it('leaves source and non-code files alone', () => {
    const no = ['src/contest.js', 'src/testing.ts', 'test.md', 'tests/data.json', 'src/latest.py', 'attest/x.md', 'src/spec.ts'];
    assert.deepStrictEqual(no.filter((p) => isTestFile(p)), []);
  });
});
