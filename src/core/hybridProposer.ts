/**
 * Hybrid proposer: the built-in engine's quick pass goes first (round 1, no tokens spent); when it does not
 * verify a fix, later rounds ask the model, which sees the built-in's best near-miss as "best attempt so far"
 * and its critique in memory. When the built-in has nothing to try, the model takes over at once.
 */
import type { Proposal, ProposalRequest, Proposer } from './ports';

/** Combines a built-in proposer (first) with a model proposer (afterwards). */
export function createHybridProposer(builtin: Proposer, model: Proposer): Proposer {
  let builtinDone = false;
  return {
    name: `${builtin.name} then ${model.name}`,
    async propose(request: ProposalRequest): Promise<Proposal[]> {
      if (!builtinDone) {
        builtinDone = true;
        const quick = await builtin.propose(request);
        if (quick.length > 0) return quick.map((p) => ({ ...p, source: 'hybrid' as const }));
      }
      return model.propose(request);
    },
  };
}
