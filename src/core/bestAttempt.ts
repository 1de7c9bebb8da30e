/**
 * Nothing unverified is offered as if it were safe: when no candidate verifies, the attempts that would be
 * offered (the CLI's printed best attempt, the panel's Review, the JSON `patch`) are run against the full suite
 * first, so their new failures are known and listed next to them. A candidate that passed only some targets was
 * never run beyond its targets; here it is, and the best attempt is chosen again with what the suite said.
 */
import type { TestContext, TestedCandidate } from './candidates';
import type { ScratchWorkspace } from './ports';
import { brokenSince, NEW_FAILURE_PENALTY } from './scoring';
import type { Candidate } from './types';

/** At most this many attempts get a full run: the best few by score, until one breaks nothing. */
const MAX_CHECKED = 3;

/**
 * The best attempt among `attempts` (tested, not verified), each of the top few run against the full suite if it
 * never was. `onChecked` hears every candidate whose verdict the full run changed. Returns undefined when no
 * attempt made progress.
 */
export async function bestCheckedAttempt(
  attempts: readonly TestedCandidate[], ws: ScratchWorkspace, ctx: TestContext, onChecked: (candidate: Candidate) => void,
): Promise<TestedCandidate | undefined> {
  const ranked = attempts.filter((a) => a.candidate.score > 0).sort((a, b) => b.candidate.score - a.candidate.score);
  let best: TestedCandidate | undefined;
  for (const attempt of ranked.slice(0, MAX_CHECKED)) {
    if (ctx.signal.aborted) break;
    const checked = attempt.candidate.full ? attempt : { ...attempt, candidate: await runFullSuite(attempt.candidate, ws, ctx) };
    if (checked !== attempt) onChecked(checked.candidate);
    if (!best || checked.candidate.score > best.candidate.score) best = checked;
    // Ranked by score: once one breaks nothing, none below it can beat it.
    if (checked.candidate.newFailures.length === 0) break;
  }
  return best ?? ranked[0];
}

async function runFullSuite(candidate: Candidate, ws: ScratchWorkspace, ctx: TestContext): Promise<Candidate> {
  const started = ctx.now();
  await ws.apply(candidate.changes.map((c) => ({ path: c.path, after: c.after })));
  try {
    const baseline = await ctx.fullBaseline();
    const full = await ctx.runner.run({ root: ws.root, timeoutMs: ctx.timeout.current(), flakyRetries: ctx.flakyRetries, signal: ctx.signal });
    if (ctx.signal.aborted) return candidate;
    ctx.timeout.observe(full);
    const { newFailures, missingTests } = brokenSince(baseline, full);
    const targets = new Set(ctx.targetIds);
    const broke = newFailures.filter((id) => !targets.has(id));
    const status = broke.length && candidate.status === 'improved' ? 'failed' : candidate.status;
    return {
      ...candidate, status, full: full.summary, newFailures: broke, ...(missingTests.length ? { missingTests } : {}),
      ...(full.error ? { notVerifiedReason: `the full suite could not run: ${full.error}` } : {}),
      // Its score loses what each broken test costs; partial progress it earned stays.
      score: candidate.score - NEW_FAILURE_PENALTY * broke.length,
      durationMs: candidate.durationMs + ctx.now() - started,
    };
  } finally {
    await ws.reset();
  }
}
