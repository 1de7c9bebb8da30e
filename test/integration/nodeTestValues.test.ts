import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';

/** Evidence a model can read: node:test's expected and actual values as a person writes them, never [object Object]. */
describe('node:test failure values', function () {
  this.timeout(60_000);
  it('renders objects, arrays and undefined as values', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-values-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "values", "private": true, "scripts": { "test": "node --test" } }\n');
      fs.writeFileSync(path.join(dir, 'values.test.js'), [
        "const test = require('node:test');",
        "const assert = require('node:assert');",
        "test('object', () => { assert.deepStrictEqual({ a: 1, b: [1, 2] }, { a: 2, b: [1, 2] }); });",
        "test('array', () => { assert.deepStrictEqual([1, { x: 'y' }], [1, { x: 'z' }]); });",
        "test('undefined', () => { assert.strictEqual(undefined, null); });",
        '',
      ].join('\n'));
      const report = await (await createTestRunner(dir)).run({ root: dir, timeoutMs: 30_000 });
      const values = Object.fromEntries(report.tests.map((t) => [t.name, [t.failure?.expected, t.failure?.actual]]));
      assert.deepStrictEqual(values, {
        object: ['{ a: 2, b: [ 1, 2 ] }', '{ a: 1, b: [ 1, 2 ] }'],
        array: ["[ 1, { x: 'z' } ]", "[ 1, { x: 'y' } ]"],
        undefined: ['null', 'undefined'],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
