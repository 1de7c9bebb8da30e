import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { fixturePath, repoRoot } from '../support/fixtures';
import { ScriptedOpenAIServer, startScriptedOpenAIServer } from '../support/scriptedOpenAIServer';
import { gitStatus, runCli, statusesOf } from '../support/setups';

/**
 * The TypeScript setups whose tools are not the repository's own (ts-jest, tsx, chai): installed under
 * .matrix/setups-ts by test/matrix/install.sh, run through the real CLI with a scripted model server.
 */

const INSTALLED = path.join(repoRoot, '.matrix', 'setups-ts', 'node_modules');
const edit = (file: string, search: string, replace: string) => `The fix.\n\n${file}\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n`;


/** setups/<name> in a temporary git repository, its node_modules the matrix install. */
function install(name: string): string {
  if (!fs.existsSync(INSTALLED)) throw new Error(`${INSTALLED} is missing: run bash test/matrix/install.sh first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `reflect-setup-${name}-`));
  fs.cpSync(fixturePath(path.join('setups', name)), dir, { recursive: true });
  fs.symlinkSync(INSTALLED, path.join(dir, 'node_modules'), 'dir');
  for (const args of [['init', '-q'], ['add', '-A'], ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'setup']]) {
    spawnSync('git', args, { cwd: dir });
  }
  return dir;
}

describe('setups with their own TypeScript tools', function () {
  // ts-jest type-checks every file on its first (cold-cache) runs: up to two minutes on a busy two-core machine.
  this.timeout(300_000);
  let dir: string;
  let server: ScriptedOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('jest + ts-jest with a moduleNameMapper: statuses, the .ts location, --only by title, a verified fix, git status clean', async () => {
    dir = install('jest-ts');
    const report = JSON.parse((await runCli(['test', '--json'], dir)).stdout) as TestReport;
    assert.deepStrictEqual(statusesOf(report), {
      'test/units.test.ts::units > kmToMiles > converts zero': 'passed', 'test/units.test.ts::units > kmToMiles > converts a marathon': 'failed',
    });
    const failure = report.tests.find((t) => t.status === 'failed')!.failure!;
    assert.deepStrictEqual(failure.location, { file: 'test/units.test.ts', line: 10 });
    assert.deepStrictEqual([failure.expected, failure.actual], ['26.22', '2.62']);
    const only = JSON.parse((await runCli(['test', '--json', '--only', 'test/units.test.ts::converts a marathon'], dir)).stdout) as TestReport;
    assert.deepStrictEqual(statusesOf(only), { 'test/units.test.ts::units > kmToMiles > converts a marathon': 'failed' });
    server = await startScriptedOpenAIServer(() => ({ text: edit('src/lib/units.ts', '  return Math.round((km / 1.609344) * 10) / 100;', '  return Math.round((km / 1.609344) * 100) / 100;') }));
    const run = await runCli(['fix', '--base-url', server.baseURL, '--model', 'm', '--candidates', '1', '--rounds', '1', '--json'], dir);
    assert.strictEqual(run.code, 0, run.stderr);
    assert.deepStrictEqual(JSON.parse(run.stdout).files, ['src/lib/units.ts']);
    assert.strictEqual(gitStatus(dir), '');
  });

  it('mocha + chai + tsx (ES modules): statuses, the .ts location, --only by title, a verified fix, git status clean', async () => {
    dir = install('mocha-tsx');
    const report = JSON.parse((await runCli(['test', '--json'], dir)).stdout) as TestReport;
    assert.deepStrictEqual(statusesOf(report), {
      'test/queue.test.ts::Queue > counts its items': 'passed', 'test/queue.test.ts::Queue > pops the oldest item first': 'failed',
    });
    const failure = report.tests.find((t) => t.status === 'failed')!.failure!;
    assert.deepStrictEqual(failure.location, { file: 'test/queue.test.ts', line: 16 });
    assert.deepStrictEqual([failure.expected, failure.actual], ['"a"', '"b"']);
    const only = JSON.parse((await runCli(['test', '--json', '--only', 'test/queue.test.ts::pops the oldest item first'], dir)).stdout) as TestReport;
    assert.deepStrictEqual(statusesOf(only), { 'test/queue.test.ts::Queue > pops the oldest item first': 'failed' });
    server = await startScriptedOpenAIServer(() => ({ text: edit('src/queue.ts', '    return this.items.pop();', '    return this.items.shift();') }));
    const run = await runCli(['fix', '--base-url', server.baseURL, '--model', 'm', '--candidates', '1', '--rounds', '1', '--json'], dir);
    assert.strictEqual(run.code, 0, run.stderr);
    assert.strictEqual(JSON.parse(run.stdout).status, 'verified');
    assert.strictEqual(gitStatus(dir), '');
  });
});
