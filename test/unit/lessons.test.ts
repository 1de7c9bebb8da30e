import * as assert from 'assert';
import { cutAtWord, recordLesson } from '../../src/core/lessons';
import type { Lesson } from '../../src/core/types';
import type { Candidate, Reflection } from '../../src/core/types';

describe('lessons that are true', () => {
  const winner = {
    id: 'r2c1', summary: 'src/a.js: swap', rationale: 'As r1c2 showed, the loop stops one short of `end`. Then more.',
    changes: [{ path: 'src/a.js', before: 'a', after: 'b' }],
    diff: '--- a/src/a.js\n+++ b/src/a.js\n@@ -1,1 +1,1 @@\n-  for (i < end)\n+  for (i <= end)\n',
  } as unknown as Candidate;

  it('stores the root-cause sentence and the diff, without this run\'s candidate ids', async () => {
    const stored: Lesson[] = [];
    const store = { relevant: async () => [], add: async (l: Lesson) => void stored.push(l), clear: async () => undefined };
    const critique = { round: 1, author: 'model', text: 'r1c1 was close.', durationMs: 1 } as Reflection;
    await recordLesson(store, winner, ['t::x'], [critique], { now: () => 0 }, () => undefined);
    assert.strictEqual(stored[0].text, 'As an earlier attempt showed, the loop stops one short of `end`. Fix in src/a.js:\n@@ -1,1 +1,1 @@\n-  for (i < end)\n+  for (i <= end)');
  });

  it('cuts long text at a word boundary', () => {
    assert.strictEqual(cutAtWord('alpha beta gamma delta', 14), 'alpha beta…');
    assert.strictEqual(cutAtWord('short', 14), 'short');
  });
});
