import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CRITIC_SYSTEM_PROMPT } from '../../src/core/prompts';
import type { Candidate, Trace } from '../../src/core/types';
import { repoRoot } from '../support/fixtures';
import { writeProject } from '../support/gitProject';
import { lastUserMessage, ReplyScript, ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';

/**
 * Trusting the green, end to end: the real `reflect fix` process on a node:test project written here, a real
 * OpenAI-protocol server with scripted replies. Tampering with the test setup is rejected with its own rule
 * (or tested with a warning under --allow-test-edits); a verified fix carries only the hunks its tests need;
 * a fix that stops another test file from loading is not verified and names the tests that disappeared.
 */

const CLI = path.join(repoRoot, 'out', 'src', 'cli.js');

const FAR = Array.from({ length: 8 }, (_, i) => `// line ${i + 1} between the two functions`).join('\n');
const PROJECT: Record<string, string> = {
  'package.json': '{ "name": "words", "private": true, "scripts": { "test": "node --test" } }\n',
  'src/words.js': [
    'function capitalize(word) {',
    '  return word[0].toUpperCase() + word.slice(0);',
    '}',
    FAR,
    'function whisper(word) {',
    '  return word.toLowerCase();',
    '}',
    '',
    'module.exports = { capitalize, whisper };',
    '',
  ].join('\n'),
  'src/helper.js': 'module.exports = { twice: (x) => x * 2 };\n',
  'test/words.test.js': [
    "const assert = require('node:assert');",
    "const { it } = require('node:test');",
    "const { capitalize } = require('../src/words');",
    '',
    "it('capitalizes a word', () => {",
    "  assert.strictEqual(capitalize('hello'), 'Hello');",
    '});',
    '',
  ].join('\n'),
  'test/helper.test.js': [
    "const assert = require('node:assert');",
    "const { it } = require('node:test');",
    "const { twice } = require('../src/helper');",
    '',
    "it('doubles a number', () => {",
    '  assert.strictEqual(twice(2), 4);',
    '});',
    '',
  ].join('\n'),
  'vitest.config.js': "module.exports = { test: { include: ['test/**/*.test.js'] } };\n",
  'test/__snapshots__/words.test.js.snap': 'exports[`capitalizes a word 1`] = `"Hello"`;\n',
  'conftest.py': 'import pytest\n',
};

const edit = (file: string, search: string, replace: string) => `${file}\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n`;
const FIX = edit('src/words.js', '  return word[0].toUpperCase() + word.slice(0);', '  return word[0].toUpperCase() + word.slice(1);');
const SUPERFLUOUS = edit('src/words.js', '  return word.toLowerCase();', '  return word.toLowerCase().trim();');
const BREAKS_LOADING = edit('src/helper.js', 'module.exports = { twice: (x) => x * 2 };', "module.exports = require('./helpr');");

/** One reply per kind of tampering, with the reason each must be rejected for. */
const TAMPERING: { reply: string; rule: string; reason: string; warning: string }[] = [
  {
    reply: edit('package.json', PROJECT['package.json'].trim(), PROJECT['package.json'].trim().replace('node --test', 'exit 0')), rule: 'test-script',
    reason: 'it changes scripts.test in package.json, part of how the tests run; the test setup is read-only: fix the code under test instead (--allow-test-edits lifts this)',
    warning: 'it changes scripts.test in package.json, part of how the tests run (test setup changed; allowed by --allow-test-edits)',
  },
  {
    reply: edit('test/words.test.js', "it('capitalizes a word', () => {", "it.skip('capitalizes a word', () => {"), rule: 'test-marker',
    reason: 'it adds a skip/only/todo marker (.skip / .only / .todo on a test or suite) to test/words.test.js; silencing or narrowing tests is not a fix (--allow-test-edits lifts this)',
    warning: 'it adds a skip/only/todo marker (.skip / .only / .todo on a test or suite) to test/words.test.js (test setup changed; allowed by --allow-test-edits)',
  },
  {
    reply: edit('vitest.config.js', PROJECT['vitest.config.js'].trim(), PROJECT['vitest.config.js'].trim().replace('test/**/*.test.js', 'nothing/**')), rule: 'test-config',
    reason: 'it edits vitest.config.js, a test runner config or setup file; the test setup is read-only: fix the code under test instead (--allow-test-edits lifts this)',
    warning: 'it edits vitest.config.js, a test runner config or setup file (test setup changed; allowed by --allow-test-edits)',
  },
  {
    reply: edit('test/__snapshots__/words.test.js.snap', PROJECT['test/__snapshots__/words.test.js.snap'].trim(), PROJECT['test/__snapshots__/words.test.js.snap'].trim().replace('"Hello"', '"Hhello"')), rule: 'snapshot',
    reason: 'it rewrites the snapshot test/__snapshots__/words.test.js.snap; snapshots record the expected output, so make the code produce it (--allow-test-edits lifts this)',
    warning: 'it rewrites the snapshot test/__snapshots__/words.test.js.snap (test setup changed; allowed by --allow-test-edits)',
  },
  {
    reply: edit('conftest.py', 'import pytest', 'import pytest\ncollect_ignore = ["test"]'), rule: 'test-config',
    reason: 'it edits conftest.py, a test runner config or setup file; the test setup is read-only: fix the code under test instead (--allow-test-edits lifts this)',
    warning: 'it edits conftest.py, a test runner config or setup file (test setup changed; allowed by --allow-test-edits)',
  },
];

interface CliRun { code: number | null; stdout: string; stderr: string; trace: Trace }

describe('reflect fix trusts only a real green', function () {
  this.timeout(180_000);
  let server: ScriptedOpenAIServer | undefined;
  let dir: string;
  let cache: string;
  beforeEach(() => {
    dir = writeProject('trust', PROJECT);
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-trust-cache-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  });

  const snapshot = () => Object.fromEntries(Object.keys(PROJECT).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

  function cli(args: string[]): Promise<CliRun> {
    const traceFile = path.join(cache, 'trace.json');
    const env = { ...process.env, OPENAI_API_KEY: 'sk-test', XDG_CACHE_HOME: cache, REFLECT_PROVIDER: '' };
    const child = spawn(process.execPath, [CLI, 'fix', '--cwd', dir, '--base-url', server!.baseURL, '--model', 'actor', '--no-lessons', '--trace', traceFile, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, trace: JSON.parse(fs.readFileSync(traceFile, 'utf8')) as Trace })));
  }

  /** Round 1: one tampering reply per candidate (in whatever order the calls arrive); round 2: the real fix. */
  function tamperThenFix(): ReplyScript {
    let actorCalls = 0;
    return (r) => {
      if (r.messages[0]?.content === CRITIC_SYSTEM_PROMPT) return { text: 'Every candidate changed the test setup instead of src/words.js; slice(0) must be slice(1).' };
      const n = actorCalls++;
      return { text: n < TAMPERING.length ? `Make it pass.\n\n${TAMPERING[n].reply}` : `slice(1) skips the first letter.\n\n${FIX}` };
    };
  }
  const byReply = (c: Candidate) => TAMPERING.find((t) => c.changes.some((ch) => t.reply.startsWith(`${ch.path}\n`)))!;

  it('rejects each kind of test-setup tampering with its own rule and reason, and the critic hears them', async () => {
    server = await startScriptedOpenAIServer(tamperThenFix());
    const before = snapshot();
    const run = await cli(['--candidates', '5', '--rounds', '2', '--json']);
    assert.strictEqual(run.code, 0, run.stderr);
    assert.strictEqual(JSON.parse(run.stdout).status, 'verified');
    const round1 = run.trace.rounds[0].candidates;
    assert.strictEqual(round1.length, 5);
    for (const c of round1) {
      const expected = byReply(c);
      assert.ok(expected, JSON.stringify([c.summary, c.rejectReason, c.changes.map((x) => x.path)]));
      assert.deepStrictEqual([c.status, c.rejectRule, c.rejectReason], ['rejected', expected.rule, expected.reason]);
      assert.ok(run.stderr.includes(`${c.id} rejected: ${expected.reason}`), run.stderr);
    }
    const critic = server.requests.find((r) => r.messages[0]?.content === CRITIC_SYSTEM_PROMPT)!;
    for (const t of TAMPERING) assert.ok(lastUserMessage(critic).includes(`Rejected before testing: ${t.reason}`), t.rule);
    assert.deepStrictEqual(snapshot(), before);
  });

  it('with --allow-test-edits tests each tampering candidate, with a visible warning, and verifies none of them', async () => {
    server = await startScriptedOpenAIServer(tamperThenFix());
    const run = await cli(['--candidates', '5', '--rounds', '1', '--allow-test-edits']);
    assert.strictEqual(run.code, 1, run.stderr);
    for (const c of run.trace.rounds[0].candidates) {
      const expected = byReply(c);
      assert.notStrictEqual(c.status, 'rejected');
      assert.notStrictEqual(c.status, 'verified');
      assert.deepStrictEqual(c.warnings, [expected.warning]);
      assert.ok(run.stderr.includes(`${c.id} warning: ${expected.warning}`), run.stderr);
    }
  });

  it('verifies a fix with a needed and a superfluous hunk as the one-hunk patch', async () => {
    server = await startScriptedOpenAIServer(() => ({ text: `slice(1), and whisper trims.\n\n${FIX}\n${SUPERFLUOUS}` }));
    const run = await cli(['--candidates', '1', '--json']);
    assert.strictEqual(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.strictEqual(out.status, 'verified');
    assert.ok(out.patch.includes('+  return word[0].toUpperCase() + word.slice(1);'), out.patch);
    assert.ok(!out.patch.includes('trim'), out.patch);
    assert.strictEqual(out.minimality, 'minimal after dropping 1 of 2 hunks the tests do not need: its one hunk is needed; without the patch the target tests fail: 1 on their assertion');
    const kept = run.trace.result!.best!;
    assert.deepStrictEqual([kept.minimality!.hunks, kept.minimality!.kept, kept.minimality!.targetRuns], [2, 1, 2]);
    assert.ok(kept.minimality!.originalDiff!.includes('+  return word.toLowerCase().trim();'));
    assert.ok(run.stderr.includes('reflect: minimal after dropping 1 of 2 hunks'), run.stderr);
  });

  it('does not verify a fix that stops another test file from loading, and names the tests that disappeared', async () => {
    server = await startScriptedOpenAIServer(() => ({ text: `slice(1); helper tidied.\n\n${FIX}\n${BREAKS_LOADING}` }));
    const before = snapshot();
    const run = await cli(['--candidates', '1', '--rounds', '1', '--apply']);
    assert.strictEqual(run.code, 1, run.stderr);
    const c = run.trace.rounds[0].candidates[0];
    assert.strictEqual(c.status, 'passed-targets');
    assert.deepStrictEqual(c.newFailures, ['test/helper.test.js::doubles a number']);
    assert.deepStrictEqual(c.missingTests, ['test/helper.test.js::doubles a number']);
    assert.ok(run.stderr.includes('breaks test/helper.test.js::doubles a number (missing from the run: its file no longer loads, or it was not run)'), run.stderr);
    assert.ok(run.stdout.startsWith('# BEST ATTEMPT, NOT A FIX: 1/1 target tests pass with it\n# on the full suite it BREAKS 1 test(s) that passed before:\n'), run.stdout);
    assert.deepStrictEqual(snapshot(), before);
  });
});
