/**
 * The reliability suite's harness: a fresh project per case (a real node:test project, plus whatever the case
 * adds), a folder beside it, the real `reflect` CLI as a child process with a key in its environment, and the
 * four checks every case makes: checksums of every file (untracked, ignored, node_modules, .git included) in the
 * project and beside it, no process left (by the run marker and by working folder), no scratch copy left, and
 * the key in no output, file or prompt.
 */
import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from './fixtures';
import { WORDS_BUG as BUGGY_LINE, WORDS_FIX as FIXED_LINE } from './gitProject';
import type { ScriptedOpenAIServer } from './scriptedOpenAIServer';

export const CLI = path.join(repoRoot, 'out', 'src', 'cli.js');
export const SECRET = 'sk-reliability-SECRET-0123456789abcdef';

/** The buggy line of the project and its fix (the same one-line bug as gitProject's words project). */
export { BUGGY_LINE, FIXED_LINE };

/** The project every case starts from: one failing node:test test, fixable by one line. */
export const BASE_PROJECT: Record<string, string> = {
  'package.json': '{ "name": "words", "private": true, "scripts": { "test": "node --test" } }\n',
  'src/words.js': `/** The word with its first letter in upper case. */\nfunction capitalize(word) {\n${BUGGY_LINE}\n}\n\nmodule.exports = { capitalize };\n`,
  'test/words.test.js': [
    "const assert = require('node:assert');",
    "const { it } = require('node:test');",
    "const { capitalize } = require('../src/words');",
    '',
    "it('capitalizes a word', () => {",
    // A test can print its environment into its failure message: the key must not be there to print.
    "  assert.strictEqual(capitalize('hello'), 'Hello', `key seen by the test: ${process.env.OPENAI_API_KEY ?? 'none'} ${process.env.REFLECT_API_KEY ?? 'none'}`);",
    '});',
    '',
  ].join('\n'),
};

/** A model reply (search/replace blocks) for one or more files. */
export function editReply(why: string, edits: { file: string; search: string; replace: string }[]): string {
  return `${why}\n\n${edits.map((e) => `${e.file}\n<<<<<<< SEARCH\n${e.search}\n=======\n${e.replace}\n>>>>>>> REPLACE\n`).join('\n')}`;
}

/** The reply that fixes the bug. */
export const FIX = { file: 'src/words.js', search: BUGGY_LINE, replace: FIXED_LINE };

export interface CaseDirs {
  /** Holds everything of the case; removed afterwards. */
  base: string;
  project: string;
  /** A folder beside the project, which nothing may touch. */
  beside: string;
  /** TMPDIR of the CLI: its scratch copies live here. */
  tmp: string;
  /** XDG_CACHE_HOME of the CLI: its lessons live here. */
  cache: string;
}

/** Creates the case's folders: the base project with `files` over it (Buffers written as bytes), `links` as symlinks. */
export function makeCase(files: Record<string, string | Buffer> = {}, links: Record<string, string> = {}): CaseDirs {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-reliability-'));
  const dirs: CaseDirs = { base, project: path.join(base, 'words'), beside: path.join(base, 'beside'), tmp: path.join(base, 'tmp'), cache: path.join(base, 'cache') };
  for (const d of [dirs.project, dirs.beside, dirs.tmp, dirs.cache]) fs.mkdirSync(d);
  fs.writeFileSync(path.join(dirs.beside, 'notes.txt'), 'a file beside the project\n');
  for (const [rel, content] of Object.entries({ ...BASE_PROJECT, ...files })) {
    fs.mkdirSync(path.dirname(path.join(dirs.project, rel)), { recursive: true });
    fs.writeFileSync(path.join(dirs.project, rel), content);
  }
  for (const [rel, target] of Object.entries(links)) fs.symlinkSync(target, path.join(dirs.project, rel));
  return dirs;
}

/** Every entry under `dir`: file → sha256 of its bytes, link → its target, folder → 'dir'. Nothing skipped. */
export function checksums(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const a = path.join(abs, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) out[r] = `link:${fs.readlinkSync(a)}`;
      else if (e.isDirectory()) {
        out[r] = 'dir';
        walk(a, r);
      } else out[r] = crypto.createHash('sha256').update(fs.readFileSync(a)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  pid: number;
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Sends `signal` once stderr matches `when` (after `delayMs`). */
  interrupt?: { signal: NodeJS.Signals; when: RegExp; delayMs?: number };
  cwd?: string;
}

/** Runs `reflect fix` (or any reflect command when args[0] is not a flag) with the key in its environment. */
export function runCli(args: string[], dirs: CaseDirs, options: RunOptions = {}): Promise<CliRun> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(OPENAI_|REFLECT_)/.test(k)) delete env[k];
  Object.assign(env, {
    OPENAI_API_KEY: SECRET, TMPDIR: dirs.tmp, XDG_CACHE_HOME: dirs.cache,
    // What npm and shells put in the environment: paths of the real project a test could write to.
    INIT_CWD: dirs.project, PWD: dirs.project, OLDPWD: dirs.project,
    ...options.env,
  });
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? dirs.project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    const i = options.interrupt;
    if (i && !sent && i.when.test(stderr)) {
      sent = true;
      setTimeout(() => child.kill(i.signal), i.delayMs ?? 0);
    }
  });
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr, durationMs: Date.now() - started, pid: child.pid! }));
  });
}

/** Processes still alive that came from the run: by the run marker, or by a working folder in the case. */
export async function leftoverProcesses(dirs: CaseDirs, cliPid: number): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 300));
  const found: string[] = [];
  for (const name of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(name) === process.pid) continue;
    try {
      if (/^State:\s+Z/m.test(fs.readFileSync(`/proc/${name}/status`, 'utf8'))) continue;
      const environ = fs.readFileSync(`/proc/${name}/environ`, 'utf8');
      const cwd = fs.readlinkSync(`/proc/${name}/cwd`);
      if (environ.includes(`REFLECT_SCRATCH_RUN=reflect-${cliPid}-`) || cwd.startsWith(dirs.base)) {
        found.push(`${name}: ${fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ')}`);
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** True when `pid` is gone (or a zombie waiting for its parent). */
export function isDead(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** Scratch copies left in the case's TMPDIR. */
export function leftoverScratch(dirs: CaseDirs): string[] {
  try {
    return fs.readdirSync(path.join(dirs.tmp, 'reflect-scratch'));
  } catch {
    return [];
  }
}

/** Where the key (or another secret) shows up: outputs, any file of the case, any prompt the server received. */
export function secretFoundIn(secret: string, dirs: CaseDirs, run: CliRun, server?: ScriptedOpenAIServer): string[] {
  const where: string[] = [];
  if (run.stdout.includes(secret)) where.push('stdout');
  if (run.stderr.includes(secret)) where.push('stderr');
  const walk = (abs: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const a = path.join(abs, e.name);
      if (e.isDirectory()) walk(a);
      else if (e.isFile() && fs.readFileSync(a).includes(secret)) where.push(a);
    }
  };
  walk(dirs.base);
  for (const [i, r] of (server?.requests ?? []).entries()) if (JSON.stringify(r.messages).includes(secret)) where.push(`prompt ${i}`);
  return where;
}

/** The lines of stderr that say why the run ended (`reflect fix: …` or `reflect: …`). */
export function reasonLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^reflect( fix)?: /.test(l));
}

/** What a case expects of the run's end. */
export interface SafeEnd {
  code: number;
  /** A line of stderr starting `reflect fix:` or `reflect:` says this. */
  reason: RegExp;
  server?: ScriptedOpenAIServer;
  /** Project files the run may change (--apply): path → checksum after, or undefined for "may change". */
  changes?: string[];
  /** Other secrets that must appear nowhere (a password in the base URL). */
  secrets?: string[];
}

/** Tallies over the whole suite, printed at its end (the README's Reliability figures). */
export const tally = { cases: 0, filesChanged: 0, processesLeft: 0, scratchLeft: 0, leaks: 0 };

/** Takes the "before" checksums of a case. */
export function snapshot(dirs: CaseDirs): { project: Record<string, string>; beside: Record<string, string> } {
  return { project: checksums(dirs.project), beside: checksums(dirs.beside) };
}

/** The checks of every case: exit code, reason, files byte-identical, nothing left running, no copy left, no leak. */
export async function expectSafeEnd(dirs: CaseDirs, before: ReturnType<typeof snapshot>, run: CliRun, expected: SafeEnd): Promise<void> {
  tally.cases++;
  const after = snapshot(dirs);
  const changed = Object.keys({ ...before.project, ...after.project })
    .filter((p) => before.project[p] !== after.project[p] && !(expected.changes ?? []).includes(p));
  const besideChanged = Object.keys({ ...before.beside, ...after.beside }).filter((p) => before.beside[p] !== after.beside[p]);
  const processes = await leftoverProcesses(dirs, run.pid);
  const scratch = leftoverScratch(dirs);
  const leaks = [SECRET, ...(expected.secrets ?? [])].flatMap((s) => secretFoundIn(s, dirs, run, expected.server));
  tally.filesChanged += changed.length + besideChanged.length;
  tally.processesLeft += processes.length;
  tally.scratchLeft += scratch.length;
  tally.leaks += leaks.length;
  const context = `\n--- stderr ---\n${run.stderr}\n--- stdout ---\n${run.stdout.slice(0, 2000)}`;
  assert.strictEqual(run.code, expected.code, `exit code${context}`);
  assert.ok(reasonLines(run.stderr).some((l) => expected.reason.test(l)), `no stderr line matches ${expected.reason}${context}`);
  assert.deepStrictEqual(changed, [], `project files changed${context}`);
  assert.deepStrictEqual(besideChanged, [], 'the folder beside the project changed');
  assert.deepStrictEqual(processes, [], 'processes left running');
  assert.deepStrictEqual(scratch, [], 'scratch copies left behind');
  assert.deepStrictEqual(leaks, [], 'a secret leaked');
}
