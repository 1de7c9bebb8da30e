import * as assert from 'assert';
import { applyPatch, parsePatch } from 'diff';
import { diffOfChanges } from '../../src/core/candidates';
import { fileHunks } from '../../src/core/unifiedDiff';

const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', ''].join('\n');
const after = ['a', 'B', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'J1', 'J2', 'k', ''].join('\n');

describe('diffOfChanges (a candidate\'s unified diff)', () => {
  it('writes a/ b/ headers, 3 lines of context, and leaves out unchanged files', () => {
    const diff = diffOfChanges([
      { path: 'src/x.js', before, after },
      { path: 'src/same.js', before: 'x\n', after: 'x\n' },
    ]);
    assert.strictEqual(diff, [
      '--- a/src/x.js', '+++ b/src/x.js',
      '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e',
      '@@ -7,5 +7,6 @@', ' g', ' h', ' i', '-j', '+J1', '+J2', ' k', '',
    ].join('\n'));
  });

  it('produces a patch that jsdiff applies back onto the original', () => {
    const patch = parsePatch(diffOfChanges([{ path: 'src/x.js', before, after }]))[0];
    assert.strictEqual(applyPatch(before, patch), after);
  });

  it('is empty when nothing changed', () => {
    assert.strictEqual(diffOfChanges([]), '');
  });
});

describe('fileHunks', () => {
  it('lists changed regions with 0-based starts', () => {
    assert.deepStrictEqual(fileHunks(before, after), [
      { oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, removed: ['b'], added: ['B'] },
      { oldStart: 9, oldLines: 1, newStart: 9, newLines: 2, removed: ['j'], added: ['J1', 'J2'] },
    ]);
  });

  it('handles CRLF endings, pure insertions and deletions', () => {
    const b = 'one\r\ntwo\r\nthree\r\n';
    const a = 'zero\r\none\r\nthree\r\n';
    assert.deepStrictEqual(fileHunks(b, a), [
      { oldStart: 0, oldLines: 0, newStart: 0, newLines: 1, removed: [], added: ['zero'] },
      { oldStart: 1, oldLines: 1, newStart: 2, newLines: 0, removed: ['two'], added: [] },
    ]);
  });
});
