import * as assert from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CRITIC_SYSTEM_PROMPT } from '../../src/core/prompts';
import { defaultLessonsFile } from '../../src/node/lessonStore';
import { repoRoot } from '../support/fixtures';
import { writeProject } from '../support/gitProject';
import { lastUserMessage, RecordedRequest, ReplyScript, ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';

/** `reflect fix` end to end: the real CLI process, a project created here (not in the repository), a real server. */

const CLI = path.join(repoRoot, 'out', 'src', 'cli.js');
const SECRET = 'sk-cli-test-SECRET-9876543210';

const PROJECT: Record<string, string> = {
  'package.json': '{ "name": "words", "private": true, "scripts": { "test": "node --test" } }\n',
  'src/words.js': [
    '/** The word with its first letter in upper case. */',
    'function capitalize(word) {',
    '  return word[0].toUpperCase() + word.slice(0);',
    '}',
    '',
    'module.exports = { capitalize };',
    '',
  ].join('\n'),
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
};

const block = (search: string, replace: string) =>
  `src/words.js\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n`;
const BUGGY_LINE = '  return word[0].toUpperCase() + word.slice(0);';
const WRONG = `The rest of the word is wrong.\n\n${block(BUGGY_LINE, '  return word[0].toUpperCase() + word.slice(2);')}`;
const RIGHT = `slice(0) repeats the first letter.\n\n${block(BUGGY_LINE, '  return word[0].toUpperCase() + word.slice(1);')}`;
const CRITIQUE = "r1c1 made src/words.js:3 return word.slice(2): for 'hello' it gives 'Hllo' but the test expects 'Hello'. The rest of the word starts at index 1; use word.slice(1).";

const isCritic = (r: RecordedRequest) => r.messages[0]?.content === CRITIC_SYSTEM_PROMPT;

/** Actor and critic are different models and get different answers; round 2's actor gets the fix once it saw the critique. */
const twoRounds: ReplyScript = (r) => {
  if (r.model === 'critic') return { text: CRITIQUE };
  return { text: lastUserMessage(r).includes(CRITIQUE) ? RIGHT : WRONG };
};

interface CliRun { code: number | null; stdout: string; stderr: string }

describe('reflect fix (the CLI process)', function () {
  this.timeout(120_000);
  let server: ScriptedOpenAIServer | undefined;
  let dir: string;
  let cache: string;
  beforeEach(() => {
    dir = writeProject('cli-words', PROJECT);
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-cli-cache-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  });

  const snapshot = () => Object.fromEntries(Object.keys(PROJECT).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
  const lessonsFile = () => defaultLessonsFile(dir, { XDG_CACHE_HOME: cache });
  const env = () => ({ ...process.env, OPENAI_API_KEY: SECRET, XDG_CACHE_HOME: cache, REFLECT_PROVIDER: '' });

  function start(args: string[]): { child: ChildProcess; done: Promise<CliRun> } {
    const child = spawn(process.execPath, [CLI, 'fix', '--cwd', dir, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    return { child, done };
  }
  const cli = (args: string[]) => start(args).done;

  it('exits 0 after two rounds; the trace has round 1 reflection, the round 2 actor prompt had it, the folder is unchanged', async () => {
    server = await startScriptedOpenAIServer(twoRounds);
    const before = snapshot();
    const traceFile = path.join(cache, 't.json');
    const run = await cli(['--base-url', server.baseURL, '--model', 'actor', '--critic-model', 'critic', '--candidates', '1', '--json', '--trace', traceFile]);
    assert.strictEqual(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.strictEqual(out.status, 'verified');
    assert.strictEqual(out.rounds, 2);
    assert.deepStrictEqual(out.files, ['src/words.js']);
    assert.ok(out.patch.includes('+  return word[0].toUpperCase() + word.slice(1);'), out.patch);
    assert.ok(out.tokens.prompt > 0 && out.tokens.completion > 0);
    const trace = JSON.parse(fs.readFileSync(traceFile, 'utf8'));
    assert.strictEqual(trace.version, 1);
    assert.strictEqual(trace.rounds[0].reflection.text, CRITIQUE);
    assert.strictEqual(trace.criticModel, 'critic');
    const actors = server.requests.filter((r) => r.model === 'actor');
    assert.strictEqual(actors.length, 2);
    assert.ok(lastUserMessage(actors[1]).includes(CRITIQUE));
    assert.ok(server.requests.filter(isCritic).every((r) => r.model === 'critic'));
    assert.deepStrictEqual(snapshot(), before);
    assert.ok(run.stderr.includes(CRITIQUE), 'the critique is shown live');
    for (const text of [run.stdout, run.stderr, fs.readFileSync(traceFile, 'utf8')]) assert.ok(!text.includes(SECRET));
    // A verified fix that was only shown teaches nothing: no lesson is stored.
    assert.ok(!fs.existsSync(lessonsFile()), 'no lesson without --apply');
  });

  it('with --apply writes the verified fix, the project passes its own tests, and one lesson (cause + diff, no key) is stored', async () => {
    // The fix's rationale echoes the key: the stored lesson must not keep it.
    const echoing: ReplyScript = (r) => {
      if (r.model === 'critic') return { text: CRITIQUE };
      return { text: lastUserMessage(r).includes(CRITIQUE) ? RIGHT.replace('first letter.', `first letter (${SECRET}).`) : WRONG };
    };
    server = await startScriptedOpenAIServer(echoing);
    const run = await cli(['--base-url', server.baseURL, '--model', 'actor', '--critic-model', 'critic', '--candidates', '1', '--apply']);
    assert.strictEqual(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes('+  return word[0].toUpperCase() + word.slice(1);'));
    assert.ok(fs.readFileSync(path.join(dir, 'src/words.js'), 'utf8').includes('word.slice(1);'));
    const tests = spawnSync(process.execPath, ['--test'], { cwd: dir, encoding: 'utf8' });
    assert.strictEqual(tests.status, 0, tests.stdout);
    const lessons = JSON.parse(fs.readFileSync(lessonsFile(), 'utf8')).lessons;
    assert.strictEqual(lessons.length, 1);
    assert.strictEqual(lessons[0].text, [
      'slice(0) repeats the first letter ([redacted]). Fix in src/words.js:',
      '@@ -1,6 +1,6 @@',
      '-  return word[0].toUpperCase() + word.slice(0);',
      '+  return word[0].toUpperCase() + word.slice(1);',
    ].join('\n'));
    assert.deepStrictEqual([lessons[0].files, lessons[0].tests], [['src/words.js'], ['test/words.test.js::capitalizes a word']]);
  });

  it('exits 2 with a clear message and no stack when the server answers 500; files untouched', async () => {
    server = await startScriptedOpenAIServer(() => ({ status: 500, errorMessage: 'overloaded', headers: { 'retry-after-ms': '1' } }));
    const before = snapshot();
    const run = await cli(['--base-url', server.baseURL, '--model', 'actor', '--apply']);
    assert.strictEqual(run.code, 2);
    assert.ok(run.stderr.includes(`reflect fix: the model server at ${server.baseURL} answered with an error (500): overloaded; try again later or check the server\n`), run.stderr);
    assert.ok(!/\n\s+at /.test(run.stderr), 'no stack trace');
    assert.deepStrictEqual(snapshot(), before);
  });

  it('exits 2 when the server disconnects mid-stream; files untouched', async () => {
    server = await startScriptedOpenAIServer(() => ({ text: RIGHT, chunkSize: 10, disconnectAfterChars: 20 }));
    const before = snapshot();
    const run = await cli(['--base-url', server.baseURL, '--model', 'actor', '--apply', '--json']);
    assert.strictEqual(run.code, 2);
    assert.ok(run.stderr.includes('reflect fix: the model server closed the stream before the reply was complete'), run.stderr);
    const out = JSON.parse(run.stdout);
    assert.strictEqual(out.status, 'error');
    assert.strictEqual(out.error, "the model server closed the stream before the reply was complete (20 characters received); try again, or check the server's log");
    assert.deepStrictEqual(snapshot(), before);
  });

  it('exits 2 on a usage error', async () => {
    const run = await cli(['--rounds', 'many']);
    assert.strictEqual(run.code, 2);
    assert.strictEqual(run.stderr, 'reflect fix: --rounds needs a whole number above 0, got "many"\n');
  });

  it('exits 130 on Ctrl-C while a candidate is being tested, killing the test process and leaving the files untouched', async () => {
    const marker = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-sigint-'));
    const pidFile = path.join(marker, 'pid');
    const hang = `It needs a loop.\n\n${block(BUGGY_LINE, `  require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\n  for (;;) {}`)}`;
    server = await startScriptedOpenAIServer(() => ({ text: hang }));
    const before = snapshot();
    const { child, done } = start(['--base-url', server.baseURL, '--model', 'actor', '--candidates', '1']);
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8') === '') await new Promise((r) => setTimeout(r, 50));
    const testPid = Number(fs.readFileSync(pidFile, 'utf8'));
    child.kill('SIGINT');
    const run = await done;
    fs.rmSync(marker, { recursive: true, force: true });
    assert.strictEqual(run.code, 130, run.stderr);
    assert.strictEqual(isAlive(testPid), false);
    assert.deepStrictEqual(snapshot(), before);
  });
});

/** True while the process runs; a killed process waiting to be reaped by init (a zombie) counts as dead. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
