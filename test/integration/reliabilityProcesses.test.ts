import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  editReply, expectSafeEnd, FIX, FIXED_LINE, isDead, leftoverProcesses, makeCase, runCli, snapshot, tally, type CaseDirs,
} from '../support/reliabilityHarness';
import { ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';

/** A passing node:test file whose body is `body` (CommonJS; fs, path, child_process in scope). */
const passingTest = (name: string, body: string) => [
  "const fs = require('node:fs');",
  "const path = require('node:path');",
  "const cp = require('node:child_process');",
  "const { it } = require('node:test');",
  `it('${name}', () => {`,
  body,
  '});',
  '',
].join('\n');

/**
 * The reliability suite, part 2: tests that hang, flood, fork detached processes and write where they should not;
 * signals in every phase; bad flags. Same checks as part 1 (exit code, reason, byte-identical project and folder
 * beside it, no process or scratch copy left, the key nowhere).
 */
describe('reliability: misbehaving tests, signals, bad flags (reflect fix)', function () {
  this.timeout(90_000);
  let server: ScriptedOpenAIServer | undefined;
  let dirs: CaseDirs | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    if (dirs) fs.rmSync(dirs.base, { recursive: true, force: true });
    dirs = undefined;
  });
  after(() => console.log(`      reliability tally so far: ${JSON.stringify(tally)}`));

  /** Flags for a scripted model whose every reply is the fix (after `delayMs`). */
  const fixingModel = async (delayMs = 0) => {
    server = await startScriptedOpenAIServer(() => ({ text: editReply('slice(0) repeats the first letter.', [FIX]), delayMs }));
    return ['--base-url', server.baseURL, '--model', 'm', '--rounds', '1', '--candidates', '1'];
  };

  describe('tests that misbehave', () => {
    it('a test file that hangs before reporting: the baseline timed out is an error with its reason, exit 2', async () => {
      dirs = makeCase({
        'src/words.js': `function capitalize(word) {\n${FIXED_LINE}\n}\nmodule.exports = { capitalize };\n`,
        'test/hang.test.js': "require('node:child_process').execSync('sleep 60');\n",
      });
      const before = snapshot(dirs);
      const run = await runCli(['fix', '--provider', 'builtin', '--test-timeout', '3'], dirs);
      // node:test reports at the end, so nothing at all was reported: the runner's own "time limit" error.
      await expectSafeEnd(dirs, before, run, { code: 2, reason: /^reflect fix: .*time limit \(3 s\) before .*; raise .*--test-timeout/ });
    });

    it('a test that floods 40 MB of output: the run ends normally with the verified fix', async () => {
      dirs = makeCase({ 'test/flood.test.js': passingTest('floods', "  for (let i = 0; i < 40; i++) process.stdout.write('x'.repeat(1 << 20) + '\\n');") });
      const before = snapshot(dirs);
      const run = await runCli(['fix', ...(await fixingModel())], dirs);
      await expectSafeEnd(dirs, before, run, { code: 0, reason: /^reflect: verified fix above; Reflect wrote nothing to your project/, server });
    });

    it('a test that forks a detached (setsid) process: it is found by its marker and killed', async () => {
      const pidFile = 'pids.txt';
      dirs = makeCase({
        'test/fork.test.js': passingTest('forks', [
          "  const child = cp.spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });",
          '  child.unref();',
          `  fs.appendFileSync(process.env.RELIABILITY_PIDS, child.pid + '\\n');`,
        ].join('\n')),
      });
      const pids = path.join(dirs.base, pidFile);
      const before = snapshot(dirs);
      const run = await runCli(['fix', ...(await fixingModel())], dirs, { env: { RELIABILITY_PIDS: pids } });
      await expectSafeEnd(dirs, before, run, { code: 0, reason: /^reflect: verified fix above/, server });
      const started = fs.readFileSync(pids, 'utf8').trim().split('\n').map(Number);
      assert.ok(started.length >= 2, `the test should have forked in the baseline and for the candidate: ${started}`);
      assert.deepStrictEqual(started.filter((p) => !isDead(p)), [], 'detached processes still alive');
    });

    it('tests writing into node_modules/.cache and a git-ignored folder: the writes stay in the scratch copy', async () => {
      dirs = makeCase({
        '.gitignore': 'generated/\n',
        'generated/keep.txt': 'user data\n',
        'node_modules/dep/index.js': 'module.exports = 1;\n',
        'test/writes.test.js': passingTest('writes', [
          "  fs.mkdirSync('node_modules/.cache', { recursive: true });",
          "  fs.writeFileSync('node_modules/.cache/result.json', '{}');",
          "  fs.writeFileSync('generated/out.txt', 'made by a test');",
          "  fs.writeFileSync('generated/keep.txt', 'overwritten by a test');",
        ].join('\n')),
      });
      const before = snapshot(dirs);
      const run = await runCli(['fix', ...(await fixingModel())], dirs);
      await expectSafeEnd(dirs, before, run, { code: 0, reason: /^reflect: verified fix above/, server });
      assert.doesNotMatch(run.stderr, /WARNING/);
    });

    it('tests looking for the real project (INIT_CWD, PWD, OLDPWD, the owner file) find nothing to write to', async () => {
      dirs = makeCase({
        'test/escape.test.js': passingTest('escapes', [
          '  const owner = fs.readFileSync(path.join(process.cwd(), "..", "owner.json"), "utf8");',
          '  const candidates = [process.env.INIT_CWD, process.env.PWD, process.env.OLDPWD, JSON.parse(owner).root];',
          '  for (const dir of candidates) if (dir && path.resolve(dir) !== process.cwd()) fs.writeFileSync(path.join(dir, "escaped.txt"), "x");',
        ].join('\n')),
      });
      const before = snapshot(dirs);
      const run = await runCli(['fix', ...(await fixingModel())], dirs);
      await expectSafeEnd(dirs, before, run, { code: 0, reason: /^reflect: verified fix above/, server });
    });

    it('a test writing inside an installed package is reported loudly at the end (detected, not prevented)', async () => {
      dirs = makeCase({
        'node_modules/dep/index.js': 'module.exports = 1;\n',
        'test/pkg.test.js': passingTest('writes into a package', "  fs.writeFileSync('node_modules/dep/injected.js', 'x');"),
      });
      const before = snapshot(dirs);
      const run = await runCli(['fix', ...(await fixingModel())], dirs);
      await expectSafeEnd(dirs, before, run, {
        code: 0, changes: ['node_modules/dep/injected.js'], server,
        reason: /^reflect: WARNING: your project folder changed during the run, and Reflect did not write it: node_modules\/dep\/injected\.js/,
      });
      assert.doesNotMatch(run.stderr, /your files are unchanged/);
    });
  });

  describe('signals in every phase', () => {
    // The slow test sleeps only with the buggy code (baseline) or only with the fix (candidate).
    const slowWhen = (fixed: boolean) => passingTest('is slow', `  if ((require('../src/words').capitalize('hello') === 'Hello') === ${fixed}) cp.execSync('sleep 20');`);
    const phases: { phase: string; when: RegExp; delayMs: number; files: Record<string, string>; modelDelay: number }[] = [
      { phase: 'baseline', when: /running the tests \(baseline\)/, delayMs: 1500, files: { 'test/slow.test.js': slowWhen(false) }, modelDelay: 0 },
      { phase: 'model call', when: /^round 1$/m, delayMs: 300, files: {}, modelDelay: 30_000 },
      { phase: 'candidate test', when: /actor r1-actor-1 \(m\): /, delayMs: 1000, files: { 'test/slow.test.js': slowWhen(true) }, modelDelay: 0 },
    ];
    const signals = [['SIGINT', 130, /^reflect: interrupted; stopping/], ['SIGTERM', 143, /^reflect: got SIGTERM; stopping/], ['SIGHUP', 129, /^reflect: got SIGHUP; stopping/]] as const;
    for (const p of phases) {
      for (const [signal, code, reason] of signals) {
        it(`${signal} during the ${p.phase}: exit ${code}, test processes killed, scratch copies removed`, async () => {
          dirs = makeCase(p.files);
          const before = snapshot(dirs);
          const run = await runCli(['fix', ...(await fixingModel(p.modelDelay))], dirs, { interrupt: { signal, when: p.when, delayMs: p.delayMs } });
          await expectSafeEnd(dirs, before, run, { code, reason, server });
          assert.ok(run.durationMs < 15_000, `took ${run.durationMs} ms`);
        });
      }
    }
  });

  it('reflect test: SIGTERM while the tests run kills the whole test process tree, exit 143', async () => {
    dirs = makeCase({ 'test/slow.test.js': passingTest('is slow', "  cp.execSync('sleep 20');") });
    const before = snapshot(dirs);
    const run = await runCli(['test'], dirs, { interrupt: { signal: 'SIGTERM', when: /^reflect test: /m, delayMs: 1500 } });
    assert.strictEqual(run.code, 143, run.stderr);
    assert.ok(run.durationMs < 15_000, `took ${run.durationMs} ms`);
    assert.deepStrictEqual(await leftoverProcesses(dirs, run.pid), []);
    assert.deepStrictEqual(snapshot(dirs), before);
  });

  describe('bad flags and folders', () => {
    const cases: [string, (d: CaseDirs) => string[], RegExp][] = [
      ['an unknown flag', () => ['--rounds-max', '3'], /^reflect fix: Unknown option '--rounds-max'; run "reflect fix --help" for the options$/],
      ['a bad number', () => ['--rounds', 'three'], /^reflect fix: --rounds needs a whole number above 0, got "three"$/],
      ['a missing --cwd', (d) => ['--cwd', path.join(d.base, 'nope')], /^reflect fix: no such folder: .*\/nope$/],
      ['a file as --cwd', (d) => ['--cwd', path.join(d.project, 'package.json')], /^reflect fix: --cwd must be a folder, but .*package\.json is a file$/],
      ['a folder as --trace', (d) => ['--trace', d.beside], /^reflect fix: --trace needs a file name, but .*beside is a folder/],
      ['an unset --api-key-env', () => ['--model', 'm', '--base-url', 'http://127.0.0.1:9/v1', '--api-key-env', 'RELIABILITY_NO_SUCH_VAR'], /^reflect fix: the environment variable RELIABILITY_NO_SUCH_VAR \(from --api-key-env\) is not set$/],
      ['a zero --request-timeout', () => ['--request-timeout', '0'], /^reflect fix: --request-timeout needs a number above 0, got "0"$/],
    ];
    for (const [what, args, reason] of cases) {
      it(`${what}: exit 2 with one line saying what to type`, async () => {
        dirs = makeCase();
        const before = snapshot(dirs);
        const run = await runCli(['fix', ...args(dirs)], dirs);
        await expectSafeEnd(dirs, before, run, { code: 2, reason });
        assert.strictEqual(run.stderr.trim().split('\n').length, 1, run.stderr);
      });
    }

    it('a --trace that cannot be written: the verified diff is printed first, then the reason, exit 2', async () => {
      dirs = makeCase();
      const before = snapshot(dirs);
      fs.writeFileSync(path.join(dirs.base, 'blocker'), 'a file where the trace folder should be');
      const run = await runCli(['fix', ...(await fixingModel()), '--trace', path.join(dirs.base, 'blocker', 'trace.json')], dirs);
      await expectSafeEnd(dirs, before, run, { code: 2, reason: /^reflect fix: could not write the trace to .*blocker\/trace\.json \((ENOTDIR|EEXIST)\); the result above stands$/, server });
      assert.ok(run.stdout.includes(`+${FIXED_LINE}`), 'the diff was not printed');
    });
  });
});
