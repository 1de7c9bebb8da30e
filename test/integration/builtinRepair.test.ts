import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_LOOP_OPTIONS, LoopEvent, LoopOptions, RunResult } from '../../src/core/types';
import { runEngine } from '../../src/node/engine';
import { copyFixture, fixturePath, removeFixtureCopy } from '../support/fixtures';

/** The built-in engine through the same runEngine as `reflect fix`: real node:test runs in scratch copies. */

async function run(root: string, options: Partial<LoopOptions> = {}): Promise<{ events: LoopEvent[]; result: RunResult }> {
  const events: LoopEvent[] = [];
  const gen = runEngine({ root, provider: { kind: 'builtin' }, options: { ...DEFAULT_LOOP_OPTIONS, flakyRetries: 0, ...options } }, new AbortController().signal);
  for (;;) {
    const next = await gen.next();
    if (next.done) return { events, result: next.value };
    events.push(next.value);
  }
}

describe('the built-in repair engine on real projects', function () {
  this.timeout(240_000);
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) removeFixtureCopy(d);
  });

  it('fixes the bundled sample in two rounds, the first critique naming the partial fix', async () => {
    const dir = copyFixture('sample');
    dirs.push(dir);
    const before = fs.readFileSync(path.join(dir, 'src/pagination.js'), 'utf8');
    const { events, result } = await run(dir, { testTimeoutMs: 30_000 });
    assert.strictEqual(result.status, 'verified', result.stopReason);
    const fixed = result.best!.changes.find((c) => c.path === 'src/pagination.js')!.after;
    assert.strictEqual(fixed, before.replace('Math.floor(total / perPage)', 'Math.ceil(total / perPage)').replace('first + perPage - 1', 'first + perPage'));
    assert.strictEqual(result.best!.round, 2);
    const reflection = events.find((e) => e.type === 'reflection');
    assert.ok(reflection && reflection.type === 'reflection');
    assert.strictEqual(reflection.reflection.author, 'builtin');
    assert.match(reflection.reflection.text, /Closest: `first \+ perPage - 1` → `first \+ perPage` at src\/pagination\.js:14 \(r1c\d+\) made 2 of 3 failing tests pass/);
    assert.match(reflection.reflection.text, /Still failing with it: `pageCount counts a partly filled last page` — expected 4, got 3\./);
    // The user's folder is never written.
    assert.strictEqual(fs.readFileSync(path.join(dir, 'src/pagination.js'), 'utf8'), before);
    assert.strictEqual(fs.readFileSync(path.join(fixturePath('sample'), 'src/pagination.js'), 'utf8'), before);
  });

  it('survives a mutation that loops forever: it costs the timeout and leaves no process behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-loop-'));
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'src'));
    fs.mkdirSync(path.join(dir, 'test'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "loop", "private": true, "scripts": { "test": "node --test" } }\n');
    // The bug is a wrong variable (a low-prior fix); `i--` → `i++` (tried earlier) never ends.
    fs.writeFileSync(path.join(dir, 'src/sum.js'), [
      'function sumTo(n) {',
      '  let total = 0;',
      '  for (let i = n; i > 0; i--) {',
      '    total += n;',
      '  }',
      '  return total;',
      '}',
      'module.exports = { sumTo };',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'test/reflect-endless.test.js'), [
      "const { test } = require('node:test');",
      "const assert = require('node:assert');",
      "const { sumTo } = require('../src/sum');",
      "test('sums 1..3', () => { assert.strictEqual(sumTo(3), 6); });",
      "test('sums 1..4', () => { assert.strictEqual(sumTo(4), 10); });",
      '',
    ].join('\n'));
    const { events, result } = await run(dir, { testTimeoutMs: 5_000, rounds: 1 });
    assert.strictEqual(result.status, 'verified', result.stopReason);
    assert.strictEqual(result.best!.summary, '`n` → `i` at src/sum.js:4');
    const endless = events.find((e) => e.type === 'candidate-result' && e.candidate.summary === '`--` → `++` at src/sum.js:3');
    assert.ok(endless && endless.type === 'candidate-result', 'the endless mutation was tested');
    assert.strictEqual(endless.candidate.status, 'failed');
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('reflect-endless'));
    assert.deepStrictEqual(left, []);
  });
});
