import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { defaultLessonsFile } from '../../src/node/lessonStore';
import { repoRoot } from '../support/fixtures';
import { editFile, isAlive, snapshotProject, WORDS_BUG, WORDS_FIX, WORDS_PROJECT, writeProject } from '../support/gitProject';

/** `reflect mcp` driven by the official SDK's client over stdio: the real CLI process, real node:test projects. */

const CLI = path.join(repoRoot, 'out', 'src', 'cli.js');

/** A project whose only test writes its pid to `pidFile` and then waits ten minutes. */
function hangingProject(pidFile: string): Record<string, string> {
  return {
    'package.json': '{ "name": "slow", "private": true, "scripts": { "test": "node --test" } }\n',
    'test/slow.test.js': [
      "const { it } = require('node:test');",
      "it('waits', async () => {",
      `  require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));`,
      '  await new Promise((resolve) => setTimeout(resolve, 600000));',
      '});',
      '',
    ].join('\n'),
  };
}

describe('reflect mcp (the SDK client over stdio)', function () {
  this.timeout(180_000);
  let dir: string;
  let cache: string;
  let client: Client;
  let transport: StdioClientTransport;

  async function connect(root: string, lessons = false): Promise<void> {
    transport = new StdioClientTransport({
      command: process.execPath, args: [CLI, 'mcp', '--cwd', root, ...(lessons ? [] : ['--no-lessons'])],
      env: { ...process.env, XDG_CACHE_HOME: cache, REFLECT_PROVIDER: '' } as Record<string, string>, stderr: 'ignore',
    });
    client = new Client({ name: 'reflect-test', version: '1.0.0' });
    await client.connect(transport);
  }
  const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields of its tool's own result
  const data = (r: unknown) => (r as CallToolResult).structuredContent as Record<string, any>;

  beforeEach(() => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-mcp-cache-'));
  });
  afterEach(async () => {
    await client?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it('lists its three tools with their input schemas', async () => {
    dir = writeProject('mcp-list', WORDS_PROJECT);
    await connect(dir);
    const { tools } = await client.listTools();
    assert.deepStrictEqual(tools.map((t) => t.name), ['run_tests', 'fix_failing_tests', 'verify_change']);
    const fix = tools.find((t) => t.name === 'fix_failing_tests')!;
    assert.deepStrictEqual(Object.keys(fix.inputSchema.properties ?? {}).sort(), ['apply', 'candidates', 'hint', 'maxDurationSeconds', 'only', 'rounds']);
    assert.strictEqual(tools.find((t) => t.name === 'verify_change')!.annotations?.readOnlyHint, true);
  });

  it('run_tests reports the failing test with expected and actual; bad arguments get a clear tool error', async () => {
    dir = writeProject('mcp-run', WORDS_PROJECT);
    await connect(dir);
    const result = await client.callTool({ name: 'run_tests', arguments: {} });
    assert.strictEqual(result.isError, undefined);
    assert.deepStrictEqual(data(result).summary, { passed: 1, failed: 1, skipped: 0 });
    assert.deepStrictEqual(data(result).failing.map((f: { id: string }) => f.id), ['test/words.test.js::capitalizes a word']);
    assert.strictEqual(data(result).failing[0].location, 'test/words.test.js:6');
    assert.ok(text(result).includes('expected "Hello", actual "Hhello"'), text(result));

    const badType = await client.callTool({ name: 'fix_failing_tests', arguments: { rounds: 'three' } });
    assert.strictEqual(badType.isError, true);
    assert.match(text(badType), /Invalid arguments for tool fix_failing_tests: .*expected number.* at rounds/);
    const outside = await client.callTool({ name: 'run_tests', arguments: { only: ['../other/test.js'] } });
    assert.strictEqual(outside.isError, true);
    assert.strictEqual(text(outside), '"../other/test.js" is outside the workspace; give paths relative to the workspace, without ".."');
  });

  it('fix_failing_tests returns the verified patch with progress and writes nothing; with apply it writes the fix (and its lesson), and verify_change passes it', async () => {
    dir = writeProject('mcp-fix', WORDS_PROJECT, { git: true });
    await connect(dir, true);
    const lessonsFile = defaultLessonsFile(dir, { XDG_CACHE_HOME: cache });
    const before = snapshotProject(dir);
    const progress: string[] = [];
    const result = await client.callTool({ name: 'fix_failing_tests', arguments: { rounds: 2 } }, undefined, {
      timeout: 150_000, onprogress: (p) => progress.push(p.message ?? ''),
    });
    assert.strictEqual(result.isError, undefined, text(result));
    const fix = data(result);
    assert.strictEqual(fix.status, 'verified', text(result));
    assert.strictEqual(fix.applied, false);
    assert.deepStrictEqual(fix.files, ['src/words.js']);
    assert.ok(fix.patch.includes(`-${WORDS_BUG}\n+${WORDS_FIX}`), fix.patch);
    assert.deepStrictEqual(fix.tokens, { prompt: 0, completion: 0 });
    assert.strictEqual(fix.rounds[0].round, 1);
    assert.ok(text(result).startsWith('verified: '), text(result));
    // Progress arrives as notifications while the run goes on (the last ones may race the response: not asserted).
    assert.ok(progress.includes('running the tests (baseline)') && progress.some((m) => /^round 1: r1c\d+ verified \(1\/1 target tests pass\)$/.test(m)), progress.join('\n'));
    assert.deepStrictEqual(snapshotProject(dir), before, 'nothing written without apply');
    assert.strictEqual(fs.existsSync(lessonsFile), false, 'no lesson without apply');

    const applied = await client.callTool({ name: 'fix_failing_tests', arguments: { apply: true } }, undefined, { timeout: 150_000 });
    assert.strictEqual(data(applied).applied, true, text(applied));
    assert.ok(fs.readFileSync(path.join(dir, 'src/words.js'), 'utf8').includes(WORDS_FIX));
    const lessons = JSON.parse(fs.readFileSync(lessonsFile, 'utf8')).lessons;
    assert.strictEqual(lessons.length, 1);
    assert.strictEqual(lessons[0].text, `off-by-one literal in a function the failing tests call (line 3) Fix in src/words.js:\n@@ -1,6 +1,6 @@\n-${WORDS_BUG}\n+${WORDS_FIX}`);

    const verdict = await client.callTool({ name: 'verify_change', arguments: {} }, undefined, { timeout: 150_000 });
    assert.strictEqual(data(verdict).verdict, 'pass', text(verdict));
    assert.deepStrictEqual(data(verdict).fixed, ['test/words.test.js::capitalizes a word']);
    assert.ok(text(verdict).startsWith('PASS: 1 test(s) that failed at HEAD now pass'), text(verdict));
  });

  it('verify_change blocks a change that skips the failing test', async () => {
    dir = writeProject('mcp-skip', WORDS_PROJECT, { git: true });
    editFile(dir, 'test/words.test.js', "it('capitalizes a word'", "it.skip('capitalizes a word'");
    await connect(dir);
    const verdict = await client.callTool({ name: 'verify_change', arguments: {} }, undefined, { timeout: 150_000 });
    assert.strictEqual(data(verdict).verdict, 'block');
    assert.strictEqual(text(verdict).split('\n')[0], 'BLOCK: it adds a skip/only/todo marker (.skip / .only / .todo on a test or suite) to test/words.test.js; silencing or narrowing tests is not a fix');
    const badRef = await client.callTool({ name: 'verify_change', arguments: { base: '--output=/tmp/x' } });
    assert.strictEqual(badRef.isError, true);
  });

  it('cancelling a long run kills its test processes; the server keeps serving, then exits with its client', async () => {
    const marker = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-mcp-cancel-'));
    const pidFile = path.join(marker, 'pid');
    dir = writeProject('mcp-cancel', hangingProject(pidFile));
    await connect(dir);
    const controller = new AbortController();
    const call = client.callTool({ name: 'run_tests', arguments: { timeoutSeconds: 600 } }, undefined, { signal: controller.signal, timeout: 600_000 });
    const rejected = call.then(() => false, () => true);
    while (!fs.existsSync(pidFile) || fs.readFileSync(pidFile, 'utf8') === '') await new Promise((r) => setTimeout(r, 50));
    const testPid = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.strictEqual(isAlive(testPid), true);
    controller.abort();
    assert.strictEqual(await rejected, true);
    const deadline = Date.now() + 10_000;
    while (isAlive(testPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(isAlive(testPid), false, 'the test process is killed');
    const { tools } = await client.listTools();
    assert.strictEqual(tools.length, 3);
    const serverPid = transport.pid!;
    await client.close();
    const closed = Date.now() + 10_000;
    while (isAlive(serverPid) && Date.now() < closed) await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(isAlive(serverPid), false, 'the server exits when its client closes');
    fs.rmSync(marker, { recursive: true, force: true });
  });
});
