/**
 * Real project setups (test/fixtures/setups/<name>) installed into a temporary folder as a person's clone would
 * be: workspace links made by the real `npm install` (offline: the fixtures' only dependencies are their own
 * packages), the test framework linked from the repository's own install (no network at test time), a git
 * repository with everything committed so a test can check that `git status` stays clean.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestReport } from '../../src/core/types';
import { fixturePath, repoRoot } from './fixtures';

/** Copies and installs setups/<name>; `frameworks` are linked into its top node_modules. Returns the folder. */
export function installSetup(name: string, frameworks: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `reflect-setup-${name}-`));
  fs.cpSync(fixturePath(path.join('setups', name)), dir, { recursive: true });
  const pkgFile = path.join(dir, 'package.json');
  const pkg = fs.existsSync(pkgFile) ? JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { workspaces?: unknown } : {};
  if (pkg.workspaces) run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], dir);
  if (fs.existsSync(path.join(dir, 'pyproject.toml'))) installEditable(dir);
  if (frameworks.length > 0) fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  for (const f of frameworks) {
    fs.mkdirSync(path.dirname(path.join(dir, 'node_modules', f)), { recursive: true });
    fs.symlinkSync(path.join(repoRoot, 'node_modules', f), path.join(dir, 'node_modules', f), 'dir');
    linkBins(dir, f);
  }
  run('git', ['init', '-q'], dir);
  run('git', ['add', '-A'], dir);
  run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'setup'], dir);
  return dir;
}

/** The package's `bin` entries in node_modules/.bin, as npm makes them. */
function linkBins(dir: string, pkgName: string): void {
  const pkgFile = path.join(repoRoot, 'node_modules', pkgName, 'package.json');
  if (!fs.existsSync(pkgFile)) return;
  const bin = (JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { bin?: string | Record<string, string> }).bin;
  const bins = typeof bin === 'string' ? { [pkgName.split('/').pop()!]: bin } : bin ?? {};
  for (const [name, rel] of Object.entries(bins)) {
    fs.symlinkSync(path.join('..', pkgName, rel), path.join(dir, 'node_modules', '.bin', name));
  }
}

/**
 * A venv (with the system's pytest) holding the project as `pip install -e .` leaves it for a src layout: a
 * `.pth` file naming the project's `src` folder. (pip itself would need the build backend from the network.)
 */
function installEditable(dir: string): void {
  run(PYTHON, ['-m', 'venv', '--without-pip', '--system-site-packages', '.venv'], dir);
  const lib = path.join(dir, '.venv', 'lib');
  const site = path.join(lib, fs.readdirSync(lib).find((n) => n.startsWith('python'))!, 'site-packages');
  fs.writeFileSync(path.join(site, '__editable__.shop-0.1.0.pth'), `${path.join(dir, 'src')}\n`);
}

/** The Python with pytest: Debian's on CI, else the one on PATH. */
const PYTHON = fs.existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import pytest']).status === 0 ? '/usr/bin/python3' : 'python3';

/** `git status --porcelain` of a setup: empty when the run left the project as it was. */
export function gitStatus(dir: string): string {
  return run('git', ['status', '--porcelain'], dir);
}

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** What one `reflect` CLI process printed and how it ended. */
export interface CliRun { code: number | null; stdout: string; stderr: string }

/**
 * Runs the compiled `reflect` CLI in `cwd` with a dummy key and no provider from the environment; `env` adds or
 * overrides variables (e.g. PATH, TZ).
 */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const cli = path.join(repoRoot, 'out', 'src', 'cli.js');
  const child = spawn(process.execPath, [cli, ...args], {
    cwd, env: { ...process.env, OPENAI_API_KEY: 'k', REFLECT_PROVIDER: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Test id → status of a report. */
export const statusesOf = (r: TestReport) => Object.fromEntries(r.tests.map((t) => [t.id, t.status]));
