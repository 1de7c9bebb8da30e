/**
 * `reflect bench`, the repair benchmark (`npm run bench -- --suite FILE.jsonl …`). Each problem becomes a small real
 * project whose tests fail for real; the same engine as `reflect fix` runs on it; a claimed fix counts only when the
 * problem's own tests pass on the patched file in a separate, independent run.
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_LOOP_OPTIONS, type LoopOptions } from '../core/types';
import { figuresOf, figuresText, TABLE_HEADER, tableLine, writeOutputs } from './bench/report';
import { readProblems, type Problem } from './bench/problems';
import { runProblem, type BenchSettings, type ProblemResult } from './bench/runProblem';
import { createSyntaxParser } from '../node/treeSitter';
import { CliUsageError, parseFlags, parseNumber, parseSeconds } from './args';

export const BENCH_USAGE = `Usage: reflect bench --suite FILE.jsonl [options]   (or: npm run bench -- --suite FILE.jsonl …)
  --provider builtin|openai   engine (default builtin; openai needs --model, --base-url, OPENAI_API_KEY)
  --model NAME --base-url URL model and server for --provider openai
  --limit N                   only the first N problems
  --only ID,ID                only these task ids
  --concurrency C             problems run at once (default 2)
  --out DIR                   where results.json, summary.md, chart.svg go (default bench-output/)
  --language js|python        language of every problem (default: from the task_id prefix)
  --rounds N                  rounds per problem (default 3)
  --test-timeout S            time limit of one test run, in seconds (default 10)
  --candidate-timeout-factor F  a candidate's run stops after F × the longest finished run (default 5; 0 = off)
  --max-seconds S             time budget of each problem's repair run, in seconds (default 60)
  --candidates N              built-in candidates per round (default 60)
  --round-seconds S           built-in seconds per round (default 28)
  --python PATH               Python interpreter for Python problems (default: python3's real executable)
  --hidden-tests              show the engine only each problem's example test (HumanEvalFix example_test; else
                              the first half of its assertions) and judge the fix with all of them: prints
                              plausible vs correct and the overfit rate
  -h, --help                  show this help
`;

interface BenchArgs {
  suite: string;
  provider: 'builtin' | 'openai';
  model?: string;
  baseURL?: string;
  limit?: number;
  only?: string[];
  concurrency: number;
  out: string;
  language?: 'js' | 'python';
  rounds: number;
  testTimeoutMs: number;
  candidateTimeoutFactor: number;
  maxSeconds: number;
  candidates: number;
  roundSeconds: number;
  python?: string;
  hiddenTests: boolean;
}

/** Runs `reflect bench` with the arguments after "bench"; resolves to the exit code. */
export async function runBenchCommand(argv: string[]): Promise<number> {
  let args: BenchArgs | 'help';
  try {
    args = parseBenchArgs(argv);
  } catch (e) {
    if (!(e instanceof CliUsageError)) throw e;
    process.stderr.write(`reflect bench: ${e.message}\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  return runBenchmark(args);
}

async function runBenchmark(args: BenchArgs): Promise<number> {
  let problems: Problem[] = readProblems(args.suite, args.language);
  if (args.only) problems = problems.filter((p) => args.only!.includes(p.taskId));
  if (args.limit !== undefined) problems = problems.slice(0, args.limit);
  const python = problems.some((p) => p.language === 'python') ? args.python ?? realPython() : undefined;
  const options: LoopOptions = {
    ...DEFAULT_LOOP_OPTIONS, rounds: args.rounds, testTimeoutMs: args.testTimeoutMs, flakyRetries: 0,
    candidateTimeoutFactor: args.candidateTimeoutFactor,
    concurrency: 1, maxDurationMs: args.maxSeconds * 1000,
  };
  const settings: BenchSettings = {
    provider: args.provider === 'builtin' ? 'builtin' : openaiProvider(args),
    options, maxMsPerProblem: args.maxSeconds * 1000, candidatesPerRound: args.candidates, secondsPerRound: args.roundSeconds,
    python, syntax: createSyntaxParser(), hiddenTests: args.hiddenTests,
  };
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const providerLabel = args.provider === 'builtin' ? 'builtin' : `openai (${args.model})`;
  process.stdout.write(`bench: ${problems.length} problems from ${args.suite}${args.hiddenTests ? ' (hidden tests: the engine sees the examples only)' : ''}, provider ${providerLabel}, ${args.concurrency} at a time, ` +
    `${os.cpus().length} cores\n${TABLE_HEADER}\n`);
  const started = Date.now();
  const results: ProblemResult[] = new Array(problems.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, args.concurrency) }, async () => {
    while (next < problems.length && !controller.signal.aborted) {
      const i = next++;
      results[i] = await runProblem(problems[i], settings, controller.signal);
      process.stdout.write(`${tableLine(results[i])}\n`);
    }
  }));
  const done = results.filter(Boolean);
  const figures = figuresOf(done, args.rounds, Date.now() - started);
  const meta = {
    suite: path.basename(args.suite), provider: providerLabel, startedAt: new Date(started).toISOString(),
    machine: `${os.cpus().length} cores, node ${process.version}`,
    settings: { hiddenTests: args.hiddenTests, rounds: args.rounds, testTimeoutMs: args.testTimeoutMs, candidateTimeoutFactor: args.candidateTimeoutFactor, maxSeconds: args.maxSeconds, candidatesPerRound: args.candidates, roundSeconds: args.roundSeconds, concurrency: args.concurrency },
  };
  writeOutputs(args.out, meta, figures, done);
  process.stdout.write(`\n${figuresText(figures, providerLabel)}\nwrote ${path.join(args.out, 'results.json')}, summary.md, chart.svg\n`);
  return controller.signal.aborted ? 130 : 0;
}

/** The flags of `reflect bench`. Throws CliUsageError. */
export function parseBenchArgs(argv: string[]): BenchArgs | 'help' {
  const v = parseFlags('bench', argv, {
    suite: { type: 'string' }, provider: { type: 'string' }, model: { type: 'string' }, 'base-url': { type: 'string' },
    limit: { type: 'string' }, only: { type: 'string' }, concurrency: { type: 'string' }, out: { type: 'string' },
    language: { type: 'string' }, rounds: { type: 'string' }, 'test-timeout': { type: 'string' },
    'candidate-timeout-factor': { type: 'string' }, 'max-seconds': { type: 'string' }, candidates: { type: 'string' },
    'round-seconds': { type: 'string' }, python: { type: 'string' }, 'hidden-tests': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (v.help) return 'help';
  const num = (flag: string, value: string | undefined, fallback: number, opts: { integer?: boolean; positive?: boolean } = {}) =>
    (value === undefined ? fallback : parseNumber(flag, value, opts));
  const provider = v.provider ?? 'builtin';
  if (provider !== 'builtin' && provider !== 'openai') throw new CliUsageError(`unknown provider "${provider}"; use builtin or openai`);
  if (v.language !== undefined && v.language !== 'js' && v.language !== 'python') throw new CliUsageError('--language must be js or python');
  if (!v.suite) throw new CliUsageError('--suite FILE.jsonl is required; run "reflect bench --help" for the options');
  if (provider === 'openai' && !v.model) throw new CliUsageError('--provider openai needs --model NAME (and --base-url URL unless it is OpenAI)');
  return {
    suite: v.suite, provider, model: v.model, baseURL: v['base-url'],
    limit: v.limit === undefined ? undefined : parseNumber('--limit', v.limit, { integer: true }),
    only: v.only?.split(',').map((s) => s.trim()),
    concurrency: num('--concurrency', v.concurrency, 2, { integer: true, positive: true }),
    out: v.out ?? 'bench-output',
    language: v.language as BenchArgs['language'],
    rounds: num('--rounds', v.rounds, 3, { integer: true, positive: true }),
    testTimeoutMs: v['test-timeout'] === undefined ? 10_000 : parseSeconds('--test-timeout', v['test-timeout']),
    candidateTimeoutFactor: num('--candidate-timeout-factor', v['candidate-timeout-factor'], DEFAULT_LOOP_OPTIONS.candidateTimeoutFactor, { integer: true }),
    maxSeconds: num('--max-seconds', v['max-seconds'], 60, { positive: true }),
    candidates: num('--candidates', v.candidates, 60, { integer: true, positive: true }),
    roundSeconds: num('--round-seconds', v['round-seconds'], 28, { positive: true }),
    python: v.python,
    hiddenTests: v['hidden-tests'] === true,
  };
}

function openaiProvider(args: BenchArgs): BenchSettings['provider'] {
  return { kind: 'openai', baseURL: args.baseURL ?? 'https://api.openai.com/v1', model: args.model!, apiKey: process.env.OPENAI_API_KEY };
}

/** An interpreter with pytest, as its real executable (launcher shims skipped). */
function realPython(): string {
  // The system interpreter first: it starts pytest in well under a second, where a pyenv shim can take several.
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      return execFileSync(candidate, ['-c', 'import pytest, sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    } catch {
      // Try the next interpreter.
    }
  }
  return 'python3';
}
