/**
 * A realistic, deterministic stream of loop events for panel tests and the panel benchmark: N rounds of K candidates
 * with real unified diffs (jsdiff, as the loop makes them), streamed model text, model calls, verdicts, critiques,
 * round ends and a run end with its trace, in the order src/core/loop.ts emits them.
 */
import { createTwoFilesPatch } from 'diff';
import type { Candidate, CandidateStatus, LoopEvent, LoopOptions, ModelCall, Reflection, Round, TestReport, Trace } from '../../src/core/types';
import { DEFAULT_LOOP_OPTIONS, TRACE_VERSION } from '../../src/core/types';

export interface SampleRunOptions {
  rounds: number;
  candidates: number;
  runId?: string;
  /** The first tested candidate of the last round is verified and the run ends `verified` (default true). */
  verify?: boolean;
  /** Text put into every summary, rationale, critique, streamed piece and failure message (e.g. hostile HTML). */
  modelText?: string;
  /** Streamed pieces per model call (default 6). */
  deltasPerCall?: number;
}

const FILE = 'src/range.js';
const TARGETS = ['test/range.test.js::range > includes the end', 'test/range.test.js::range > handles a single step', 'test/range.test.js::range > counts down'];

/** A 40-line source file; candidates change a few of its lines. */
function sourceFile(): string {
  const lines = ['\'use strict\';', '', '/** Numbers from start to end by step. */', 'function range(start, end, step = 1) {', '  const out = [];'];
  lines.push('  for (let i = start; i < end; i += step) {', '    out.push(i);', '  }', '  return out;', '}', '');
  for (let i = 0; i < 28; i++) lines.push(`const helper${i} = (x) => x * ${i + 1}; // keeps the file realistic`);
  lines.push('', 'module.exports = { range };', '');
  return lines.join('\n');
}

function changed(before: string, round: number, index: number): string {
  const lines = before.split('\n');
  lines[5] = `  for (let i = start; i ${index % 2 ? '<' : '<='} end${round > 1 ? ' + 0' : ''}; i += step) {`;
  if (index % 3 === 2) lines[6] = `    out.push(i); // round ${round} variant ${index}`;
  lines[12 + ((round + index) % 20)] = `const helper${round}_${index} = (x) => x - ${round}; // changed`;
  return lines.join('\n');
}

function baselineReport(text: string): TestReport {
  const tests = Array.from({ length: 20 }, (_, i) => {
    const id = i < TARGETS.length ? TARGETS[i] : `test/other.test.js::other > case ${i}`;
    const failing = i < TARGETS.length;
    return {
      id,
      file: id.split('::')[0],
      name: id.split('::')[1],
      status: failing ? ('failed' as const) : ('passed' as const),
      durationMs: 3 + i,
      ...(failing ? { failure: { message: `expected [1,2,3] to equal [1,2]${text}`, frames: [{ file: FILE, line: 6 }] } } : {}),
    };
  });
  return { framework: 'jest', command: 'npx jest --json', exitCode: 1, durationMs: 2310, timedOut: false, summary: { passed: 17, failed: 3, skipped: 0 }, tests };
}

function call(id: string, role: 'actor' | 'critic', round: number): ModelCall {
  return { id, role, model: 'gpt-4o-mini', round, usage: { prompt: 1800 + round * 120, completion: role === 'actor' ? 420 : 160 }, durationMs: role === 'actor' ? 3400 : 1200 };
}

function streamed(round: number, role: 'actor' | 'critic', callId: string, pieces: number, text: string): LoopEvent[] {
  const words = role === 'actor'
    ? `Candidate edits for round ${round}: the loop bound excludes the end, so the last value is lost.${text} `
    : `The candidates of round ${round} changed the bound but the single-step case still fails.${text} `;
  const size = Math.ceil(words.length / pieces);
  const out: LoopEvent[] = [];
  for (let i = 0; i < pieces; i++) {
    out.push({ type: 'model-delta', round, role, callId, text: words.slice(i * size, (i + 1) * size), completionTokens: (i + 1) * 12 });
  }
  return out;
}

function verdict(c: Candidate, status: CandidateStatus, text: string): Candidate {
  const passed = status === 'verified' || status === 'passed-targets' ? TARGETS.length : status === 'improved' ? 2 : 0;
  const remaining = TARGETS.slice(passed).map((id) => ({ id, message: `expected [5,4,3] to equal [5,4]${text}` }));
  return {
    ...c,
    status,
    targeted: { passed, failed: TARGETS.length - passed, skipped: 0 },
    ...(status === 'verified' ? { full: { passed: 20, failed: 0, skipped: 0 } } : {}),
    targetsPassed: passed,
    remainingFailures: remaining,
    newFailures: status === 'failed' ? ['test/other.test.js::other > case 7'] : [],
    score: passed * 10 - (status === 'failed' ? 5 : 0),
    durationMs: 1500 + c.index * 100,
  };
}

/** Every event of one run, in loop order. */
export function sampleRunEvents(o: SampleRunOptions): LoopEvent[] {
  const runId = o.runId ?? 'run-1';
  const text = o.modelText ? ` ${o.modelText}` : '';
  const pieces = o.deltasPerCall ?? 6;
  const verify = o.verify ?? true;
  const options: LoopOptions = { ...DEFAULT_LOOP_OPTIONS, rounds: o.rounds, candidates: o.candidates };
  const startedAt = '2026-11-24T22:00:00.000Z';
  const before = sourceFile();
  const report = baselineReport(text);
  const events: LoopEvent[] = [
    { type: 'run-start', runId, startedAt, provider: 'openai-compatible', options },
    { type: 'baseline-start' },
    { type: 'baseline', report, failing: [...TARGETS], flaky: [] },
  ];
  const rounds: Round[] = [];
  let best: Candidate | undefined;
  for (let r = 1; r <= o.rounds; r++) {
    const round: Round = { index: r, candidates: [], calls: [], tokens: { prompt: 0, completion: 0 }, durationMs: 0 };
    events.push({ type: 'round-start', round: r });
    const actor = call(`${runId}-r${r}-actor`, 'actor', r);
    events.push(...streamed(r, 'actor', actor.id, pieces, text), { type: 'model-call', round: r, call: actor });
    round.calls.push(actor);
    for (let i = 0; i < o.candidates; i++) {
      const after = changed(before, r, i);
      const rejected = i === o.candidates - 1 && o.candidates > 2 && r % 3 === 0;
      const path = rejected ? 'test/range.test.js' : FILE;
      const c: Candidate = {
        id: `r${r}c${i + 1}`, round: r, index: i, source: 'model',
        summary: `\`<\` → \`<=\` in range() at ${FILE}:6 (variant ${i + 1})${text}`,
        rationale: `The critique says the end value is excluded.${text}`,
        changes: [{ path, before, after }],
        diff: createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 }).replace(/^=+\n/, '').replace(/^Index:[^\n]*\n/, ''),
        status: rejected ? 'rejected' : 'pending',
        ...(rejected ? { rejectReason: `it edits the test file test/range.test.js; tests are read-only unless test edits are allowed${text}` } : {}),
        targetsPassed: 0, targetsTotal: TARGETS.length, newFailures: [], remainingFailures: [], score: rejected ? -1 : 0, durationMs: 0,
      };
      round.candidates.push(c);
      events.push({ type: 'candidate', round: r, candidate: c });
    }
    const last = r === o.rounds;
    for (const c of round.candidates) {
      if (c.status === 'rejected') continue;
      const status: CandidateStatus = last && verify && c.index === 0 ? 'verified' : c.index % 2 ? 'failed' : 'improved';
      const tested = verdict(c, status, text);
      round.candidates[c.index] = tested;
      events.push({ type: 'candidate-result', round: r, candidate: tested });
      if (!best || tested.score > best.score) {
        best = tested;
        round.bestCandidateId = tested.id;
      }
    }
    if (!last) {
      const critic = call(`${runId}-r${r}-critic`, 'critic', r);
      events.push(...streamed(r, 'critic', critic.id, pieces, text), { type: 'model-call', round: r, call: critic });
      round.calls.push(critic);
      const reflection: Reflection = {
        round: r, author: 'model', model: 'gpt-4o-mini', candidateId: `r${r}c1`, durationMs: critic.durationMs, usage: critic.usage,
        text: `Round ${r}: r${r}c1 makes "includes the end" pass, but "counts down" still fails at ${FILE}:6 because a negative step never enters the loop. Next, handle step < 0 with a second loop.${text}`,
      };
      round.reflection = reflection;
      events.push({ type: 'reflection', round: r, reflection });
    }
    round.tokens = round.calls.reduce((t, c) => ({ prompt: t.prompt + c.usage.prompt, completion: t.completion + c.usage.completion }), { prompt: 0, completion: 0 });
    round.durationMs = 9000 + r * 250;
    rounds.push(round);
    events.push({ type: 'round-end', round });
  }
  const tokens = rounds.reduce((t, r) => ({ prompt: t.prompt + r.tokens.prompt, completion: t.completion + r.tokens.completion }), { prompt: 0, completion: 0 });
  const status = verify && best?.status === 'verified' ? 'verified' : best ? 'improved' : 'no-fix';
  const result = {
    status, stopReason: status === 'verified' ? `${best!.id} passes the 3 target test(s) and the full suite` : `no candidate passed every target test and the full suite within ${o.rounds} round(s)`,
    ...(best ? { best } : {}), patch: best?.diff ?? '', files: best ? [FILE] : [], tokens, durationMs: rounds.reduce((s, r) => s + r.durationMs, 2310),
  } as const;
  const trace: Trace = {
    version: TRACE_VERSION, id: runId, startedAt, workspaceName: 'range-fixture', provider: 'openai-compatible', model: 'gpt-4o-mini',
    options, targets: [{ file: 'test/range.test.js' }], baseline: { summary: report.summary, failing: [...TARGETS], flaky: [], durationMs: report.durationMs }, rounds, result,
  };
  events.push({ type: 'run-end', result, trace });
  return events;
}

/** The events of one round, from its `round-start` to its `round-end`. */
export function eventsOfRound(events: LoopEvent[], round: number): LoopEvent[] {
  const start = events.findIndex((e) => e.type === 'round-start' && e.round === round);
  const end = events.findIndex((e) => e.type === 'round-end' && e.round.index === round);
  return start < 0 || end < 0 ? [] : events.slice(start, end + 1);
}

/** The sample's target test ids (the baseline's failing tests). */
export const SAMPLE_TARGETS: readonly string[] = TARGETS;
