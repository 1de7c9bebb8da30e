import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';
import { gitStatus, installSetup, runCli, statusesOf } from '../support/setups';

/** A TypeScript project tested as `npm test` does: `pretest: tsc`, then `TZ=UTC node --test dist/test/` (setups/pretest-build). */

const BUGGY = '  const month = String(d.getMonth()).padStart(2, \'0\');';
const FIXED = '  const month = String(d.getMonth() + 1).padStart(2, \'0\');';
const edit = (file: string, search: string, replace: string) => `${file}\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n`;

/** A PATH as a person's shell has it: not the one `npx mocha` gives, with the repository's node_modules/.bin. */
const PERSON_PATH = (process.env.PATH ?? '').split(path.delimiter).filter((p) => !p.includes('node_modules')).join(path.delimiter);
const cli = (args: string[], cwd: string) => runCli(args, cwd, { PATH: PERSON_PATH, TZ: 'America/New_York' });

describe('setups: a pretest build and TZ in the test script', function () {
  this.timeout(180_000);
  let dir: string;
  let server: ScriptedOpenAIServer | undefined;
  beforeEach(() => {
    dir = installSetup('pretest-build', ['typescript', '@types/node']);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a fresh clone (no dist/) is built, its tests run with TZ=UTC and report their TypeScript sources', async () => {
    assert.strictEqual(fs.existsSync(path.join(dir, 'dist')), false);
    const run = await cli(['test', '--json'], dir);
    const report = JSON.parse(run.stdout) as TestReport;
    assert.deepStrictEqual(statusesOf(report), {
      'test/dates.test.ts::dayOf > gives the day of a timestamp': 'failed', 'test/dates.test.ts::dayOf > runs in UTC': 'passed',
    });
    const failure = report.tests[0].status === 'failed' ? report.tests[0].failure! : report.tests[1].failure!;
    assert.deepStrictEqual(failure.location, { file: 'test/dates.test.ts', line: 7 });
    assert.deepStrictEqual([failure.expected, failure.actual], ['"2026-03-14"', '"2026-02-14"']);
    const only = JSON.parse((await cli(['test', '--json', '--only', 'test/dates.test.ts::runs in UTC'], dir)).stdout) as TestReport;
    assert.deepStrictEqual(statusesOf(only), { 'test/dates.test.ts::dayOf > runs in UTC': 'passed' });
  });

  it('reflect fix rebuilds the candidate\'s source edit and verifies it; an edit to dist/ is refused as build output', async () => {
    // Built once, as a person's working copy is: dist/ exists (git-ignored) and a model may try to edit it.
    assert.strictEqual((await cli(['test'], dir)).code, 1);
    const toDist = edit('dist/src/dates.js', '    const month = String(d.getMonth()).padStart(2, \'0\');', '    const month = String(d.getMonth() + 1).padStart(2, \'0\');');
    server = await startScriptedOpenAIServer((_r, i) => ({ text: i === 0 ? `Patch the built file.\n\n${toDist}` : `Months count from 0.\n\n${edit('src/dates.ts', BUGGY, FIXED)}` }));
    const run = await cli(['fix', '--base-url', server.baseURL, '--model', 'm', '--candidates', '1', '--rounds', '2', '--json'], dir);
    assert.strictEqual(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.strictEqual(out.status, 'verified');
    assert.deepStrictEqual(out.files, ['src/dates.ts']);
    assert.match(run.stderr, /it changes dist\/src\/dates\.js, which is (?:git-ignored|build output)[^\n]*not a source file/);
    assert.strictEqual(gitStatus(dir), '');
  });

  it('a pretest that fails, or a build tool that is missing: one line saying which step and why, exit 2, nothing touched', async () => {
    fs.appendFileSync(path.join(dir, 'src/dates.ts'), '\nexport const broken: number = "text";\n');
    const failing = await cli(['fix'], dir);
    assert.strictEqual(failing.code, 2);
    assert.match(failing.stderr.trim().split('\n').slice(-1)[0], /^reflect fix: the step `tsc -p \.` of the test script failed \(exit code 2\): .*TS2322/);
    fs.rmSync(path.join(dir, 'node_modules', '.bin', 'tsc'));
    const missing = await cli(['test'], dir);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr.trim().split('\n').slice(-1)[0], /^reflect test: the step `tsc -p \.` of the test script could not run \(a tool it needs is not installed; run npm install\): .*tsc: not found$/);
    assert.strictEqual(gitStatus(dir), ' M src/dates.ts\n');
  });
});
