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
  remainingFailures: { id: string; message: string }[];
  score: number;
}

/**
 * Judges a candidate from its targeted run (and its full-suite run, when it passed its targets).
 * A target missing from the targeted report (e.g. the file no longer loads) counts as failing.
 */
export function judgeCandidate(
  targets: string[],
  targeted: TestReport,
  full: TestReport | undefined,
  baselinePassing: ReadonlySet<string> | undefined,
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
  const newFailures = full && baselinePassing ? full.tests.filter((t) => isFailing(t) && baselinePassing.has(t.id)).map((t) => t.id) : [];
  // A full run that produced no results (crash, timeout) cannot verify anything.
  const fullBroken = full !== undefined && (full.error !== undefined || full.timedOut);
  let status: CandidateStatus;
  if (targetsPassed === targets.length && full && !fullBroken && newFailures.length === 0) status = 'verified';
  else if (targetsPassed === targets.length) status = 'passed-targets';
  else if (targetsPassed > 0 && newFailures.length === 0) status = 'improved';
  else status = 'failed';
  return { status, targetsPassed, newFailures, remainingFailures, score: scoreOf(status, targetsPassed, targets.length, newFailures.length) };
}

/** 0–100 for the share of targets passed, minus a heavy penalty per broken test; 1000 when verified. */
export function scoreOf(status: CandidateStatus, passed: number, total: number, newFailures: number): number {
  if (status === 'verified') return 1000;
  if (status === 'rejected') return -1;
  const share = total === 0 ? 0 : Math.round((100 * passed) / total);
  return share - 60 * newFailures;
}

/** True when `candidate` should replace `best`: strictly better only, so a later equal try never displaces it. */
export function isBetter(candidate: Candidate, best: Candidate | undefined): boolean {
  if (candidate.status === 'rejected' || candidate.status === 'pending') return false;
  if (candidate.score <= 0 && candidate.status !== 'verified') return false;
  return best === undefined || candidate.score > best.score;
}

/** A stable signature of what still fails, for stagnation detection (same signature two rounds in a row). */
export function failureSignature(candidate: Candidate): string {
  // The whole message: assertion libraries put the telling part (`2 !== 18`) after a generic first line.
  // Timings are dropped so the same failure that ran faster still counts as the same.
  const normal = (m: string) => m.replace(/\d+(\.\d+)?\s?m?s\b/g, '').replace(/\s+/g, ' ').trim().slice(0, 500);
  const parts = candidate.remainingFailures.map((f) => `${f.id}: ${normal(f.message)}`).sort();
  return [...parts, ...candidate.newFailures.map((id) => `broke ${id}`).sort()].join('\n');
}

function missingMessage(report: TestReport): string {
  return report.error ? `no result: ${report.error}` : report.timedOut ? 'no result: the test run timed out' : 'no result for this test';
}
