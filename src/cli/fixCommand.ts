/**
 * `reflect fix`: maps flags to the engine's options, shows live progress on stderr, prints the winning diff
 * (or JSON) on stdout, optionally writes the fix and a trace. Exit codes: 0 verified (or nothing to fix),
 * 1 no fix within budget, 2 usage/config/provider error, 130 interrupted (Ctrl-C), 143 SIGTERM, 129 SIGHUP.
 */
import * as fs from 'fs';
import * as path from 'path';
import { redactDeep, stripControlSequences, urlCredential } from '../core/outputSafety';
import { redactSecrets, traceToMarkdown } from '../core/trace';
import { Candidate, DEFAULT_LOOP_OPTIONS, LoopOptions, RunResult, TestSelector, Trace } from '../core/types';
import { applyVerifiedChanges } from '../node/applyChanges';
import { outsideChangesMessage, runEngine, ProviderConfig, storeAppliedLesson } from '../node/engine';
import { defaultLessonsFile } from '../node/lessonStore';
import { CliUsageError, parseFlags, parseNumber, parseSeconds, parseSelector } from './args';
import { createProgressPrinter } from './fixProgress';
import { onStopSignals, signalExitCode } from './stopSignals';

export const FIX_USAGE = `Usage: reflect fix [options]

Fixes the failing tests of a project round by round: proposes candidate fixes, runs the project's real tests on
each in a scratch copy, critiques, retries. Your files are not touched unless you pass --apply.

Options:
  --cwd DIR              project folder (default: the current folder)
  --command CMD          test command (default: detected from the project)
  --only SPEC            only these tests: FILE or FILE::TEST NAME, the name as written or "A > B > name" (repeatable)
  --provider NAME        builtin (no model) or openai (any OpenAI-compatible server); default: openai when
                         --model or --base-url is given, else $REFLECT_PROVIDER, else builtin
  --base-url URL         OpenAI-compatible endpoint (default: $OPENAI_BASE_URL or https://api.openai.com/v1;
                         Ollama: http://127.0.0.1:11434/v1)
  --model NAME           the actor model
  --critic-model NAME    a different model for the critique (default: the actor model)
  --api-key-env VAR      environment variable holding the API key (default: OPENAI_API_KEY)
  --rounds N             rounds at most (default 3)
  --candidates K         candidates per round (default 3)
  --max-seconds S        time budget of the whole run, in seconds (default: none)
  --test-timeout S       time limit of one test run, in seconds (default 120)
  --candidate-timeout-factor F
                         stop a candidate's test run after F × the longest finished run (at least 2 s, at
                         most --test-timeout; default 5; 0: always wait --test-timeout)
  --max-tokens N         token budget of the whole run (default: none)
  --context-tokens N     tokens of code context in each actor prompt (default 6000)
  --no-coverage          run the baseline without measuring which lines the tests execute (coverage ranks
                         the suspicious code for both engines; on by default where the framework can)
  --request-timeout S    time limit of one model request, and of a reply stream that stops sending (default 120)
  --hint TEXT            a hint for the model ("the bug is in the date parsing")
  --allow-test-edits     let candidates change the test setup (test files, test scripts, runner configs,
                         snapshots, skip/only markers): tested and shown with a warning instead of rejected
  --apply                write the verified fix into the project
  --json                 print {status, rounds, patch, files, tokens, durationMs} instead of the diff
  --trace FILE           write the run's trace (JSON, or Markdown when FILE ends in .md)
  --no-lessons           neither read nor store lessons from earlier runs
`;

/** Parsed flags (exported for tests). */
export interface FixArgs {
  cwd: string;
  command?: string;
  only: TestSelector[];
  provider?: string;
  baseURL?: string;
  model?: string;
  criticModel?: string;
  apiKeyEnv?: string;
  requestTimeoutMs?: number;
  options: LoopOptions;
  apply: boolean;
  json: boolean;
  trace?: string;
  lessons: boolean;
  help: boolean;
}


/** Runs `reflect fix` with the arguments after `fix`. Returns the process exit code. */
export async function runFixCommand(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let args: FixArgs;
  let provider: ProviderConfig;
  try {
    args = parseFixArgs(argv[0] === 'fix' ? argv.slice(1) : argv);
    if (args.help) {
      process.stdout.write(FIX_USAGE);
      return 0;
    }
    provider = providerFromArgs(args, env);
    checkProjectFolder(args.cwd);
    if (args.trace) checkTraceFile(args.trace);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`reflect fix: ${error.message}\n`);
      return 2;
    }
    throw error;
  }

  const controller = new AbortController();
  // Ctrl-C, a `kill` and a closed terminal all stop the same way: abort, which kills every test process tree and
  // removes the scratch copies, then exit with 128 + the signal's number. A second signal exits at once (the
  // exit hooks still kill the process groups and remove the copies).
  let interruptedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interruptedBy) process.exit(signalExitCode(signal));
    interruptedBy = signal;
    process.stderr.write(`\nreflect: ${signal === 'SIGINT' ? 'interrupted' : `got ${signal}`}; stopping the tests and the model…\n`);
    controller.abort();
  };
  const stopListening = onStopSignals(onSignal);
  const secrets = secretsOf(provider, env);
  const printEvent = createProgressPrinter(process.stderr);
  // Model replies and test output are untrusted: no escape sequence of theirs reaches the terminal, no key either.
  const progress = (event: Parameters<typeof printEvent>[0]) => printEvent(stripControlsDeep(redactDeep(event, secrets)));
  let result: RunResult | undefined;
  let trace: Trace | undefined;
  const lessonsFile = args.lessons ? defaultLessonsFile(args.cwd, env) : undefined;
  try {
    const run = runEngine({
      root: args.cwd, command: args.command, provider, options: args.options,
      onNotice: (text) => process.stderr.write(`reflect: ${stripControlSequences(redactDeep(text, secrets))}\n`),
      ...(lessonsFile ? { lessonsFile } : {}),
    }, controller.signal);
    for (;;) {
      const next = await run.next();
      if (next.done) {
        result = next.value;
        break;
      }
      if (next.value.type === 'run-end') trace = next.value.trace;
      progress(next.value);
    }
  } finally {
    stopListening();
  }

  if (!result) return 2;
  result = redactDeep(result, secrets);
  const code = finishRun(args, result, trace, interruptedBy);
  // Only a fix that was written teaches anything: a shown diff may never be used.
  if (wasApplied(args, result, code)) {
    const failure = await storeAppliedLesson({ provider, lessonsFile }, result.lesson);
    if (failure) process.stderr.write(`reflect: ${stripControlSequences(failure)}\n`);
  }
  // The trace comes last: a trace that cannot be written never costs the diff printed above.
  if (args.trace && trace && !writeTrace(args.trace, redactSecrets(trace, secrets))) return Math.max(code, 2);
  return code;
}

/** finishRun wrote the verified fix: asked to, verified, not interrupted, and nothing refused (exit 0). */
function wasApplied(args: FixArgs, result: RunResult, code: number): boolean {
  return args.apply && result.status === 'verified' && !!result.best && code === 0;
}

/** Prints the outcome (diff or JSON on stdout, a one-line verdict on stderr), applies when asked; the exit code. */
function finishRun(args: FixArgs, result: RunResult, trace: Trace | undefined, interruptedBy: NodeJS.Signals | undefined): number {
  if (interruptedBy) return signalExitCode(interruptedBy);
  if (result.status === 'cancelled') return 130;
  if (result.status === 'error') {
    process.stderr.write(`reflect fix: ${stripControlSequences(result.error ?? result.stopReason)}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify(jsonSummary(result, trace, false))}\n`);
    return 2;
  }
  let applied = false;
  if (args.apply && result.status === 'verified' && result.best) {
    const refusal = applyVerifiedChanges(args.cwd, result.best.changes, { allowTestEdits: args.options.allowTestEdits });
    if (refusal) {
      process.stderr.write(`reflect fix: not applied: ${refusal}; nothing was written\n`);
      return 1;
    }
    applied = true;
  }
  const unverified = result.status !== 'verified' && result.best ? bestAttemptLabel(result.best) : undefined;
  if (args.json) {
    process.stdout.write(`${JSON.stringify(jsonSummary(result, trace, applied))}\n`);
  } else if (result.patch) {
    // On a terminal the diff is shown without control characters; in a pipe it is exactly what --apply writes.
    const patch = process.stdout.isTTY ? stripControlSequences(result.patch) : result.patch;
    // An unverified patch carries its label in the output itself, so a redirected file says what it is.
    const label = unverified ? `${unverified.map((l) => `# ${l}`).join('\n')}\n` : '';
    process.stdout.write(`${label}${patch.endsWith('\n') ? patch : `${patch}\n`}`);
  }
  if (unverified && !args.json) process.stderr.write(`reflect: ${unverified.join('\n  ')}\nreflect: nothing was written\n`);
  if (result.outsideChanges?.length) {
    process.stderr.write(`reflect: WARNING: ${outsideChangesMessage(result.outsideChanges)}\n`);
  }
  if (result.status === 'verified') {
    if (result.best?.minimality) process.stderr.write(`reflect: ${result.best.minimality.summary}\n`);
    process.stderr.write(applied ? `reflect: the fix was written to ${result.files.join(', ')}\n` : 'reflect: verified fix above; Reflect wrote nothing to your project (pass --apply to write it)\n');
    return 0;
  }
  return result.status === 'nothing-to-fix' ? 0 : 1;
}

/** How an unverified best attempt is labelled: never "the fix"; its new failures (from a full run) listed. */
export function bestAttemptLabel(b: Candidate): string[] {
  const lines = [`BEST ATTEMPT, NOT A FIX: ${b.targetsPassed}/${b.targetsTotal} target tests pass with it`];
  if (!b.full) lines.push('it was not run against the full suite (the run stopped first), so what else it breaks is unknown');
  else if (b.newFailures.length === 0) lines.push('on the full suite it breaks no test that passed before');
  else {
    const missing = new Set(b.missingTests ?? []);
    lines.push(`on the full suite it BREAKS ${b.newFailures.length} test(s) that passed before:`);
    for (const id of b.newFailures) lines.push(`  ${id}${missing.has(id) ? ' (missing from the run: its file no longer loads, or it was not run)' : ''}`);
  }
  if (b.notVerifiedReason) lines.push(`not verified: ${b.notVerifiedReason}`);
  return lines;
}

/** What `--json` prints: status, rounds, patch, files, tokens, time, plus why the run stopped and whether the fix was written. */
function jsonSummary(result: RunResult, trace: Trace | undefined, applied: boolean): object {
  return {
    status: result.status, rounds: trace?.rounds.length ?? 0, patch: result.patch, files: result.files,
    tokens: { prompt: result.tokens.prompt, completion: result.tokens.completion }, durationMs: result.durationMs,
    stopReason: result.stopReason, applied, ...(result.error ? { error: result.error } : {}),
    ...(result.outsideChanges ? { outsideChanges: result.outsideChanges } : {}),
    ...(result.best?.minimality ? { minimality: result.best.minimality.summary } : {}),
    ...(result.best && result.status !== 'verified' ? { bestAttempt: {
      verified: false, targetsPassed: result.best.targetsPassed, targetsTotal: result.best.targetsTotal, fullSuiteRun: result.best.full !== undefined,
      newFailures: result.best.newFailures, ...(result.best.missingTests ? { missingTests: result.best.missingTests } : {}),
    } } : {}),
  };
}

/** The flags of `reflect fix` (also read by `reflect mcp`, which passes them on to every fix it runs). */
const FIX_FLAGS = {
  cwd: { type: 'string' }, command: { type: 'string' }, only: { type: 'string', multiple: true },
  provider: { type: 'string' }, 'base-url': { type: 'string' }, model: { type: 'string' }, 'critic-model': { type: 'string' },
  'api-key-env': { type: 'string' }, rounds: { type: 'string' }, candidates: { type: 'string' }, 'max-seconds': { type: 'string' },
  'test-timeout': { type: 'string' }, 'candidate-timeout-factor': { type: 'string' }, 'max-tokens': { type: 'string' },
  'context-tokens': { type: 'string' }, 'request-timeout': { type: 'string' }, hint: { type: 'string' }, 'allow-test-edits': { type: 'boolean' },
  apply: { type: 'boolean' }, json: { type: 'boolean' }, trace: { type: 'string' }, 'no-lessons': { type: 'boolean' },
  'no-coverage': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the flags of `reflect fix`. Throws CliUsageError. */
export function parseFixArgs(argv: string[]): FixArgs {
  const v = parseFlags('fix', argv, FIX_FLAGS);
  const options: LoopOptions = { ...DEFAULT_LOOP_OPTIONS };
  const whole = (flag: string, value: string) => parseNumber(flag, value, { integer: true, positive: true });
  if (v.rounds !== undefined) options.rounds = whole('--rounds', v.rounds);
  if (v.candidates !== undefined) options.candidates = whole('--candidates', v.candidates);
  if (v['max-seconds'] !== undefined) options.maxDurationMs = parseSeconds('--max-seconds', v['max-seconds']);
  if (v['test-timeout'] !== undefined) options.testTimeoutMs = parseSeconds('--test-timeout', v['test-timeout']);
  const factor = v['candidate-timeout-factor'];
  if (factor !== undefined) options.candidateTimeoutFactor = parseNumber('--candidate-timeout-factor', factor, { integer: true });
  if (v['max-tokens'] !== undefined) options.maxTokens = whole('--max-tokens', v['max-tokens']);
  if (v['context-tokens'] !== undefined) options.contextTokens = whole('--context-tokens', v['context-tokens']);
  if (v.hint !== undefined) options.hint = v.hint;
  if (v['allow-test-edits']) options.allowTestEdits = true;
  if (v['no-coverage']) options.coverage = false;
  const only = (v.only ?? []).map(parseSelector);
  if (only.length) options.only = only;
  return {
    cwd: path.resolve(v.cwd ?? process.cwd()), only, options,
    ...(v.command !== undefined ? { command: v.command } : {}),
    ...(v.provider !== undefined ? { provider: v.provider } : {}),
    ...(v['base-url'] !== undefined ? { baseURL: v['base-url'] } : {}),
    ...(v.model !== undefined ? { model: v.model } : {}),
    ...(v['critic-model'] !== undefined ? { criticModel: v['critic-model'] } : {}),
    ...(v['api-key-env'] !== undefined ? { apiKeyEnv: v['api-key-env'] } : {}),
    ...(v['request-timeout'] !== undefined ? { requestTimeoutMs: parseSeconds('--request-timeout', v['request-timeout']) } : {}),
    ...(v.trace !== undefined ? { trace: path.resolve(v.trace) } : {}),
    apply: v.apply ?? false, json: v.json ?? false, lessons: !v['no-lessons'], help: v.help ?? false,
  };
}

/** Chooses the provider from flags and environment. The key is read here and only handed to the model client. */
export function providerFromArgs(args: FixArgs, env: Record<string, string | undefined>): ProviderConfig {
  const kind = args.provider ?? (args.model || args.baseURL ? 'openai' : env.REFLECT_PROVIDER || 'builtin');
  if (kind === 'builtin') {
    if (args.model || args.criticModel) throw new CliUsageError('--model and --critic-model need --provider openai');
    return { kind: 'builtin' };
  }
  if (kind !== 'openai') throw new CliUsageError(`unknown provider "${kind}"; use builtin or openai`);
  const model = args.model ?? env.REFLECT_MODEL;
  if (!model) throw new CliUsageError('--provider openai needs --model NAME (e.g. --model gpt-4o-mini, or an Ollama model such as qwen2.5-coder)');
  const baseURL = args.baseURL ?? env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  if (!/^https?:\/\/[^\s]+$/.test(baseURL)) throw new CliUsageError(`--base-url must be an http(s) URL, got "${baseURL}"`);
  const keyVar = args.apiKeyEnv ?? 'OPENAI_API_KEY';
  const apiKey = env[keyVar];
  if (args.apiKeyEnv && !apiKey) throw new CliUsageError(`the environment variable ${keyVar} (from --api-key-env) is not set`);
  if (!apiKey && /^https:\/\/api\.openai\.com\b/.test(baseURL)) {
    throw new CliUsageError(`no API key: set ${keyVar}, or pass --base-url for a local server (Ollama, LM Studio, llama.cpp, vLLM)`);
  }
  return {
    kind: 'openai', baseURL, model, apiKeyEnv: keyVar,
    ...(apiKey ? { apiKey } : {}),
    ...(args.requestTimeoutMs ? { requestTimeoutMs: args.requestTimeoutMs } : {}),
    ...(args.criticModel ? { criticModel: args.criticModel } : {}),
  };
}




/** The strings the run must never print: the key, the key variables' values, a password in the base URL. */
function secretsOf(provider: ProviderConfig, env: Record<string, string | undefined>): string[] {
  const found = [env.OPENAI_API_KEY, env.REFLECT_API_KEY];
  if (provider.kind === 'openai') {
    found.push(provider.apiKey, env[provider.apiKeyEnv ?? 'OPENAI_API_KEY'], urlCredential(provider.baseURL));
  }
  return found.filter((s): s is string => !!s);
}

/** Every string of an event without terminal control sequences. */
function stripControlsDeep<T>(value: T): T {
  if (typeof value === 'string') return stripControlSequences(value) as T;
  if (Array.isArray(value)) return value.map(stripControlsDeep) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripControlsDeep(v)])) as T;
  }
  return value;
}

/** The project folder must exist, be a folder and be readable; otherwise a usage error saying which. */
function checkProjectFolder(dir: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliUsageError(code === 'ENOENT' ? `no such folder: ${dir}` : `cannot open the folder ${dir} (${code ?? (e as Error).message})`);
  }
  if (!stat.isDirectory()) throw new CliUsageError(`--cwd must be a folder, but ${dir} is a file`);
  try {
    fs.accessSync(dir, fs.constants.R_OK | fs.constants.X_OK);
    fs.readdirSync(dir);
  } catch (e) {
    throw new CliUsageError(`cannot read the folder ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check its permissions`);
  }
}

/** --trace names a file to write: refused before the run when it is a folder. */
function checkTraceFile(file: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    return;
  }
  if (stat.isDirectory()) throw new CliUsageError(`--trace needs a file name, but ${file} is a folder; e.g. --trace ${path.join(file, 'reflect-trace.json')}`);
}

/** Writes the trace; on failure says so on stderr and returns false. */
function writeTrace(file: string, trace: Trace): boolean {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, file.endsWith('.md') ? traceToMarkdown(trace) : `${JSON.stringify(trace, null, 2)}\n`);
    return true;
  } catch (e) {
    process.stderr.write(`reflect fix: could not write the trace to ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the result above stands\n`);
    return false;
  }
}
