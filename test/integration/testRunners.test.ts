import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { parseSelector } from '../../src/core/testSelectors';
import { runProcess } from '../../src/node/processTree';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';
import { TestSetupError } from '../../src/node/testRunners/testSetupError';
import { copyFixture, removeFixtureCopy } from '../support/fixtures';

/** Live (non-zombie) processes whose working directory is inside `dir`. */
function processesIn(dir: string): string[] {
  const real = fs.realpathSync(dir);
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === real || cwd.startsWith(`${real}/`)) found.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    } catch {
      // Gone, a zombie, or not ours to read: not a live process of the run.
    }
  }
  return found;
}

/** Waits (briefly) for killed processes to be reaped, then lists what is still alive. */
async function leftovers(dir: string): Promise<string[]> {
  for (let i = 0; i < 20 && processesIn(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return processesIn(dir);
}

const statuses = (r: TestReport) => Object.fromEntries(r.tests.map((t) => [t.id, t.status]));

interface Case {
  fixture: string;
  framework: string;
  calendar: string;
  loop: string;
  assertion: { name: string; line: number; expected: string; actual: string };
  thrown: { name: string; source: string; line: number; testLine: number };
  passing: string[];
  skipped: string;
  endless: string;
}

const JS = (fixture: string, framework: string, lines: { assert: number; src: number; call: number }): Case => ({
  fixture, framework, calendar: 'test/calendar.test.js', loop: 'test/loop.test.js',
  assertion: { name: 'calendar > isLeapYear > rejects century years', line: lines.assert, expected: 'false', actual: 'true' },
  thrown: { name: 'calendar > averages an empty list to zero', source: 'src/calendar.js', line: lines.src, testLine: lines.call },
  passing: ['calendar > isLeapYear > accepts years divisible by four', 'calendar > averages numbers'],
  skipped: 'calendar > is not finished yet',
  endless: 'loop > never ends',
});

const CASES: Case[] = [
  JS('node-test-project', 'node-test', { assert: 12, src: 11, call: 17 }),
  JS('jest-project', 'jest', { assert: 10, src: 11, call: 15 }),
  JS('vitest-project', 'vitest', { assert: 11, src: 9, call: 16 }),
  JS('mocha-project', 'mocha', { assert: 11, src: 11, call: 16 }),
  {
    fixture: 'pytest-project', framework: 'pytest', calendar: 'tests/test_calendar.py', loop: 'tests/test_loop.py',
    assertion: { name: 'test_rejects_century_years', line: 11, expected: 'False', actual: 'True' },
    thrown: { name: 'TestAverage > test_empty_list_is_zero', source: 'calendar_utils.py', line: 10, testLine: 16 },
    passing: ['test_accepts_years_divisible_by_four', 'TestAverage > test_numbers'],
    skipped: 'test_not_finished',
    endless: 'test_never_ends',
  },
];

// Long enough for a framework to start and run the other tests on a busy two-core machine (vitest starts
// slowest), short enough to keep the suite quick. The endless test makes every full run last this long.
const loopTimeoutMs = (framework: string) => (framework === 'vitest' ? 15_000 : 10_000);

describe('test runners on the real frameworks', function () {
  this.timeout(60_000);

  for (const c of CASES) {
    describe(c.framework, () => {
      let dir: string;
      before(() => {
        dir = copyFixture(c.fixture);
      });
      after(() => removeFixtureCopy(dir));

      it('a full run reports every test, the evidence of both failures, and the endless test as timed out, leaving no process', async () => {
        const runner = await createTestRunner(dir);
        assert.strictEqual(runner.framework, c.framework);
        const report = await runner.run({ root: dir, timeoutMs: loopTimeoutMs(c.framework) });
        assert.strictEqual(report.timedOut, true);
        const s = statuses(report);
        for (const name of c.passing) assert.strictEqual(s[`${c.calendar}::${name}`], 'passed', name);
        assert.strictEqual(s[`${c.calendar}::${c.skipped}`], 'skipped');
        assert.strictEqual(s[`${c.loop}::${c.endless}`], 'timedOut');
        const assertion = report.tests.find((t) => t.id === `${c.calendar}::${c.assertion.name}`)!;
        assert.strictEqual(assertion.status, 'failed');
        assert.deepStrictEqual(assertion.failure!.location, { file: c.calendar, line: c.assertion.line });
        assert.deepStrictEqual([assertion.failure!.expected, assertion.failure!.actual], [c.assertion.expected, c.assertion.actual]);
        const thrown = report.tests.find((t) => t.id === `${c.calendar}::${c.thrown.name}`)!;
        assert.strictEqual(thrown.status, 'failed');
        assert.deepStrictEqual(thrown.failure!.frames.slice(0, 2), [
          { file: c.thrown.source, line: c.thrown.line }, { file: c.calendar, line: c.thrown.testLine },
        ]);
        assert.match(thrown.failure!.message, /average of an empty list/);
        assert.deepStrictEqual(await leftovers(dir), []);
      });

      it('a targeted run by full name reports only that test', async () => {
        const runner = await createTestRunner(dir);
        const report = await runner.run({ root: dir, only: [{ file: c.calendar, name: c.assertion.name }], timeoutMs: 60_000 });
        assert.deepStrictEqual(statuses(report), { [`${c.calendar}::${c.assertion.name}`]: 'failed' });
        assert.deepStrictEqual(report.summary, { passed: 0, failed: 1, skipped: 0 });
      });

      it('a targeted run by the name as written in the test (no suites) reports that test under its full name', async () => {
        const runner = await createTestRunner(dir);
        const leaf = c.thrown.name.split(' > ').slice(-1)[0];
        const report = await runner.run({ root: dir, only: [parseSelector(`${c.calendar}::${leaf}`)], timeoutMs: 60_000 });
        assert.deepStrictEqual(statuses(report), { [`${c.calendar}::${c.thrown.name}`]: 'failed' });
        assert.strictEqual(report.error, undefined);
        assert.strictEqual(report.notes, undefined);
      });
    });
  }

  it('a name that ends a describe path selects that test; one that ends none says so (jest)', async () => {
    const dir = copyFixture('jest-project');
    try {
      const runner = await createTestRunner(dir);
      const report = await runner.run({ root: dir, only: [parseSelector('test/calendar.test.js::isLeapYear > rejects century years')] });
      assert.deepStrictEqual(statuses(report), { 'test/calendar.test.js::calendar > isLeapYear > rejects century years': 'failed' });
      const none = await runner.run({ root: dir, only: [parseSelector('test/calendar.test.js::century years')] });
      assert.deepStrictEqual(none.tests, []);
      assert.match(none.error ?? '', /^no test matched test\/calendar\.test\.js::century years; check the file path and the test name/);
    } finally {
      removeFixtureCopy(dir);
    }
  });

  it('a pytest class method by Class::method, by its own name, and a suite by its class', async () => {
    const dir = copyFixture('pytest-project');
    try {
      const runner = await createTestRunner(dir);
      const byClass = await runner.run({ root: dir, only: [parseSelector('tests/test_calendar.py::TestAverage')] });
      assert.deepStrictEqual(statuses(byClass), {
        'tests/test_calendar.py::TestAverage > test_empty_list_is_zero': 'failed', 'tests/test_calendar.py::TestAverage > test_numbers': 'passed',
      });
      const byNodeId = await runner.run({ root: dir, only: [parseSelector('tests/test_calendar.py::TestAverage::test_numbers')] });
      assert.deepStrictEqual(statuses(byNodeId), { 'tests/test_calendar.py::TestAverage > test_numbers': 'passed' });
    } finally {
      removeFixtureCopy(dir);
    }
  });

  it('a targeted run of a file reports only that file (jest)', async () => {
    const dir = copyFixture('jest-project');
    try {
      const report = await (await createTestRunner(dir)).run({ root: dir, only: [{ file: 'test/calendar.test.js' }] });
      assert.deepStrictEqual(report.summary, { passed: 2, failed: 2, skipped: 1 });
      assert.deepStrictEqual([...new Set(report.tests.map((t) => t.file))], ['test/calendar.test.js']);
    } finally {
      removeFixtureCopy(dir);
    }
  });

  describe('node:test, one selected file', () => {
    let dir: string;
    before(() => {
      dir = copyFixture('node-test-project');
    });
    after(() => removeFixtureCopy(dir));

    it('runs it in one process (no --test) with the same evidence as a --test run', async () => {
      const runner = await createTestRunner(dir);
      const only = [{ file: 'test/calendar.test.js' }];
      const report = await runner.run({ root: dir, only, timeoutMs: 60_000 });
      assert.ok(!/ --test( |$)/.test(report.command), report.command);
      assert.ok(report.command.endsWith(' test/calendar.test.js'), report.command);
      const both = await runner.run({ root: dir, only: [...only, { file: 'test/flaky.test.js' }], env: { REFLECT_FLAKY_MARKER: path.join(dir, 'marker') } });
      assert.ok(/ --test /.test(both.command), both.command);
      const viaTest = both.tests.filter((t) => t.file === 'test/calendar.test.js');
      assert.deepStrictEqual(report.tests.map((t) => [t.id, t.status]), viaTest.map((t) => [t.id, t.status]));
      const evidence = (r: TestReport) => r.tests.filter((t) => t.failure).map((t) => ({ ...t.failure, stack: undefined }));
      assert.deepStrictEqual(evidence(report), evidence({ ...both, tests: viaTest }));
      assert.strictEqual(evidence(report).length, 2);
    });

    it('names the endless test when the time limit cuts the single process, leaving no process', async () => {
      const runner = await createTestRunner(dir);
      const report = await runner.run({ root: dir, only: [{ file: 'test/loop.test.js' }], timeoutMs: 3_000 });
      assert.strictEqual(report.timedOut, true);
      assert.deepStrictEqual(statuses(report), { 'test/loop.test.js::loop > never ends': 'timedOut' });
      assert.deepStrictEqual(await leftovers(dir), []);
    });

    it('a file that throws before its first test is run again under --test, which reports the error', async () => {
      const broken = path.join(dir, 'test', 'broken.test.js');
      fs.writeFileSync(broken, "require('node:test');\nthrow new Error('the fixture is broken at load');\n");
      try {
        const report = await (await createTestRunner(dir)).run({ root: dir, only: [{ file: 'test/broken.test.js' }], timeoutMs: 60_000 });
        assert.ok(/ --test /.test(report.command), report.command);
        assert.strictEqual(report.summary.failed, 1, JSON.stringify(report.tests));
        assert.match(report.tests[0].failure!.message, /the fixture is broken at load/);
      } finally {
        fs.rmSync(broken, { force: true });
      }
    });
  });

  it('a test that fails and then passes on a re-run is flaky, not failed', async () => {
    const dir = copyFixture('node-test-project');
    const marker = path.join(os.tmpdir(), `reflect-flaky-${process.pid}-${Date.now()}`);
    try {
      const runner = await createTestRunner(dir);
      const report = await runner.run({ root: dir, only: [{ file: 'test/flaky.test.js' }], flakyRetries: 2, env: { REFLECT_FLAKY_MARKER: marker } });
      assert.deepStrictEqual(statuses(report), { 'test/flaky.test.js::passes on the second try': 'flaky' });
      assert.deepStrictEqual(report.summary, { passed: 0, failed: 0, skipped: 0, flaky: 1 });
      assert.strictEqual(report.tests[0].failure!.message, 'first try fails');
    } finally {
      fs.rmSync(marker, { force: true });
      removeFixtureCopy(dir);
    }
  });

  it('a failing test stays failed after its re-runs', async () => {
    const dir = copyFixture('mocha-project');
    try {
      const report = await (await createTestRunner(dir)).run({
        root: dir, only: [{ file: 'test/calendar.test.js', name: 'calendar > isLeapYear > rejects century years' }], flakyRetries: 1,
      });
      assert.deepStrictEqual(report.summary, { passed: 0, failed: 1, skipped: 0 });
    } finally {
      removeFixtureCopy(dir);
    }
  });

  it('a runner detected for one folder runs in a copy of it (a scratch workspace)', async () => {
    const dir = copyFixture('vitest-project');
    const copy = copyFixture('vitest-project');
    try {
      const runner = await createTestRunner(dir);
      const report = await runner.run({ root: copy, only: [{ file: 'test/calendar.test.js', name: 'calendar > averages numbers' }] });
      assert.deepStrictEqual(statuses(report), { 'test/calendar.test.js::calendar > averages numbers': 'passed' });
    } finally {
      removeFixtureCopy(dir);
      removeFixtureCopy(copy);
    }
  });

  it('the generic runner judges any command by its exit code and reads its stack traces', async () => {
    const dir = copyFixture('jest-project');
    try {
      const runner = await createTestRunner(dir, { command: 'node -e "require(\'./src/calendar\').average([])"' });
      assert.strictEqual(runner.framework, 'generic');
      const report = await runner.run({ root: dir });
      assert.strictEqual(report.tests.length, 1);
      assert.strictEqual(report.tests[0].status, 'failed');
      assert.strictEqual(report.tests[0].failure!.message, 'RangeError: average of an empty list');
      assert.deepStrictEqual(report.tests[0].failure!.frames[0], { file: 'src/calendar.js', line: 11 });
      const missing = await (await createTestRunner(dir, { command: 'reflect-no-such-tool --run' })).run({ root: dir });
      assert.match(missing.error ?? '', /^the test command could not run: .*reflect-no-such-tool.*not found; check --command/);
    } finally {
      removeFixtureCopy(dir);
    }
  });

  it('a folder without tests is a setup error that says what to do', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-empty-'));
    try {
      await assert.rejects(createTestRunner(dir), (e: Error) => e instanceof TestSetupError
        && e.message === `no test framework detected in ${dir}; set reflect.testCommand or pass --command "YOUR TEST COMMAND"`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runProcess', function () {
  this.timeout(20_000);

  it('kills the whole process tree when the time limit is hit', async () => {
    const result = await runProcess({ command: 'sh', args: ['-c', 'sleep 60 & echo $!; sleep 60 & echo $!; wait'], cwd: os.tmpdir(), timeoutMs: 500 });
    assert.strictEqual(result.timedOut, true);
    const pids = result.stdout.trim().split('\n').map(Number);
    assert.strictEqual(pids.length, 2);
    const alive = () => pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    // Killed children are reaped by init a moment later; until then they exist as zombies.
    for (let i = 0; i < 20 && alive().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepStrictEqual(alive(), []);
  });

  it('kills the tree on abort, even a process that ignores SIGTERM', async () => {
    const controller = new AbortController();
    const running = runProcess({
      command: process.execPath, args: ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"],
      cwd: os.tmpdir(), signal: controller.signal, killGraceMs: 200,
      onOutput: (chunk) => chunk.includes('up') && controller.abort(),
    });
    const result = await running;
    assert.strictEqual(result.aborted, true);
    assert.strictEqual(result.exitSignal, 'SIGKILL');
  });

  it('keeps the head and tail of a flood of output', async () => {
    const result = await runProcess({
      command: process.execPath, cwd: os.tmpdir(), capBytes: 1024,
      args: ['-e', "process.stdout.write('START'); for (let i = 0; i < 2000; i++) process.stdout.write('x'.repeat(1000)); process.stdout.write('END')"],
    });
    assert.strictEqual(result.exitCode, 0);
    assert.ok(result.stdout.startsWith('STARTxxx'));
    assert.ok(result.stdout.endsWith('xxxEND'));
    assert.match(result.stdout, /\n… \[1997960 bytes of output left out\] …\n/);
  });

  it('reports a missing executable instead of throwing', async () => {
    const result = await runProcess({ command: 'reflect-no-such-binary', cwd: os.tmpdir() });
    assert.strictEqual(result.spawnError, 'command not found: reflect-no-such-binary');
  });
});
