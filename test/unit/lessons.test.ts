import * as assert from 'assert';
import { cutAtWord, lessonOf } from '../../src/core/lessons';
import { runReflection } from '../../src/core/loop';
import type { Candidate, Lesson, Reflection } from '../../src/core/types';
import { change, deps, drain, opts, prop, SRC, TESTS, world } from '../support/loopWorld';

describe('lessons that are true', () => {
  const winner = {
    id: 'r2c1', summary: 'src/a.js: swap', rationale: 'As r1c2 showed, the loop stops one short of `end`. Then more.',
    changes: [{ path: 'src/a.js', before: 'a', after: 'b' }],
    diff: '--- a/src/a.js\n+++ b/src/a.js\n@@ -1,1 +1,1 @@\n-  for (i < end)\n+  for (i <= end)\n',
  } as unknown as Candidate;

  it('is the root-cause sentence and the diff, without this run\'s candidate ids', () => {
    const critique = { round: 1, author: 'model', text: 'r1c1 was close.', durationMs: 1 } as Reflection;
    const lesson = lessonOf(winner, ['t::x'], [critique], { now: () => 0 });
    assert.deepStrictEqual({ ...lesson, text: '' }, {
      id: 'lesson-0', createdAt: '1970-01-01T00:00:00.000Z', files: ['src/a.js'], tests: ['t::x'], symbols: [], text: '',
    });
    assert.strictEqual(lesson.text, 'As an earlier attempt showed, the loop stops one short of `end`. Fix in src/a.js:\n@@ -1,1 +1,1 @@\n-  for (i < end)\n+  for (i <= end)');
  });

  it('falls back to the decisive critique\'s first sentence when the fix gives no rationale', () => {
    const critique = { round: 1, author: 'model', text: 'The loop stops one short. Use <=.', durationMs: 1 } as Reflection;
    const lesson = lessonOf({ ...winner, rationale: undefined }, [], [critique], { now: () => 0 });
    assert.ok(lesson.text.startsWith('The loop stops one short. Fix in src/a.js:\n@@'), lesson.text);
  });

  it('the loop adds nothing to the store on a verified fix: the lesson rides on the result, for the front end to store once applied', async () => {
    const w = world(SRC, TESTS);
    const added: Lesson[] = [];
    const store = { relevant: async () => [], add: async (l: Lesson) => void added.push(l), clear: async () => undefined };
    const { d } = deps(w, (r) => (r.round === 1 ? [prop('times', change('src/sum.js', 'a * b'))] : [prop('plus', change('src/sum.js', 'a + b'))]),
      () => 'The sum subtracts instead of adding. Try +.');
    const { events, result } = await drain(runReflection({ ...d, lessons: store }, opts({ candidates: 1 }), new AbortController().signal));
    assert.strictEqual(result.status, 'verified');
    assert.deepStrictEqual(added, []);
    assert.strictEqual(result.lesson!.text, 'The sum subtracts instead of adding. Fix in src/sum.js:\n@@ -1,1 +1,1 @@\n-a - b\n+a + b');
    assert.deepStrictEqual([result.lesson!.files, result.lesson!.tests], [['src/sum.js'], ['test/sum.test.js::adds']]);
    const end = events[events.length - 1];
    assert.ok(end.type === 'run-end' && end.result.lesson === result.lesson);
  });

  it('puts no lesson on an unverified result, nor on any result when lessons are off', async () => {
    const w = world(SRC, TESTS);
    const store = { relevant: async () => [], add: async () => assert.fail('nothing is stored by the loop'), clear: async () => undefined };
    const { d } = deps(w, () => [prop('times', change('src/sum.js', 'a * b'))]);
    const unverified = await drain(runReflection({ ...d, lessons: store }, opts({ candidates: 1, rounds: 1 }), new AbortController().signal));
    assert.notStrictEqual(unverified.result.status, 'verified');
    assert.strictEqual(unverified.result.lesson, undefined);
    const { d: off } = deps(world(SRC, TESTS), () => [prop('plus', change('src/sum.js', 'a + b'))]);
    const verified = await drain(runReflection(off, opts({ candidates: 1 }), new AbortController().signal));
    assert.deepStrictEqual([verified.result.status, verified.result.lesson], ['verified', undefined]);
  });

  it('cuts long text at a word boundary', () => {
    assert.strictEqual(cutAtWord('alpha beta gamma delta', 14), 'alpha beta…');
    assert.strictEqual(cutAtWord('short', 14), 'short');
  });
});
