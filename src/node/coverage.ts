/**
 * Line coverage of the failing and the passing tests from V8 (NODE_V8_COVERAGE), for node:test and mocha
 * projects where it costs two extra test runs in a scratch copy. Lines run by failing tests but not by passing
 * ones rank highest; lines the failing tests never run rank lowest.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';
import type { CoverageHints } from '../core/builtin/localise';
import type { TestRunner } from '../core/ports';
import type { TestReport, TestSelector } from '../core/types';

export interface CoverageRequest {
  runner: TestRunner;
  /** A scratch copy to run in (disposed afterwards). */
  scratch: () => Promise<{ root: string; dispose(): Promise<void> }>;
  baseline: TestReport;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Frameworks whose test processes exit normally, so V8 writes its coverage files. */
const COVERED_FRAMEWORKS = new Set(['node-test', 'mocha']);

/** Where failing and passing tests ran (block level), or undefined when coverage is not cheap here. */
export async function coverageHints(req: CoverageRequest): Promise<CoverageHints | undefined> {
  if (!COVERED_FRAMEWORKS.has(req.baseline.framework)) return undefined;
  // A test that ran out of time would do so again, and a killed process writes no coverage: leave those out.
  const failing = req.baseline.tests.filter((t) => t.status === 'failed');
  const passing = req.baseline.tests.filter((t) => t.status === 'passed');
  if (failing.length === 0) return undefined;
  const ws = await req.scratch();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-v8cov-'));
  try {
    const selectors = (tests: typeof failing): TestSelector[] => tests.map((t) => ({ file: t.file, name: t.name }));
    const failDir = path.join(tmp, 'failing');
    const passDir = path.join(tmp, 'passing');
    await req.runner.run({ root: ws.root, only: selectors(failing), timeoutMs: req.timeoutMs, signal: req.signal, env: { NODE_V8_COVERAGE: failDir } });
    const failed = blocksRun(failDir, ws.root);
    let passed = new Map<string, V8Range[]>();
    if (passing.length > 0 && !req.signal?.aborted) {
      await req.runner.run({ root: ws.root, only: selectors(passing), timeoutMs: req.timeoutMs, signal: req.signal, env: { NODE_V8_COVERAGE: passDir } });
      passed = blocksRun(passDir, ws.root);
    }
    if (failed.size === 0) return undefined;
    return {
      at(file: string, offset: number): number | undefined {
        const f = failed.get(file);
        if (!f) return undefined;
        if (!ran(f, offset)) return 0;
        const p = passed.get(file);
        return p && ran(p, offset) ? 0.5 : 1;
      },
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    await ws.dispose().catch(() => undefined);
  }
}

interface V8Range { startOffset: number; endOffset: number; count: number }
interface V8Script { url: string; functions: { ranges: V8Range[] }[] }

/** Workspace-relative file → its V8 block ranges, innermost (shortest) first, from every process that ran it. */
export function blocksRun(dir: string, root: string): Map<string, V8Range[]> {
  const out = new Map<string, V8Range[]>();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return out;
  }
  const realRoot = fs.realpathSync(root);
  for (const entry of entries) {
    let scripts: V8Script[];
    try {
      scripts = (JSON.parse(fs.readFileSync(path.join(dir, entry), 'utf8')) as { result: V8Script[] }).result;
    } catch {
      continue;
    }
    for (const script of scripts) {
      if (!script.url.startsWith('file:')) continue;
      const rel = path.relative(realRoot, fileURLToPath(script.url));
      if (rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).includes('node_modules')) continue;
      const key = rel.split(path.sep).join('/');
      const ranges = out.get(key) ?? [];
      out.set(key, ranges);
      ranges.push(...script.functions.flatMap((f) => f.ranges));
    }
  }
  for (const ranges of out.values()) ranges.sort((a, b) => (a.endOffset - a.startOffset) - (b.endOffset - b.startOffset));
  return out;
}

/** True when some process ran the code at `offset` (the innermost range of each process decides). */
function ran(ranges: V8Range[], offset: number): boolean {
  // Ranges from several processes are merged: any innermost range with a count means it ran somewhere.
  let innermostSize = -1;
  for (const r of ranges) {
    if (r.startOffset > offset || offset >= r.endOffset) continue;
    const size = r.endOffset - r.startOffset;
    if (innermostSize >= 0 && size > innermostSize) break;
    innermostSize = size;
    if (r.count > 0) return true;
  }
  return false;
}
