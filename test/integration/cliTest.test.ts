import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { copyFixture, repoRoot } from '../support/fixtures';

// The compiled CLI entry (tsc output): the same code esbuild bundles into dist/cli.js.
const CLI = path.join(repoRoot, 'out', 'src', 'cli.js');

function reflect(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('reflect test (the real CLI)', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  const fixture = (name: string) => {
    const d = copyFixture(name);
    dirs.push(d);
    return d;
  };

  it('--json prints the report of the selected file and exits 1 when a test fails', () => {
    const dir = fixture('jest-project');
    const r = reflect(['test', '--cwd', dir, '--only', 'test/calendar.test.js', '--retries', '0', '--json']);
    assert.strictEqual(r.code, 1);
    const report = JSON.parse(r.stdout) as TestReport;
    assert.strictEqual(report.framework, 'jest');
    assert.deepStrictEqual(report.summary, { passed: 2, failed: 2, skipped: 1 });
    const failing = report.tests.find((t) => t.name === 'calendar > isLeapYear > rejects century years')!;
    assert.deepStrictEqual(failing.failure!.location, { file: 'test/calendar.test.js', line: 10 });
  });

  it('prints failures with file:line and message in the readable summary', () => {
    const dir = fixture('mocha-project');
    const r = reflect(['test', '--cwd', dir, '--only', 'test/calendar.test.js::calendar > averages an empty list to zero', '--retries', '0']);
    assert.strictEqual(r.code, 1);
    assert.deepStrictEqual(r.stdout.split('\n').slice(0, 3), [
      '✗ test/calendar.test.js › calendar > averages an empty list to zero',
      '    src/calendar.js:11: average of an empty list',
      '    via test/calendar.test.js:16',
    ]);
    assert.match(r.stderr, /^reflect test: mocha \(scripts\.test runs mocha\)\n/);
  });

  it('exits 0 with a one-line confirmation when every selected test passes', () => {
    const dir = fixture('pytest-project');
    const r = reflect(['test', '--cwd', dir, '--only', 'tests/test_calendar.py::TestAverage::test_numbers']);
    assert.strictEqual(r.code, 0);
    assert.match(r.stdout, /^1 passed, 0 failed in [\d.]+ s\nall 1 selected test\(s\) in reflect-fixture-pytest-project-\w+ passed\n/);
  });

  it('exits 2 for an empty folder, saying what to do', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-cli-empty-'));
    dirs.push(dir);
    const r = reflect(['test', '--cwd', dir]);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.stderr, `reflect test: no test framework detected in ${dir}; set reflect.testCommand or pass --command "YOUR TEST COMMAND"\n`);
  });

  it('exits 2 for a command that does not exist, saying what to do', () => {
    const dir = fixture('node-test-project');
    const r = reflect(['test', '--cwd', dir, '--command', 'reflect-no-such-tool run']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr.split('\n').filter(Boolean).slice(-1)[0], /^reflect test: the test command could not run: .*reflect-no-such-tool: not found; check --command \(or reflect\.testCommand\)$/);
  });

  it('exits 2 for a usage mistake and prints help on --help', () => {
    const bad = reflect(['test', '--test-timeout']);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /^reflect test: .*--test-timeout.*; run "reflect test --help" for the options\n$/);
    const help = reflect(['--help']);
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /^Usage: reflect <command>/);
    assert.strictEqual(reflect(['frobnicate']).code, 2);
  });
});
