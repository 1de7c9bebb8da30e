import * as fs from 'fs';
import * as path from 'path';
import type { ReporterEvent } from './reporterEvents';

/**
 * A light static scan of a JavaScript/TypeScript test file for its test names (describe/it/test calls with a
 * literal title), in source order. Used only to name the test an endless loop blocked when the framework could
 * not report it (node:test's per-file child cannot flush its events once its event loop is stuck).
 */

const CALL = /\b(describe|suite|context|it|test|specify)(?:\.(?:only|skip|todo|concurrent|sequential))?\s*\(\s*(['"`])((?:\\.|(?!\2)[^\\\n])*)\2/g;
const SUITES = new Set(['describe', 'suite', 'context']);

/** Full names (suites first) of the tests a file declares, in source order. Brace depth approximates nesting. */
export function scanTestNames(source: string): string[][] {
  const depthAt = braceDepths(source);
  const open: { name: string; depth: number }[] = [];
  const tests: string[][] = [];
  for (const m of source.matchAll(CALL)) {
    const depth = depthAt[m.index ?? 0];
    while (open.length > 0 && open[open.length - 1].depth >= depth) open.pop();
    const title = unescape(m[3]);
    if (SUITES.has(m[1])) open.push({ name: title, depth });
    else tests.push([...open.map((o) => o.name), title]);
  }
  return tests;
}

function braceDepths(source: string): Int32Array {
  const depths = new Int32Array(source.length + 1);
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    depths[i] = depth;
    const c = source[i];
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
  }
  depths[source.length] = depth;
  return depths;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/**
 * 'collected' events, from a static scan, for the files that started and never ended (their worker was stuck
 * before it could say which test it was running). `root` resolves relative file names.
 */
export function scanUnfinishedFiles(events: ReporterEvent[], root: string): ReporterEvent[] {
  const started = new Set(events.filter((e) => e.type === 'fileStart').map((e) => e.file));
  for (const e of events) if (e.type === 'fileEnd') started.delete(e.file);
  const out: ReporterEvent[] = [];
  for (const file of started) {
    try {
      out.push({ type: 'collected', file, tests: scanTestNames(fs.readFileSync(path.resolve(root, file), 'utf8')) });
    } catch {
      // A file we cannot read adds nothing.
    }
  }
  return out;
}
