/** The benchmark's figures and outputs: the console table, results.json, a Markdown summary and an SVG chart. */
import * as fs from 'fs';
import * as path from 'path';
import type { ProblemResult } from './runProblem';

/** The aggregate figures of a benchmark run. */
export interface BenchFigures {
  problems: number;
  skipped: number;
  attempted: number;
  fixed: number;
  fixRate: number;
  /** Cumulative share of attempted problems fixed by the end of round i (index 0 = round 1). */
  fixRateByRound: number[];
  medianTimeToFixMs?: number;
  p90TimeToFixMs?: number;
  candidatesTested: number;
  tokens: { prompt: number; completion: number };
  rejectedFixes: number;
  /** Fixes the engine verified on the tests it saw (plausible), and those the full independent check passed (correct). */
  plausible: number;
  correct: number;
  /** Share of plausible fixes that are not correct: (plausible − correct) / plausible. */
  overfitRate: number;
  /** Problems whose shown tests already pass on the buggy code (with --hidden-tests: examples that miss the bug). */
  nothingToFix: number;
  /** Verified runs: how many had a hunk dropped, and the minimality check's share of their total time. */
  minimality: { checked: number; reduced: number; targetRuns: number; shareOfTime: number };
  errors: number;
  wallMs: number;
}

/** Computes the figures; the fix rate is over attempted (not skipped) problems. */
export function figuresOf(results: ProblemResult[], rounds: number, wallMs: number): BenchFigures {
  const attempted = results.filter((r) => r.status !== 'skipped');
  const fixed = attempted.filter((r) => r.status === 'fixed');
  const times = fixed.map((r) => r.timeToFixMs ?? r.timeMs).sort((a, b) => a - b);
  const byRound: number[] = [];
  for (let i = 1; i <= rounds; i++) byRound.push(share(fixed.filter((r) => (r.fixRound ?? 1) <= i).length, attempted.length));
  return {
    problems: results.length,
    skipped: results.length - attempted.length,
    attempted: attempted.length,
    fixed: fixed.length,
    fixRate: share(fixed.length, attempted.length),
    fixRateByRound: byRound,
    ...(times.length ? { medianTimeToFixMs: quantile(times, 0.5), p90TimeToFixMs: quantile(times, 0.9) } : {}),
    candidatesTested: results.reduce((s, r) => s + r.candidatesTested, 0),
    tokens: results.reduce((t, r) => ({ prompt: t.prompt + r.tokens.prompt, completion: t.completion + r.tokens.completion }), { prompt: 0, completion: 0 }),
    rejectedFixes: results.filter((r) => r.status === 'rejected-fix').length,
    ...overfitOf(attempted),
    minimality: minimalityOf(attempted),
    errors: results.filter((r) => r.status === 'error').length,
    wallMs,
  };
}

/** Plausible (the engine verified it on the tests it saw) against correct (every original test passes). */
function overfitOf(attempted: ProblemResult[]): Pick<BenchFigures, 'plausible' | 'correct' | 'overfitRate' | 'nothingToFix'> {
  const plausible = attempted.filter((r) => r.runStatus === 'verified').length;
  const correct = attempted.filter((r) => r.status === 'fixed').length;
  return { plausible, correct, overfitRate: share(plausible - correct, plausible), nothingToFix: attempted.filter((r) => r.runStatus === 'nothing-to-fix').length };
}

/** What the minimality check cost on the verified runs, and how often it dropped a hunk. */
function minimalityOf(attempted: ProblemResult[]): BenchFigures['minimality'] {
  const checked = attempted.filter((r) => r.minimality);
  const spent = checked.reduce((s, r) => s + r.minimality!.durationMs, 0);
  const total = checked.reduce((s, r) => s + r.timeMs, 0);
  return {
    checked: checked.length, reduced: checked.filter((r) => r.minimality!.kept < r.minimality!.hunks).length,
    targetRuns: checked.reduce((s, r) => s + r.minimality!.targetRuns, 0), shareOfTime: share(spent, total),
  };
}

/** One line of the console table for a finished problem. */
export function tableLine(r: ProblemResult): string {
  const round = r.fixRound ? `r${r.fixRound}` : `${r.rounds}r`;
  const what = r.status === 'fixed' ? r.summary ?? '' : r.status === 'rejected-fix' ? `${r.summary ?? ''} (${r.verification ?? ''})` : r.stopReason;
  return `${pad(r.taskId, 16)} ${pad(r.status, 12)} ${pad(round, 4)} ${pad(`${(r.timeMs / 1000).toFixed(1)}s`, 7)} ${pad(String(r.candidatesTested), 4)} ${what.slice(0, 90)}`;
}

export const TABLE_HEADER = `${pad('problem', 16)} ${pad('status', 12)} ${pad('rnd', 4)} ${pad('time', 7)} ${pad('cand', 4)} fix / why not`;

/** The figures as a few lines for the console. */
export function figuresText(f: BenchFigures, provider: string): string {
  const lines = [
    `provider: ${provider}`,
    `fixed: ${f.fixed} of ${f.attempted} attempted (${pct(f.fixRate)})${f.skipped ? `; ${f.skipped} skipped` : ''}`,
    `fix rate by round (cumulative): ${f.fixRateByRound.map((r, i) => `r${i + 1} ${pct(r)}`).join(', ')}`,
    `time to a verified fix: median ${secs(f.medianTimeToFixMs)}, p90 ${secs(f.p90TimeToFixMs)}`,
    `candidates tested: ${f.candidatesTested}; tokens: ${f.tokens.prompt + f.tokens.completion} (prompt ${f.tokens.prompt}, completion ${f.tokens.completion})`,
    `fixes the independent check refused: ${f.rejectedFixes}; errors: ${f.errors}`,
    `plausible (passes the tests it saw): ${f.plausible}; correct (passes every test): ${f.correct}; overfit rate: ${pct(f.overfitRate)}` +
      `${f.nothingToFix ? `; ${f.nothingToFix} whose shown tests pass on the buggy code` : ''}`,
    `minimality: ${f.minimality.checked} verified fixes checked, ${f.minimality.reduced} cut to fewer hunks; ${f.minimality.targetRuns} targeted runs, ` +
      `${pct(f.minimality.shareOfTime)} of those runs' time`,
    `wall time: ${(f.wallMs / 60000).toFixed(1)} min`,
  ];
  return lines.join('\n');
}

/** Writes results.json, summary.md and chart.svg into `dir`. */
export function writeOutputs(dir: string, meta: Record<string, unknown>, figures: BenchFigures, results: ProblemResult[]): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify({ ...meta, figures, results }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'summary.md'), markdownSummary(meta, figures, results));
  fs.writeFileSync(path.join(dir, 'chart.svg'), chartSvg(figures, results));
}

function markdownSummary(meta: Record<string, unknown>, f: BenchFigures, results: ProblemResult[]): string {
  const rows = results.map((r) =>
    `| ${r.taskId} | ${r.status} | ${r.fixRound ?? r.rounds} | ${(r.timeMs / 1000).toFixed(1)} | ${r.candidatesTested} | ${cell(r.status === 'fixed' ? r.summary ?? '' : r.stopReason)} |`);
  const fixes = results.filter((r) => r.status === 'fixed' && r.patch).map((r) => `### ${r.taskId}\n\n\`\`\`diff\n${r.patch.trim()}\n\`\`\`\n`);
  return [
    `# Benchmark: ${String(meta.suite)}`,
    '',
    `Provider ${String(meta.provider)}, ${String(meta.startedAt)}, ${String(meta.machine ?? '')}`,
    '',
    '```',
    figuresText(f, String(meta.provider)),
    '```',
    '',
    '![fix rate by round and time to fix](chart.svg)',
    '',
    '| problem | status | rounds | seconds | candidates | fix / why not |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    '## Patches',
    '',
    ...fixes,
  ].join('\n');
}

/** Two panels: cumulative fix rate by round (bars), and the distribution of time to fix (cumulative line). */
function chartSvg(f: BenchFigures, results: ProblemResult[]): string {
  const W = 760, H = 300, pad0 = 58;
  const panelW = (W - 3 * pad0) / 2, panelH = H - 2 * pad0 - 10;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  // Left: fix rate by round.
  const x0 = pad0, y0 = pad0 + panelH;
  parts.push(`<text x="${x0}" y="${pad0 - 14}" font-weight="bold">Fix rate by round (cumulative)</text>`);
  parts.push(axis(x0, y0, panelW, panelH));
  const n = Math.max(1, f.fixRateByRound.length);
  const bw = panelW / n * 0.6;
  f.fixRateByRound.forEach((r, i) => {
    const h = r * panelH;
    const x = x0 + (i + 0.2) * (panelW / n);
    parts.push(`<rect x="${x.toFixed(1)}" y="${(y0 - h).toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="#3b7dd8"/>`);
    parts.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${(y0 - h - 4).toFixed(1)}" text-anchor="middle">${pct(r)}</text>`);
    parts.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${y0 + 14}" text-anchor="middle">round ${i + 1}</text>`);
  });
  for (const t of [0, 0.5, 1]) parts.push(`<text x="${x0 - 4}" y="${(y0 - t * panelH + 4).toFixed(1)}" text-anchor="end">${pct(t)}</text>`);
  // Right: share of attempted problems fixed within t seconds.
  const x1 = 2 * pad0 + panelW;
  parts.push(`<text x="${x1}" y="${pad0 - 14}" font-weight="bold">Fixed within t seconds (share of attempted)</text>`);
  parts.push(axis(x1, y0, panelW, panelH));
  const times = results.filter((r) => r.status === 'fixed').map((r) => (r.timeToFixMs ?? r.timeMs) / 1000).sort((a, b) => a - b);
  const tMax = Math.max(10, Math.ceil(Math.max(0, ...results.map((r) => r.timeMs / 1000))));
  const pts = [`${x1},${y0}`];
  times.forEach((t, i) => {
    const x = x1 + (t / tMax) * panelW;
    pts.push(`${x.toFixed(1)},${(y0 - (i / Math.max(1, f.attempted)) * panelH).toFixed(1)}`);
    pts.push(`${x.toFixed(1)},${(y0 - ((i + 1) / Math.max(1, f.attempted)) * panelH).toFixed(1)}`);
  });
  pts.push(`${x1 + panelW},${(y0 - f.fixRate * panelH).toFixed(1)}`);
  parts.push(`<polyline fill="none" stroke="#d8583b" stroke-width="2" points="${pts.join(' ')}"/>`);
  for (const t of [0, tMax / 2, tMax]) parts.push(`<text x="${(x1 + (t / tMax) * panelW).toFixed(1)}" y="${y0 + 14}" text-anchor="middle">${Math.round(t)} s</text>`);
  for (const t of [0, 0.5, 1]) parts.push(`<text x="${x1 - 4}" y="${(y0 - t * panelH + 4).toFixed(1)}" text-anchor="end">${pct(t)}</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function axis(x: number, y: number, w: number, h: number): string {
  return `<path d="M${x},${y - h} V${y} H${x + w}" fill="none" stroke="#555"/>`;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function share(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

function secs(ms: number | undefined): string {
  return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ').slice(0, 120);
}
