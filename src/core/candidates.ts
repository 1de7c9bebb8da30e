/**
 * Turning proposals into candidates: checks that need no test run (paths, the protected test setup, empty or repeated changes,
 * the caller's own validation such as parse errors), then applying a candidate in a scratch workspace and running
 * the targeted tests, and the full suite when the targets pass.
 */
import { createTwoFilesPatch } from 'diff';
import type { Proposal, ScratchWorkspace, SourceFiles, SyntaxParser, TestRunner } from './ports';
import { reviewProtectedChanges, testSetupFilesOf, type ProtectedRule } from './protectedPaths';
import { isFailing, judgeCandidate } from './scoring';
import type { CandidateTimeout } from './testTimeout';
import type { Candidate, FileChange, TestReport, TestResult, TestSelector } from './types';

/** Extra validation before testing (e.g. "the result no longer parses"): a reason to reject, or undefined. */
export type ValidateChanges = (
  changes: FileChange[],
  context: { allowTestEdits: boolean; isTestFile(path: string): boolean; syntax: SyntaxParser; files: SourceFiles },
) => Promise<string | undefined>;

/** Unified diff of a candidate's changes, workspace-relative with a/ b/ prefixes. */
export function diffOfChanges(changes: FileChange[]): string {
  return changes
    .filter((c) => c.before !== c.after)
    .map((c) => createTwoFilesPatch(`a/${c.path}`, `b/${c.path}`, c.before, c.after, undefined, undefined, { context: 3 })
      .replace(/^=+\n/, '')
      .replace(/^Index:[^\n]*\n/, ''))
    .join('');
}

/** A new candidate from a proposal (status pending, or rejected when the proposal came with a reason). */
export function candidateFromProposal(p: Proposal, round: number, index: number, targetsTotal: number, diff: (c: FileChange[]) => string): Candidate {
  const changes = p.changes.filter((c) => c.before !== c.after);
  return {
    id: `r${round}c${index + 1}`,
    round,
    index,
    source: p.source,
    summary: p.summary,
    ...(p.rationale ? { rationale: p.rationale } : {}),
    ...(p.asked?.length ? { asked: p.asked } : {}),
    changes,
    diff: changes.length ? diff(changes) : '',
    status: p.rejectReason ? 'rejected' : 'pending',
    ...(p.rejectReason ? { rejectReason: p.rejectReason } : {}),
    targetsPassed: 0,
    targetsTotal,
    newFailures: [],
    remainingFailures: [],
    score: p.rejectReason ? -1 : 0,
    durationMs: 0,
  };
}

/** What the checks before testing say about a candidate: a reason to reject it, or warnings to show with it. */
export interface Screening {
  rejectReason?: string;
  rejectRule?: ProtectedRule;
  warnings: string[];
}

/**
 * Why a candidate must not be tested (and which protected-path rule it broke), or the warnings of the
 * test-setup changes that --allow-test-edits lets through. Cheap checks first; `validate` last.
 */
export async function screenCandidate(
  candidate: Candidate,
  seenDiffs: Map<string, string>,
  context: {
    allowTestEdits: boolean; isTestFile(path: string): boolean; syntax: SyntaxParser; files: SourceFiles; validate?: ValidateChanges;
    generatedPath?: (path: string) => string | undefined;
  },
): Promise<Screening> {
  if (candidate.changes.length === 0) return { rejectReason: 'the proposal changes nothing', warnings: [] };
  for (const change of candidate.changes) {
    if (!isInsideWorkspace(change.path)) return { rejectReason: `${change.path} is outside the workspace`, warnings: [] };
  }
  // The project's own setup files (`node --require ./boot.js`) are test setup too.
  const testSetupFiles = testSetupFilesOf(await context.files.read('package.json').catch(() => undefined) ?? '');
  const review = reviewProtectedChanges(candidate.changes, {
    allowTestEdits: context.allowTestEdits, isTestFile: context.isTestFile, testSetupFiles, generatedPath: context.generatedPath,
  });
  if (review.refused) return { rejectReason: review.refused.reason, rejectRule: review.refused.rule, warnings: [] };
  const warnings = review.warnings.map((w) => w.reason);
  const same = seenDiffs.get(candidate.diff);
  if (same) return { rejectReason: `the same change as ${same}, already tested`, warnings };
  const invalid = context.validate ? await context.validate(candidate.changes, context) : undefined;
  return invalid ? { rejectReason: invalid, warnings } : { warnings };
}

/** Workspace-relative, forward slashes, no `..` escape, not absolute. */
export function isInsideWorkspace(path: string): boolean {
  if (!path || path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path)) return false;
  return !path.split(/[\\/]/).some((part) => part === '..');
}

export interface TestContext {
  runner: TestRunner;
  targets: TestSelector[];
  targetIds: string[];
  /** The time limit of each run, and what it learns from the runs that finish (see testTimeout.ts). */
  timeout: CandidateTimeout;
  flakyRetries: number | 'auto';
  /** The baseline's full-suite results (tests passing there must keep passing). */
  fullBaseline: () => Promise<TestReport>;
  /** The targets' failures before any change: a candidate whose actual values moved toward the expected ones made progress. */
  baselineFailures?: TestResult[];
  signal: AbortSignal;
  now: () => number;
  onProgress?: (message: string) => void;
}

export interface TestedCandidate {
  candidate: Candidate;
  /** The target tests that still fail, with their full evidence (for the next prompt and the critic). */
  failures: TestResult[];
}

/** Applies the candidate in `ws`, runs the targets then (if they all pass) the full suite, and resets `ws`. */
export async function testCandidate(candidate: Candidate, ws: ScratchWorkspace, ctx: TestContext): Promise<TestedCandidate> {
  const started = ctx.now();
  await ws.apply(candidate.changes.map((c) => ({ path: c.path, after: c.after })));
  try {
    const targeted = await ctx.runner.run({ root: ws.root, only: ctx.targets, timeoutMs: ctx.timeout.current(), flakyRetries: 0, signal: ctx.signal, onProgress: ctx.onProgress });
    ctx.timeout.observe(targeted);
    const passedAll = ctx.targetIds.every((id) => targeted.tests.some((t) => t.id === id && (t.status === 'passed' || t.status === 'flaky')));
    let full: TestReport | undefined;
    let baseline: TestReport | undefined;
    if (passedAll && !ctx.signal.aborted) {
      baseline = await ctx.fullBaseline();
      full = await ctx.runner.run({ root: ws.root, timeoutMs: ctx.timeout.current(), flakyRetries: ctx.flakyRetries, signal: ctx.signal, onProgress: ctx.onProgress });
      ctx.timeout.observe(full);
    }
    const verdict = judgeCandidate(ctx.targetIds, targeted, full, baseline, new Map((ctx.baselineFailures ?? []).map((t) => [t.id, t])));
    const tested: Candidate = {
      ...candidate,
      ...verdict,
      targeted: targeted.summary,
      ...(full ? { full: full.summary } : {}),
      tests: [...targeted.tests, ...(full?.tests.filter((t) => isFailing(t) && !ctx.targetIds.includes(t.id)) ?? [])],
      durationMs: ctx.now() - started,
    };
    const failures = targeted.tests.filter((t) => ctx.targetIds.includes(t.id) && isFailing(t));
    return { candidate: tested, failures };
  } finally {
    await ws.reset();
  }
}
