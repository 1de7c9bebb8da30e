import * as assert from 'assert';
import { frameworkInScript } from '../../../src/node/testRunners/detectFramework';
import { parseTestScript, shellWords } from '../../../src/node/testRunners/testScript';

const is = (framework: string) => (step: string) => frameworkInScript(step) === framework;

describe('the test script, read as npm test runs it', () => {
  it('takes pretest, steps chained before and after the framework, and posttest, in order', () => {
    const s = parseTestScript({ pretest: 'npm run lint', test: 'tsc -p . && vitest run && node report.js', posttest: 'rm -rf tmp' }, is('vitest'));
    assert.deepStrictEqual(s, { before: ['npm run lint', 'tsc -p .'], after: ['node report.js', 'rm -rf tmp'], env: {}, args: [] });
  });

  it('takes env assignments, also through cross-env, and node\'s flags and paths without --test', () => {
    assert.deepStrictEqual(parseTestScript({ test: 'TZ=UTC node --test dist/test/' }, is('node-test')), { before: [], after: [], env: { TZ: 'UTC' }, args: ['dist/test/'] });
    assert.deepStrictEqual(parseTestScript({ test: 'cross-env NODE_ENV=test LANG="en US" jest --ci' }, is('jest')), {
      before: [], after: [], env: { NODE_ENV: 'test', LANG: 'en US' }, args: [],
    });
    assert.deepStrictEqual(parseTestScript({ test: 'node --import tsx --test "test/**/*.test.ts"' }, is('node-test'))!.args, ['--import', 'tsx', 'test/**/*.test.ts']);
  });

  it('leaves alone a plain script, and shell it cannot follow (||, ;, pipes)', () => {
    assert.strictEqual(parseTestScript({ test: 'vitest' }, is('vitest')), undefined);
    assert.strictEqual(parseTestScript({ test: 'tsc || true; vitest run' }, is('vitest')), undefined);
    assert.strictEqual(parseTestScript({ test: 'jest | tee out.txt' }, is('jest')), undefined);
    assert.deepStrictEqual(parseTestScript({ test: "jest -t 'a || b'", pretest: 'tsc' }, is('jest'))!.before, ['tsc']);
  });

  it('splits words like a shell', () => {
    assert.deepStrictEqual(shellWords(`a "b c" 'd e' f\\ g ""`), ['a', 'b c', 'd e', 'f g', '']);
  });
});
