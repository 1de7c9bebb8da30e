import * as assert from 'assert';
import * as fs from 'fs';
import { ACTOR_SYSTEM_PROMPT } from '../../src/core/prompts';
import { DEFAULT_LOOP_OPTIONS, LoopEvent, RunResult } from '../../src/core/types';
import { runEngine } from '../../src/node/engine';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';
import { copyBugProject, listBugProjects } from '../support/multifileBugs';
import { lastUserMessage, ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';

/**
 * Failing frames through source maps, on a realistic monorepo (test/fixtures/multifile-bugs/ts-dist-sourcemap):
 * the app's mocha tests (plain JS) import `@acme/money`, whose package.json points at `dist/index.js`, an esbuild
 * bundle with a source map that the `pretest` script rebuilds from TypeScript. The bug sits in `parseCents`
 * (src/cents.ts), one call below the exported `formatPrice` (src/format.ts). Mocha runs the bundle as it is, so
 * the stack V8 writes names dist/index.js; the report and the model's prompt must name the TypeScript.
 */
const BUGGY_LINE = "  if (fraction.length >= 2) throw new RangeError(`more decimals than cents in ${text}`);";
const FIX = 'The guard rejects two decimals, which a cent can hold.\n\npackages/money/src/cents.ts\n<<<<<<< SEARCH\n'
  + `${BUGGY_LINE}\n=======\n${BUGGY_LINE.replace('>= 2', '> 2')}\n>>>>>>> REPLACE\n`;

describe('failing frames through source maps (an npm-workspaces package run from its esbuild dist/)', function () {
  this.timeout(120_000);
  const project = listBugProjects().find((p) => p.id === 'ts-dist-sourcemap')!;
  let dir: string;
  let server: ScriptedOpenAIServer | undefined;

  beforeEach(() => {
    dir = copyBugProject(project);
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports the failing frames at the TypeScript source lines, innermost first', async () => {
    const report = await (await createTestRunner(dir)).run({ root: dir, timeoutMs: 60_000 });
    assert.strictEqual(report.framework, 'mocha');
    assert.ok(fs.existsSync(`${dir}/packages/money/dist/index.js.map`), 'the pretest built the bundle and its map');
    const failing = report.tests.find((t) => t.name === 'checkout > writes a price with two decimals');
    assert.strictEqual(failing?.status, 'failed');
    assert.deepStrictEqual(failing.failure?.frames, [
      { file: 'packages/money/src/cents.ts', line: 13 },
      { file: 'packages/money/src/format.ts', line: 13 },
      { file: 'test/checkout.test.js', line: 10 },
    ]);
    assert.deepStrictEqual(failing.failure?.location, { file: 'packages/money/src/cents.ts', line: 13 });
    assert.match(failing.failure?.stack ?? '', /at parseCents \(\S+\/packages\/money\/src\/cents\.ts:13:\d+\)/);
    assert.ok(!failing.failure?.stack?.includes('dist/'), failing.failure?.stack);
  });

  it('maps nothing twice: node --test with --enable-source-maps (a build step) names the same TypeScript lines', async () => {
    const manifest = JSON.parse(fs.readFileSync(`${dir}/package.json`, 'utf8')) as { scripts: Record<string, string> };
    manifest.scripts.test = 'node --test test/';
    fs.writeFileSync(`${dir}/package.json`, JSON.stringify(manifest));
    const test = fs.readFileSync(`${dir}/test/checkout.test.js`, 'utf8');
    fs.writeFileSync(`${dir}/test/checkout.test.js`, `const { describe, it } = require('node:test');\n${test}`);
    const report = await (await createTestRunner(dir)).run({ root: dir, timeoutMs: 60_000 });
    assert.strictEqual(report.framework, 'node-test');
    assert.match(report.command, /--enable-source-maps/);
    const failing = report.tests.find((t) => t.name === 'checkout > writes a price with two decimals');
    assert.deepStrictEqual(failing?.failure?.frames, [
      { file: 'packages/money/src/cents.ts', line: 13 },
      { file: 'packages/money/src/format.ts', line: 13 },
      { file: 'test/checkout.test.js', line: 11 },
    ]);
  });

  it("quotes the TypeScript functions, never the bundle, in the model's first prompt; the fix verifies after a rebuild", async () => {
    // The user has run their tests once: dist/ is built in their folder, where the context reads files.
    await (await createTestRunner(dir)).run({ root: dir, timeoutMs: 60_000 });
    assert.ok(fs.existsSync(`${dir}/packages/money/dist/index.js`));
    let firstPrompt = '';
    server = await startScriptedOpenAIServer((req) => {
      if (req.messages[0].content !== ACTOR_SYSTEM_PROMPT) return { text: 'The guard was off by one.' };
      firstPrompt ||= lastUserMessage(req);
      return { text: FIX };
    });
    const events: LoopEvent[] = [];
    const run = runEngine({
      root: dir, provider: { kind: 'openai', baseURL: server.baseURL, model: 'actor' },
      options: { ...DEFAULT_LOOP_OPTIONS, rounds: 1, candidates: 1, flakyRetries: 0, testTimeoutMs: 60_000 },
    }, new AbortController().signal);
    let result: RunResult | undefined;
    for (;;) {
      const next = await run.next();
      if (next.done) {
        result = next.value;
        break;
      }
      events.push(next.value);
    }
    assert.match(firstPrompt, /### packages\/money\/src\/cents\.ts:\d+-15 Function `parseCents` \(on the failing stack at packages\/money\/src\/cents\.ts:13[;)]/);
    assert.ok(firstPrompt.includes(`13> ${BUGGY_LINE}`), 'the buggy line is quoted and flagged');
    assert.match(firstPrompt, /### packages\/money\/src\/format\.ts:\d+-16 Function `formatPrice`/);
    assert.ok(firstPrompt.includes('export function formatPrice(text: string, style: PriceStyle = EURO): string {'), 'the TypeScript, with its types');
    assert.ok(!/dist\/|index\.js/.test(firstPrompt), `no compiled output or its path in the prompt:\n${firstPrompt}`);
    assert.strictEqual(result.status, 'verified', result.stopReason);
    assert.ok(result.patch.includes('+  if (fraction.length > 2) throw'), result.patch);
    assert.deepStrictEqual(result.files, ['packages/money/src/cents.ts']);
    assert.ok(fs.readFileSync(`${dir}/packages/money/src/cents.ts`, 'utf8').includes(BUGGY_LINE), 'the user\'s files are untouched until they accept');
  });
});
