/** Small real projects written into a temp folder for a test, optionally committed to a fresh git repository. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A node:test project with one bug: `capitalize` keeps the first letter twice (`slice(0)` for `slice(1)`). */
export const WORDS_PROJECT: Record<string, string> = {
  'package.json': '{ "name": "words", "private": true, "scripts": { "test": "node --test" } }\n',
  'src/words.js': [
    '/** The word with its first letter in upper case. */',
    'function capitalize(word) {',
    '  return word[0].toUpperCase() + word.slice(0);',
    '}',
    '',
    '/** The last `n` characters of a word. */',
    'function tail(word, n) {',
    '  return word.slice(word.length - n);',
    '}',
    '',
    'module.exports = { capitalize, tail };',
    '',
  ].join('\n'),
  'test/words.test.js': [
    "const assert = require('node:assert');",
    "const { it } = require('node:test');",
    "const { capitalize, tail } = require('../src/words');",
    '',
    "it('capitalizes a word', () => {",
    "  assert.strictEqual(capitalize('hello'), 'Hello');",
    '});',
    '',
    "it('takes the tail of a word', () => {",
    "  assert.strictEqual(tail('hello', 2), 'lo');",
    '});',
    '',
  ].join('\n'),
};

/** The buggy line of WORDS_PROJECT and its fix. */
export const WORDS_BUG = '  return word[0].toUpperCase() + word.slice(0);';
export const WORDS_FIX = '  return word[0].toUpperCase() + word.slice(1);';

/** Writes `files` into a new temp folder; with `git`, commits them as the first commit. Returns the folder. */
export function writeProject(prefix: string, files: Record<string, string>, opts: { git?: boolean } = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `reflect-${prefix}-`)));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  if (opts.git) {
    git(dir, ['init', '-q', '-b', 'main']);
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'the project with its bug']);
  }
  return dir;
}

/** Runs git with a fixed identity (CI machines have none configured). */
export function git(dir: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Reflect Test', '-c', 'user.email=test@reflect.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
}

/** Replaces `search` (which must occur) in a project file. */
export function editFile(dir: string, file: string, search: string, replace: string): void {
  const abs = path.join(dir, file);
  const text = fs.readFileSync(abs, 'utf8');
  if (!text.includes(search)) throw new Error(`${file} does not contain ${search}`);
  fs.writeFileSync(abs, text.replace(search, replace));
}

/** Every file of the project except .git, as path → text (to assert that nothing was written). */
export function snapshotProject(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name === '.git') continue;
      if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('');
  return out;
}

/** True while the process runs; a zombie waiting to be reaped counts as dead. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
