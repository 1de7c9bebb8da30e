/**
 * What a failing test reaches, for both engines: the workspace files it loads (parsed once, cached) and the code
 * units below it (contextUnits), from its own test block. The model's context quotes these units; the built-in
 * engine mutates their lines first.
 */
import type { SourceFiles, SyntaxParser } from './ports';
import type { TestResult } from './types';
import { unitsUnderTest, type FileInfo, type Load, type Unit } from './contextUnits';
import { createModuleResolver, type ModuleResolver } from './moduleResolver';
import { outlineSource, type Definition } from './sourceOutline';
import { unitSuspicion, type LineScores } from './spectrum';

/** A cached loader of parsed workspace files; files larger than `maxChars` are read but not parsed. */
export function createFileLoader(files: SourceFiles, syntax: SyntaxParser, maxChars = 400_000): Load {
  const cache = new Map<string, Promise<FileInfo | undefined>>();
  return (p) => {
    let f = cache.get(p);
    if (!f) cache.set(p, (f = loadFile(p, files, syntax, maxChars)));
    return f;
  };
}

async function loadFile(p: string, files: SourceFiles, syntax: SyntaxParser, maxChars: number): Promise<FileInfo | undefined> {
  let text: string | undefined;
  try {
    text = await files.read(p);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  const language = syntax.languageOf(p);
  const outline = language && text.length <= maxChars ? await outlineSource(language, text, syntax) : undefined;
  return { path: p, lines: text.split(/\r?\n/), language, outline };
}

/** The failing test's block in its file: by the failure's line, else by name; else the lines around the failure. */
export function testBlockOf(file: FileInfo, f: TestResult): { name: string; startRow: number; endRow: number } | undefined {
  const tests = file.outline?.tests ?? [];
  const row = f.failure?.location?.file === f.file ? f.failure.location.line - 1 : undefined;
  if (row !== undefined) {
    const around = tests.filter((t) => t.startRow <= row && row <= t.endRow).sort((a, b) => (a.endRow - a.startRow) - (b.endRow - b.startRow))[0];
    if (around) return around;
  }
  const last = lastSegment(f.name);
  const byName = tests.find((t) => t.name === f.name) ?? tests.find((t) => lastSegment(t.name) === last);
  if (byName) return byName;
  return row === undefined ? undefined : { name: f.name, startRow: Math.max(0, row - 5), endRow: Math.min(file.lines.length - 1, row + 5) };
}

function lastSegment(name: string): string {
  return name.split(/ > |::/).pop()!.replace(/\[.*\]$/, '').trim();
}

/** The units each failing test reaches, most suspicious first per test. */
export async function unitsReachedBy(
  failures: TestResult[], load: Load, isTestFile: (p: string) => boolean, resolver: ModuleResolver,
): Promise<Unit[]> {
  const out: Unit[] = [];
  for (const failure of failures) {
    const testFile = await load(failure.file);
    const block = testFile && testBlockOf(testFile, failure);
    out.push(...await unitsUnderTest({ failure, testFile, block, load, resolver, isTestFile }));
  }
  return out;
}

/** True for paths in installed packages or build output, which are never worth quoting or mutating. */
export function isInstalledOrBuilt(path: string): boolean {
  return /(^|\/)(node_modules|dist|out|build)\//.test(path);
}

/**
 * Code the failing tests ran (by coverage) that the call graph did not reach: calls through registries,
 * callbacks, dynamic imports or dispatch the resolver cannot follow. The innermost functions and methods (and
 * module-level tables) with a line some failing entry ran, most suspicious first, at most `max`; `known` holds
 * `file:startRow` keys of units already found.
 */
export async function unitsRunByFailingTests(
  scores: LineScores, load: Load, isTestFile: (p: string) => boolean, known: Set<string>, max = 8,
): Promise<{ unit: Unit; suspicion: number }[]> {
  const found: { unit: Unit; suspicion: number }[] = [];
  for (const path of scores.failingFiles()) {
    if (isTestFile(path) || isInstalledOrBuilt(path)) continue;
    const file = await load(path);
    const defs = file?.outline?.definitions ?? [];
    if (!file) continue;
    for (const def of innermostDefinitions(defs)) {
      if (known.has(`${path}:${def.startRow}`)) continue;
      const suspicion = unitSuspicion(scores, path, def.startRow + 1, def.endRow + 1) ?? 0;
      if (suspicion <= 0) continue;
      found.push({ unit: { file, def, why: `run by the failing tests (coverage), not reached through the calls followed`, marks: [], depth: 3 }, suspicion });
    }
  }
  return found.sort((a, b) => b.suspicion - a.suspicion).slice(0, max);
}

/** Definitions that hold no other definition (a class's methods rather than the class). */
function innermostDefinitions(defs: Definition[]): Definition[] {
  return defs.filter((d) => !defs.some((o) => o !== d && o.startRow >= d.startRow && o.endRow <= d.endRow && (o.startRow > d.startRow || o.endRow < d.endRow)));
}

export { createModuleResolver };
