/**
 * Fault localisation: which lines of which source files are worth mutating, and how much. Evidence, strongest
 * first: stack frames of the failing tests in source files, the code units the tests reach through the call graph
 * (the same ranking the model's context uses: functions, methods and module-level tables one to several calls
 * below the test, in any file or workspace package), the functions the tests call by name, and the baseline's
 * coverage when it was measured (spectrum.ts: Ochiai per line, the same scores the model's context is ranked by),
 * which also adds code the failing tests ran that the calls followed did not reach. Files are ranked by this
 * evidence, never by name.
 */
import { coverageFactor, type LineScores } from '../spectrum';
import { createFileLoader, createModuleResolver, isInstalledOrBuilt, unitsReachedBy, unitsRunByFailingTests } from '../testReach';
import type { LanguageId, SourceFiles, SyntaxNode, SyntaxParser } from '../ports';
import type { TestResult } from '../types';

/** file → 1-based line → suspicion in (0, ∞); lines absent are not worth touching. */
export type Suspicion = Map<string, Map<number, number>>;

/** A function definition found in a source file (1-based inclusive lines). */
interface FunctionSpan {
  name: string;
  file: string;
  first: number;
  last: number;
  calls: string[];
}

export interface LocaliseInput {
  failures: TestResult[];
  files: SourceFiles;
  syntax: SyntaxParser;
  isTestFile(path: string): boolean;
  /** Source files larger than this many characters are never parsed (default 200k). */
  maxFileChars?: number;
  /** Ochiai scores from the baseline's coverage, when it was measured. */
  coverage?: LineScores;
}

/** Ranks source lines by suspicion. Pure apart from reading through the SourceFiles and SyntaxParser ports. */
export async function localiseFaults(input: LocaliseInput): Promise<Suspicion> {
  const { failures, files, syntax } = input;
  const maxChars = input.maxFileChars ?? 200_000;
  const all = await files.list();
  const sources = all.filter((p) => !input.isTestFile(p) && syntax.languageOf(p) && !isInstalledOrBuilt(p));
  const suspicion: Suspicion = new Map();
  const bump = (file: string, line: number, value: number) => {
    let lines = suspicion.get(file);
    if (!lines) suspicion.set(file, (lines = new Map()));
    lines.set(line, Math.max(lines.get(line) ?? 0, value));
  };

  // Frames in source files: the top frame is where the failure surfaced.
  const frameWeights = new Map<string, Map<number, number>>();
  for (const f of failures) {
    const frames = [...(f.failure?.frames ?? [])];
    if (f.failure?.location) frames.push(f.failure.location);
    let w = 1;
    for (const fr of frames) {
      if (input.isTestFile(fr.file) || !sources.includes(fr.file)) continue;
      const m = frameWeights.get(fr.file) ?? new Map<number, number>();
      frameWeights.set(fr.file, m);
      m.set(fr.line, Math.max(m.get(fr.line) ?? 0, w));
      w *= 0.7;
    }
  }

  // Names the failing tests call, from the test files (the whole file when the test's own body is not found).
  const called = new Set<string>();
  const testFiles = [...new Set(failures.map((f) => f.file))];
  for (const tf of testFiles) {
    const text = await files.read(tf);
    const lang = syntax.languageOf(tf);
    if (!text || !lang || text.length > maxChars) continue;
    const names = failures.filter((f) => f.file === tf).map((f) => f.name.split(' > ').pop() ?? f.name);
    for (const n of await syntax.parse(lang, text, (root) => calledNames(testBodies(root, names) ?? [root], lang))) called.add(n);
  }

  // What the failing tests reach through the call graph, weaker the deeper it sits (but every unit is worth a try).
  const load = createFileLoader(files, syntax, maxChars);
  const units = await unitsReachedBy(failures, load, input.isTestFile, createModuleResolver(files));
  const evidenceFiles = new Set<string>([...frameWeights.keys(), ...units.map((u) => u.file.path)]);
  for (const u of units) {
    if (input.isTestFile(u.file.path) || /(^|\/)(dist|out|build)\//.test(u.file.path)) continue;
    const w = (u.def.kind === 'constant' ? 0.55 : 0.6) * Math.pow(0.9, Math.max(0, u.depth - 1));
    for (let l = u.def.startRow + 1; l <= u.def.endRow + 1; l++) bump(u.file.path, l, w);
  }

  // Function definitions of the source files: those with evidence first, then the others (up to 300 files).
  const spans: FunctionSpan[] = [];
  const ranked = [...sources.filter((p) => evidenceFiles.has(p)), ...sources.filter((p) => !evidenceFiles.has(p))];
  for (const file of ranked.slice(0, Math.max(300, evidenceFiles.size))) {
    const text = await files.read(file);
    const lang = syntax.languageOf(file);
    if (!text || !lang || text.length > maxChars) continue;
    spans.push(...await syntax.parse(lang, text, (root) => functionSpans(root, file, lang)));
  }

  for (const [file, lines] of frameWeights) {
    for (const [line, w] of lines) {
      bump(file, line, 1.5 * w);
      const fn = innermost(spans, file, line);
      if (fn) for (let l = fn.first; l <= fn.last; l++) bump(file, l, 0.6 * w);
    }
  }
  const direct = spans.filter((s) => called.has(s.name));
  for (const s of direct) for (let l = s.first; l <= s.last; l++) bump(s.file, l, 0.6);
  const indirect = new Set(direct.flatMap((s) => s.calls));
  for (const s of spans) {
    if (!indirect.has(s.name) || called.has(s.name)) continue;
    for (let l = s.first; l <= s.last; l++) bump(s.file, l, 0.35);
  }
  if (input.coverage) {
    // Code the failing tests ran that no call followed reaches, as strong as a unit two calls down when only they ran it.
    const known = new Set(units.map((u) => `${u.file.path}:${u.def.startRow}`));
    for (const { unit, suspicion: s } of await unitsRunByFailingTests(input.coverage, load, input.isTestFile, known)) {
      for (let l = unit.def.startRow + 1; l <= unit.def.endRow + 1; l++) bump(unit.file.path, l, 0.55 * s);
    }
  }
  if (suspicion.size === 0) {
    // Nothing points anywhere: every function of the (few) source files, weakly.
    for (const s of spans.slice(0, 40)) for (let l = s.first; l <= s.last; l++) bump(s.file, l, 0.2);
  }
  // Line by line: what only failing tests ran keeps its weight, what no failing test ran drops to a quarter.
  if (input.coverage) {
    for (const [file, lines] of suspicion) for (const [line, w] of lines) lines.set(line, w * coverageFactor(input.coverage.at(file, line)));
  }
  return suspicion;
}

function innermost(spans: FunctionSpan[], file: string, line: number): FunctionSpan | undefined {
  let best: FunctionSpan | undefined;
  for (const s of spans) {
    if (s.file === file && s.first <= line && line <= s.last && (!best || s.last - s.first < best.last - best.first)) best = s;
  }
  return best;
}

/** The callbacks of `test('NAME', …)`/`it(…)` calls (JS) or `def test_NAME` (Python) for the given names. */
function testBodies(root: SyntaxNode, names: string[]): SyntaxNode[] | undefined {
  const found: SyntaxNode[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'call_expression') {
      const args = n.childForFieldName('arguments');
      const first = args?.namedChildren[0];
      if (first && /string/.test(first.type) && names.some((name) => first.text.slice(1, -1) === name)) found.push(n);
    } else if (n.type === 'function_definition') {
      const name = n.childForFieldName('name')?.text;
      if (name && names.some((t) => t === name || t.endsWith(`::${name}`) || t.startsWith(`${name}[`))) found.push(n);
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return found.length ? found : undefined;
}

/** Names called inside the given nodes: `f(…)`, `obj.m(…)`, and names passed along as values. */
function calledNames(nodes: SyntaxNode[], language: LanguageId): string[] {
  const names = new Set<string>();
  const stack = [...nodes];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'call_expression' || n.type === 'call' || n.type === 'new_expression') {
      const fn = n.childForFieldName('function') ?? n.childForFieldName('constructor');
      if (fn) names.add(lastName(fn));
    } else if (n.type === 'identifier' && language !== 'python') {
      names.add(n.text);
    } else if (n.type === 'identifier' && n.parent?.type === 'argument_list') {
      names.add(n.text);
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return [...names];
}

function lastName(fn: SyntaxNode): string {
  if (fn.type === 'member_expression') return fn.childForFieldName('property')?.text ?? fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text ?? fn.text;
  return fn.text;
}

/** Named functions of a file: declarations, `const f = () => …`, methods, Python `def`. */
function functionSpans(root: SyntaxNode, file: string, language: LanguageId): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    let name: string | undefined;
    let body: SyntaxNode | undefined;
    if (/^(function_declaration|generator_function_declaration|method_definition|function_definition)$/.test(n.type)) {
      name = n.childForFieldName('name')?.text;
      body = n;
    } else if (n.type === 'variable_declarator' || n.type === 'pair' || n.type === 'assignment_expression' || n.type === 'public_field_definition') {
      const value = n.childForFieldName('value') ?? n.childForFieldName('right');
      const key = n.childForFieldName('name') ?? n.childForFieldName('key') ?? n.childForFieldName('left') ?? n.childForFieldName('property');
      if (value && /^(arrow_function|function_expression|function)$/.test(value.type) && key) {
        name = key.type === 'member_expression' ? key.childForFieldName('property')?.text : key.text;
        body = n;
      }
    }
    if (name && body) {
      spans.push({
        name, file, first: body.startPosition.row + 1, last: body.endPosition.row + 1,
        calls: calledNames([body], language),
      });
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return spans;
}
