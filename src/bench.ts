/**
 * The repair benchmark: `npm run bench -- --suite FILE.jsonl [--provider builtin|openai] [--limit N]
 * [--concurrency C] [--out DIR] [--language js|python]`. Each problem becomes a small real project whose tests
 * fail for real; the same engine as `reflect fix` runs on it; a claimed fix counts only when the problem's own
 * tests pass on the patched file in a separate, independent run.
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_LOOP_OPTIONS, type LoopOptions } from './core/types';
import { figuresOf, figuresText, TABLE_HEADER, tableLine, writeOutputs } from './bench/report';
import { readProblems, type Problem } from './bench/problems';
import { runProblem, type BenchSettings, type ProblemResult } from './bench/runProblem';
import { createSyntaxParser } from './node/treeSitter';

const USAGE = `Usage: npm run bench -- --suite FILE.jsonl [options]
  --provider builtin|openai   engine (default builtin; openai needs --model, --base-url, OPENAI_API_KEY)
  --model NAME --base-url URL model and server for --provider openai
  --limit N                   only the first N problems
  --only ID,ID                only these task ids
  --concurrency C             problems run at once (default 2)
  --out DIR                   where results.json, summary.md, chart.svg go (default bench-results/)
  --language js|python        language of every problem (default: from the task_id prefix)
  --rounds N                  rounds per problem (default 3)
  --test-timeout MS           per test run (default 10000)
  --candidate-timeout-factor F  a candidate's run stops after F × the longest finished run (default 5; 0 = off)
  --max-seconds S             hard limit per problem (default 60)
  --candidates N              built-in candidates per round (default 60)
  --round-seconds S           built-in seconds per round (default 28)
  --python PATH               Python interpreter for Python problems (default: python3's real executable)
  --hidden-tests              show the engine only each problem's example test (HumanEvalFix example_test; else
                              the first half of its assertions) and judge the fix with all of them: prints
                              plausible vs correct and the overfit rate`;

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

async function main(argv: string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
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

function parseArgs(argv: string[]): BenchArgs {
  const a: Partial<BenchArgs> & { hiddenTests: boolean; concurrency: number; out: string; rounds: number; testTimeoutMs: number; candidateTimeoutFactor: number; maxSeconds: number; candidates: number; roundSeconds: number; provider: 'builtin' | 'openai' } = {
    concurrency: 2, out: 'bench-results', rounds: 3, testTimeoutMs: 10000, candidateTimeoutFactor: DEFAULT_LOOP_OPTIONS.candidateTimeoutFactor, maxSeconds: 60, candidates: 60, roundSeconds: 28, provider: 'builtin', hiddenTests: false,
  };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--suite': a.suite = value(); break;
      case '--provider': {
        const p = value();
        if (p !== 'builtin' && p !== 'openai') throw new Error(`unknown provider ${p}; use builtin or openai`);
        a.provider = p;
        break;
      }
      case '--model': a.model = value(); break;
      case '--base-url': a.baseURL = value(); break;
      case '--limit': a.limit = num(flag, value()); break;
      case '--only': a.only = value().split(',').map((s) => s.trim()); break;
      case '--concurrency': a.concurrency = Math.max(1, num(flag, value())); break;
      case '--out': a.out = value(); break;
      case '--language': {
        const l = value();
        if (l !== 'js' && l !== 'python') throw new Error('--language must be js or python');
        a.language = l;
        break;
      }
      case '--rounds': a.rounds = Math.max(1, num(flag, value())); break;
      case '--test-timeout': a.testTimeoutMs = num(flag, value()); break;
      case '--candidate-timeout-factor': a.candidateTimeoutFactor = num(flag, value()); break;
      case '--max-seconds': a.maxSeconds = num(flag, value()); break;
      case '--candidates': a.candidates = num(flag, value()); break;
      case '--round-seconds': a.roundSeconds = num(flag, value()); break;
      case '--python': a.python = value(); break;
      case '--hidden-tests': a.hiddenTests = true; break;
      case '--help': case '-h': throw new Error('help');
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  if (!a.suite) throw new Error('--suite FILE.jsonl is required');
  if (a.provider === 'openai' && !a.model) throw new Error('--provider openai needs --model NAME (and --base-url URL unless it is OpenAI)');
  return a as BenchArgs;
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

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
