/**
 * The trace panel's state machine: folds panel events into a `RunView` and says what changed, so the view can update
 * only the affected round or candidate. The host runs the same reducer to keep the snapshot it sends and persists,
 * which is why this file is pure (no DOM, no `vscode`) and imports only the protocol.
 */
import type { CandidateView, PanelEvent, RoundView, RunView, TokenUsage } from './protocol';
import { MAX_LOG_LINES } from './protocol';

/** What an event changed, for incremental rendering. */
export type PanelChange =
  | { kind: 'run' }
  | { kind: 'baseline' }
  | { kind: 'round'; round: number }
  | { kind: 'candidate'; round: number; candidateId: string }
  | { kind: 'best'; previous?: string; current?: string }
  | { kind: 'stream-delta'; callId: string; text: string }
  | { kind: 'stream-end'; callId: string }
  | { kind: 'log' };

/** A new, empty run in the `running` state. */
export function createRun(id: string, title: string): RunView {
  return { id, title, status: 'running', rounds: [], tokens: { prompt: 0, completion: 0 }, logs: [], streams: [] };
}


function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { prompt: a.prompt + b.prompt, completion: a.completion + b.completion };
}

function sumCalls(r: RoundView): TokenUsage {
  return r.calls.reduce((t, c) => addUsage(t, c.usage), { prompt: 0, completion: 0 });
}

/** The round with this index, created (in index order) when it is new. */
function ensureRound(run: RunView, index: number, changes: PanelChange[]): RoundView {
  let round = run.rounds.find((r) => r.index === index);
  if (!round) {
    round = { index, candidates: [], calls: [], tokens: { prompt: 0, completion: 0 }, ended: false };
    const at = run.rounds.findIndex((r) => r.index > index);
    if (at < 0) run.rounds.push(round);
    else run.rounds.splice(at, 0, round);
    changes.push({ kind: 'round', round: index });
  }
  return round;
}

/** Inserts a new candidate in index order, or replaces it by its newer state (its test result). */
function upsertCandidate(round: RoundView, c: CandidateView): void {
  const i = round.candidates.findIndex((x) => x.id === c.id);
  if (i >= 0) {
    round.candidates[i] = c;
  } else {
    const at = round.candidates.findIndex((x) => x.index > c.index);
    if (at < 0) round.candidates.push(c);
    else round.candidates.splice(at, 0, c);
  }
}

/** Finds a candidate of the run by id. */
export function findCandidate(run: RunView, id: string | undefined): CandidateView | undefined {
  if (id === undefined) return undefined;
  for (const r of run.rounds) {
    const c = r.candidates.find((x) => x.id === id);
    if (c) return c;
  }
  return undefined;
}

/** While running, the best is the highest-scoring of the rounds' bests (the earliest on a tie). */
function bestSoFar(run: RunView): string | undefined {
  let best: CandidateView | undefined;
  for (const r of run.rounds) {
    const c = findCandidate(run, r.bestCandidateId);
    if (c && (!best || c.score > best.score)) best = c;
  }
  return best?.id;
}

function setBest(run: RunView, id: string | undefined, changes: PanelChange[]): void {
  if (run.bestCandidateId === id) return;
  changes.push({ kind: 'best', previous: run.bestCandidateId, current: id });
  run.bestCandidateId = id;
}

function endStreams(run: RunView, keep: (callId: string, round: number) => boolean, changes: PanelChange[]): void {
  run.streams = run.streams.filter((s) => {
    if (keep(s.callId, s.round)) return true;
    changes.push({ kind: 'stream-end', callId: s.callId });
    return false;
  });
}

/**
 * Applies one event to `run` in place and returns what changed (in the order the view should apply it).
 * A candidate arrives twice (`candidate`, then its `candidate-result`): the second replaces the first by id.
 */
export function applyPanelEvent(run: RunView, e: PanelEvent): PanelChange[] {
  const changes: PanelChange[] = [];
  switch (e.type) {
    case 'run-start':
      run.startedAt = e.startedAt;
      run.provider = e.provider;
      changes.push({ kind: 'run' });
      break;
    case 'baseline-start':
      run.baselineRunning = true;
      changes.push({ kind: 'baseline' });
      break;
    case 'baseline':
      run.baseline = e.baseline;
      run.baselineRunning = false;
      changes.push({ kind: 'baseline' });
      break;
    case 'round-start':
      ensureRound(run, e.round, changes);
      break;
    case 'model-delta': {
      let s = run.streams.find((x) => x.callId === e.callId);
      if (!s) {
        s = { callId: e.callId, round: e.round, role: e.role, text: '', completionTokens: 0 };
        run.streams.push(s);
      }
      s.text += e.text;
      s.completionTokens = e.completionTokens;
      changes.push({ kind: 'stream-delta', callId: e.callId, text: e.text });
      break;
    }
    case 'model-call': {
      endStreams(run, (id) => id !== e.call.id, changes);
      changes.push({ kind: 'run' });
      // Calls made before the first round (e.g. choosing lessons) belong to no round: they count in the run's tokens.
      const round = e.round >= 1 ? ensureRound(run, e.round, changes) : undefined;
      const i = round ? round.calls.findIndex((c) => c.id === e.call.id) : -1;
      if (i < 0) run.tokens = addUsage(run.tokens, e.call.usage);
      if (!round) break;
      if (i >= 0) round.calls[i] = e.call;
      else round.calls.push(e.call);
      if (!round.ended) round.tokens = sumCalls(round);
      changes.push({ kind: 'round', round: e.round });
      break;
    }
    case 'candidate':
    case 'candidate-result': {
      const round = ensureRound(run, e.round, changes);
      upsertCandidate(round, e.candidate);
      changes.push({ kind: 'candidate', round: e.round, candidateId: e.candidate.id });
      break;
    }
    case 'reflection': {
      const round = ensureRound(run, e.round, changes);
      round.reflection = e.reflection;
      changes.push({ kind: 'round', round: e.round });
      break;
    }
    case 'round-end': {
      const round = ensureRound(run, e.round.index, changes);
      round.bestCandidateId = e.round.bestCandidateId;
      round.tokens = e.round.tokens;
      round.durationMs = e.round.durationMs;
      round.ended = true;
      endStreams(run, (_, r) => r !== round.index, changes);
      changes.push({ kind: 'round', round: round.index }, { kind: 'run' });
      setBest(run, bestSoFar(run), changes);
      break;
    }
    case 'log':
      run.logs.push({ level: e.level, message: e.message });
      if (run.logs.length > MAX_LOG_LINES) run.logs.splice(0, run.logs.length - MAX_LOG_LINES);
      changes.push({ kind: 'log' });
      break;
    case 'run-end': {
      const r = e.result;
      run.status = r.status;
      run.stopReason = r.stopReason;
      run.tokens = r.tokens;
      run.durationMs = r.durationMs;
      run.baselineRunning = false;
      if (r.error !== undefined) run.error = r.error;
      endStreams(run, () => false, changes);
      changes.push({ kind: 'run' });
      // Candidates still pending were never tested (the run verified or stopped first); they are redrawn as such.
      for (const round of run.rounds) {
        for (const c of round.candidates) if (c.status === 'pending') changes.push({ kind: 'candidate', round: round.index, candidateId: c.id });
      }
      setBest(run, r.bestCandidateId, changes);
      break;
    }
  }
  return changes;
}
