import * as assert from 'assert';
import { framesFromPythonTraceback, framesFromV8Stack, messageOfV8Stack, WorkspacePaths } from '../../../src/node/testRunners/stackFrames';

const paths = new WorkspacePaths('/w');

describe('stack frames', () => {
  it('keeps workspace frames only, innermost first, in every V8 frame form', () => {
    const stack = [
      'TypeError: x is not a function',
      '    at parse (/w/src/parse.js:3:7)',
      '    at async load (file:///w/src/load.mjs:10:2)',
      '    at /w/test/a.test.js:5:1',
      '    at Object.<anonymous> (test/rel.test.js:8:3)',
      '    at run (/w/node_modules/jest-circus/build/index.js:1:1)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at other (/elsewhere/x.js:1:1)',
    ].join('\n');
    assert.deepStrictEqual(framesFromV8Stack(stack, paths), [
      { file: 'src/parse.js', line: 3, column: 7 },
      { file: 'src/load.mjs', line: 10, column: 2 },
      { file: 'test/a.test.js', line: 5, column: 1 },
      { file: 'test/rel.test.js', line: 8, column: 3 },
    ]);
  });

  it('reads pytest long tracebacks and CPython tracebacks, innermost first', () => {
    const pytest = 'tests/test_a.py:16: \n_ _ _\n\n    def f():\n>       raise ValueError()\nE   ValueError\n\npkg/mod.py:10: ValueError';
    assert.deepStrictEqual(framesFromPythonTraceback(pytest, paths), [{ file: 'pkg/mod.py', line: 10 }, { file: 'tests/test_a.py', line: 16 }]);
    const cpython = 'Traceback (most recent call last):\n  File "/w/main.py", line 4, in <module>\n  File "/usr/lib/python3.11/json/__init__.py", line 2, in loads\n  File "/w/.venv/lib/x.py", line 9, in y\nValueError: bad';
    assert.deepStrictEqual(framesFromPythonTraceback(cpython, paths), [{ file: 'main.py', line: 4 }]);
  });

  it('takes the message from a stack without its error name or frames', () => {
    assert.strictEqual(messageOfV8Stack('RangeError: average of an empty list\n    at average (/w/a.js:1:1)'), 'average of an empty list');
    assert.strictEqual(messageOfV8Stack('AssertionError [ERR_ASSERTION]: 1 !== 2\n\n    at f (/w/a.js:1:1)'), '1 !== 2');
  });
});
