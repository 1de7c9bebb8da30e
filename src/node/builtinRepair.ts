/**
 * The built-in repair engine for Node: the editor-free proposer and critic of src/core/builtin. Its ranking reads
 * the coverage the loop measured on the baseline run (TestReport.coverage), so it needs no test runs of its own.
 */
import type { Critic, Proposer } from '../core/ports';
import { createBuiltinCritic } from '../core/builtin/critique';
import { createBuiltinProposer, type BuiltinBudget } from '../core/builtin/proposer';

export interface BuiltinRepairEnv {
  budget?: BuiltinBudget;
  /** How many candidates the loop tests at once (for the per-round time estimate). */
  concurrency?: number;
  source?: 'builtin' | 'hybrid';
}

/** The built-in proposer and critic. One pair per run: the proposer keeps its ranked mutations between rounds. */
export function createBuiltinRepair(env: BuiltinRepairEnv): { proposer: Proposer; critic: Critic } {
  const proposer = createBuiltinProposer({ ...env.budget, concurrency: env.concurrency, source: env.source });
  return { proposer, critic: createBuiltinCritic() };
}
