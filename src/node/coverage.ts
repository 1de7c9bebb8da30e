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

/** Suspicion per workspace file and line from coverage, or undefined when coverage is not cheap here. */
export async function coverageHints(req: CoverageRequest): Promise<CoverageHints | undefined> {
  if (!COVERED_FRAMEWORKS.has(req.baseline.framework)) return undefined;
  const failing = req.baseline.tests.filter((t) => t.status === 'failed' || t.status === 'timedOut');
  const passing = req.baseline.tests.filter((t) => t.status === 'passed');
  if (failing.length === 0) return undefined;
  const ws = await req.scratch();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-v8cov-'));
  try {
    const selectors = (tests: typeof failing): TestSelector[] => tests.map((t) => ({ file: t.file, name: t.name }));
    const failDir = path.join(tmp, 'failing');
    const passDir = path.join(tmp, 'passing');
    await req.runner.run({ root: ws.root, only: selectors(failing), timeoutMs: req.timeoutMs, signal: req.signal, env: { NODE_V8_COVERAGE: failDir } });
    const failed = linesRun(failDir, ws.root);
    let passed = new Map<string, Set<number>>();
    if (passing.length > 0 && !req.signal?.aborted) {
      await req.runner.run({ root: ws.root, only: selectors(passing), timeoutMs: req.timeoutMs, signal: req.signal, env: { NODE_V8_COVERAGE: passDir } });
      passed = linesRun(passDir, ws.root);
    }
    if (failed.size === 0) return undefined;
    const hints: CoverageHints = new Map();
    for (const [file, lines] of failed) {
      const byLine = new Map<number, number>();
      const pass = passed.get(file) ?? new Set<number>();
      const maxLine = Math.max(...lines, ...pass);
      for (let l = 1; l <= maxLine; l++) {
        byLine.set(l, lines.has(l) ? (pass.has(l) ? 0.5 : 1) : 0);
      }
      hints.set(file, byLine);
    }
    return hints;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    await ws.dispose().catch(() => undefined);
  }
}

interface V8Range { startOffset: number; endOffset: number; count: number }
interface V8Script { url: string; functions: { ranges: V8Range[] }[] }

/** Workspace-relative file → 1-based lines whose first code character ran at least once. */
export function linesRun(dir: string, root: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
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
      const abs = fileURLToPath(script.url);
      const rel = path.relative(realRoot, abs);
      if (rel.startsWith('..') || path.isAbsolute(rel) || rel.split(path.sep).includes('node_modules')) continue;
      let text: string;
      try {
        text = fs.readFileSync(abs, 'utf8');
      } catch {
        continue;
      }
      const key = rel.split(path.sep).join('/');
      const lines = out.get(key) ?? new Set<number>();
      out.set(key, lines);
      for (const l of executedLines(text, script.functions.flatMap((f) => f.ranges))) lines.add(l);
    }
  }
  return out;
}

/** Lines whose first non-blank character lies in a range that ran (the innermost range decides). */
function executedLines(text: string, ranges: V8Range[]): number[] {
  const sorted = [...ranges].sort((a, b) => (a.endOffset - a.startOffset) - (b.endOffset - b.startOffset));
  const lines: number[] = [];
  let offset = 0;
  text.split('\n').forEach((line, i) => {
    const indent = line.length - line.trimStart().length;
    if (line.trim() !== '') {
      const at = offset + indent;
      const inner = sorted.find((r) => r.startOffset <= at && at < r.endOffset);
      if (inner && inner.count > 0) lines.push(i + 1);
    }
    offset += line.length + 1;
  });
  return lines;
}
