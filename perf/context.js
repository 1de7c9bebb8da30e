// Benchmark of the model's context (npm run perf:context): does the FIRST actor prompt hold the file the fix
// changes and every line it changes? No model is needed: the real engine runs each project's real tests, builds
// its prompt and sends it to a recording OpenAI-protocol server on 127.0.0.1, which answers with no edit.
//   node perf/context.js [--suite multifile|humanevalfix] [--only ID,ID] [--limit N] [--json FILE] [--no-coverage]
// multifile: test/fixtures/multifile-bugs (fix.diff per project); humanevalfix: /work/shared/bench/humanevalfix-js.jsonl
// (or --file PATH), the canonical solution as the fix. Also times context assembly (median of 5, after the baseline).
// Needs `npm run compile-tests` (out/); the npm script runs it.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { createTwoFilesPatch } = require('diff');

const root = path.resolve(__dirname, '..');
const out = (p) => require(path.join(root, 'out', p));
const { runEngine } = out('src/node/engine.js');
const { buildModelContext } = out('src/core/modelInputs.js');
const { isTestFile } = out('src/core/testFiles.js');
const { DEFAULT_LOOP_OPTIONS } = out('src/core/types.js');
const { createSourceFiles } = out('src/node/sourceFiles.js');
const { createSyntaxParser } = out('src/node/treeSitter.js');
const { startScriptedOpenAIServer } = out('test/support/scriptedOpenAIServer.js');
const { changedLines, copyBugProject, fixDiff, listBugProjects } = out('test/support/multifileBugs.js');
const { readProblems } = out('src/cli/bench/problems.js');
const { writeJsWorkspace } = out('src/cli/bench/jsWorkspace.js');

const args = parseArgs(process.argv.slice(2));
const syntax = createSyntaxParser();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const cases = args.suite === 'humanevalfix' ? humanEvalFixCases() : multifileCases();
  const server = await startScriptedOpenAIServer(() => ({ text: 'I need to look at more code before I can propose an edit.' }));
  const rows = [];
  process.stdout.write(`bench:context: ${cases.length} projects (${args.suite}), recording model server at ${server.baseURL}\n`);
  process.stdout.write(`${'project'.padEnd(34)} ${'file'.padEnd(5)} ${'lines'.padEnd(9)} ${'prompt'.padStart(7)} ${'ctx ms'.padStart(7)}  kind\n`);
  try {
    for (const c of cases) {
      const dir = await c.setup();
      if (!dir) continue;
      try {
        const row = await measure(c, dir, server);
        rows.push(row);
        process.stdout.write(`${row.id.padEnd(34)} ${(row.file ? 'yes' : 'NO').padEnd(5)} ${`${row.linesHeld}/${row.lines}${row.allLines ? '' : ' NO'}`.padEnd(9)} ` +
          `${String(row.promptTokens).padStart(7)} ${String(row.contextMs).padStart(7)}  ${row.kind}${row.error ? `  (${row.error})` : ''}\n`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
  }
  const n = rows.length || 1;
  const files = rows.filter((r) => r.file).length;
  const lines = rows.filter((r) => r.allLines).length;
  process.stdout.write(`\nTOTAL ${rows.length} projects: fix's file in the first prompt ${files}/${rows.length} (${pct(files / n)}), ` +
    `every changed line ${lines}/${rows.length} (${pct(lines / n)}); context assembly median ${median(rows.map((r) => r.contextMs))} ms\n`);
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(rows, null, 2)}\n`);
}

/** Runs the engine up to its first actor prompt and checks what the prompt holds. */
async function measure(c, dir, server) {
  const before = server.requests.length;
  let baseline;
  const setup = {
    root: dir, provider: { kind: 'openai', baseURL: server.baseURL, model: 'recorder', apiKey: 'bench' },
    options: { ...DEFAULT_LOOP_OPTIONS, rounds: 1, candidates: 1, flakyRetries: 0, concurrency: 1, testTimeoutMs: 10_000, ...(args.noCoverage ? { coverage: false } : {}) },
  };
  const run = runEngine(setup, new AbortController().signal);
  let error;
  for (;;) {
    const next = await run.next();
    if (next.done) break;
    if (next.value.type === 'baseline') baseline = next.value.report;
    if (next.value.type === 'run-end' && next.value.result.status === 'error') error = next.value.result.stopReason;
  }
  const actor = server.requests.slice(before).find((r) => r.messages.some((m) => m.role === 'system' && /You are the actor/.test(m.content)));
  const prompt = actor ? actor.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n') : '';
  const fix = c.changed();
  let held = 0;
  let total = 0;
  let fileHeld = true;
  for (const [file, lineNumbers] of fix) {
    const buggy = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
    const shown = shownText(prompt, file);
    if (!shown) fileHeld = false;
    for (const n of lineNumbers) {
      total++;
      const text = (buggy[n - 1] ?? '').trim();
      if (shown && (text === '' || shown.includes(text))) held++;
    }
  }
  const contextMs = baseline ? await timeContext(dir, baseline) : -1;
  return {
    id: c.id, kind: c.kind, file: fileHeld && !!prompt, lines: total, linesHeld: held, allLines: held === total && !!prompt,
    promptTokens: Math.ceil(prompt.length / 4), contextMs, ...(error || !actor ? { error: error ?? 'no actor prompt was sent' } : {}),
  };
}

/** The prompt text quoted under `file`: every block that starts at a line naming it, up to the block's closing fence. */
function shownText(prompt, file) {
  const parts = [];
  const lines = prompt.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].includes(file) || /^\s*(?:at |-|Message:|Expected:|Actual:)/.test(lines[i])) continue;
    let j = i + 1;
    if (!/^```/.test(lines[j] ?? '')) continue;
    for (j++; j < lines.length && !/^```\s*$/.test(lines[j]); j++) parts.push(lines[j].replace(/^\s*\d+[|>] ?/, ''));
  }
  return parts.length ? parts.join('\n') : undefined;
}

/** Median time of building the actor's context from the baseline's failures (files read afresh each time). */
async function timeContext(dir, baseline) {
  const failures = baseline.tests.filter((t) => t.status === 'failed');
  const times = [];
  for (let k = 0; k < 5; k++) {
    const started = process.hrtime.bigint();
    await buildModelContext({
      round: 1, count: 1, baseline, failures, files: createSourceFiles(dir), syntax, memory: [], previousRounds: [], lessons: [],
      isTestFile, signal: new AbortController().signal, emit: () => undefined,
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return Math.round(median(times));
}

function multifileCases() {
  let projects = listBugProjects();
  if (args.only) projects = projects.filter((p) => args.only.includes(p.id));
  if (args.limit) projects = projects.slice(0, args.limit);
  return projects.map((p) => ({ id: p.id, kind: p.kind, setup: async () => copyBugProject(p), changed: () => changedLines(fixDiff(p.id)) }));
}

function humanEvalFixCases() {
  let problems = readProblems(args.file, 'js').filter((p) => p.canonicalSolution);
  if (args.only) problems = problems.filter((p) => args.only.includes(p.taskId));
  if (args.limit) problems = problems.slice(0, args.limit);
  return problems.map((p) => ({
    id: p.taskId, kind: p.bugType ?? '',
    setup: async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-ctx-hef-'));
      const written = await writeJsWorkspace(dir, p, syntax);
      if (written.skipped) {
        fs.rmSync(dir, { recursive: true, force: true });
        process.stdout.write(`${p.taskId.padEnd(34)} skipped: ${written.skipped}\n`);
        return undefined;
      }
      return dir;
    },
    changed: () => changedLines(createTwoFilesPatch('a/solution.js', 'b/solution.js', `${p.prompt}${p.buggySolution}`, `${p.prompt}${p.canonicalSolution}`)),
  }));
}

function pct(x) {
  return `${(100 * x).toFixed(1)} %`;
}

function parseArgs(argv) {
  const a = { suite: 'multifile', file: '/work/shared/bench/humanevalfix-js.jsonl' };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--suite') { a.suite = v; i++; }
    else if (argv[i] === '--file') { a.file = v; i++; }
    else if (argv[i] === '--only') { a.only = v.split(','); i++; }
    else if (argv[i] === '--limit') { a.limit = Number(v); i++; }
    else if (argv[i] === '--no-coverage') a.noCoverage = true;
    else if (argv[i] === '--json') { a.json = v; i++; }
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!['multifile', 'humanevalfix'].includes(a.suite)) throw new Error(`--suite is multifile or humanevalfix, not ${a.suite}`);
  return a;
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`bench:context: ${e.stack ?? e}\n`);
  process.exit(1);
});
