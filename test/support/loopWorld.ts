import type { LoopDeps } from '../../src/core/loop';
import type { CritiqueRequest, ProposalRequest, Proposal, ScratchWorkspace, TestRunRequest } from '../../src/core/ports';
import { DEFAULT_LOOP_OPTIONS, type LoopEvent, type LoopOptions, type RunResult, type TestReport } from '../../src/core/types';

/**
 * Shared by the loop's unit tests. An in-memory world: a workspace of files and tests that are predicates over
 * the files. The loop itself is real; only the world (disk, test processes, the model) is simulated here. Real
 * processes are in test/integration.
 */
export interface FakeTest { file: string; name: string; passes(files: Record<string, string>): string | true }

export function world(initial: Record<string, string>, tests: FakeTest[]) {
  const spaces = new Map<string, Record<string, string>>();
  const runs: { root: string; only?: string[]; files: Record<string, string> }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let created = 0;
  let disposed = 0;
  const runner = {
    async run(req: TestRunRequest): Promise<TestReport> {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const files = spaces.get(req.root)!;
      runs.push({ root: req.root, only: req.only?.map((s) => `${s.file}::${s.name}`), files: { ...files } });
      const selected = tests.filter((t) => !req.only || req.only.some((s) => s.file === t.file && (!s.name || s.name === t.name)));
      const results = selected.map((t) => {
        const verdict = t.passes(files);
        return verdict === true
          ? { id: `${t.file}::${t.name}`, file: t.file, name: t.name, status: 'passed' as const, durationMs: 1 }
          : { id: `${t.file}::${t.name}`, file: t.file, name: t.name, status: 'failed' as const, durationMs: 1, failure: { message: verdict, frames: [] } };
      });
      const failed = results.filter((r) => r.status === 'failed').length;
      return { framework: 'node-test', command: 'fake', exitCode: failed ? 1 : 0, durationMs: 5, timedOut: false, summary: { passed: results.length - failed, failed, skipped: 0 }, tests: results };
    },
  };
  const scratch = {
    async create(): Promise<ScratchWorkspace> {
      const root = `/scratch/${++created}`;
      spaces.set(root, { ...initial });
      return {
        root,
        async apply(changes) { for (const c of changes) spaces.get(root)![c.path] = c.after; },
        async reset() { spaces.set(root, { ...initial }); },
        async dispose() { disposed++; },
      };
    },
  };
  return { runner, scratch, runs, stats: () => ({ maxInFlight, created, disposed }) };
}

export const SRC = { 'src/sum.js': 'a - b', 'src/other.js': 'ok', 'test/sum.test.js': 'expect 3' };
export const TESTS: FakeTest[] = [
  { file: 'test/sum.test.js', name: 'adds', passes: (f) => (f['src/sum.js'].startsWith('a + b') || f['test/sum.test.js'] === 'expect -1' ? true : `expected 3, got ${f['src/sum.js'].includes('*') ? 2 : -1}`) },
  { file: 'test/other.test.js', name: 'other', passes: (f) => (f['src/sum.js'] !== 'a + b + 0' ? true : 'other broke') },
];

export function change(path: string, after: string): Proposal['changes'][number] {
  return { path, before: (SRC as Record<string, string>)[path], after };
}

export function deps(w: ReturnType<typeof world>, propose: (r: ProposalRequest) => Proposal[] | Promise<Proposal[]>, critic?: (r: CritiqueRequest) => string) {
  const proposals: ProposalRequest[] = [];
  const critiques: CritiqueRequest[] = [];
  let t = 1_700_000_000_000;
  const d: LoopDeps = {
    root: '/work/project', runner: w.runner, scratch: w.scratch,
    files: { read: async (p) => (SRC as Record<string, string>)[p], list: async () => Object.keys(SRC) },
    syntax: { languageOf: () => undefined, parse: async () => { throw new Error('no parser in this test'); } },
    proposer: { name: 'scripted', propose: async (r) => { proposals.push(r); return propose(r); } },
    critic: { critique: async (r) => { critiques.push(r); return { round: r.round, author: 'model', text: critic ? critic(r) : `critique ${r.round}`, durationMs: 1 }; } },
    isTestFile: (p) => p.startsWith('test/'),
    clock: { now: () => (t += 10) },
    providerLabel: 'scripted',
  };
  return { d, proposals, critiques };
}

export async function drain(gen: AsyncGenerator<LoopEvent, RunResult>): Promise<{ events: LoopEvent[]; result: RunResult }> {
  const events: LoopEvent[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { events, result: next.value };
    events.push(next.value);
  }
}

export const opts = (o: Partial<LoopOptions> = {}): LoopOptions => ({ ...DEFAULT_LOOP_OPTIONS, flakyRetries: 0, ...o });
export const prop = (summary: string, ...changes: Proposal['changes']): Proposal => ({ summary, changes, source: 'model' });
