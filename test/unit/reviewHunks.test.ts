import * as assert from 'assert';
import { computeHunks, editorLines, hunkEdit, locateHunks, motivatingSentence } from '../../src/vscode/reviewHunks';
import { applyLineEdits } from '../support/lineEdits';

const BEFORE = 'a\nb\nc\nd\ne\nf\n';
const AFTER = 'a\nB\nc\nd\ne\nF\nG\n';

/** Applies the chosen hunks of before→after to `current` the way the inline review does. */
function accept(before: string, after: string, current: string, chosen: number[]): { text: string; conflicts: number[] } {
  const hunks = computeHunks(before, after);
  const where = locateHunks(before, current, hunks);
  const lines = editorLines(current);
  const ok = chosen.filter((i) => where.get(i) !== undefined);
  const edits = ok.map((i) => hunkEdit(hunks[i], where.get(i)!, lines, '\n'));
  return { text: applyLineEdits(current, edits), conflicts: chosen.filter((i) => where.get(i) === undefined) };
}

describe('inline review hunks', () => {
  it('splits a candidate into hunks without context', () => {
    assert.deepStrictEqual(computeHunks(BEFORE, AFTER), [
      { index: 0, oldStart: 1, oldLines: ['b'], newLines: ['B'] },
      { index: 1, oldStart: 5, oldLines: ['f'], newLines: ['F', 'G'] },
    ]);
  });

  it('accepting every hunk on the unchanged buffer gives the candidate', () => {
    assert.deepStrictEqual(accept(BEFORE, AFTER, BEFORE, [0, 1]), { text: AFTER, conflicts: [] });
  });

  it('accepting one hunk changes only its lines', () => {
    assert.deepStrictEqual(accept(BEFORE, AFTER, BEFORE, [1]), { text: 'a\nb\nc\nd\ne\nF\nG\n', conflicts: [] });
  });

  it('follows lines the person inserted above a hunk', () => {
    assert.deepStrictEqual(accept(BEFORE, AFTER, 'new\na\nb\nc\nd\ne\nf\n', [0, 1]), { text: 'new\na\nB\nc\nd\ne\nF\nG\n', conflicts: [] });
  });

  it('reports a hunk whose lines the person edited and applies the others', () => {
    assert.deepStrictEqual(accept(BEFORE, AFTER, 'a\nb!\nc\nd\ne\nf\n', [0, 1]), { text: 'a\nb!\nc\nd\ne\nF\nG\n', conflicts: [0] });
  });

  it('deletes lines, including the last ones', () => {
    assert.deepStrictEqual(accept('x\ny\nz', 'x', 'x\ny\nz', [0]), { text: 'x', conflicts: [] });
    assert.deepStrictEqual(accept('x\ny\nz\n', 'x\nz\n', 'x\ny\nz\n', [0]), { text: 'x\nz\n', conflicts: [] });
  });

  it('inserts lines after an intact line', () => {
    assert.deepStrictEqual(accept('x\nz\n', 'x\ny\nz\n', 'x\nz\n', [0]), { text: 'x\ny\nz\n', conflicts: [] });
  });

  it('picks the critique sentence that names the changed code', () => {
    const hunk = computeHunks('  return x < hi;\n', '  return x <= hi;\n')[0];
    const why = 'The tests ran twice. The comparison `x < hi` excludes hi, so inRange(5, 1, 5) is false. Try again.';
    assert.strictEqual(motivatingSentence(why, hunk), 'The comparison `x < hi` excludes hi, so inRange(5, 1, 5) is false.');
  });
});
