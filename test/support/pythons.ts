/**
 * Python interpreters for tests that must run pytest under more than the default Python: the machine's `python3`,
 * Debian's (which has coverage.py when python3-coverage is installed), and a Python 3.12+ (sys.monitoring) when one
 * is installed (pyenv), given the default Python's pure-Python pytest through a `.pth` file. Each is set up as a
 * project's `.venv`, which the pytest adapter prefers.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A Python that can run pytest from a project's .venv. */
export interface PythonForTests {
  /** What it is, for test titles ("python3 (3.11)", "Debian python3 with coverage.py"). */
  title: string;
  python: string;
  /** Its venv sees the interpreter's own packages (pytest, coverage.py). */
  systemSite: boolean;
  /** Folder to name in a .pth: pytest and its dependencies, for a Python that has no pytest of its own. */
  pytestFrom?: string;
}

const PYTEST_PACKAGES = ['_pytest', 'pytest', 'pluggy', 'iniconfig', 'packaging', 'pygments', 'py.py'];

function runs(python: string, code: string): string | undefined {
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** python3 on PATH (pytest required). */
export function defaultPython(): PythonForTests {
  const version = runs('python3', 'import sys; print("%d.%d" % sys.version_info[:2])') ?? '?';
  return { title: `python3 (${version})`, python: 'python3', systemSite: true };
}

/** Debian's Python when it has both pytest and coverage.py, else undefined. */
export function pythonWithCoverage(): PythonForTests | undefined {
  const python = '/usr/bin/python3';
  if (!fs.existsSync(python) || runs(python, 'import pytest, coverage') === undefined) return undefined;
  return { title: `Debian python3 with coverage.py ${runs(python, 'import coverage; print(coverage.__version__)')}`, python, systemSite: true };
}

/**
 * A Python 3.12 or later (python3.13/python3.12 on PATH, or pyenv's), with the default Python's pytest linked into a
 * folder of its own (`dir`, removed by the caller), or undefined when there is none or pytest cannot be lent.
 */
export function python312(dir: string): PythonForTests | undefined {
  const pyenv = path.join(process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv'), 'versions');
  const candidates = ['python3.14', 'python3.13', 'python3.12'];
  if (fs.existsSync(pyenv)) {
    for (const v of fs.readdirSync(pyenv).filter((n) => /^3\.(1[2-9])\./.test(n)).sort().reverse()) candidates.push(path.join(pyenv, v, 'bin', 'python'));
  }
  const python = candidates.find((p) => runs(p, 'import sys; assert sys.version_info >= (3, 12); import json') !== undefined);
  const site = runs('python3', 'import os, pytest; print(os.path.dirname(os.path.dirname(pytest.__file__)))');
  if (!python || !site) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  for (const name of PYTEST_PACKAGES) if (fs.existsSync(path.join(site, name))) fs.symlinkSync(path.join(site, name), path.join(dir, name));
  const version = runs(python, 'import sys; print("%d.%d" % sys.version_info[:2])');
  if (runs(python, `import sys; sys.path.insert(0, ${JSON.stringify(dir)}); import pytest`) === undefined) return undefined;
  return { title: `Python ${version} (sys.monitoring)`, python, systemSite: false, pytestFrom: dir };
}

/** Makes `<root>/.venv` with `py` (no pip: it would need the network); returns its site-packages folder. */
export function makeVenv(root: string, py: PythonForTests): string {
  const args = ['-m', 'venv', '--without-pip', ...(py.systemSite ? ['--system-site-packages'] : []), '.venv'];
  const r = spawnSync(py.python, args, { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${py.python} ${args.join(' ')} failed: ${r.stderr}`);
  const lib = path.join(root, '.venv', 'lib');
  const site = path.join(lib, fs.readdirSync(lib).find((n) => n.startsWith('python'))!, 'site-packages');
  if (py.pytestFrom) fs.writeFileSync(path.join(site, 'reflect_test_pytest.pth'), `${py.pytestFrom}\n`);
  return site;
}
