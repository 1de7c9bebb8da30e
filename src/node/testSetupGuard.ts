/**
 * The verify gate's view of the shared test-setup rule: which of a change's files touch the test setup. It holds
 * no rule of its own; it asks the one the loop's guard uses.
 */
import { isTestFile } from '../core/testFiles';
import type { FileChange } from '../core/types';

/**
 * One sentence per changed file that belongs to the test setup; empty when the change leaves it alone. A new test
 * file is not tampering (a regression test is welcome); its results are judged like any other test's.
 */
export function testSetupTampering(changes: FileChange[], added: ReadonlySet<string> = new Set()): string[] {
  return changes
    .filter((c) => c.before !== c.after && !added.has(c.path) && isTestFile(c.path))
    .map((c) => `the change ${c.after === '' ? 'deletes' : 'edits'} the test file ${c.path}; the tests are the judge and may not change`);
}
