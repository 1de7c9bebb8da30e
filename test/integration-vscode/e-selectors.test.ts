import * as assert from 'assert';
import * as vscode from 'vscode';
import { functionAtLine, testAtLine, testItemSelector } from '../../src/vscode/testSelectors';
import { fileUri, root } from './support';

describe('what "Fix Test at Cursor", "Fix This Function…" and the Testing view select', () => {
  it('maps the cursor inside a test to its file and name', async () => {
    const doc = await vscode.workspace.openTextDocument(fileUri('test/range.test.js'));
    const line = doc.getText().split('\n').findIndex((l) => l.includes("test('inRange includes the lower bound'"));
    assert.deepStrictEqual(testAtLine(doc, line + 1, root()), { file: 'test/range.test.js', name: 'inRange includes the lower bound' });
  });

  it('joins describe blocks and the test with " > "', async () => {
    const uri = fileUri('test/nested.spec.js');
    const content = "describe('range', () => {\n  describe('inRange', () => {\n    it('includes hi', () => {\n      expect(1).toBe(1);\n    });\n  });\n  it('is a module', () => {});\n});\n";
    await vscode.workspace.fs.writeFile(uri, Buffer.from(content));
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.deepStrictEqual(testAtLine(doc, 3, root()), { file: 'test/nested.spec.js', name: 'range > inRange > includes hi' });
      assert.deepStrictEqual(testAtLine(doc, 6, root()), { file: 'test/nested.spec.js', name: 'range > is a module' });
      assert.strictEqual(testAtLine(doc, 0, root()), undefined);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('finds the function around the cursor', async () => {
    const doc = await vscode.workspace.openTextDocument(fileUri('src/range.js'));
    const line = doc.getText().split('\n').findIndex((l) => l.includes('out.push(v)'));
    assert.strictEqual(functionAtLine(doc, line), 'span');
  });

  it('maps a Testing-view item to its file and the labels below the file', () => {
    const controller = vscode.tests.createTestController('reflect-e2e-tests', 'Reflect e2e');
    try {
      const uri = fileUri('test/range.test.js');
      const file = controller.createTestItem('file', 'range.test.js', uri);
      const suite = controller.createTestItem('suite', 'inRange', uri);
      suite.range = new vscode.Range(2, 0, 10, 0);
      const test = controller.createTestItem('test', 'includes the upper bound', uri);
      test.range = new vscode.Range(3, 0, 5, 0);
      file.children.add(suite);
      suite.children.add(test);
      controller.items.add(file);
      assert.deepStrictEqual(testItemSelector(test, root()), { file: 'test/range.test.js', name: 'inRange > includes the upper bound' });
      assert.deepStrictEqual(testItemSelector(file, root()), { file: 'test/range.test.js' });
    } finally {
      controller.dispose();
    }
  });
});
