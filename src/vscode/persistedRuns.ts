/**
 * The recent runs as the host keeps them in the workspace state, so the panel restores after a window reload.
 */
import type { CandidateView, RunView } from '../panel/protocol';
import { MAX_RECENT_RUNS } from '../panel/protocol';
import { cutDiff } from './panelEvents';

/** A persisted candidate keeps at most this much of its diff (the export keeps all of it). */
export const PERSISTED_DIFF_LIMIT = 8_000;
/** Persisted runs stop at about this many characters of JSON (the newest run is always kept). */
export const PERSISTED_BUDGET = 2_000_000;

function persistedCandidate(c: CandidateView): CandidateView {
  if (c.diff.length <= PERSISTED_DIFF_LIMIT) return c;
  return { ...c, diff: cutDiff(c.diff, PERSISTED_DIFF_LIMIT), diffTruncated: true };
}

/**
 * The runs as they are persisted in the workspace state: the newest `MAX_RECENT_RUNS` runs within
 * `PERSISTED_BUDGET`, diffs capped, and without live model output.
 */
export function persistableRuns(runs: RunView[]): RunView[] {
  const out: RunView[] = [];
  let size = 0;
  for (const r of runs.slice(0, MAX_RECENT_RUNS)) {
    const copy: RunView = { ...r, streams: [], rounds: r.rounds.map((rd) => ({ ...rd, candidates: rd.candidates.map(persistedCandidate) })) };
    size += JSON.stringify(copy).length;
    if (out.length > 0 && size > PERSISTED_BUDGET) break;
    out.push(copy);
  }
  return out;
}

/** What a run that was still going when the window closed says after a reload. */
export const INTERRUPTED_REASON = 'The window was reloaded or closed while this run was in progress; it did not finish.';

/**
 * Runs read back from the workspace state. Anything that is not a run list yields `[]`; a run that was still running
 * when VS Code closed cannot be running now, so it is shown as cancelled.
 */
export function restoreRuns(saved: unknown): RunView[] {
  if (!Array.isArray(saved)) return [];
  return saved
    .filter((r): r is RunView => !!r && typeof r === 'object' && typeof r.id === 'string' && typeof r.title === 'string' && Array.isArray(r.rounds))
    .slice(0, MAX_RECENT_RUNS)
    .map((r) => {
      const run: RunView = { ...r, logs: Array.isArray(r.logs) ? r.logs : [], streams: [] };
      if (run.status === 'running') {
        run.status = 'cancelled';
        run.stopReason = INTERRUPTED_REASON;
        run.baselineRunning = false;
      }
      return run;
    });
}
