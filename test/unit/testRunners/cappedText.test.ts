import * as assert from 'assert';
import { CappedText } from '../../../src/node/processTree';

describe('CappedText', () => {
  it('keeps everything under the cap', () => {
    const c = new CappedText(10);
    c.push(Buffer.from('hello '));
    c.push(Buffer.from('world'));
    assert.strictEqual(c.text(), 'hello world');
  });

  it('keeps head and tail of a flood and says how much it left out', () => {
    const c = new CappedText(4);
    for (const chunk of ['abcd', 'efgh', 'ijkl', 'mn', 'opqr']) c.push(Buffer.from(chunk));
    assert.strictEqual(c.text(), 'abcd\n… [10 bytes of output left out] …\nopqr');
  });
});
