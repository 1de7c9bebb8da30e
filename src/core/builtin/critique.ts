/**
 * The built-in engine's reflection after a round, written from the evidence only: what was tried (how many
 * mutations of which kinds, where), which candidate came closest and what it changed in the test results, and
 * what the next round will try.
 */
import type { Critic, CritiqueRequest } from '../ports';
import type { Candidate, Reflection, TestResult } from '../types';
import { isSeed } from './proposer';

/** Creates the built-in critic (no model: the text is assembled from the round's results). */
export function createBuiltinCritic(clock: { now(): number } = Date): Critic {
  return {
    async critique(request: CritiqueRequest): Promise<Reflection> {
      const started = clock.now();
      const text = builtinCritique(request);
      const closest = closestOf(request.candidates);
      return {
        round: request.round, author: 'builtin', text, ...(closest ? { candidateId: closest.id } : {}),
        durationMs: clock.now() - started,
      };
    },
  };
}

/** The critique text of a round (exported for tests). */
export function builtinCritique(request: Pick<CritiqueRequest, 'round' | 'candidates' | 'best' | 'baseline' | 'failures'>): string {
  const { candidates } = request;
  const tested = candidates.filter((c) => c.status !== 'rejected' && c.status !== 'pending');
  const rejected = candidates.filter((c) => c.status === 'rejected').length;
  const parts: string[] = [];
  parts.push(`Round ${request.round} tried ${candidates.length} mutation${plural(candidates.length)} (${kindsOf(candidates)})` +
    `${whereOf(candidates)}; ${tested.length} tested${rejected ? `, ${rejected} rejected before testing` : ''}.`);
  const closest = closestOf(candidates);
  if (!closest) {
    parts.push('No candidate could be tested, so the evidence is unchanged.');
  } else {
    parts.push(`Closest: ${closest.summary} (${closest.id}) ${effectOf(closest, request.baseline.tests)}.`);
    const still = stillFailing(closest, request.failures);
    if (still) parts.push(still);
  }
  const seeds = candidates.filter(isSeed).length;
  const next: string[] = [];
  if (seeds > 0) next.push(`combine the ${Math.min(seeds, 2)} best partial fix${seeds === 1 ? '' : 'es'} with a second mutation`);
  next.push('test the next-ranked single mutations');
  parts.push(`Next round: ${next.join(', then ')}.`);
  return parts.join(' ');
}

/** The tested candidate that got furthest: most targets passed, fewest new failures, earliest. */
function closestOf(candidates: Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (c.status === 'rejected' || c.status === 'pending') continue;
    if (!best || c.score > best.score) best = c;
  }
  return best;
}

function effectOf(c: Candidate, baselineTests: TestResult[]): string {
  const broke = c.newFailures.length
    ? `, but broke ${c.newFailures.length} test${plural(c.newFailures.length)} that passed before (${c.newFailures.slice(0, 2).map(nameOf).join(', ')})`
    : '';
  if (c.status === 'verified') return 'passes every target test and the full suite';
  if (c.status === 'passed-targets') return `made all ${c.targetsTotal} failing tests pass${broke || ' but the full suite did not pass'}`;
  if (c.targetsPassed > 0) {
    return `made ${c.targetsPassed} of ${c.targetsTotal} failing test${plural(c.targetsTotal)} pass${broke || (c.full ? ' and broke no test that passed before' : ' (the rest of the suite was not run for it)')}`;
  }
  // Nothing passes: say whether the failures at least changed.
  const before = new Map(baselineTests.map((t) => [t.id, firstLine(t.failure?.message ?? '')]));
  const changed = c.remainingFailures.filter((f) => before.has(f.id) && before.get(f.id) !== firstLine(f.message));
  if (changed.length) {
    const f = changed[0];
    return `made none of the ${c.targetsTotal} failing tests pass, but changed how ${nameOf(f.id)} fails: "${clip(before.get(f.id) ?? '')}" became "${clip(firstLine(f.message))}"`;
  }
  return `made none of the ${c.targetsTotal} failing tests pass and left their failures unchanged`;
}

function stillFailing(c: Candidate, failures: TestResult[]): string | undefined {
  if (c.remainingFailures.length === 0) return undefined;
  const f = c.remainingFailures[0];
  const evidence = failures.find((t) => t.id === f.id)?.failure;
  const detail = evidence?.expected !== undefined && evidence.actual !== undefined
    ? `expected ${clip(evidence.expected)}, got ${clip(evidence.actual)}`
    : clip(firstLine(f.message));
  const more = c.remainingFailures.length > 1 ? ` (and ${c.remainingFailures.length - 1} more)` : '';
  return `Still failing with it: ${nameOf(f.id)} — ${detail}${more}.`;
}

function kindsOf(candidates: Candidate[]): string {
  const counts = new Map<string, number>();
  for (const c of candidates) {
    const kind = kindOfSummary(c.summary);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, n]) => `${n} ${k}`).join(', ') +
    (counts.size > 4 ? ', …' : '');
}

/** The kind of edit a summary describes, in words. */
function kindOfSummary(summary: string): string {
  if (summary.includes(' + ')) return 'second-order';
  if (summary.startsWith('deleted ')) return 'deletion';
  if (summary.startsWith('duplicated ')) return 'duplication';
  const m = /^`(.*)` → `(.*)` at /.exec(summary);
  if (!m) return 'other';
  const [from, to] = [m[1], m[2]];
  if (/^(<|<=|>|>=|==|!=|===|!==|in|not in|is|is not)$/.test(from)) return 'comparison';
  if (/^[-+*/%]{1,2}=?$/.test(from)) return 'arithmetic';
  if (/^(&&|\|\||and|or|\?\?)$/.test(from)) return 'logical';
  if (/^\d/.test(from) && /^\d/.test(to)) return 'literal';
  if (/^(true|false|True|False)$/.test(from)) return 'boolean';
  if (/ [-+] 1$/.test(to)) return 'bound';
  if (/^(!|not )/.test(to) || /^(!|not )/.test(from)) return 'negation';
  if (/^\w+$/.test(from) && /^\w+$/.test(to)) return 'name swap';
  return 'rewrite';
}

function whereOf(candidates: Candidate[]): string {
  const places = new Map<string, number[]>();
  for (const c of candidates) {
    const m = / at ([^ ]+):(\d+)$/.exec(c.summary);
    if (!m) continue;
    const lines = places.get(m[1]) ?? [];
    lines.push(Number(m[2]));
    places.set(m[1], lines);
  }
  if (places.size === 0) return '';
  const shown = [...places.entries()].slice(0, 3).map(([file, lines]) => {
    const lo = Math.min(...lines);
    const hi = Math.max(...lines);
    return lo === hi ? `${file}:${lo}` : `${file}:${lo}–${hi}`;
  });
  return ` at ${shown.join(', ')}`;
}

function nameOf(id: string): string {
  const name = id.includes('::') ? id.slice(id.indexOf('::') + 2) : id;
  return `\`${clip(name, 60)}\``;
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function clip(s: string, max = 80): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
