/**
 * Runs one benchmark problem: writes its small real project, runs the same engine as `reflect fix` on it, and
 * checks a claimed fix independently by running the problem's original tests on the patched file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SyntaxParser } from '../../core/ports';
import type { LoopOptions, RunResult, TokenUsage } from '../../core/types';
import { runEngine, type ProviderConfig } from '../../node/engine';
import { runProcess } from '../../node/processTree';
import { jsVerificationScript, writeJsWorkspace } from './jsWorkspace';
import { withHiddenTests, type Problem } from './problems';
import { pyVerificationScript, writePyWorkspace } from './pyWorkspace';

export type ProblemStatus = 'fixed' | 'not-fixed' | 'rejected-fix' | 'skipped' | 'error';

/** The outcome of one problem, as written to results.json. */
export interface ProblemResult {
  taskId: string;
  bugType?: string;
  status: ProblemStatus;
  /** The engine's own status (verified, improved, no-fix, cancelled, error). */
  runStatus?: string;
  stopReason: string;
  rounds: number;
  /** Round of the verified fix (fixed problems only). */
  fixRound?: number;
  timeMs: number;
  /** Time from the start until the fix was verified by the engine (fixed problems only). */
  timeToFixMs?: number;
  candidatesTested: number;
  tokens: TokenUsage;
  assertions: number;
  patch: string;
  summary?: string;
  verification?: string;
  /** The minimality check of a verified fix: hunks before and after, targeted runs, its share of the run's time. */
  minimality?: { hunks: number; kept: number; targetRuns: number; durationMs: number };
}

export interface BenchSettings {
  provider: 'builtin' | ProviderConfig;
  options: LoopOptions;
  /** Hard limit per problem (the run is cancelled after it). */
  maxMsPerProblem: number;
  candidatesPerRound: number;
  secondsPerRound: number;
  /** Interpreter for Python problems (see writePyWorkspace). */
  python?: string;
  /** --hidden-tests: the engine sees only the examples (or half the assertions); the check runs them all. */
  hiddenTests?: boolean;
  syntax: SyntaxParser;
}

/** Runs one problem to completion. Never throws: failures are results. */
export async function runProblem(problem: Problem, settings: BenchSettings, signal: AbortSignal): Promise<ProblemResult> {
  const started = Date.now();
  const base: ProblemResult = {
    taskId: problem.taskId, ...(problem.bugType ? { bugType: problem.bugType } : {}), status: 'error', stopReason: '',
    rounds: 0, timeMs: 0, candidatesTested: 0, tokens: { prompt: 0, completion: 0 }, assertions: 0, patch: '',
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-bench-problem-'));
  try {
    const shown = settings.hiddenTests ? withHiddenTests(problem) : problem;
    const written = problem.language === 'js'
      ? await writeJsWorkspace(dir, shown, settings.syntax)
      : await writePyWorkspace(dir, shown, settings.syntax, settings.python);
    base.assertions = written.assertions;
    if (written.skipped) return { ...base, status: 'skipped', stopReason: written.skipped, timeMs: Date.now() - started };
    const provider = providerFor(settings);
    const limit = AbortSignal.any([signal, AbortSignal.timeout(settings.maxMsPerProblem)]);
    const engine = runEngine({ root: dir, provider, options: settings.options }, limit);
    let result: RunResult | undefined;
    const tested = new Set<string>();
    let rounds = 0;
    let timeToFixMs: number | undefined;
    for (;;) {
      const next = await engine.next();
      if (next.done) {
        result = next.value;
        break;
      }
      const e = next.value;
      if (e.type === 'round-start') rounds = e.round;
      // A candidate may be reported again (after the minimality check, or as a best attempt): count it once.
      if (e.type === 'candidate-result') {
        tested.add(e.candidate.id);
        if (e.candidate.status === 'verified' && timeToFixMs === undefined) timeToFixMs = Date.now() - started;
      }
    }
    const out: ProblemResult = {
      ...base, runStatus: result.status, stopReason: limit.aborted && !signal.aborted
        ? `the limit of ${Math.round(settings.maxMsPerProblem / 1000)} s per problem was reached`
        : result.stopReason,
      rounds, candidatesTested: tested.size, tokens: result.tokens, patch: result.patch, timeMs: Date.now() - started,
      ...(result.best ? { summary: result.best.summary } : {}),
      ...(result.best?.minimality ? { minimality: {
        hunks: result.best.minimality.hunks, kept: result.best.minimality.kept, targetRuns: result.best.minimality.targetRuns, durationMs: result.best.minimality.durationMs,
      } } : {}),
    };
    if (result.status !== 'verified' || !result.best) return { ...out, status: result.status === 'error' ? 'error' : 'not-fixed' };
    const patched = result.best.changes.find((c) => c.path === written.solutionFile)?.after;
    if (patched === undefined) return { ...out, status: 'rejected-fix', verification: 'the fix does not change the solution file' };
    const check = await verifyIndependently(problem, patched, settings.python, signal);
    return {
      ...out, status: check.ok ? 'fixed' : 'rejected-fix', verification: check.detail, fixRound: result.best.round,
      timeToFixMs: timeToFixMs ?? out.timeMs,
    };
  } catch (error) {
    return { ...base, status: 'error', stopReason: `internal error: ${(error as Error).message}`, timeMs: Date.now() - started };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The built-in engine with the benchmark's budget, or the model; the rest is the same runEngine as `reflect fix`. */
function providerFor(settings: BenchSettings): ProviderConfig {
  if (settings.provider !== 'builtin') return settings.provider;
  return { kind: 'builtin', budget: { candidatesPerRound: settings.candidatesPerRound, secondsPerRound: settings.secondsPerRound } };
}

/** Runs every original test of the problem (hidden ones included) on the patched solution in a fresh folder, as the suite itself runs it. */
async function verifyIndependently(problem: Problem, patched: string, python: string | undefined, signal: AbortSignal): Promise<{ ok: boolean; detail: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-bench-verify-'));
  try {
    const js = problem.language === 'js';
    const file = path.join(dir, js ? 'check.js' : 'check.py');
    fs.writeFileSync(file, js ? jsVerificationScript(patched, problem) : pyVerificationScript(patched, problem));
    const proc = await runProcess({ command: js ? 'node' : python ?? 'python3', args: [file], cwd: dir, timeoutMs: 20_000, signal });
    const ok = proc.exitCode === 0 && !proc.timedOut;
    const detail = ok ? 'the original tests pass on the patched file'
      : proc.timedOut ? 'the original tests timed out on the patched file'
        : `the original tests fail on the patched file: ${proc.output.trim().split('\n').slice(-3).join(' ').slice(0, 300)}`;
    return { ok, detail };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
