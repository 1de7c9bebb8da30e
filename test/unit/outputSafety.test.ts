import * as assert from 'assert';
import { redactDeep, redactText, stripControlSequences, urlCredential, withoutUrlCredentials } from '../../src/core/outputSafety';

describe('output safety: redaction and terminal control sequences', () => {
  it('redacts exact secrets (8+ characters, longest first) in text and in any plain value, and leaves other text alone', () => {
    assert.strictEqual(redactText('key sk-abcdefgh12 and sk-abcdefgh1234', ['sk-abcdefgh12', 'sk-abcdefgh1234', 'short']), 'key [redacted] and [redacted]');
    assert.deepStrictEqual(redactDeep({ a: ['x sk-abcdefgh12'], n: 1, b: { c: 'sk-abcdefgh12' } }, ['sk-abcdefgh12']), { a: ['x [redacted]'], n: 1, b: { c: '[redacted]' } });
    assert.strictEqual(redactText('Bearer token-in-code and https://git@host/x', ['unrelated-secret']), 'Bearer token-in-code and https://git@host/x');
  });

  it('takes credentials out of URLs and finds the password to redact', () => {
    assert.strictEqual(withoutUrlCredentials('at https://user:p%40ss@host:8/v1 now'), 'at https://host:8/v1 now');
    assert.strictEqual(urlCredential('https://user:p%40ssword@host/v1'), 'p@ssword');
    assert.strictEqual(urlCredential('https://tokenonly@host/v1'), 'tokenonly');
    assert.strictEqual(urlCredential('https://host/v1'), undefined);
  });

  it('strips CSI, OSC (clipboard, title), other escapes and C0/C1 controls, keeping tabs, newlines and the visible text', () => {
    const hostile = 'a\x1b[2J\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07b \x1b]0;title\x1b\\c\td\r\ne\x07\x08\x9b31mf\x1bc';
    assert.strictEqual(stripControlSequences(hostile), 'ared b c\td\nef');
  });
});
