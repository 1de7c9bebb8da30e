/**
 * Which test framework a workspace uses, from what a person would look at: the `test` script, config files,
 * dependencies, Python test configuration, and finally test files themselves.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isTestFile } from '../../core/testFiles';
import type { FrameworkId } from '../../core/types';

/** A detected framework and the evidence for it (shown to a person: "jest (scripts.test runs jest)"). */
export interface Detection {
  framework: Exclude<FrameworkId, 'generic'>;
  reason: string;
}

type JsFramework = 'jest' | 'vitest' | 'mocha';
const JS_CONFIGS: [JsFramework, RegExp][] = [
  ['vitest', /^vitest\.config\.[cm]?[jt]s$/],
  ['jest', /^jest\.config\.(?:[cm]?[jt]s|json)$/],
  ['mocha', /^\.mocharc(?:\.(?:js|cjs|mjs|json|jsonc|ya?ml))?$/],
];
const SKIP_DIRS = new Set(['node_modules', '.git', '.venv', 'venv', 'dist', 'out', 'build', 'coverage', '__pycache__']);

/** The framework of `root`, or undefined when nothing points to one. */
export function detectFramework(root: string): Detection | undefined {
  const pkg = readJson(path.join(root, 'package.json'));
  const entries = safeList(root);
  const testScript = typeof pkg?.scripts?.test === 'string' ? (pkg.scripts.test as string) : '';
  const fromScript = frameworkInScript(testScript);
  if (fromScript) return { framework: fromScript, reason: `scripts.test runs ${testScript.trim()}` };
  for (const [framework, re] of JS_CONFIGS) {
    const config = entries.find((e) => re.test(e));
    if (config) return { framework, reason: `${config} is present` };
  }
  if (pkg?.jest) return { framework: 'jest', reason: 'package.json has a "jest" section' };
  if (pkg?.mocha) return { framework: 'mocha', reason: 'package.json has a "mocha" section' };
  const deps = { ...(pkg?.dependencies ?? {}), ...(pkg?.devDependencies ?? {}) } as Record<string, string>;
  for (const framework of ['vitest', 'jest', 'mocha'] as const) {
    if (deps[framework]) return { framework, reason: `package.json depends on ${framework}` };
  }
  const python = pythonEvidence(root, entries);
  if (python) return { framework: 'pytest', reason: python };
  const nodeTestFile = testFiles(root).find((f) => /\.[cm]?[jt]s$/.test(f) && /['"]node:test['"]/.test(readText(path.join(root, f))));
  if (nodeTestFile) return { framework: 'node-test', reason: `${nodeTestFile} imports node:test` };
  return undefined;
}

/** The framework a `test` script invokes, if it names one. */
export function frameworkInScript(script: string): Detection['framework'] | undefined {
  if (/\bvitest\b/.test(script)) return 'vitest';
  if (/\bjest\b/.test(script)) return 'jest';
  if (/\bmocha\b/.test(script)) return 'mocha';
  if (/\bnode\b[^&|;]*\s--test\b/.test(script)) return 'node-test';
  if (/\bpytest\b/.test(script)) return 'pytest';
  return undefined;
}

function pythonEvidence(root: string, entries: string[]): string | undefined {
  if (entries.includes('pytest.ini')) return 'pytest.ini is present';
  if (entries.includes('conftest.py')) return 'conftest.py is present';
  if (/^\[tool\.pytest/m.test(readText(path.join(root, 'pyproject.toml')))) return 'pyproject.toml configures pytest';
  if (/^\[tool:pytest\]/m.test(readText(path.join(root, 'setup.cfg')))) return 'setup.cfg configures pytest';
  if (/^\[pytest\]/m.test(readText(path.join(root, 'tox.ini')))) return 'tox.ini configures pytest';
  const pyTest = testFiles(root).find((f) => /(?:^|\/)test_[^/]*\.py$|_test\.py$/.test(f));
  return pyTest ? `${pyTest} is a pytest file` : undefined;
}

/** Test files under root (skipping heavy folders), at most a few levels deep and a few hundred entries. */
function testFiles(root: string): string[] {
  const found: string[] = [];
  let budget = 2000;
  const walk = (dir: string, rel: string, depth: number) => {
    for (const name of safeList(dir)) {
      if (--budget < 0 || found.length >= 50) return;
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      let stat: fs.Stats;
      try {
        stat = fs.statSync(abs);
      } catch {
        continue;
      }
      if (stat.isDirectory()) {
        if (depth < 4 && !SKIP_DIRS.has(name) && !name.startsWith('.')) walk(abs, r, depth + 1);
      } else if (isTestFile(r)) found.push(r);
    }
  };
  walk(root, '', 0);
  return found;
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
