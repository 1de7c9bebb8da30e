import type { LoopEvent } from '../core/types';
import type { RunLog } from './outputChannel';

/** Writes the facts of one loop event to the run log (streamed model text is left out: the panel shows it). */
export function logEvent(log: RunLog, event: LoopEvent): void {
  switch (event.type) {
    case 'run-start':
      log.info(`run ${event.runId}: provider ${event.provider}, ${event.options.rounds} rounds × ${event.options.candidates} candidates`);
      break;
    case 'baseline-start':
      log.info('baseline: running the tests');
      break;
    case 'baseline': {
      const r = event.report;
      const s = r.summary;
      log.info(`baseline: ${r.framework} \`${r.command}\` → ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped in ${r.durationMs} ms`);
      for (const id of event.failing) log.info(`  FAIL ${id}`);
      for (const id of event.flaky) log.warn(`  FLAKY ${id}`);
      if (r.error) log.error(`baseline: ${r.error}`);
      break;
    }
    case 'round-start':
      log.info(`round ${event.round}: start`);
      break;
    case 'model-call': {
      const c = event.call;
      const tokens = `${c.usage.prompt} prompt + ${c.usage.completion} completion tokens${c.usage.estimated ? ' (estimated)' : ''}`;
      if (c.error) log.error(`model call ${c.role} ${c.model}: ${c.error} (${c.durationMs} ms)`);
      else log.info(`model call ${c.role} ${c.model}: ${tokens} in ${c.durationMs} ms`);
      break;
    }
    case 'candidate-result': {
      const c = event.candidate;
      const verdict = c.rejectReason ? `rejected: ${c.rejectReason}` : `targets ${c.targetsPassed}/${c.targetsTotal}${c.newFailures.length ? `, ${c.newFailures.length} new failure(s)` : ''}`;
      log.info(`candidate ${c.id} [${c.status}] ${c.summary} — ${verdict} (${c.durationMs} ms)`);
      break;
    }
    case 'reflection':
      log.info(`critique round ${event.round} (${event.reflection.author}${event.reflection.model ? ` ${event.reflection.model}` : ''}): ${oneLine(event.reflection.text, 300)}`);
      break;
    case 'round-end':
      log.info(`round ${event.round.index}: end, best ${event.round.bestCandidateId ?? 'none'} (${event.round.durationMs} ms)`);
      break;
    case 'log':
      log[event.level](event.message);
      break;
    case 'run-end':
      log.info(`result: ${event.result.status} — ${event.result.stopReason} (${event.result.durationMs} ms)`);
      break;
    default:
      break;
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
