import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../support/fixtures';
import { editFile, git, snapshotProject, WORDS_BUG, WORDS_FIX, WORDS_PROJECT, writeProject } from '../support/gitProject';

/** `reflect verify` end to end: the real CLI process on a git repository of a real node:test project. */

const CLI = path.join(repoRoot, 'out', 'src', 'cli.js');

interface CliRun { code: number | null; stdout: string; stderr: string }

function cli(args: string[], stdin = ''): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, 'verify', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const TAIL_BUG = '  return word.slice(word.length - n - 1);';

describe('reflect verify (the CLI process)', function () {
  this.timeout(120_000);
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs verify on the project and asserts that the user's files and git status are as they were. */
  async function verify(args: string[] = []): Promise<CliRun> {
    const files = snapshotProject(dir);
    const status = git(dir, ['status', '--porcelain']);
    const run = await cli(['--cwd', dir, ...args]);
    assert.deepStrictEqual(snapshotProject(dir), files, 'verify wrote into the working tree');
    assert.strictEqual(git(dir, ['status', '--porcelain']), status);
    return run;
  }

  it('passes a correct fix (exit 0) with a one-line verdict', async () => {
    dir = writeProject('verify-fix', WORDS_PROJECT, { git: true });
    editFile(dir, 'src/words.js', WORDS_BUG, WORDS_FIX);
    const run = await verify();
    assert.strictEqual(run.code, 0, run.stderr);
    assert.deepStrictEqual(run.stdout.split('\n').slice(0, 3), [
      'PASS: 1 test(s) that failed at HEAD now pass, no test that passed at HEAD fails, the test setup is untouched',
      `changed since HEAD (${git(dir, ['rev-parse', 'HEAD']).slice(0, 12)}): src/words.js`,
      'fixed: test/words.test.js::capitalizes a word',
    ]);
  });

  it('prints the evidence as JSON', async () => {
    dir = writeProject('verify-json', WORDS_PROJECT, { git: true });
    editFile(dir, 'src/words.js', WORDS_BUG, WORDS_FIX);
    const run = await verify(['--json']);
    assert.strictEqual(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.strictEqual(out.verdict, 'pass');
    assert.deepStrictEqual(out.base, { ref: 'HEAD', commit: git(dir, ['rev-parse', 'HEAD']).trim() });
    assert.deepStrictEqual(out.changedFiles, ['src/words.js']);
    assert.deepStrictEqual(out.baseSummary, { passed: 1, failed: 1, skipped: 0 });
    assert.deepStrictEqual(out.currentSummary, { passed: 2, failed: 0, skipped: 0 });
  });

  it('blocks (exit 2, reason on stderr) a change that breaks a passing test', async () => {
    dir = writeProject('verify-breaks', WORDS_PROJECT, { git: true });
    editFile(dir, 'src/words.js', WORDS_BUG, WORDS_FIX);
    editFile(dir, 'src/words.js', '  return word.slice(word.length - n);', TAIL_BUG);
    const run = await verify();
    assert.strictEqual(run.code, 2);
    assert.strictEqual(run.stdout, '');
    assert.strictEqual(run.stderr, "reflect verify: BLOCK: 1 test(s) that passed at HEAD now fail: test/words.test.js::takes the tail of a word (expected \"lo\", actual \"llo\")\n");
  });

  it('blocks a change that edits a test', async () => {
    dir = writeProject('verify-edit-test', WORDS_PROJECT, { git: true });
    editFile(dir, 'test/words.test.js', "'Hello'", "'Hhello'");
    const run = await verify();
    assert.strictEqual(run.code, 2);
    assert.strictEqual(run.stderr, 'reflect verify: BLOCK: it edits the test file test/words.test.js; tests are read-only unless test edits are allowed\n');
  });

  it('blocks a change that adds .only', async () => {
    dir = writeProject('verify-only', WORDS_PROJECT, { git: true });
    editFile(dir, 'test/words.test.js', "it('takes the tail", "it.only('takes the tail");
    const run = await verify();
    assert.strictEqual(run.code, 2);
    assert.strictEqual(run.stderr, 'reflect verify: BLOCK: it adds a skip/only/todo marker (.skip / .only / .todo on a test or suite) to test/words.test.js; silencing or narrowing tests is not a fix\n');
  });

  it('blocks a change to the test script in package.json', async () => {
    dir = writeProject('verify-script', WORDS_PROJECT, { git: true });
    editFile(dir, 'package.json', '"test": "node --test"', '"test": "node --test test/none"');
    const run = await verify();
    assert.strictEqual(run.code, 2);
    assert.match(run.stderr, /^reflect verify: BLOCK: it changes scripts\.test in package\.json, part of how the tests run; /);
  });

  it('blocks when the failing test still fails, and compares with --base REF', async () => {
    dir = writeProject('verify-base', WORDS_PROJECT, { git: true });
    editFile(dir, 'src/words.js', WORDS_BUG, WORDS_FIX);
    git(dir, ['commit', '-q', '-am', 'the fix']);
    const atHead = await verify();
    assert.strictEqual(atHead.code, 0, atHead.stderr);
    assert.match(atHead.stdout, /^PASS: no test fails,/);
    const againstFirst = await verify(['--base', 'HEAD~1', '--json']);
    assert.strictEqual(againstFirst.code, 0, againstFirst.stderr);
    assert.deepStrictEqual(JSON.parse(againstFirst.stdout).fixed, ['test/words.test.js::capitalizes a word']);
    git(dir, ['checkout', '-q', 'HEAD~1']);
    const unfixed = await verify();
    assert.strictEqual(unfixed.code, 2);
    assert.strictEqual(unfixed.stderr, 'reflect verify: BLOCK: 1 test(s) that failed at HEAD still fail: test/words.test.js::capitalizes a word\n');
  });

  it('exits 1 (could not verify) outside a git repository and for an unknown ref', async () => {
    dir = writeProject('verify-nogit', WORDS_PROJECT);
    const noGit = await cli(['--cwd', dir]);
    assert.strictEqual(noGit.code, 1);
    assert.strictEqual(noGit.stderr, `reflect verify: could not verify: ${dir} is not inside a git repository; reflect verify compares the working tree with a commit\n`);
    git(dir, ['init', '-q']);
    const noRef = await cli(['--cwd', dir, '--base', 'nosuch']);
    assert.strictEqual(noRef.code, 1);
    assert.strictEqual(noRef.stderr, 'reflect verify: could not verify: no commit "nosuch" in this repository; pass --base with an existing branch, tag or commit\n');
  });

  it('--check-edit denies a PreToolUse edit of a test file and allows one of a source file', async () => {
    dir = writeProject('verify-hook', WORDS_PROJECT, { git: true });
    const hook = (toolInput: object) => JSON.stringify({ hook_event_name: 'PreToolUse', cwd: dir, tool_name: 'Edit', tool_input: toolInput });
    const denied = await cli(['--check-edit'], hook({ file_path: path.join(dir, 'test/words.test.js'), old_string: 'a', new_string: 'b' }));
    assert.strictEqual(denied.code, 2);
    assert.strictEqual(denied.stderr, 'reflect: denied: it edits the test file test/words.test.js; tests are read-only unless test edits are allowed. Fix the code under test instead; if the test itself is wrong, ask the user.\n');
    const allowed = await cli(['--check-edit'], hook({ file_path: path.join(dir, 'src/words.js') }));
    assert.deepStrictEqual([allowed.code, allowed.stderr], [0, '']);
    const newTest = await cli(['--check-edit'], hook({ file_path: 'test/regression.test.js', content: 'x' }));
    assert.deepStrictEqual([newTest.code, newTest.stderr], [0, '']);
    const patch = await cli(['--check-edit'], hook({ input: '*** Begin Patch\n*** Update File: test/words.test.js\n@@\n-a\n+b\n*** End Patch' }));
    assert.strictEqual(patch.code, 2);
    const vscodeEdit = await cli(['--check-edit'], JSON.stringify({ cwd: dir, tool_name: 'editFiles', tool_input: { files: ['src/words.js', 'test/words.test.js'] } }));
    assert.strictEqual(vscodeEdit.code, 2);
    const garbage = await cli(['--check-edit'], 'not json');
    assert.strictEqual(garbage.code, 1);
    assert.match(garbage.stderr, /^reflect verify --check-edit: the hook input on stdin is not JSON/);
  });
});
