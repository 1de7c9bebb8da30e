/**
 * The three tools other agents call (through MCP and VS Code's language-model tools): run the tests, fix the
 * failing tests, verify a change. Each takes validated plain input, reports progress, honours an AbortSignal,
 * and returns plain data plus a text rendering for the calling model. The workspace and the test command come
 * from whoever started the server (the user), never from the tool's arguments (a model).
 */
import type { LoopEvent, LoopOptions, RunResult, TestReport, TestSelector, Trace } from '../core/types';
import { applyVerifiedChanges } from './applyChanges';
import { runEngine, ProviderConfig, storeAppliedLesson } from './engine';
import { createTestRunner } from './testRunners/createTestRunner';
import { verifyWorkingTree, VerifyResult } from './verifyChange';

/** Where the tools work and with what; fixed when the server starts. */
export interface ToolContext {
  /** Absolute workspace folder. */
  root: string;
  /** Test command from the user's configuration (default: detected). */
  command?: string;
  provider: ProviderConfig;
  /** Defaults for the fix loop (rounds, candidates, time limits). */
  options: LoopOptions;
  lessonsFile?: string;
}

/** Progress for long runs: a rising count and a line for a person. */
export type ToolProgress = (progress: number, message: string) => void;

/** What a tool returns: text for the calling model and the same facts as data. */
export interface ToolOutput<T> {
  text: string;
  data: T;
}

/** A failing test as the tools report it. */
export interface FailingTest {
  id: string;
  status: string;
  message: string;
  location?: string;
  expected?: string;
  actual?: string;
}

/** `run_tests`: the project's real tests, with each failure's message and location. */
export async function runTestsTool(
  ctx: ToolContext, input: { only?: TestSelector[]; timeoutSeconds?: number }, signal: AbortSignal, progress: ToolProgress,
): Promise<ToolOutput<{ summary: TestReport['summary']; failing: FailingTest[]; command: string; durationMs: number; timedOut: boolean; error?: string }>> {
  const runner = await createTestRunner(ctx.root, ctx.command !== undefined ? { command: ctx.command } : {});
  let count = 0;
  const report = await runner.run({
    root: ctx.root, only: input.only, timeoutMs: (input.timeoutSeconds ?? ctx.options.testTimeoutMs / 1000) * 1000, flakyRetries: 0, signal,
    onProgress: (m) => progress(++count, m),
  });
  const failing = report.tests.filter((t) => t.status === 'failed' || t.status === 'timedOut').map((t): FailingTest => ({
    id: t.id, status: t.status, message: t.failure?.message.trim().slice(0, 2000) ?? '',
    ...(t.failure?.location ? { location: `${t.failure.location.file}:${t.failure.location.line}` } : {}),
    ...(t.failure?.expected !== undefined ? { expected: t.failure.expected } : {}),
    ...(t.failure?.actual !== undefined ? { actual: t.failure.actual } : {}),
  }));
  const s = report.summary;
  const lines = [`${s.passed} passed, ${s.failed} failed${s.timedOut ? `, ${s.timedOut} timed out` : ''}${s.skipped ? `, ${s.skipped} skipped` : ''} (${report.command}, ${(report.durationMs / 1000).toFixed(1)} s)`];
  if (report.error) lines.push(`error: ${report.error}`);
  for (const f of failing) {
    lines.push(`FAIL ${f.id}${f.location ? ` at ${f.location}` : ''}: ${f.message.split('\n')[0]}`);
    if (f.expected !== undefined || f.actual !== undefined) lines.push(`  expected ${f.expected ?? '?'}, actual ${f.actual ?? '?'}`);
  }
  return {
    text: lines.join('\n'),
    data: { summary: s, failing, command: report.command, durationMs: report.durationMs, timedOut: report.timedOut, ...(report.error ? { error: report.error } : {}) },
  };
}

/** What `fix_failing_tests` returns. */
export interface FixToolData {
  status: RunResult['status'];
  stopReason: string;
  patch: string;
  files: string[];
  applied: boolean;
  rounds: { round: number; candidates: number; best?: string; critique?: string }[];
  tokens: { prompt: number; completion: number };
  durationMs: number;
  error?: string;
}

/** `fix_failing_tests`: the reflection loop; writes the verified fix only when `apply` is set. */
export async function fixFailingTestsTool(
  ctx: ToolContext,
  input: { only?: TestSelector[]; rounds?: number; candidates?: number; hint?: string; apply?: boolean; maxDurationSeconds?: number },
  signal: AbortSignal, progress: ToolProgress,
): Promise<ToolOutput<FixToolData>> {
  const options: LoopOptions = {
    ...ctx.options,
    ...(input.only?.length ? { only: input.only } : {}),
    ...(input.rounds ? { rounds: input.rounds } : {}),
    ...(input.candidates ? { candidates: input.candidates } : {}),
    ...(input.hint ? { hint: input.hint } : {}),
    ...(input.maxDurationSeconds ? { maxDurationMs: input.maxDurationSeconds * 1000 } : {}),
  };
  const run = runEngine({ root: ctx.root, command: ctx.command, provider: ctx.provider, options, ...(ctx.lessonsFile ? { lessonsFile: ctx.lessonsFile } : {}) }, signal);
  let result: RunResult | undefined;
  let trace: Trace | undefined;
  let count = 0;
  for (;;) {
    const next = await run.next();
    if (next.done) {
      result = next.value;
      break;
    }
    const event = next.value;
    if (event.type === 'run-end') trace = event.trace;
    const message = progressLine(event);
    if (message) progress(++count, message);
  }
  let applied = false;
  if (input.apply && result.status === 'verified' && result.best) {
    const refusal = applyVerifiedChanges(ctx.root, result.best.changes, { allowTestEdits: options.allowTestEdits });
    if (refusal) throw new Error(`the verified fix was not applied: ${refusal}`);
    applied = true;
    // Stored only now that the fix is written; a store failure is said in the progress, the fix stands.
    const failure = await storeAppliedLesson(ctx, result.lesson);
    if (failure) progress(++count, failure);
  }
  const rounds = (trace?.rounds ?? []).map((r) => ({
    round: r.index, candidates: r.candidates.length,
    ...(r.bestCandidateId ? { best: r.bestCandidateId } : {}),
    ...(r.reflection ? { critique: r.reflection.text.trim() } : {}),
  }));
  const data: FixToolData = {
    status: result.status, stopReason: result.stopReason, patch: result.patch, files: result.files, applied, rounds,
    tokens: { prompt: result.tokens.prompt, completion: result.tokens.completion }, durationMs: result.durationMs,
    ...(result.error ? { error: result.error } : {}),
  };
  return { text: fixText(data), data };
}

/** `verify_change`: the working tree against a git base; the same gate as `reflect verify`. */
export async function verifyChangeTool(
  ctx: ToolContext, input: { base?: string }, signal: AbortSignal, progress: ToolProgress,
): Promise<ToolOutput<VerifyResult>> {
  let count = 0;
  const result = await verifyWorkingTree({
    root: ctx.root, base: input.base, command: ctx.command, testTimeoutMs: ctx.options.testTimeoutMs, signal,
    onProgress: (m) => progress(++count, m),
  });
  return { text: verifyText(result), data: result };
}

/** The one-line verdict, then the evidence, as `reflect verify` prints it. */
export function verifyText(r: VerifyResult): string {
  const head = r.verdict === 'pass'
    ? `PASS: ${r.fixed.length ? `${r.fixed.length} test(s) that failed at ${r.base.ref} now pass` : `no test fails`}, no test that passed at ${r.base.ref} fails, the test setup is untouched`
    : `BLOCK: ${r.reasons.join('; ')}`;
  const lines = [head];
  if (r.changedFiles.length) lines.push(`changed since ${r.base.ref} (${r.base.commit.slice(0, 12)}): ${r.changedFiles.join(', ')}`);
  for (const id of r.fixed) lines.push(`fixed: ${id}`);
  return lines.join('\n');
}

function fixText(d: FixToolData): string {
  const lines = [`${d.status}: ${d.stopReason}${d.applied ? ` — written to ${d.files.join(', ')}` : d.status === 'verified' ? ' — not written (call again with apply: true, or apply the patch)' : ''}`];
  for (const r of d.rounds) {
    lines.push(`round ${r.round}: ${r.candidates} candidate(s)${r.best ? `, best ${r.best}` : ''}`);
    if (r.critique) lines.push(`  critique: ${r.critique.replace(/\s*\n\s*/g, ' ')}`);
  }
  lines.push(`tokens: ${d.tokens.prompt} prompt + ${d.tokens.completion} completion`);
  if (d.patch) lines.push('', d.status === 'verified' ? 'verified patch:' : 'best attempt (NOT verified):', d.patch);
  return lines.join('\n');
}

/** A line for the caller's progress display, for the events worth one. */
function progressLine(event: LoopEvent): string | undefined {
  switch (event.type) {
    case 'baseline-start': return 'running the tests (baseline)';
    case 'baseline': return `baseline: ${event.report.summary.passed} passed, ${event.report.summary.failed} failed`;
    case 'round-start': return `round ${event.round}`;
    case 'candidate-result': return `round ${event.round}: ${event.candidate.id} ${event.candidate.status} (${event.candidate.targetsPassed}/${event.candidate.targetsTotal} target tests pass)`;
    case 'reflection': return `round ${event.round}: critique written`;
    case 'run-end': return `${event.result.status}: ${event.result.stopReason}`;
    default: return undefined;
  }
}
