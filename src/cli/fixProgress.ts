/**
 * Live progress of `reflect fix` on stderr: the baseline, each round's streamed token count, candidate verdicts
 * and the critique text. On a terminal the token counter updates in place; in a pipe only whole lines are written.
 */
import type { Candidate, LoopEvent } from '../core/types';

interface Output {
  write(text: string): boolean;
  isTTY?: boolean;
}

/** Returns a function that prints one event. */
export function createProgressPrinter(out: Output): (event: LoopEvent) => void {
  let counter = '';
  /** Candidates shown this round: with many (the built-in engine tries dozens), verdicts get one line each. */
  let roundSize = 0;
  const line = (text: string) => {
    if (counter) {
      out.write('\r\x1b[K');
      counter = '';
    }
    out.write(`${text}\n`);
  };
  return (event) => {
    switch (event.type) {
      case 'baseline-start':
        line('reflect: running the tests (baseline)…');
        break;
      case 'baseline': {
        const s = event.report.summary;
        line(`baseline: ${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''} (${seconds(event.report.durationMs)})`);
        if (event.report.error) line(`  ${event.report.error}`);
        for (const id of event.failing) line(`  failing: ${id}`);
        for (const id of event.flaky) line(`  flaky (not targeted): ${id}`);
        break;
      }
      case 'round-start':
        roundSize = 0;
        line(`round ${event.round}`);
        break;
      case 'model-delta':
        if (out.isTTY) {
          counter = `  ${event.role} ${event.callId}: ${event.completionTokens} tokens…`;
          out.write(`\r\x1b[K${counter}`);
        }
        break;
      case 'model-call': {
        const c = event.call;
        const usage = `${c.usage.prompt} + ${c.usage.completion} tokens${c.usage.estimated ? ' (estimated)' : ''}`;
        line(`  ${c.role} ${c.id} (${c.model}): ${c.error ? `failed: ${c.error}` : `${usage}, ${seconds(c.durationMs)}`}`);
        break;
      }
      case 'candidate':
        roundSize++;
        if (event.candidate.status === 'rejected') line(`  ${event.candidate.id} rejected: ${event.candidate.rejectReason}`);
        for (const w of event.candidate.warnings ?? []) line(`  ${event.candidate.id} warning: ${w}`);
        break;
      case 'candidate-result': {
        const c = event.candidate;
        if (c.status === 'rejected' && c.rejectReason) {
          line(`  ${c.id} rejected: ${c.rejectReason}`);
          break;
        }
        // The verified candidate comes once more after the check that each of its hunks is needed.
        if (c.minimality) {
          line(`  ${c.id} ${c.minimality.summary}`);
          break;
        }
        // A best attempt is run against the full suite at the end of a run that verified nothing.
        const prefix = c.full && (c.status === 'improved' || c.status === 'failed') ? 'as the best attempt, on the full suite: ' : '';
        const detail = c.status === 'verified'
          ? 'passes the target tests and the full suite'
          : `${c.targetsPassed}/${c.targetsTotal} target tests pass${c.newFailures.length ? `; breaks ${brokenText(c)}` : ''}`;
        line(`  ${c.id} ${c.status}: ${prefix}${detail} — ${c.summary}`);
        if (c.notVerifiedReason) line(`      not verified: ${c.notVerifiedReason}`);
        if (roundSize <= 5) for (const f of c.remainingFailures.slice(0, 3)) line(`      still failing ${f.id}: ${oneLine(f.message)}`);
        break;
      }
      case 'reflection':
        line(`  critique (${event.reflection.model ?? event.reflection.author}):`);
        for (const l of event.reflection.text.trim().split('\n')) line(`    ${l}`);
        break;
      case 'log':
        line(`  ${event.level}: ${event.message}`);
        break;
      case 'run-end': {
        const r = event.result;
        line(`reflect: ${r.status} — ${r.stopReason} (${seconds(r.durationMs)}, ${r.tokens.prompt} + ${r.tokens.completion} tokens)`);
        break;
      }
      default:
        break;
    }
  };
}

/** The tests a candidate broke, those that vanished from the run marked so. */
export function brokenText(c: Pick<Candidate, 'newFailures' | 'missingTests'>): string {
  const missing = new Set(c.missingTests ?? []);
  return c.newFailures.map((id) => (missing.has(id) ? `${id} (missing from the run: its file no longer loads, or it was not run)` : id)).join(', ');
}

/** A failure message on one line: assertion libraries put the telling part after a generic first line. */
function oneLine(message: string): string {
  const text = message.replace(/\s+/g, ' ').trim();
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
