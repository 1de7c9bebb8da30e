/**
 * Text the panel shows, computed from the view model. Pure, so the unit tests can check the exact sentences.
 */
import type { BaselineView, CandidateStatus, CandidateView, ModelCall, RunView, TestSummary, TokenUsage } from '../panel/protocol';

/** "850 ms", "12.3 s", "2 min 05 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** "1,200 in · 340 out tokens", with "(estimated)" when the server sent no usage; "no model tokens" for none. */
export function formatTokens(u: TokenUsage): string {
  const n = (x: number) => x.toLocaleString('en-US');
  if (u.prompt === 0 && u.completion === 0) return 'no model tokens';
  return `${n(u.prompt)} in · ${n(u.completion)} out tokens${u.estimated ? ' (estimated)' : ''}`;
}

/** "3 passed, 1 failed, 2 skipped" (zero counts after the first two are left out). */
export function formatSummary(s: TestSummary): string {
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  if (s.timedOut) parts.push(`${s.timedOut} timed out`);
  if (s.flaky) parts.push(`${s.flaky} flaky`);
  return parts.join(', ');
}

const STATUS_LABELS: Record<CandidateStatus, string> = {
  pending: 'Testing…',
  rejected: 'Rejected',
  failed: 'Failed',
  improved: 'Improved',
  'passed-targets': 'Passed targets',
  verified: 'Verified',
};

/** A candidate status as a person reads it (a candidate still pending when the run ended was never tested). */
export function candidateStatusLabel(s: CandidateStatus, runEnded = false): string {
  return s === 'pending' && runEnded ? 'Not tested' : STATUS_LABELS[s];
}

/** Most conclusive first, so the summary leads with the news. */
const STATUS_ORDER: CandidateStatus[] = ['verified', 'passed-targets', 'improved', 'failed', 'rejected', 'pending'];

/** "3 candidates: 2 improved, 1 failed" ('' when there are none yet). */
export function candidateCounts(candidates: CandidateView[], runEnded = false): string {
  if (candidates.length === 0) return '';
  const counts = STATUS_ORDER.map((s) => [s, candidates.filter((c) => c.status === s).length] as const).filter(([, n]) => n > 0);
  const noun = candidates.length === 1 ? 'candidate' : 'candidates';
  return `${candidates.length} ${noun}: ${counts.map(([s, n]) => `${n} ${candidateStatusLabel(s, runEnded).toLowerCase().replace('…', '')}`).join(', ')}`;
}

/**
 * What the run is doing ("Running… round 2") or how it ended ("verified: r2c1 passes …"). The raw RunStatus word is
 * kept so that people and UI tests read the same status.
 */
export function runStatusText(run: Pick<RunView, 'status' | 'stopReason' | 'baselineRunning' | 'rounds'>): string {
  if (run.status !== 'running') return run.stopReason ? `${run.status}: ${run.stopReason}` : run.status;
  if (run.baselineRunning) return 'Running… the baseline tests';
  const last = run.rounds[run.rounds.length - 1];
  return last && !last.ended ? `Running… round ${last.index}` : 'Running…';
}

/** The baseline in one line. */
export function baselineText(b: BaselineView | undefined, running: boolean | undefined): string {
  if (!b) return running ? 'Running the tests to find what fails…' : '';
  if (b.error) return `Baseline could not run (${b.command}): ${b.error}`;
  return `Baseline (${b.framework}, ${formatDuration(b.durationMs)}): ${formatSummary(b.summary)}; ${b.failing.length} failing to fix`;
}

/** Target tests this candidate turned from failing to passing (known only when the targets are the baseline's failures). */
export function flippedTests(c: CandidateView, baseline: BaselineView | undefined): string[] {
  if (!baseline || baseline.failing.length !== c.targetsTotal) return [];
  const still = new Set(c.remainingFailures.map((f) => f.id));
  return baseline.failing.filter((id) => !still.has(id));
}

/** The verdict of a candidate, one line per fact, most important first. */
export function verdictLines(c: CandidateView, baseline: BaselineView | undefined, runEnded = false): string[] {
  if (c.status === 'pending') return [runEnded ? 'Not tested: the run ended first' : 'Testing…'];
  if (c.status === 'rejected') return [`Rejected: ${c.rejectReason ?? 'the edit could not be applied'}`];
  const lines = [...(c.warnings ?? []).map((w) => `Warning: ${w}`), `Targets passed ${c.targetsPassed}/${c.targetsTotal}`];
  const flipped = flippedTests(c, baseline);
  if (flipped.length) lines.push(`Now passing: ${flipped.join(', ')}`);
  if (c.remainingFailures.length) lines.push(`Still failing: ${c.remainingFailures.map((f) => `${f.id} (${f.message})`).join('; ')}`);
  if (c.newFailures.length) {
    const missing = new Set(c.missingTests ?? []);
    lines.push(`New failures: ${c.newFailures.map((id) => (missing.has(id) ? `${id} (missing from the run)` : id)).join(', ')}`);
  }
  if (c.notVerifiedReason) lines.push(`Not verified: ${c.notVerifiedReason}`);
  if (c.minimality) lines.push(c.minimality.summary);
  if (c.full) lines.push(`Full suite: ${formatSummary(c.full)}`);
  lines.push(`Tested in ${formatDuration(c.durationMs)}`);
  return lines;
}

/** One model call: "actor · gpt-4o · 1,200 in · 340 out tokens · 2.1 s". */
export function callText(c: ModelCall): string {
  const base = `${c.role} · ${c.model} · ${formatTokens(c.usage)} · ${formatDuration(c.durationMs)}`;
  return c.error ? `${base} · failed: ${c.error}` : base;
}

/** The kind of a unified-diff line, for colouring. */
export type DiffLineKind = 'add' | 'del' | 'hunk' | 'file' | 'meta' | 'context';

/** Classifies one line of a unified diff. */
export function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith('+++ ') || line.startsWith('--- ')) return 'file';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  if (line.startsWith('diff ') || line.startsWith('index ') || line.startsWith('Index: ') || line.startsWith('=====') || line.startsWith('\\')) return 'meta';
  return 'context';
}
