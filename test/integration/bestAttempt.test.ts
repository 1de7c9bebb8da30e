import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { copyFixture, removeFixtureCopy, repoRoot } from '../support/fixtures';
import { ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';

/**
 * Nothing unverified is offered as safe: the three setups where applying the printed best attempt took the
 * failures from 3 to 4, 5 and 8 (test/fixtures/best-attempt: 3 failing `triple` tests, 6 passing `double` ones),
 * each from a scripted model reply that fixes one target and special-cases `double` for the first K inputs. The
 * best attempt is run against the full suite, printed labelled with what it breaks, and never as the fix.
 */

const CLI = path.join(repoRoot, 'out', 'src', 'cli.js');

const edit = (search: string, replace: string) => `src/scale.js\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n`;
/** Fixes `triple(1)` only, and makes `double(x)` return x for x ≤ k: it breaks k passing tests. */
const reply = (k: number) => [
  'triple(1) must be 3; double needs care for small inputs.',
  edit('  return x + times(x, 1);', '  return x === 1 ? 3 : x + times(x, 1);'),
  edit('  return times(x, 2);', `  return x <= ${k} ? x : times(x, 2);`),
].join('\n');

describe('reflect fix offers an unverified best attempt only with its new failures', function () {
  this.timeout(120_000);
  let server: ScriptedOpenAIServer | undefined;
  let dir: string;
  beforeEach(() => {
    dir = copyFixture('best-attempt');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    removeFixtureCopy(dir);
  });

  for (const [k, after] of [[2, 4], [3, 5], [6, 8]]) {
    it(`3 failures → ${after}: prints the best attempt labelled, listing the ${k} tests it breaks`, async () => {
      server = await startScriptedOpenAIServer(() => ({ text: reply(k) }));
      const before = fs.readFileSync(path.join(dir, 'src/scale.js'), 'utf8');
      const run = await cli(dir, ['--base-url', server.baseURL, '--model', 'actor', '--candidates', '1', '--rounds', '1', '--apply']);
      assert.strictEqual(run.code, 1, run.stderr);
      const broken = Array.from({ length: k }, (_, i) => `test/double.test.js::doubles ${i + 1}`);
      const label = [
        '# BEST ATTEMPT, NOT A FIX: 1/3 target tests pass with it',
        `# on the full suite it BREAKS ${k} test(s) that passed before:`,
        ...broken.map((id) => `#   ${id}`),
      ].join('\n');
      assert.ok(run.stdout.startsWith(`${label}\n--- a/src/scale.js\n`), run.stdout);
      assert.ok(!/verified fix|the fix was written/.test(run.stderr), run.stderr);
      assert.ok(run.stderr.includes(`r1c1 failed: as the best attempt, on the full suite: 1/3 target tests pass; breaks ${broken.join(', ')}`), run.stderr);
      assert.strictEqual(fs.readFileSync(path.join(dir, 'src/scale.js'), 'utf8'), before, '--apply writes nothing unverified');
    });
  }

  it('says so in --json: not verified, the full suite run, its new failures', async () => {
    server = await startScriptedOpenAIServer(() => ({ text: reply(2) }));
    const run = await cli(dir, ['--base-url', server.baseURL, '--model', 'actor', '--candidates', '1', '--rounds', '1', '--json']);
    const out = JSON.parse(run.stdout);
    assert.strictEqual(out.status, 'improved');
    assert.deepStrictEqual(out.bestAttempt, {
      verified: false, targetsPassed: 1, targetsTotal: 3, fullSuiteRun: true, newFailures: ['test/double.test.js::doubles 1', 'test/double.test.js::doubles 2'],
    });
  });
});

function cli(dir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-best-cache-'));
  const env = { ...process.env, OPENAI_API_KEY: 'sk-test', XDG_CACHE_HOME: cache, REFLECT_PROVIDER: '' };
  const child = spawn(process.execPath, [CLI, 'fix', '--cwd', dir, '--no-lessons', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => {
    fs.rmSync(cache, { recursive: true, force: true });
    resolve({ code, stdout, stderr });
  }));
}
