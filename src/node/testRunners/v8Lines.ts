/**
 * V8 block coverage (what NODE_V8_COVERAGE writes) turned into the 1-based source lines that ran. Pure: works on
 * the parsed coverage, the source text and source maps; reading the files is v8Coverage.ts's job.
 *
 * A line ran when some code on it ran at least once. V8 reports nested ranges (a function, its blocks, the
 * functions inside it) with counts in UTF-16 offsets; the innermost range around an offset decides. Blank lines
 * and lines holding only comments never count, so a doc comment is not "run" because its module loaded.
 */

/** One V8 block range: [startOffset, endOffset) ran `count` times. */
export interface V8Range {
  startOffset: number;
  endOffset: number;
  count: number;
}

/** One function of a V8 script coverage: its own range first, then its blocks. */
export interface V8Function {
  functionName?: string;
  ranges: V8Range[];
}

/** A source map as far as line mapping needs it (version 3, not an index map). */
export interface LineSourceMap {
  mappings: string;
  sources: (string | null)[];
}

/** The generated code's offsets that ran: 1 where the innermost range around the offset has a count > 0. */
export function ranOffsets(functions: V8Function[], length: number): Uint8Array {
  const ran = new Uint8Array(length);
  // Ranges nest, so widest first and narrower ones overwrite: what remains is the innermost range's verdict.
  // The sort is stable, so of two equal ranges the later (a block of the function) wins.
  const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => (b.endOffset - b.startOffset) - (a.endOffset - a.startOffset));
  for (const r of ranges) ran.fill(r.count > 0 ? 1 : 0, Math.max(0, r.startOffset), Math.min(length, r.endOffset));
  return ran;
}

/** The largest end offset of any range: a script whose ranges reach past its source was not run as written. */
export function coverageEnd(functions: V8Function[]): number {
  let end = 0;
  for (const f of functions) for (const r of f.ranges) end = Math.max(end, r.endOffset);
  return end;
}

/** 1-based lines of `source` with code that ran, for a script run as written (offsets are the file's own). */
export function linesRunAsWritten(functions: V8Function[], source: string): number[] {
  const ran = ranOffsets(functions, source.length);
  const code = codeMask(source);
  const lines: number[] = [];
  let line = 1;
  let counted = false;
  for (let i = 0; i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      counted = false;
    } else if (!counted && code[i] && ran[i]) {
      lines.push(line);
      counted = true;
    }
  }
  return lines;
}

/**
 * Original 1-based lines that ran, per source index of `map`, for generated code whose line lengths are known
 * (Node's source-map-cache gives them): a mapped segment counts when the generated code where it starts ran.
 */
export function linesRunMapped(functions: V8Function[], lineLengths: number[], map: LineSourceMap): Map<number, Set<number>> {
  const starts: number[] = [];
  let length = 0;
  for (const n of lineLengths) {
    starts.push(length);
    length += n + 1;
  }
  const ran = ranOffsets(functions, length);
  const out = new Map<number, Set<number>>();
  decodeMappings(map.mappings).forEach((segments, generatedLine) => {
    if (generatedLine >= starts.length) return;
    for (const s of segments) {
      if (s.source === undefined || !ran[starts[generatedLine] + s.column]) continue;
      const lines = out.get(s.source) ?? new Set<number>();
      out.set(s.source, lines);
      lines.add(s.originalLine + 1);
    }
  });
  return out;
}

/** One decoded mapping segment: a 0-based generated column and, when mapped, the 0-based original position. */
export interface MappingSegment {
  column: number;
  source?: number;
  originalLine: number;
  originalColumn: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** A source map's `mappings` decoded into segments per generated line (Base64 VLQ, fields relative). */
export function decodeMappings(mappings: string): MappingSegment[][] {
  const lines: MappingSegment[][] = [];
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  for (const lineText of mappings.split(';')) {
    const segments: MappingSegment[] = [];
    let column = 0;
    for (const text of lineText.split(',')) {
      if (!text) continue;
      const fields = decodeVlq(text);
      column += fields[0];
      if (fields.length < 4) {
        segments.push({ column, originalLine: -1, originalColumn: -1 });
        continue;
      }
      source += fields[1];
      originalLine += fields[2];
      originalColumn += fields[3];
      segments.push({ column, source, originalLine, originalColumn });
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const digit = DIGIT.get(c);
    if (digit === undefined) throw new Error(`not a source map mapping: ${JSON.stringify(text)}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return out;
}

/** 1-based numbers of the lines of `source` that hold code (not blank, not only comments). */
export function codeLines(source: string): Set<number> {
  const code = codeMask(source);
  const lines = new Set<number>();
  let line = 1;
  for (let i = 0; i < source.length; i++) {
    if (source.charCodeAt(i) === 10) line++;
    else if (code[i]) lines.add(line);
  }
  return lines;
}

/**
 * 1 for each character of JavaScript/TypeScript that is code: not whitespace, not inside a comment, not a
 * leading `#!` line. Strings and template literals are code. A regular expression literal holding a quote can
 * mislead the scanner for the rest of its line only (strings end at a newline here), which at worst counts or
 * drops one comment on that line.
 */
export function codeMask(source: string): Uint8Array {
  const mask = new Uint8Array(source.length);
  let i = source.startsWith('#!') ? source.indexOf('\n') : 0;
  if (i < 0) return mask;
  const templateDepths: number[] = [];
  let braces = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (c === '"' || c === "'") {
      i = markString(source, mask, i, c);
    } else if (c === '`' || (c === '}' && templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === braces)) {
      if (c === '}') templateDepths.pop();
      i = markTemplate(source, mask, i, templateDepths, braces);
    } else {
      if (c === '{') braces++;
      else if (c === '}') braces--;
      if (!/\s/.test(c)) mask[i] = 1;
      i++;
    }
  }
  return mask;
}

/** Marks a quoted string from its opening quote at `i`; returns the offset after it (or after its line). */
function markString(source: string, mask: Uint8Array, i: number, quote: string): number {
  mask[i++] = 1;
  while (i < source.length && source[i] !== '\n') {
    const c = source[i];
    mask[i++] = 1;
    if (c === '\\') mask[i++] = 1;
    else if (c === quote) break;
  }
  return i;
}

/**
 * Marks template text from its opening backquote (or the `}` closing a substitution) at `i` up to its end or
 * the next `${`, whose brace depth is pushed so the matching `}` resumes the template.
 */
function markTemplate(source: string, mask: Uint8Array, i: number, templateDepths: number[], braces: number): number {
  mask[i++] = 1;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      mask[i++] = 1;
      mask[i++] = 1;
      continue;
    }
    if (!/\s/.test(c)) mask[i] = 1;
    i++;
    if (c === '`') return i;
    if (c === '$' && source[i] === '{') {
      templateDepths.push(braces);
      mask[i] = 1;
      return i + 1;
    }
  }
  return i;
}
