/**
 * The built-in repair engine for Node: the editor-free proposer and critic of src/core/builtin, with line
 * coverage from V8 (NODE_V8_COVERAGE) for node:test projects where it costs one extra test run.
 */
import type { Critic, Proposer, TestRunner } from '../core/ports';
import { createBuiltinCritic } from '../core/builtin/critique';
import { createBuiltinProposer, type BuiltinBudget } from '../core/builtin/proposer';
import { coverageHints } from './coverage';

export interface BuiltinRepairEnv {
  runner: TestRunner;
  /** Per test run, in milliseconds. */
  timeoutMs: number;
  budget?: BuiltinBudget;
  /** How many candidates the loop tests at once (for the per-round time estimate). */
  concurrency?: number;
  /** Collect V8 line coverage of failing vs passing tests (default true; only node:test projects). */
  coverage?: boolean;
  /** Where coverage runs may happen: a scratch copy's root (default: no coverage). */
  coverageRoot?: () => Promise<{ root: string; dispose(): Promise<void> }>;
  source?: 'builtin' | 'hybrid';
}

/** The built-in proposer and critic. One pair per run: the proposer keeps its ranked mutations between rounds. */
export function createBuiltinRepair(env: BuiltinRepairEnv): { proposer: Proposer; critic: Critic } {
  const proposer = createBuiltinProposer({
    ...env.budget,
    concurrency: env.concurrency,
    source: env.source,
    coverage: env.coverage !== false && env.coverageRoot
      ? (request) => coverageHints({ runner: env.runner, scratch: env.coverageRoot!, baseline: request.baseline, timeoutMs: env.timeoutMs, signal: request.signal })
      : undefined,
  });
  return { proposer, critic: createBuiltinCritic() };
}
