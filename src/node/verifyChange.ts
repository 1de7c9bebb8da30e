/**
 * `reflect verify` and the `verify_change` tool: is the working tree's change a real fix? It compares the tests
 * of the working tree with those of a git base (HEAD by default), each side run in its own scratch copy so the
 * user's folder is never written: every test that failed at the base must pass now, no test that passed at the
 * base may fail, be skipped or go missing, and the change must not touch the test setup.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ScratchWorkspace } from '../core/ports';
import type { FileChange, TestReport, TestResult, TestSummary } from '../core/types';
import { GitBase, workingTreeChanges } from './gitBase';
import { createScratchProvider } from './scratchWorkspace';
import { createTestRunner } from './testRunners/createTestRunner';
import { testSetupTampering } from './testSetupGuard';

/** What to verify and how. */
export interface VerifyOptions {
  /** Absolute path of the workspace (inside a git repository). */
  root: string;
  /** Git ref of the base (default HEAD). */
  base?: string;
  /** Test command (default: detected); comes from the user, never from a model. */
  command?: string;
  /** Time limit of one side's test run (default 120 s). */
  testTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/** The verdict and the evidence behind it. Test ids are `FILE::FULL NAME`. */
export interface VerifyResult {
  verdict: 'pass' | 'block';
  /** One sentence per problem; empty when the verdict is pass. */
  reasons: string[];
  base: GitBase;
  changedFiles: string[];
  /** How the change touches the test setup (test files, scripts, configs, snapshots, skip/only markers). */
  tampering: string[];
  /** Failed at the base, pass now. */
  fixed: string[];
  /** Failed at the base, still fail. */
  stillFailing: string[];
  /** Passed at the base; fail, time out, are skipped or are missing now. */
  broken: { id: string; now: TestResult['status'] | 'missing'; message?: string }[];
  /** Tests the base does not have that fail now. */
  newFailing: string[];
  /** Undefined when the tests were not run (the change tampers with the test setup). */
  baseSummary?: TestSummary;
  currentSummary?: TestSummary;
  durationMs: number;
}

/**
 * Verifies the working tree against the base. Throws (GitBaseError, TestSetupError, or an Error saying what to do)
 * when it cannot decide: not a repository, an unknown ref, no test framework, tests that do not run at the base.
 */
export async function verifyWorkingTree(opts: VerifyOptions): Promise<VerifyResult> {
  const started = Date.now();
  const root = path.resolve(opts.root);
  const progress = opts.onProgress ?? (() => undefined);
  const { base, changes, added } = await workingTreeChanges(root, opts.base ?? 'HEAD', opts.signal);
  const changedFiles = changes.map((c) => c.path);
  const tampering = testSetupTampering(changes, { added: new Set(added), packageJson: readIfExists(path.join(root, 'package.json')) });
  const result = (fields: Partial<VerifyResult>): VerifyResult => ({
    verdict: 'pass', reasons: [], base, changedFiles, tampering, fixed: [], stillFailing: [], broken: [], newFailing: [],
    durationMs: Date.now() - started, ...fields,
  });
  // A change to the test setup makes every test result meaningless: block before spending time on the tests.
  if (tampering.length) return result({ verdict: 'block', reasons: tampering });

  const runner = await createTestRunner(root, opts.command !== undefined ? { command: opts.command } : {});
  const scratch = createScratchProvider(root);
  const timeoutMs = opts.testTimeoutMs ?? 120_000;
  const copies: ScratchWorkspace[] = [];
  try {
    progress(`copying the working tree and ${base.ref} (${base.commit.slice(0, 12)}) into scratch folders`);
    const [current, atBase] = await Promise.all([scratch.create(), scratch.create()]);
    copies.push(current, atBase);
    revertToBase(atBase.root, changes, added);
    progress(changes.length ? `running the tests at ${base.ref} and in the working tree` : `no change since ${base.ref}; running the tests once`);
    // Both sides at once: they are separate folders, and a verify should cost about one test run, not two.
    const [baseReport, nowReport] = changes.length
      ? await Promise.all([
        runner.run({ root: atBase.root, timeoutMs, flakyRetries: 0, signal: opts.signal }),
        runner.run({ root: current.root, timeoutMs, flakyRetries: 1, signal: opts.signal }),
      ])
      : await runner.run({ root: current.root, timeoutMs, flakyRetries: 0, signal: opts.signal }).then((r) => [r, r]);
    if (opts.signal?.aborted) throw new Error('verify was cancelled');
    if (baseReport.error && baseReport.tests.length === 0) {
      throw new Error(`the tests do not run at ${base.ref}: ${baseReport.error}; fix the test setup or pass --command`);
    }
    return result({ ...compareReports(baseReport, nowReport, base.ref), baseSummary: baseReport.summary, currentSummary: nowReport.summary });
  } finally {
    await Promise.all(copies.map((c) => c.dispose()));
  }
}

/** Test-by-test comparison of the base's run with the working tree's run. */
export function compareReports(atBase: TestReport, now: TestReport, ref: string): Pick<VerifyResult, 'verdict' | 'reasons' | 'fixed' | 'stillFailing' | 'broken' | 'newFailing'> {
  const nowById = new Map(now.tests.map((t) => [t.id, t]));
  const baseIds = new Set(atBase.tests.map((t) => t.id));
  const passes = (t: TestResult | undefined) => t?.status === 'passed' || t?.status === 'flaky';
  const fails = (t: TestResult | undefined) => t?.status === 'failed' || t?.status === 'timedOut';
  const fixed: string[] = [];
  const stillFailing: string[] = [];
  const broken: VerifyResult['broken'] = [];
  for (const t of atBase.tests) {
    const n = nowById.get(t.id);
    if (fails(t)) (passes(n) ? fixed : stillFailing).push(t.id);
    else if (passes(t) && !passes(n)) broken.push({ id: t.id, now: n?.status ?? 'missing', ...(n?.failure ? { message: failureLine(n.failure) } : {}) });
  }
  const newFailing = now.tests.filter((t) => !baseIds.has(t.id) && fails(t)).map((t) => t.id);
  const reasons: string[] = [];
  if (now.error && now.tests.length === 0) reasons.push(`the tests no longer run: ${now.error}`);
  if (broken.length) reasons.push(`${broken.length} test(s) that passed at ${ref} now ${describeBroken(broken)}`);
  if (stillFailing.length) reasons.push(`${stillFailing.length} test(s) that failed at ${ref} still fail: ${stillFailing.slice(0, 5).join('; ')}`);
  if (newFailing.length) reasons.push(`${newFailing.length} new test(s) fail: ${newFailing.slice(0, 5).join('; ')}`);
  return { verdict: reasons.length ? 'block' : 'pass', reasons, fixed, stillFailing, broken, newFailing };
}

function describeBroken(broken: VerifyResult['broken']): string {
  return broken.slice(0, 5).map((b) => `${b.now === 'failed' ? 'fail' : b.now === 'missing' ? 'are missing (not run)' : b.now === 'skipped' ? 'are skipped' : 'time out'}: ${b.id}${b.message ? ` (${b.message})` : ''}`).join('; ');
}

/** Puts the base's content back into a scratch copy of the working tree: changed files restored, new files removed. */
function revertToBase(copyRoot: string, changes: FileChange[], added: string[]): void {
  const addedSet = new Set(added);
  for (const c of changes) {
    const abs = path.resolve(copyRoot, c.path);
    // git gave these paths, but they are still checked to stay inside the copy (a linked folder could lead out).
    if (!isInside(copyRoot, abs)) continue;
    if (addedSet.has(c.path)) {
      fs.rmSync(abs, { force: true });
    } else {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, c.before);
    }
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function isInside(root: string, abs: string): boolean {
  const real = fs.realpathSync(root);
  let dir = path.dirname(abs);
  while (!fs.existsSync(dir)) dir = path.dirname(dir);
  const rel = path.relative(real, fs.realpathSync(dir));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A failure in a few words: expected and actual when the assertion gave them, else the message's first line. */
function failureLine(f: NonNullable<TestResult['failure']>): string {
  if (f.expected !== undefined || f.actual !== undefined) return `expected ${f.expected ?? '?'}, actual ${f.actual ?? '?'}`.slice(0, 160);
  return (f.message.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 160);
}
