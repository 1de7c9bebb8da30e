import * as assert from 'assert';
import { transformSync } from 'esbuild';
import { SourceMap } from 'module';
import { codeLines, decodeMappings, linesRunAsWritten, linesRunMapped, ranOffsets, V8Function } from '../../../src/node/testRunners/v8Lines';

/** A V8 range over the text from `from` (its first occurrence) to the end of the next `to`. */
function range(source: string, from: string, to: string, count: number) {
  const start = source.indexOf(from);
  const end = source.indexOf(to, start) + to.length;
  assert.ok(start >= 0 && end > start, `${from}…${to} in the source`);
  return { startOffset: start, endOffset: end, count };
}

const SOURCE = [
  '// Sizes of things.', //                1
  'function size(x) {', //                 2
  '  if (x > 1) {', //                     3
  "    return 'big';", //                  4
  '  }', //                                5
  "  return x > 0 ? 'one' : 'none';", //   6
  '}', //                                  7
  '', //                                   8
  '/** Never called. */', //               9
  'function unused() {', //                10
  '  return 1;', //                        11
  '}', //                                  12
  'size(1);', //                           13
  '',
].join('\n');

/** What V8 reports after `size(1)`: the script, size() with its skipped block and branch, unused() never run. */
const SIZE_ONE_RUN: V8Function[] = [
  { functionName: '', ranges: [{ startOffset: 0, endOffset: SOURCE.length, count: 1 }] },
  { functionName: 'size', ranges: [range(SOURCE, 'function size', '\n}', 1), range(SOURCE, "{\n    return 'big'", '  }', 0), range(SOURCE, "'none'", "'none'", 0)] },
  { functionName: 'unused', ranges: [range(SOURCE, 'function unused', '\n}', 0)] },
];

describe('V8 coverage lines', () => {
  it('the innermost range decides whether an offset ran', () => {
    const ran = ranOffsets([{ ranges: [{ startOffset: 0, endOffset: 10, count: 1 }, { startOffset: 2, endOffset: 6, count: 0 }, { startOffset: 3, endOffset: 4, count: 2 }] }], 10);
    assert.deepStrictEqual([...ran], [1, 1, 0, 1, 0, 0, 1, 1, 1, 1]);
  });

  it('a line ran when code on it ran; comments, blank lines, skipped blocks and uncalled functions did not', () => {
    // Line 3 ran (its condition) though its block did not; line 6 ran though one branch of it did not.
    assert.deepStrictEqual(linesRunAsWritten(SIZE_ONE_RUN, SOURCE), [2, 3, 6, 7, 13]);
  });

  it('code lines leave out comments and blank lines but keep strings and templates that look like comments', () => {
    const source = [
      '#!/usr/bin/env node', //                      1
      'const url = "http://x"; // a comment', //     2
      '/* one', //                                   3
      '   two */', //                                4
      'const t = `a ${ { b: 1 }.b } //', //          5
      '', //                                         6
      '  still template`;', //                       7
      "const s = 'it\\'s /* no comment'; /* c */", // 8
      '   ', //                                      9
      '} // closing', //                             10
    ].join('\n');
    assert.deepStrictEqual([...codeLines(source)], [2, 5, 7, 8, 10]);
  });

  it('decodes source map mappings exactly as Node does (an esbuild map of TypeScript)', () => {
    const ts = 'interface Box { size: number }\n\nexport function area(b: Box): number {\n  const s = b.size;\n  return s * s;\n}\n';
    const out = transformSync(ts, { loader: 'ts', format: 'esm', sourcemap: 'external', sourcefile: 'box.ts' });
    const payload = JSON.parse(out.map) as { mappings: string; sources: string[] };
    const node = new SourceMap(payload as never);
    let segments = 0;
    decodeMappings(payload.mappings).forEach((line, generatedLine) => {
      for (const s of line) {
        const entry = node.findEntry(generatedLine, s.column) as { originalLine: number; originalColumn: number; generatedColumn: number };
        assert.deepStrictEqual([entry.generatedColumn, entry.originalLine, entry.originalColumn], [s.column, s.originalLine, s.originalColumn]);
        segments++;
      }
    });
    assert.ok(segments >= 6, `${segments} segments`);
  });

  it('maps the generated code that ran back to original lines (TypeScript through esbuild)', () => {
    const ts = [
      'type N = number;', //                                     1
      'export function twice(n: N): N {', //                     2
      '  return n * 2;', //                                      3
      '}', //                                                    4
      'export function never(n: N): N {', //                     5
      '  return n;', //                                          6
      '}', //                                                    7
      'twice(2);', //                                            8
      '',
    ].join('\n');
    const out = transformSync(ts, { loader: 'ts', format: 'esm', sourcemap: 'external', sourcefile: 'n.ts' });
    const js = out.code;
    const functions: V8Function[] = [
      { ranges: [{ startOffset: 0, endOffset: js.length, count: 1 }] },
      { ranges: [range(js, 'function twice', '\n}', 1)] },
      { ranges: [range(js, 'function never', '\n}', 0)] },
    ];
    const lines = linesRunMapped(functions, js.split('\n').map((l) => l.length), JSON.parse(out.map));
    assert.deepStrictEqual([...lines.keys()], [0]);
    assert.deepStrictEqual([...lines.get(0)!].sort((a, b) => a - b), [2, 3, 4, 8]);
  });

  it('rejects a mapping that is not Base64 VLQ', () => {
    assert.throws(() => decodeMappings('AA!A'), /not a source map mapping: "AA!A"/);
  });
});
