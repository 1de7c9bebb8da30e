/**
 * How a tested candidate is judged: by the user's tests only (never by the model's own word). A candidate that
 * breaks a test that passed before is worse than one that fixes less but breaks nothing.
 */
import type { Candidate, CandidateStatus, TestReport, TestResult } from './types';

/** A test counts as failing when it failed or timed out (flaky tests passed on a re-run). */
export function isFailing(test: TestResult): boolean {
  return test.status === 'failed' || test.status === 'timedOut';
}

/** What the targeted and full runs of one candidate say. */
export interface CandidateVerdict {
  status: CandidateStatus;
  targetsPassed: number;
  newFailures: string[];
  /** The new failures that are missing from the full run (the file stopped loading, or the test was not run). */
  missingTests?: string[];
  /** Why a candidate that passed its targets is not verified (a full run that crashed, lost tests …). */
  notVerifiedReason?: string;
  remainingFailures: { id: string; message: string }[];
  score: number;
}

/**
 * Judges a candidate from its targeted run (and its full-suite run, when it passed its targets), test by test
 * against the baseline's full run. A target missing from the targeted report (e.g. the file no longer loads)
 * counts as failing; a test that passed at the baseline and fails, is skipped or is missing from the full run is
 * a new failure; a full run with fewer tests than the baseline never verifies.
 */
export function judgeCandidate(
  targets: string[],
  targeted: TestReport,
  full: TestReport | undefined,
  baseline: TestReport | undefined,
  baselineFailures: ReadonlyMap<string, TestResult> = new Map(),
): CandidateVerdict {
  const byId = new Map(targeted.tests.map((t) => [t.id, t]));
  const remainingFailures: { id: string; message: string }[] = [];
  for (const id of targets) {
    const test = byId.get(id);
    if (!test || isFailing(test) || test.status === 'skipped') {
      remainingFailures.push({ id, message: test?.failure?.message ?? (test ? `status ${test.status}` : missingMessage(targeted)) });
    }
  }
  const targetsPassed = targets.length - remainingFailures.length;
  const { newFailures, missingTests } = full && baseline ? brokenSince(baseline, full) : { newFailures: [], missingTests: [] };
  const notVerifiedReason = full && baseline && targetsPassed === targets.length ? fullRunProblem(targets, baseline, full) : undefined;
  // Below the level of whole tests: a still-failing target whose actual value moved toward the expected one.
  let closer = 0;
  for (const f of remainingFailures) {
    const before = baselineFailures.get(f.id)?.failure;
    const now = byId.get(f.id)?.failure;
    if (before && now) closer += progressToward(before, now);
  }
  let status: CandidateStatus;
  if (targetsPassed === targets.length && full && !notVerifiedReason && newFailures.length === 0) status = 'verified';
  else if (targetsPassed === targets.length) status = 'passed-targets';
  else if ((targetsPassed > 0 || closer > 0) && newFailures.length === 0) status = 'improved';
  else status = 'failed';
  const partial = status === 'improved' ? Math.round((PARTIAL_WEIGHT * closer) / Math.max(1, targets.length)) : 0;
  return {
    status, targetsPassed, newFailures, ...(missingTests.length ? { missingTests } : {}), ...(notVerifiedReason ? { notVerifiedReason } : {}),
    remainingFailures, score: scoreOf(status, targetsPassed, targets.length, newFailures.length) + partial,
  };
}

/**
 * The tests that passed at the baseline and do not pass in `after` (failed, timed out, skipped or missing), in
 * the baseline's order; `missingTests` are those with no result at all.
 */
export function brokenSince(baseline: TestReport, after: TestReport): { newFailures: string[]; missingTests: string[] } {
  const now = new Map(after.tests.map((t) => [t.id, t]));
  const newFailures: string[] = [];
  const missingTests: string[] = [];
  for (const t of baseline.tests) {
    if (t.status !== 'passed') continue;
    const result = now.get(t.id);
    if (!result) missingTests.push(t.id);
    if (!result || isFailing(result) || result.status === 'skipped') newFailures.push(t.id);
  }
  return { newFailures, missingTests };
}

/** Why a full run whose targets passed cannot verify: no results, fewer tests than the baseline, a target failing. */
function fullRunProblem(targets: string[], baseline: TestReport, full: TestReport): string | undefined {
  if (full.error !== undefined) return `the full suite could not run: ${full.error}`;
  if (full.timedOut) return 'the full suite timed out';
  if (full.tests.length < baseline.tests.length) {
    return `the full suite ran ${full.tests.length} test(s), the baseline ${baseline.tests.length}: tests disappeared`;
  }
  const byId = new Map(full.tests.map((t) => [t.id, t]));
  const failing = targets.filter((id) => {
    const t = byId.get(id);
    return t !== undefined && (isFailing(t) || t.status === 'skipped');
  });
  return failing.length ? `target test(s) fail in the full suite: ${failing.join(', ')}` : undefined;
}

/** Score points (of 100 per target) that a still-failing target can earn by getting closer to its expected value. */
const PARTIAL_WEIGHT = 40;

/**
 * How far a failing test's actual value moved toward its expected value, from 0 (no closer, or not comparable) to
 * below 1: numbers by distance, other values by edit distance of their text. The expected value must be the same.
 */
export function progressToward(before: { expected?: string; actual?: string }, now: { expected?: string; actual?: string }): number {
  if (before.expected === undefined || now.expected !== before.expected || before.actual === undefined || now.actual === undefined) return 0;
  const num = (s: string) => (/^\s*-?\d+(\.\d+)?(e[-+]?\d+)?\s*$/i.test(s) ? Number(s) : undefined);
  const e = num(before.expected);
  const a0 = num(before.actual);
  const a1 = num(now.actual);
  const d0 = e !== undefined && a0 !== undefined && a1 !== undefined ? Math.abs(e - a0) : editDistance(before.expected, before.actual);
  const d1 = e !== undefined && a0 !== undefined && a1 !== undefined ? Math.abs(e - a1) : editDistance(now.expected, now.actual);
  return d0 > 0 && d1 < d0 ? Math.min(0.99, 1 - d1 / d0) : 0;
}

/** Levenshtein distance of the first 400 characters of each (values longer than that are compared by their start). */
function editDistance(a: string, b: string): number {
  const x = a.slice(0, 400);
  const y = b.slice(0, 400);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length];
}

/** What each test a candidate breaks costs its score (of 100 for passing every target). */
export const NEW_FAILURE_PENALTY = 60;

/** 0–100 for the share of targets passed, minus a heavy penalty per broken test; 1000 when verified. */
export function scoreOf(status: CandidateStatus, passed: number, total: number, newFailures: number): number {
  if (status === 'verified') return 1000;
  if (status === 'rejected') return -1;
  const share = total === 0 ? 0 : Math.round((100 * passed) / total);
  return share - NEW_FAILURE_PENALTY * newFailures;
}

/** True when `candidate` should replace `best`: strictly better only, so a later equal try never displaces it. */
export function isBetter(candidate: Candidate, best: Candidate | undefined): boolean {
  if (candidate.status === 'rejected' || candidate.status === 'pending') return false;
  if (candidate.score <= 0 && candidate.status !== 'verified') return false;
  return best === undefined || candidate.score > best.score;
}

/**
 * A stable fingerprint of what still fails AND where the candidate changed the code, for stagnation detection
 * (same fingerprint two rounds in a row): rounds that change different places are exploring, not stuck.
 */
export function failureSignature(candidate: Candidate): string {
  const places = [...new Set(((candidate.diff ?? '').match(/^(?:\+\+\+ b\/.*|@@ -\d+(?:,\d+)? .*?@@)/gm) ?? []).map((l) => l.replace(/ @@.*$/, ' @@')))];
  return [failuresOf(candidate), ...places].join('\n');
}

function failuresOf(candidate: Candidate): string {
  // The whole message: assertion libraries put the telling part (`2 !== 18`) after a generic first line.
  // Timings are dropped so the same failure that ran faster still counts as the same.
  const normal = (m: string) => m.replace(/\d+(\.\d+)?\s?m?s\b/g, '').replace(/\s+/g, ' ').trim().slice(0, 500);
  const parts = candidate.remainingFailures.map((f) => `${f.id}: ${normal(f.message)}`).sort();
  return [...parts, ...candidate.newFailures.map((id) => `broke ${id}`).sort()].join('\n');
}

function missingMessage(report: TestReport): string {
  return report.error ? `no result: ${report.error}` : report.timedOut ? 'no result: the test run timed out' : 'no result for this test';
}
