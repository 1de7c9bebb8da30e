/**
 * Turns loop events into panel events: the host sends the panel slim copies (no file contents, no per-test results,
 * no trace), with diffs capped, because the panel shows only diffs, summaries and verdicts. Each change is sent once:
 * the loop's round-end and run-end restate the round and the trace, which the panel already has piece by piece.
 */
import type { Candidate, CandidateView, LoopEvent, PanelEvent, Round, RoundEndView } from '../panel/protocol';
import { DIFF_VIEW_LIMIT } from '../panel/protocol';

/** The diff cut at the last line end within `limit` characters. */
export function cutDiff(diff: string, limit: number): string {
  return diff.slice(0, diff.lastIndexOf('\n', limit - 1) + 1);
}

/** The slim form of a core candidate: no file contents, diff capped at `DIFF_VIEW_LIMIT`. */
export function toCandidateView(c: Candidate): CandidateView {
  const truncated = c.diff.length > DIFF_VIEW_LIMIT;
  const view: CandidateView = {
    id: c.id,
    round: c.round,
    index: c.index,
    source: c.source,
    summary: c.summary,
    files: c.changes.map((f) => f.path),
    diff: truncated ? cutDiff(c.diff, DIFF_VIEW_LIMIT) : c.diff,
    status: c.status,
    targetsPassed: c.targetsPassed,
    targetsTotal: c.targetsTotal,
    newFailures: c.newFailures,
    remainingFailures: c.remainingFailures,
    score: c.score,
    durationMs: c.durationMs,
  };
  if (truncated) view.diffTruncated = true;
  if (c.rationale !== undefined) view.rationale = c.rationale;
  if (c.asked?.length) view.asked = c.asked;
  if (c.rejectReason !== undefined) view.rejectReason = c.rejectReason;
  if (c.rejectRule !== undefined) view.rejectRule = c.rejectRule;
  if (c.warnings?.length) view.warnings = c.warnings;
  if (c.missingTests?.length) view.missingTests = c.missingTests;
  if (c.notVerifiedReason !== undefined) view.notVerifiedReason = c.notVerifiedReason;
  // The verdict, without the verified original's diff (the trace keeps that; the panel shows the patch offered).
  if (c.minimality) view.minimality = { ...c.minimality, originalDiff: undefined };
  if (c.targeted) view.targeted = c.targeted;
  if (c.full) view.full = c.full;
  return view;
}

/** A round's end: its figures only (each candidate, call and critique was sent once, in its own event). */
function toRoundEnd(r: Round): RoundEndView {
  return { index: r.index, bestCandidateId: r.bestCandidateId, tokens: r.tokens, durationMs: r.durationMs };
}

/** Converts a loop event into what the panel receives (drops file contents, test details and the trace). */
export function toPanelEvent(e: LoopEvent): PanelEvent {
  switch (e.type) {
    case 'run-start':
      return { type: 'run-start', runId: e.runId, startedAt: e.startedAt, provider: e.provider };
    case 'baseline': {
      const r = e.report;
      const baseline = { framework: r.framework, command: r.command, summary: r.summary, failing: e.failing, flaky: e.flaky, durationMs: r.durationMs };
      return { type: 'baseline', baseline: r.error !== undefined ? { ...baseline, error: r.error } : baseline };
    }
    case 'candidate':
    case 'candidate-result':
      return { type: e.type, round: e.round, candidate: toCandidateView(e.candidate) };
    case 'round-end':
      return { type: 'round-end', round: toRoundEnd(e.round) };
    case 'run-end': {
      const r = e.result;
      return {
        type: 'run-end',
        result: { status: r.status, stopReason: r.stopReason, bestCandidateId: r.best?.id, tokens: r.tokens, durationMs: r.durationMs, error: r.error },
      };
    }
    default:
      return e;
  }
}
