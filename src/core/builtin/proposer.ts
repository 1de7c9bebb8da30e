/**
 * The built-in proposer: localise → mutate → rank by suspicion × prior, and hand the loop the next batch each
 * round. Candidates that improved things (some failing targets pass, nothing new breaks) seed second-order
 * mutations in the next round. No model, no network: only the workspace's files and syntax trees.
 */
import type { Proposal, ProposalRequest, Proposer } from '../ports';
import type { Candidate } from '../types';
import { generateMutations } from './generate';
import { ochiaiScores } from '../spectrum';
import { localiseFaults, type Suspicion } from './localise';
import { applyEdits, describeMutation, type Mutation, OPERATOR_LABELS } from './mutation';

/** How much the built-in engine tries per round. */
export interface BuiltinBudget {
  /** At most this many candidates per round (default 60). */
  candidatesPerRound?: number;
  /** Aim to finish testing a round's candidates within this many seconds (default 30). */
  secondsPerRound?: number;
}

export interface BuiltinProposerOptions extends BuiltinBudget {
  /** How many candidates the loop tests at once (for the time estimate; default 2). */
  concurrency?: number;
  /** 'hybrid' when the pass runs ahead of a model. */
  source?: 'builtin' | 'hybrid';
  /** How many improved candidates seed second-order mutations per round (default 2). */
  seeds?: number;
}

interface FileState {
  language: NonNullable<ReturnType<ProposalRequest['syntax']['languageOf']>>;
  original: string;
  /** The original already had syntax errors (then mutants are not parse-checked). */
  hadError: boolean;
}

/** What the proposer remembers between rounds of one run. */
interface SearchState {
  suspicion: Suspicion;
  files: Map<string, FileState>;
  ranked: Mutation[];
  cursor: number;
  expanded: Set<string>;
  proposed: Set<string>;
}

/** Creates the built-in proposer. One instance serves one run (it keeps the ranked mutations between rounds). */
export function createBuiltinProposer(options: BuiltinProposerOptions = {}): Proposer {
  let state: SearchState | undefined;
  return {
    name: 'builtin',
    async propose(request: ProposalRequest): Promise<Proposal[]> {
      if (!state || request.round === 1) state = await initialState(request);
      const budget = roundBudget(request, options);
      const proposals: Proposal[] = [];
      const secondOrder = await secondOrderProposals(request, state, options, Math.ceil(budget / 2));
      proposals.push(...secondOrder);
      while (proposals.length < budget && state.cursor < state.ranked.length) {
        const m = state.ranked[state.cursor++];
        const file = state.files.get(m.file)!;
        const after = applyEdits(file.original, [m]);
        if (state.proposed.has(`${m.file}\n${after}`)) continue;
        if (!(await parsesLikeBefore(request, file, after))) continue;
        state.proposed.add(`${m.file}\n${after}`);
        proposals.push({
          summary: describeMutation(m),
          rationale: rationaleOf(m, state.suspicion),
          changes: [{ path: m.file, before: file.original, after }],
          source: options.source ?? 'builtin',
        });
      }
      return proposals;
    },
  };
}

async function initialState(request: ProposalRequest): Promise<SearchState> {
  const suspicion = await localiseFaults({
    failures: request.failures, files: request.files, syntax: request.syntax, isTestFile: request.isTestFile,
    coverage: ochiaiScores(request.baseline.coverage),
  });
  const files = new Map<string, FileState>();
  const ranked: Mutation[] = [];
  for (const [path, lines] of suspicion) {
    const language = request.syntax.languageOf(path);
    const original = await request.files.read(path);
    if (!language || original === undefined) continue;
    const { mutations, hadError } = await request.syntax.parse(language, original, (root) => ({
      mutations: generateMutations(root, original, path, language, (line) => lines.get(line) ?? 0),
      hadError: root.hasError,
    }));
    files.set(path, { language, original, hadError });
    ranked.push(...mutations);
  }
  ranked.sort((a, b) => b.score - a.score || a.line - b.line || a.start - b.start);
  return { suspicion, files, ranked, cursor: 0, expanded: new Set(), proposed: new Set() };
}

/** Candidates this round: the count budget, and what fits in the seconds budget at the measured speed. */
function roundBudget(request: ProposalRequest, options: BuiltinProposerOptions): number {
  const max = options.candidatesPerRound ?? 60;
  const seconds = options.secondsPerRound ?? 30;
  const tested = request.previousRounds.flatMap((r) => r.candidates).filter((c) => c.durationMs > 0);
  const perCandidate = tested.length
    ? tested.reduce((s, c) => s + c.durationMs, 0) / tested.length
    : Math.max(50, request.baseline.durationMs);
  const fits = Math.floor((seconds * 1000 * (options.concurrency ?? 2)) / perCandidate);
  return Math.max(4, Math.min(max, fits));
}

/** Improved candidates of earlier rounds, best first, combined with a further mutation each. */
async function secondOrderProposals(
  request: ProposalRequest, state: SearchState, options: BuiltinProposerOptions, budget: number,
): Promise<Proposal[]> {
  const seeds = request.previousRounds.flatMap((r) => r.candidates)
    .filter((c) => isSeed(c) && !state.expanded.has(c.id))
    .sort((a, b) => b.score - a.score)
    .slice(0, options.seeds ?? 2);
  const out: Proposal[] = [];
  for (const [i, seed] of seeds.entries()) {
    state.expanded.add(seed.id);
    const share = Math.ceil((budget - out.length) / (seeds.length - i));
    const change = seed.changes[0];
    const file = change && state.files.get(change.path);
    const lines = change && state.suspicion.get(change.path);
    if (!file || !lines || seed.changes.length !== 1) continue;
    const mutations = await request.syntax.parse(file.language, change.after, (root) =>
      generateMutations(root, change.after, change.path, file.language, (line) => lines.get(line) ?? 0));
    mutations.sort((a, b) => b.score - a.score || a.line - b.line);
    let taken = 0;
    for (const m of mutations) {
      if (taken >= share) break;
      const after = applyEdits(change.after, [m]);
      if (after === file.original || state.proposed.has(`${change.path}\n${after}`)) continue;
      if (!(await parsesLikeBefore(request, file, after))) continue;
      state.proposed.add(`${change.path}\n${after}`);
      taken++;
      out.push({
        summary: `${seed.summary.replace(/ at ([^ ]+)$/, ' at $1')} + ${describeMutation(m)}`,
        rationale: `${seed.id} made ${seed.targetsPassed} of ${seed.targetsTotal} failing tests pass; this adds ${OPERATOR_LABELS[m.operator].replace(/s$/, '')} on top of it`,
        changes: [{ path: change.path, before: file.original, after }],
        source: options.source ?? 'builtin',
      });
    }
  }
  return out;
}

/** A candidate worth building on: some targets pass and nothing that passed before is known to break. */
export function isSeed(c: Candidate): boolean {
  return (c.status === 'improved' || c.status === 'passed-targets') && c.newFailures.length === 0 && c.targetsPassed > 0;
}

/** A mutant that no longer parses (while the original did) is not worth a test run. */
async function parsesLikeBefore(request: ProposalRequest, file: FileState, after: string): Promise<boolean> {
  if (file.hadError || after.length > 50_000) return true;
  return !(await request.syntax.parse(file.language, after, (root) => root.hasError));
}

function rationaleOf(m: Mutation, suspicion: Suspicion): string {
  const s = suspicion.get(m.file)?.get(m.line) ?? 0;
  const where = s >= 1 ? 'where a failing test’s stack points' : s >= 0.5 ? 'in a function the failing tests call' : 'in code the failing tests reach';
  return `${OPERATOR_LABELS[m.operator].replace(/s$/, '')} ${where} (line ${m.line})`;
}
