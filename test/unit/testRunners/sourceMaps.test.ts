import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { toFailure } from '../../../src/node/testRunners/reporterEvents';
import { sourceOfBuilt } from '../../../src/node/testRunners/scriptSteps';
import { loadSourceMap } from '../../../src/node/testRunners/sourceMaps';
import { framesFromV8Stack, sourceMappedStack, WorkspacePaths } from '../../../src/node/testRunners/stackFrames';

// A TypeScript source whose type-only lines vanish from the output, so built and source lines differ.
const PRICE_TS = [
  '/** An amount of money in cents. */',
  'export interface Money {',
  '  cents: number;',
  '  currency: string;',
  '}',
  '',
  '/** Cents of a "12.34" string. */',
  'export function parseCents(text: string): Money {',
  "  const [whole, fraction = ''] = text.split('.');",
  "  if (fraction.length >= 2) throw new RangeError(`too many decimals in ${text}`);",
  "  return { cents: Number(whole) * 100 + Number(fraction.padEnd(2, '0')), currency: 'EUR' };",
  '}',
  '',
].join('\n');
const THROW_LINE = 10;
const THROW_COLUMN = PRICE_TS.split('\n')[THROW_LINE - 1].indexOf('new RangeError') + 1;

/** Compiles PRICE_TS with the real TypeScript compiler; returns the JS and its map (as tsc writes them). */
function compile(options: ts.CompilerOptions): { js: string; map?: string } {
  const out = ts.transpileModule(PRICE_TS, {
    fileName: 'price.ts',
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, ...options },
  });
  return { js: out.outputText, ...(out.sourceMapText ? { map: out.sourceMapText } : {}) };
}

/** 1-based line and column of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const row = lines.findIndex((l) => l.includes(needle));
  assert.ok(row >= 0, `${needle} is in the output`);
  return { line: row + 1, column: lines[row].indexOf(needle) + 1 };
}

describe('source-mapped stack frames', () => {
  let root: string;
  let throwAt: { line: number; column: number };

  /** Writes dist/price.js (with `js` and `map` as given) and src/price.ts; returns a V8 stack through the throw. */
  function writeBuilt(js: string, map?: string, mapName = 'price.js.map'): string {
    fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist', 'price.js'), js);
    if (map) fs.writeFileSync(path.join(root, 'dist', mapName), map);
    throwAt = positionOf(js, 'new RangeError');
    return [
      'RangeError: too many decimals in 1.5',
      `    at parseCents (${root}/dist/price.js:${throwAt.line}:${throwAt.column})`,
      `    at Context.<anonymous> (${root}/test/price.test.js:6:5)`,
      '    at process.processImmediate (node:internal/timers:478:21)',
    ].join('\n');
  }

  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-sourcemaps-')));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', 'price.ts'), PRICE_TS);
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('maps a frame in built output to its TypeScript source through the map its comment names', () => {
    const { js, map } = compile({ sourceMap: true, sourceRoot: '../src/' });
    const stack = writeBuilt(js, map);
    assert.ok(throwAt.line !== THROW_LINE, 'the built line differs from the source line');
    assert.deepStrictEqual(framesFromV8Stack(stack, new WorkspacePaths(root)), [
      { file: 'src/price.ts', line: THROW_LINE, column: THROW_COLUMN },
      { file: 'test/price.test.js', line: 6, column: 5 },
    ]);
  });

  it('reads an inline data: URL map', () => {
    const { js } = compile({ inlineSourceMap: true, sourceRoot: '../src/' });
    assert.match(js, /\/\/# sourceMappingURL=data:application\/json;base64,/);
    const stack = writeBuilt(js);
    assert.deepStrictEqual(framesFromV8Stack(stack, new WorkspacePaths(root))[0], { file: 'src/price.ts', line: THROW_LINE, column: THROW_COLUMN });
  });

  it('finds <file>.map when the file has no sourceMappingURL comment', () => {
    const { js, map } = compile({ sourceMap: true, sourceRoot: '../src/' });
    const stack = writeBuilt(js.replace(/\/\/# sourceMappingURL=.*\n?$/, ''), map);
    assert.doesNotMatch(fs.readFileSync(path.join(root, 'dist', 'price.js'), 'utf8'), /sourceMappingURL/);
    assert.deepStrictEqual(framesFromV8Stack(stack, new WorkspacePaths(root))[0], { file: 'src/price.ts', line: THROW_LINE, column: THROW_COLUMN });
  });

  it('rewrites the stack text to name the source, keeping function names and other lines', () => {
    const { js, map } = compile({ sourceMap: true, sourceRoot: '../src/' });
    const stack = writeBuilt(js, map);
    assert.strictEqual(sourceMappedStack(stack, new WorkspacePaths(root)), [
      'RangeError: too many decimals in 1.5',
      `    at parseCents (${root}/src/price.ts:${THROW_LINE}:${THROW_COLUMN})`,
      `    at Context.<anonymous> (${root}/test/price.test.js:6:5)`,
      '    at process.processImmediate (node:internal/timers:478:21)',
    ].join('\n'));
  });

  it('maps ESM frames given as file:// URLs, with or without a function name', () => {
    const { js, map } = compile({ sourceMap: true, sourceRoot: '../src/' });
    writeBuilt(js, map);
    const stack = `RangeError: x\n    at parseCents (file://${root}/dist/price.js:${throwAt.line}:${throwAt.column})\n    at file://${root}/dist/price.js:${throwAt.line}:${throwAt.column}`;
    const paths = new WorkspacePaths(root);
    assert.deepStrictEqual(framesFromV8Stack(stack, paths), [{ file: 'src/price.ts', line: THROW_LINE, column: THROW_COLUMN }]);
    assert.strictEqual(sourceMappedStack(stack, paths),
      `RangeError: x\n    at parseCents (${root}/src/price.ts:${THROW_LINE}:${THROW_COLUMN})\n    at ${root}/src/price.ts:${THROW_LINE}:${THROW_COLUMN}`);
  });

  it('keeps the built frame when the map points outside the workspace, into node_modules, or at a missing file', () => {
    for (const sourceRoot of ['../../../elsewhere/src/', '../node_modules/price/src/', '../lib/']) {
      fs.mkdirSync(path.join(root, 'node_modules', 'price', 'src'), { recursive: true });
      fs.writeFileSync(path.join(root, 'node_modules', 'price', 'src', 'price.ts'), PRICE_TS);
      const { js, map } = compile({ sourceMap: true, sourceRoot });
      const stack = writeBuilt(js, map);
      assert.deepStrictEqual(framesFromV8Stack(stack, new WorkspacePaths(root))[0], { file: 'dist/price.js', ...throwAt }, sourceRoot);
      assert.strictEqual(sourceMappedStack(stack, new WorkspacePaths(root)), stack, sourceRoot);
    }
  });

  it('ignores a broken map, a map with broken mappings and a huge map, without throwing', () => {
    const { js, map } = compile({ sourceMap: true, sourceRoot: '../src/' });
    for (const bad of ['{"version":3,"sources":["../src/price.ts"],', '{"version":3,"sources":["../src/price.ts"],"mappings":"!!!;;{{"}', 'null']) {
      const stack = writeBuilt(js, bad);
      assert.deepStrictEqual(framesFromV8Stack(stack, new WorkspacePaths(root))[0], { file: 'dist/price.js', ...throwAt }, bad);
    }
    writeBuilt(js, map);
    assert.ok(loadSourceMap(path.join(root, 'dist', 'price.js')), 'the good map loads');
    assert.strictEqual(loadSourceMap(path.join(root, 'dist', 'price.js'), map!.length - 1), undefined, 'a map over the size limit is ignored');
  });

  it('never maps a frame twice: a frame already naming the .ts source stays as it is', () => {
    const { js, map } = compile({ sourceMap: true, sourceRoot: '../src/' });
    writeBuilt(js, map);
    const stack = `RangeError: too many decimals\n    at parseCents (${root}/src/price.ts:${THROW_LINE}:${THROW_COLUMN})`;
    assert.deepStrictEqual(framesFromV8Stack(stack, new WorkspacePaths(root)), [{ file: 'src/price.ts', line: THROW_LINE, column: THROW_COLUMN }]);
  });

  it('reads each map once per run (one WorkspacePaths)', () => {
    const { js, map } = compile({ sourceMap: true, sourceRoot: '../src/' });
    const stack = writeBuilt(js, map);
    const run = new WorkspacePaths(root);
    assert.strictEqual(framesFromV8Stack(stack, run)[0]?.file, 'src/price.ts');
    fs.rmSync(path.join(root, 'dist', 'price.js.map'));
    assert.strictEqual(framesFromV8Stack(stack, run)[0]?.file, 'src/price.ts', 'the same run uses the map it read');
    assert.strictEqual(framesFromV8Stack(stack, new WorkspacePaths(root))[0]?.file, 'dist/price.js', 'the next run reads afresh');
  });

  it('maps the failure evidence: frames, location and stack text', () => {
    const { js, map } = compile({ sourceMap: true, sourceRoot: '../src/' });
    const stack = writeBuilt(js, map);
    const failure = toFailure({ message: 'too many decimals in 1.5', stack }, new WorkspacePaths(root), 'v8');
    assert.deepStrictEqual(failure.frames, [{ file: 'src/price.ts', line: THROW_LINE }, { file: 'test/price.test.js', line: 6 }]);
    assert.deepStrictEqual(failure.location, { file: 'src/price.ts', line: THROW_LINE });
    assert.ok(!failure.stack?.includes('dist/'), failure.stack);
    const reported = toFailure({ message: 'x', stack, location: { file: `${root}/dist/price.js`, line: throwAt.line } }, new WorkspacePaths(root), 'v8');
    assert.deepStrictEqual(reported.location, { file: 'src/price.ts', line: THROW_LINE }, 'a line-only location is mapped too');
  });

  it('names the source of a built test file by its inline map as by a map beside it', () => {
    const { js } = compile({ inlineSourceMap: true, sourceRoot: '../src/' });
    writeBuilt(js);
    assert.strictEqual(sourceOfBuilt(root, 'dist/price.js'), 'src/price.ts');
    fs.writeFileSync(path.join(root, 'dist', 'price.js'), compile({ sourceMap: true }).js.replace(/\/\/# sourceMappingURL=.*$/m, ''));
    assert.strictEqual(sourceOfBuilt(root, 'dist/price.js'), undefined, 'no map, no source');
  });
});
