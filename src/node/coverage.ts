/**
 * Reading V8's coverage files (NODE_V8_COVERAGE): which block ranges of which workspace files ran.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

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
export function ran(ranges: V8Range[], offset: number): boolean {
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
