/**
 * The time limit of a candidate's test run, learnt from the runs of the same project that finished.
 *
 * A mutation that turns a loop endless is common (`x - base` → `x + base`); with only the configured limit
 * (two minutes by default) each such candidate would cost that much. Once a run of this project has finished,
 * a candidate's run gets `factor` × the longest finished run, never less than `floorMs` and never more than
 * the configured limit. Until then the configured limit applies, or a quarter of it once a run has hung (the
 * baseline's failing test loops forever). With `factor` 0 the configured limit always applies.
 */
import type { TestReport } from './types';

export interface CandidateTimeout {
  /** The limit for the next candidate run, in milliseconds. */
  current(): number;
  /** Learns from a finished run (timed-out, cancelled and failed-to-run reports teach nothing). */
  observe(report: TestReport): void;
  /** The longest run that finished, in milliseconds (0 until one has). */
  readonly longestMs: number;
}

/** Never below this, whatever the project's runs took: process start-up jitter on a busy machine. */
export const CANDIDATE_TIMEOUT_FLOOR_MS = 2_000;

export function createCandidateTimeout(limitMs: number, factor: number, floorMs = CANDIDATE_TIMEOUT_FLOOR_MS): CandidateTimeout {
  let longest = 0;
  let hung = false;
  return {
    current() {
      if (factor <= 0) return limitMs;
      // Only runs that hung so far (the baseline's failing test loops): a fix should end well within a
      // quarter of the limit, and a candidate that keeps the loop should not cost the whole limit each time.
      if (longest === 0) return hung ? Math.min(limitMs, Math.max(floorMs, Math.ceil(limitMs / 4))) : limitMs;
      return Math.min(limitMs, Math.max(floorMs, Math.ceil(longest * factor)));
    },
    observe(report) {
      if (report.timedOut) hung = true;
      if (report.timedOut || report.error || report.tests.length === 0) return;
      longest = Math.max(longest, report.durationMs);
    },
    get longestMs() {
      return longest;
    },
  };
}
