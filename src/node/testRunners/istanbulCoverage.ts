/**
 * Reads the istanbul JSON (`coverage-final.json`) that jest's and vitest's own V8 coverage write. Both frameworks
 * map the transformed code (ts-jest, babel-jest, vite/esbuild) back to the source files through source maps before
 * writing it, so its line numbers are the source's. Both also merge the coverage of every test file into one map,
 * so a run gives one spectrum entry for the whole run.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { CoverageSpectrum, TestResult } from '../../core/types';
import { isTestFile } from '../../core/testFiles';
import { WorkspaceFiles } from './v8Coverage';

/** A position in istanbul's maps: 1-based line, 0-based column. */
interface IstanbulPosition {
  line: number;
  column?: number | null;
}

/** The parts of one file's istanbul coverage we read. */
export interface IstanbulFileCoverage {
  path?: string;
  statementMap: Record<string, { start: IstanbulPosition; end: IstanbulPosition }>;
  s: Record<string, number>;
}

/** coverage-final.json: absolute file path → its coverage. */
export type IstanbulCoverageMap = Record<string, IstanbulFileCoverage>;

/** The file both frameworks' `json` reporter writes. */
export const ISTANBUL_JSON = 'coverage-final.json';

/**
 * The lines each file ran, ascending. A line ran when the innermost statement spanning it ran: a line inside a
 * statement that ran but also inside a smaller one that never did (the body of a callback that was passed but
 * never called) does not count. V8's statements are single lines, so there this is simply the lines whose count
 * is above zero. Pure.
 */
export function linesRun(map: IstanbulCoverageMap): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [key, file] of Object.entries(map)) {
    if (!file || typeof file !== 'object' || !file.statementMap || !file.s) continue;
    const innermost = new Map<number, { span: number; ran: boolean }>();
    for (const [id, loc] of Object.entries(file.statementMap)) {
      const start = loc?.start?.line;
      const end = Math.max(start, loc?.end?.line ?? start);
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 1) continue;
      const ran = (file.s[id] ?? 0) > 0;
      for (let line = start; line <= end; line++) {
        const seen = innermost.get(line);
        if (!seen || end - start < seen.span || (end - start === seen.span && ran)) innermost.set(line, { span: end - start, ran });
      }
    }
    const ran = [...innermost].filter(([, s]) => s.ran).map(([line]) => line).sort((a, b) => a - b);
    if (ran.length > 0) out.set(typeof file.path === 'string' ? file.path : key, ran);
  }
  return out;
}

/**
 * Keeps the workspace's own source files: absolute paths made relative to `root` (through symbolic links too),
 * files that exist there, never node_modules, Python environments, dot-folders, test files or anything outside
 * the root; in each file only the lines that hold code.
 */
export function workspaceLines(root: string, lines: Map<string, number[]>): Record<string, number[]> {
  const files = new WorkspaceFiles(root);
  const out: Record<string, number[]> = {};
  for (const [file, run] of lines) {
    const rel = path.isAbsolute(file) ? files.relative(file) : undefined;
    if (!rel || isTestFile(rel)) continue;
    const code = files.codeLines(rel);
    const kept = run.filter((line) => code.has(line));
    if (kept.length > 0) out[rel] = kept;
  }
  return out;
}

/**
 * The run's istanbul JSON in `dir` as one spectrum entry for the whole run (jest and vitest merge every test
 * file's coverage), failed when any test failed or timed out; or a note saying why there is none.
 */
export function istanbulRunSpectrum(root: string, dir: string, tests: TestResult[], source: string): CoverageSpectrum | { note: string } {
  const file = path.join(dir, ISTANBUL_JSON);
  if (!fs.existsSync(file)) return { note: `${source} wrote no ${ISTANBUL_JSON}` };
  const map = JSON.parse(fs.readFileSync(file, 'utf8')) as IstanbulCoverageMap;
  if (!map || typeof map !== 'object' || Array.isArray(map)) throw new Error(`${ISTANBUL_JSON} is not a coverage map`);
  const failed = tests.some((t) => t.status === 'failed' || t.status === 'timedOut');
  return { granularity: 'run', source, entries: [{ label: 'run', failed, lines: workspaceLines(root, linesRun(map)) }] };
}
