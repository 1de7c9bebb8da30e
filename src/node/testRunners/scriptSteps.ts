/**
 * Running what a test script puts around the framework (see testScript.ts): build steps before the tests and
 * cleanup after them, through the shell with the project's `node_modules/.bin` on PATH as npm puts it, in the
 * folder the tests run in (a scratch copy's build then compiles the candidate's edit). Source maps written by
 * a build bring the built test files back to their sources.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TestRunRequest } from '../../core/ports';
import type { TestSelector } from '../../core/types';
import { runProcess } from '../processTree';
import { loadSourceMap } from './sourceMaps';

/** The first step that failed, as one line for a person; undefined when every step succeeded. */
export async function runScriptSteps(steps: string[], root: string, request: TestRunRequest, env: Record<string, string>, timeoutMs: number): Promise<string | undefined> {
  for (const step of steps) {
    request.onProgress?.(`running ${step}`);
    const proc = await runProcess({
      command: step, args: [], shell: true, cwd: root, timeoutMs, signal: request.signal,
      env: { ...process.env, ...request.env, ...env, PATH: [...binFolders(root), process.env.PATH].filter(Boolean).join(path.delimiter), FORCE_COLOR: '0', NO_COLOR: '1', CI: '1' },
    });
    if (proc.aborted) return 'the test run was cancelled';
    if (proc.timedOut) return `the step \`${step}\` of the test script hit the time limit`;
    if (proc.exitCode !== 0) {
      const why = proc.exitCode === 127 ? 'could not run (a tool it needs is not installed; run npm install)' : `failed (exit code ${proc.exitCode})`;
      return `the step \`${step}\` of the test script ${why}: ${lastLine(proc.output)}`;
    }
  }
  return undefined;
}

/** `node_modules/.bin` of root and of each folder above it, nearest first (what npm puts on PATH). */
function binFolders(root: string): string[] {
  const found: string[] = [];
  for (let d = root; ; d = path.dirname(d)) {
    const bin = path.join(d, 'node_modules', '.bin');
    if (fs.existsSync(bin)) found.push(bin);
    if (path.dirname(d) === d) return found;
  }
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(-1)[0] ?? '(no output)';
}

/**
 * The source a built file was compiled from, by its source map (one source; found as stackFrames.ts finds maps:
 * the sourceMappingURL comment, inline or beside it, else `<file>.map`), workspace-relative; undefined when it has
 * none, or when the source is not a workspace file. Reports then name `test/dates.test.ts`, not
 * `dist/test/dates.test.js`.
 */
export function sourceOfBuilt(root: string, rel: string): string | undefined {
  const loaded = loadSourceMap(path.resolve(root, rel));
  const source = loaded?.sources.length === 1 ? loaded.sources[0] : undefined;
  if (!source) return undefined;
  const out = path.relative(root, source).split(path.sep).join('/');
  const outside = out.startsWith('..') || path.isAbsolute(out) || out.split('/').includes('node_modules');
  return outside || !fs.existsSync(source) ? undefined : out;
}

/** Selectors naming a source whose built file is under one of `dirs` name that built file instead. */
export function selectBuiltFiles(root: string, only: TestSelector[] | undefined, dirs: string[]): TestSelector[] | undefined {
  if (!only || dirs.length === 0) return only;
  const builtBySource = new Map<string, string>();
  for (const dir of dirs) {
    for (const file of jsFiles(path.resolve(root, dir), 2000)) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      const source = sourceOfBuilt(root, rel);
      if (source) builtBySource.set(source, rel);
    }
  }
  return only.map((s) => (builtBySource.has(s.file) ? { ...s, file: builtBySource.get(s.file)! } : s));
}

function jsFiles(dir: string, budget: number): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= budget) return;
      if (e.isDirectory() && e.name !== 'node_modules') walk(path.join(d, e.name));
      else if (/\.[cm]?js$/.test(e.name)) out.push(path.join(d, e.name));
    }
  };
  walk(dir);
  return out;
}
