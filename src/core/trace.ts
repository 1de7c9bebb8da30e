/**
 * The run's trace: versioned JSON built as the loop goes (rounds, candidates, reflections, model calls, tokens,
 * time, the result), and a Markdown rendering for sharing. Secrets never enter it: the engine never hands the
 * loop a key, and `redactSecrets` is a second net for text that came back from a server.
 */
import { redactDeep } from './outputSafety';
import { Round, TestReport, Trace, TRACE_VERSION } from './types';

/** What a trace starts from: its header fields, with the run's id. */
export type TraceStart = Pick<Trace, 'startedAt' | 'workspaceName' | 'provider' | 'model' | 'criticModel' | 'options'> & {
  runId: string;
};

/**
 * A new run's id, minted once: by the loop when a run starts (or by the engine for a run that could not start).
 * Every front end, the log, the trace and an exported trace's file name use this id.
 */
export function newRunId(startedMs: number): string {
  return `run-${startedMs.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** An empty trace for a run that is starting. */
export function createTrace(start: TraceStart): Trace {
  return {
    version: TRACE_VERSION,
    id: start.runId,
    startedAt: start.startedAt,
    workspaceName: start.workspaceName,
    provider: start.provider,
    ...(start.model ? { model: start.model } : {}),
    ...(start.criticModel ? { criticModel: start.criticModel } : {}),
    // The hint is a person's text and stays; nothing else in the options can hold a secret.
    options: { ...start.options },
    targets: [],
    rounds: [],
  };
}

/** Records the baseline run's outcome. */
export function recordBaseline(trace: Trace, report: TestReport, failing: string[], flaky: string[], coverage?: string): void {
  trace.baseline = { summary: report.summary, failing, flaky, durationMs: report.durationMs, ...(coverage ? { coverage } : {}) };
}

/** Replaces every occurrence of each secret (8+ characters), bearer tokens and URL credentials in the trace's strings. */
export function redactSecrets(trace: Trace, secrets: (string | undefined)[]): Trace {
  return redactDeep(trace, secrets);
}

/** Renders a trace as Markdown a person can paste into an issue or a pull request. */
export function traceToMarkdown(trace: Trace): string {
  const out: string[] = [];
  const result = trace.result;
  out.push(`# Reflect run ${trace.id}`, '');
  out.push(`- Workspace: ${trace.workspaceName}`);
  out.push(`- Started: ${trace.startedAt}`);
  out.push(`- Provider: ${trace.provider}${trace.model ? ` (actor ${trace.model}${trace.criticModel ? `, critic ${trace.criticModel}` : ''})` : ''}`);
  out.push(`- Options: ${trace.options.rounds} rounds, ${trace.options.candidates} candidate(s) per round${trace.options.allowTestEdits ? ', test edits allowed' : ''}`);
  if (trace.options.hint) out.push(`- Hint: ${trace.options.hint}`);
  if (result) {
    out.push(`- Result: **${result.status}** — ${result.stopReason}`);
    out.push(`- Tokens: ${result.tokens.prompt} prompt + ${result.tokens.completion} completion${result.tokens.estimated ? ' (estimated)' : ''}; time ${seconds(result.durationMs)}`);
  }
  if (trace.baseline) {
    const b = trace.baseline;
    out.push('', '## Baseline', '', `${b.summary.passed} passed, ${b.summary.failed} failed, ${b.summary.skipped} skipped (${seconds(b.durationMs)}).`);
    if (b.failing.length) out.push('', 'Failing:', ...b.failing.map((id) => `- \`${id}\``));
    if (b.flaky.length) out.push('', 'Flaky (passed on a re-run, not targeted):', ...b.flaky.map((id) => `- \`${id}\``));
    if (b.coverage) out.push('', `Coverage: ${b.coverage}.`);
  }
  for (const round of trace.rounds) out.push('', ...roundToMarkdown(round));
  if (result?.patch) out.push('', '## Winning change', '', fence('diff', result.patch));
  if (result?.error) out.push('', '## Error', '', result.error);
  return `${out.join('\n')}\n`;
}

function roundToMarkdown(round: Round): string[] {
  const out = [`## Round ${round.index}`, ''];
  out.push(`${round.candidates.length} candidate(s); ${round.tokens.prompt} + ${round.tokens.completion} tokens; ${seconds(round.durationMs)}.`, '');
  out.push('| candidate | status | targets | new failures | summary |', '|---|---|---|---|---|');
  for (const c of round.candidates) {
    const mark = c.id === round.bestCandidateId ? ' (best)' : '';
    out.push(`| ${c.id}${mark} | ${c.status} | ${c.targetsPassed}/${c.targetsTotal} | ${c.newFailures.length} | ${cell(c.rejectReason ? `${c.summary} — rejected: ${c.rejectReason}` : c.summary)} |`);
  }
  for (const c of round.candidates) {
    if (!c.diff && !c.asked?.length) continue;
    out.push('', `### ${c.id}: ${c.status}`, '');
    if (c.asked?.length) out.push('Asked for:', ...c.asked.map((a) => `- ${a}`), '');
    if (!c.diff) continue;
    if (c.rationale) out.push(`> ${c.rationale.split('\n').join('\n> ')}`, '');
    out.push(fence('diff', c.diff));
    if (c.warnings?.length) out.push('', 'Warnings:', ...c.warnings.map((w) => `- ${w}`));
    if (c.minimality) out.push('', c.minimality.summary);
    if (c.minimality?.originalDiff) out.push('', 'As verified, before the unneeded hunks were dropped:', '', fence('diff', c.minimality.originalDiff));
    if (c.remainingFailures.length) out.push('', 'Still failing:', ...c.remainingFailures.map((f) => `- \`${f.id}\`: ${oneLine(f.message)}`));
    if (c.newFailures.length) out.push('', 'Broke:', ...c.newFailures.map((id) => `- \`${id}\`${c.missingTests?.includes(id) ? ' (missing from the run)' : ''}`));
    if (c.notVerifiedReason) out.push('', `Not verified: ${c.notVerifiedReason}`);
  }
  if (round.reflection) {
    const r = round.reflection;
    out.push('', `### Reflection (${r.author}${r.model ? `, ${r.model}` : ''})`, '', `> ${r.text.trim().split('\n').join('\n> ')}`);
  }
  return out;
}

/** Assertion libraries put the telling part (`2 !== 18`) after a generic first line: keep it, on one line. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}…` : flat;
}

function fence(lang: string, text: string): string {
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${text.replace(/\n$/, '')}\n${ticks}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
