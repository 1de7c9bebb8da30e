/**
 * Every hunk is needed: after a candidate verifies, it is tried without each of its hunks in turn (one targeted
 * run per hunk, in a scratch copy). A hunk whose removal keeps every target test passing is dropped; the smaller
 * patch is checked against the full suite once and is what the user gets (the trace keeps the original). Also
 * records how the target tests fail without any patch: on their assertion, or on an error before it.
 */
import { applyPatch, structuredPatch } from 'diff';
import type { ScratchWorkspace } from './ports';
import { judgeCandidate } from './scoring';
import type { TestContext } from './candidates';
import type { Candidate, FileChange, Minimality, TestReport, TestResult } from './types';

/** One hunk of a candidate's diff: the file and the hunk's index in that file's patch (3 lines of context). */
interface HunkRef {
  path: string;
  index: number;
}

/** The hunks of the changes, file by file, in diff order. */
export function hunksOf(changes: FileChange[]): HunkRef[] {
  return changes.flatMap((c) => patchOf(c).hunks.map((_, index) => ({ path: c.path, index })));
}

/** The changes with only the `kept` hunks applied (a file left with no hunk drops out). */
export function changesWith(changes: FileChange[], kept: readonly HunkRef[]): FileChange[] {
  const out: FileChange[] = [];
  for (const c of changes) {
    const patch = patchOf(c);
    const hunks = patch.hunks.filter((_, i) => kept.some((k) => k.path === c.path && k.index === i));
    if (hunks.length === 0) continue;
    const after = hunks.length === patch.hunks.length ? c.after : applyPatch(c.before, { ...patch, hunks });
    // A hunk subset always applies to the text it was computed from; `false` would be a bug in diff, not input.
    if (after === false) return changes;
    out.push({ ...c, after });
  }
  return out;
}

function patchOf(c: FileChange) {
  return structuredPatch(c.path, c.path, c.before, c.after, '', '', { context: 3 });
}

/**
 * How the target tests fail at the baseline: on an assertion (the test's own check), on a load or import error
 * (the test never reached its check), or on an exception thrown by the code under test.
 */
export function howTargetsFail(failing: TestResult[]): Minimality['targetsFailWithout'] {
  return failing.map((t) => ({ id: t.id, on: failureKind(t) }));
}

const LOAD_ERROR = /Cannot find module|ERR_MODULE_NOT_FOUND|ModuleNotFoundError|ImportError|SyntaxError|is not defined|fixture '[^']*' not found|collection error|Cannot use import statement/;
const ASSERTION = /AssertionError|assert|expect\(|toBe|toEqual|expected|to (?:equal|be|deep)|!==|===|==/i;

function failureKind(t: TestResult): 'assertion' | 'load error' | 'exception' {
  const text = `${t.failure?.message ?? ''}\n${t.failure?.stack ?? ''}`;
  if (LOAD_ERROR.test(text)) return 'load error';
  if (t.failure?.expected !== undefined || t.failure?.actual !== undefined || ASSERTION.test(t.failure?.message ?? '')) return 'assertion';
  return 'exception';
}

/** What the minimality check needs besides the candidate: the test context and the baseline's failing targets. */
export interface MinimizeContext extends TestContext {
  /** The target tests as they fail at the baseline (for `targetsFailWithout`). */
  baselineFailures: TestResult[];
  diff(changes: FileChange[]): string;
}

/**
 * The verified candidate reduced to the hunks its target tests need, with its `minimality` record. Never
 * returns something less verified than it got: if the smaller patch does not pass the full suite, the original
 * stays (and the record says so).
 */
export async function minimizeCandidate(candidate: Candidate, ws: ScratchWorkspace, ctx: MinimizeContext): Promise<Candidate> {
  const started = ctx.now();
  const all = hunksOf(candidate.changes);
  const record: Omit<Minimality, 'summary'> = { hunks: all.length, kept: all.length, targetRuns: 0, durationMs: 0, targetsFailWithout: howTargetsFail(ctx.baselineFailures) };
  let kept = all;
  // Never try the empty patch: targets passing with no change at all are flaky, not fixed.
  for (const hunk of all) {
    if (kept.length <= 1 || ctx.signal.aborted) break;
    const trial = kept.filter((k) => k !== hunk);
    record.targetRuns++;
    if (await targetsPass(changesWith(candidate.changes, trial), ws, ctx)) kept = trial;
  }
  if (kept.length === all.length || ctx.signal.aborted) return { ...candidate, minimality: withSummary({ ...record, durationMs: ctx.now() - started }) };
  const smaller = changesWith(candidate.changes, kept);
  const full = await runFull(smaller, ws, ctx);
  if (!full.verified) {
    const note = `without ${all.length - kept.length} hunk(s) the targets pass but the full suite does not (${full.why}); all hunks kept`;
    return { ...candidate, minimality: withSummary({ ...record, durationMs: ctx.now() - started, note }) };
  }
  return {
    ...candidate, changes: smaller, diff: ctx.diff(smaller),
    minimality: withSummary({ ...record, kept: kept.length, originalDiff: candidate.diff, durationMs: ctx.now() - started }),
  };
}

function withSummary(m: Omit<Minimality, 'summary'>): Minimality {
  return { ...m, summary: minimalityText(m) };
}

/** The one-line verdict shown by the CLI, panel and trace ("minimal: each of 2 hunks is needed; …"). */
export function minimalityText(m: Omit<Minimality, 'summary'>): string {
  const head = m.kept === m.hunks
    ? `minimal: ${m.hunks === 1 ? 'its one hunk is needed' : `each of ${m.hunks} hunks is needed`}`
    : `minimal after dropping ${m.hunks - m.kept} of ${m.hunks} hunks the tests do not need: ${m.kept === 1 ? 'its one hunk is' : `each of ${m.kept} hunks is`} needed`;
  const counts = new Map<string, number>();
  for (const t of m.targetsFailWithout) counts.set(t.on, (counts.get(t.on) ?? 0) + 1);
  const without = [...counts].map(([on, n]) => `${n} on ${on === 'assertion' ? 'their assertion' : `a${on === 'exception' ? 'n' : ''} ${on}`}`).join(', ');
  return `${head}${m.note ? ` (${m.note})` : ''}; without the patch the target tests fail: ${without || 'n/a'}`;
}

async function targetsPass(changes: FileChange[], ws: ScratchWorkspace, ctx: MinimizeContext): Promise<boolean> {
  await ws.apply(changes.map((c) => ({ path: c.path, after: c.after })));
  try {
    const report = await ctx.runner.run({ root: ws.root, only: ctx.targets, timeoutMs: ctx.timeout.current(), flakyRetries: 0, signal: ctx.signal });
    return ctx.targetIds.every((id) => report.tests.some((t) => t.id === id && t.status === 'passed'));
  } finally {
    await ws.reset();
  }
}

async function runFull(changes: FileChange[], ws: ScratchWorkspace, ctx: MinimizeContext): Promise<{ verified: boolean; why?: string }> {
  await ws.apply(changes.map((c) => ({ path: c.path, after: c.after })));
  try {
    const baseline: TestReport = await ctx.fullBaseline();
    const full = await ctx.runner.run({ root: ws.root, timeoutMs: ctx.timeout.current(), flakyRetries: ctx.flakyRetries, signal: ctx.signal });
    const verdict = judgeCandidate(ctx.targetIds, full, full, baseline);
    if (verdict.status === 'verified') return { verified: true };
    return { verified: false, why: verdict.notVerifiedReason ?? (verdict.newFailures.length ? `breaks ${verdict.newFailures.join(', ')}` : `targets ${verdict.targetsPassed}/${ctx.targetIds.length}`) };
  } finally {
    await ws.reset();
  }
}
