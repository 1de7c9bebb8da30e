import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TestResult } from '../../src/core/types';
import { FAILURE_MESSAGE_CONTEXT, failureMessage } from '../../src/vscode/testResultsView';

/** How a failure of a Reflect run reads in the Testing view's peek (the UI pass shows it on screen). */
describe("the Testing view's failure messages", () => {
  const folder = () => vscode.workspace.workspaceFolders![0];
  const result = (failure: TestResult['failure']): TestResult => ({
    id: 'test/range.test.js::inRange includes the upper bound', file: 'test/range.test.js', name: 'inRange includes the upper bound',
    status: 'failed', durationMs: 3, failure,
  });

  it('shows expected and actual as a diff, at the failing assertion, with the stack frames', () => {
    const m = failureMessage(folder(), result({
      message: 'Expected values to be strictly equal:\n\nfalse !== true', expected: 'true', actual: 'false',
      location: { file: 'test/range.test.js', line: 11, column: 10 },
      frames: [{ file: 'test/range.test.js', line: 11, column: 10 }, { file: 'src/range.js', line: 5 }],
    }));
    assert.strictEqual(m.expectedOutput, 'true');
    assert.strictEqual(m.actualOutput, 'false');
    assert.strictEqual(m.location?.uri.fsPath, path.join(folder().uri.fsPath, 'test/range.test.js'));
    assert.deepStrictEqual([m.location?.range.start.line, m.location?.range.start.character], [10, 9]);
    assert.deepStrictEqual(m.stackTrace?.map((f) => [f.label, f.position?.line]), [['test/range.test.js:11', 10], ['src/range.js:5', 4]]);
    assert.strictEqual(m.contextValue, FAILURE_MESSAGE_CONTEXT);
  });

  it('shows a plain message when the assertion gave no expected value, and says when a test ran out of time', () => {
    const plain = failureMessage(folder(), result({ message: 'TypeError: x is not a function', frames: [] }));
    assert.strictEqual(plain.expectedOutput, undefined);
    assert.strictEqual(plain.message, 'TypeError: x is not a function');
    const hung = failureMessage(folder(), { ...result(undefined), status: 'timedOut' });
    assert.strictEqual(hung.message, 'the test ran out of time');
  });
});
