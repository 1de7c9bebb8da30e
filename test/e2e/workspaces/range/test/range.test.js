'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { inRange, span } = require('../src/range');

// The restricted-mode e2e pass sets this variable: the file appearing proves a test process ran.
if (process.env.REFLECT_E2E_RUN_MARKER) fs.writeFileSync(process.env.REFLECT_E2E_RUN_MARKER, 'ran\n');

test('inRange includes the upper bound', () => {
  assert.strictEqual(inRange(5, 1, 5), true);
});

test('inRange includes the lower bound', () => {
  assert.strictEqual(inRange(1, 1, 5), true);
});

test('inRange excludes values above', () => {
  assert.strictEqual(inRange(6, 1, 5), false);
});

test('span lists every value', () => {
  assert.deepStrictEqual(span(2, 4), [2, 3, 4]);
});
