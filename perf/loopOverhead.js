// Benchmark of the reflection loop (npm run perf:loop). Prints figures; asserts nothing.
//  1. The engine's own overhead per round: everything but model latency and test time (target < 200 ms). The
//     model answers instantly in-process and the test runner returns a canned report at once; the rest is real:
//     scratch copies, edit parsing and applying, validation (tree-sitter), context slicing, diffs, events, trace.
//  2. A round of 3 candidates at concurrency 2 against one candidate's test time (target <= 2.4x), real tests.
//  3. `node dist/cli.js --help` (target < 300 ms).
// Needs `npm run compile-tests` (out/) and `npm run build` (dist/); the npm script runs both.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const out = (p) => require(path.join(root, 'out', p));
const { runReflection } = out('src/core/loop.js');
const { createModelProposer } = out('src/core/modelProposer.js');
const { createModelCritic } = out('src/core/modelCritic.js');
const { buildModelContext, parseReplyEdits } = out('src/core/modelInputs.js');
const { validateChanges } = out('src/core/validateChanges.js');
const { isTestFile } = out('src/core/testFiles.js');
const { DEFAULT_LOOP_OPTIONS } = out('src/core/types.js');
const { createScratchProvider } = out('src/node/scratchWorkspace.js');
const { createSourceFiles } = out('src/node/sourceFiles.js');
const { createSyntaxParser } = out('src/node/treeSitter.js');
const { createTestRunner } = out('src/node/testRunners/createTestRunner.js');

const ROUNDS = 10;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A small real project: price.js with a bug, a failing test, a passing test; `slowMs` makes each test file busy. */
function makeProject(slowMs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-bench-loop-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.mkdirSync(path.join(dir, 'test'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "bench-price", "private": true, "scripts": { "test": "node --test" } }\n');
  fs.writeFileSync(path.join(dir, 'src/price.js'), [
    'function total(items, discount) {', '  let sum = 0;', '  for (const item of items) {', '    sum += item.price * item.qty;', '  }',
    '  return sum * discount;', '}', '', 'function label(amount) {', '  return `$${amount.toFixed(2)}`;', '}', '', 'module.exports = { total, label };', '',
  ].join('\n'));
  const busy = slowMs ? `const until = Date.now() + ${slowMs}; while (Date.now() < until) {}\n` : '';
  fs.writeFileSync(path.join(dir, 'test/total.test.js'), `const assert = require('node:assert');\nconst { it } = require('node:test');\nconst { total } = require('../src/price');\n${busy}it('discount', () => {\n  assert.strictEqual(total([{ price: 10, qty: 2 }], 0.1), 18);\n});\n`);
  fs.writeFileSync(path.join(dir, 'test/label.test.js'), `const assert = require('node:assert');\nconst { it } = require('node:test');\nconst { label } = require('../src/price');\n${busy}it('label', () => {\n  assert.strictEqual(label(18), '$18.00');\n});\n`);
  return dir;
}

/** Wrong fixes, each different (so none is rejected as a repeat), as SEARCH/REPLACE replies. */
let counter = 0;
function wrongReply() {
  counter++;
  return `Try a different factor.\n\nsrc/price.js\n<<<<<<< SEARCH\n  return sum * discount;\n=======\n  return sum * discount * ${counter + 1};\n>>>>>>> REPLACE\n`;
}

/** A chat model that answers at once (no latency), streaming the reply in a few pieces. */
const instantModel = {
  name: 'instant',
  async complete(request) {
    const text = request.role === 'critic' ? 'The factor is wrong: 20 * 0.1 is 2, the test expects 18. Use 1 - discount.' : wrongReply();
    for (let i = 0; i < text.length; i += 40) request.onDelta?.(text.slice(i, i + 40));
    return { text, model: 'instant', usage: { prompt: 1000, completion: 60 }, durationMs: 0 };
  },
};

function depsFor(dir, runner) {
  return {
    root: dir, runner, scratch: createScratchProvider(dir), files: createSourceFiles(dir), syntax: createSyntaxParser(),
    proposer: createModelProposer({ actor: instantModel, buildContext: buildModelContext, parseEdits: parseReplyEdits }),
    critic: createModelCritic({ critic: instantModel }), isTestFile, clock: { now: () => Date.now() }, providerLabel: 'bench',
    validate: (changes, ctx) => validateChanges(changes, ctx),
  };
}

async function drain(gen) {
  const events = [];
  for (let next = await gen.next(); !next.done; next = await gen.next()) events.push({ ...next.value, at: Date.now() });
  return events;
}

async function overheadPerRound() {
  const dir = makeProject(0);
  const failingReport = (only) => ({
    framework: 'node-test', command: 'canned', exitCode: 1, durationMs: 0, timedOut: false, summary: { passed: only ? 0 : 1, failed: 1, skipped: 0 },
    tests: [
      { id: 'test/total.test.js::discount', file: 'test/total.test.js', name: 'discount', status: 'failed', durationMs: 0, failure: { message: 'Expected values to be strictly equal:\n\n2 !== 18', expected: '18', actual: '2', location: { file: 'test/total.test.js', line: 5 }, frames: [{ file: 'src/price.js', line: 6 }] } },
      ...(only ? [] : [{ id: 'test/label.test.js::label', file: 'test/label.test.js', name: 'label', status: 'passed', durationMs: 0 }]),
    ],
  });
  // A different failure message each run, so the loop never stops early on stagnation.
  let run = 0;
  const runner = { run: async (req) => { const r = failingReport(req.only); r.tests[0].failure.actual = String(++run); r.tests[0].failure.message += ` (run ${run})`; return r; } };
  const options = { ...DEFAULT_LOOP_OPTIONS, rounds: ROUNDS, candidates: 3, flakyRetries: 0 };
  const events = await drain(runReflection(depsFor(dir, runner), options, new AbortController().signal));
  fs.rmSync(dir, { recursive: true, force: true });
  const rounds = events.filter((e) => e.type === 'round-end').map((e) => e.round.durationMs);
  return { first: rounds[0], rest: rounds.slice(1), stop: events[events.length - 1].result.stopReason };
}

async function concurrentRound(candidates, concurrency) {
  const dir = makeProject(400);
  const runner = await createTestRunner(dir);
  const options = { ...DEFAULT_LOOP_OPTIONS, rounds: 1, candidates, concurrency, flakyRetries: 0 };
  const events = await drain(runReflection(depsFor(dir, runner), options, new AbortController().signal));
  fs.rmSync(dir, { recursive: true, force: true });
  const results = events.filter((e) => e.type === 'candidate-result');
  if (results.length !== candidates) throw new Error(`expected ${candidates} tested candidates, got ${results.length}`);
  // The testing phase: from the first candidate shown to the last verdict (model and context excluded).
  const testing = results[results.length - 1].at - events.find((e) => e.type === 'candidate').at;
  return { testing, perCandidate: results.map((e) => e.candidate.durationMs) };
}

function cliHelp() {
  const cli = path.join(root, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) return undefined;
  const times = [];
  for (let i = 0; i < 7; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`dist/cli.js --help exited ${r.status}: ${r.stderr}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

async function main() {
  console.log(`reflect loop benchmark (node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  const o = await overheadPerRound();
  console.log(`engine overhead per round (3 candidates, instant model and test runner, real scratch/parse/validate/context):`);
  console.log(`  ${o.rest.length + 1} rounds, stopped: ${o.stop}`);
  console.log(`  first round ${o.first} ms (tree-sitter now loads during the baseline run); later rounds median ${median(o.rest)} ms, max ${Math.max(...o.rest)} ms  [target < 200 ms]`);

  const ones = [];
  const threes = [];
  for (let i = 0; i < 3; i++) {
    ones.push((await concurrentRound(1, 2)).testing);
    threes.push((await concurrentRound(3, 2)).testing);
  }
  console.log(`concurrent candidates (real node:test runs of a CPU-bound test, concurrency 2, median of 3):`);
  console.log(`  one candidate's test time ${median(ones)} ms; 3 candidates of a round ${median(threes)} ms`);
  console.log(`  ratio ${(median(threes) / median(ones)).toFixed(2)}x  [target <= 2.4x]`);

  const help = cliHelp();
  const bare = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    bare.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  console.log(`node -e 0 (process start alone): median ${median(bare).toFixed(0)} ms`);
  console.log(help === undefined ? 'node dist/cli.js --help: dist/cli.js missing (run npm run build)' : `node dist/cli.js --help: median ${help.toFixed(0)} ms of 7  [target < 300 ms]`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
