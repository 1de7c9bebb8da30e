/**
 * What belongs to a project's test setup besides the test files: runner configs, setup files, snapshots, and
 * the test parts of shared files (package.json's test scripts, setup.cfg's [tool:pytest], pyproject.toml's
 * [tool.pytest…]). A candidate that changes these can make a red suite green without fixing anything.
 * Pure: paths are workspace-relative with '/', texts are file contents.
 */

/** Runner configs and setup files, by file name (any folder). */
const CONFIG_NAMES: RegExp[] = [
  /^(?:jest|vitest|vitest\.workspace|vitest\.projects|playwright|cypress|ava|karma|wdio|nightwatch)\.conf(?:ig)?\.[cm]?[jt]s(?:on)?$/,
  /^\.mocharc(?:\.[a-z]+)?$/,
  /^\.(?:c8|nyc)rc(?:\.[a-z]+)?$/,
  /^(?:pytest\.ini|tox\.ini|conftest\.py|noxfile\.py)$/,
  /^(?:setupTests|setup-tests|setup_tests|jest\.setup|vitest\.setup|test[.-]setup|global[.-]?setup|global[.-]?teardown)\.[cm]?[jt]sx?$/,
];

/** package.json keys that configure a test runner. */
const PACKAGE_CONFIG_KEYS = ['jest', 'mocha', 'ava', 'vitest', 'c8', 'nyc', 'tap'];

/** A script whose name says it runs tests (`test`, `pretest`, `test:unit`, `e2e`, `coverage` …). */
const TEST_SCRIPT_NAME = /test|(?:^|[:_-])(?:specs?|e2e|coverage|cov)(?:[:_-]|$)/i;
/** A script whose command runs a test runner. */
const TEST_RUNNER_COMMAND = /\b(?:jest|vitest|mocha|ava|tap|c8|nyc|pytest|tox|karma|playwright|cypress)\b|node\s[^&|;]*--test\b/;
/** `npm run X`, `yarn X`, `pnpm X`, `run-s X Y`, `npm-run-all X`: scripts a script calls. */
const SCRIPT_CALL = /\b(?:npm\s+run(?:-script)?|pnpm(?:\s+run)?|yarn(?:\s+run)?|bun\s+run|run-s|run-p|npm-run-all)\s+((?:[\w:.*-]+\s*)+)/g;

/** True for a runner config, setup file or snapshot, judged by its path alone. */
export function isTestConfigPath(path: string): boolean {
  const name = path.split('/').pop() ?? '';
  return CONFIG_NAMES.some((re) => re.test(name));
}

/** True for jest/vitest/syrupy snapshot files (`__snapshots__/`, `*.snap`, `*.ambr`). */
export function isSnapshotPath(path: string): boolean {
  return path.split('/').includes('__snapshots__') || /\.(?:snap|ambr)$/.test(path);
}

/**
 * What of the test setup a change to a shared file touches, as a phrase ("scripts.test", "[tool:pytest]"), or
 * undefined when it leaves the test parts alone (editing dependencies in package.json is fine).
 */
export function changedTestSection(path: string, before: string, after: string): string | undefined {
  const name = path.split('/').pop() ?? '';
  if (name === 'package.json') return changedPackageTestParts(before, after);
  if (name === 'setup.cfg') return sectionsDiffer(before, after, (h) => h === 'tool:pytest' || h.startsWith('coverage:')) ? '[tool:pytest]' : undefined;
  if (name === 'pyproject.toml') {
    return sectionsDiffer(before, after, (h) => /^tool\.(?:pytest|tox|coverage)\b/.test(h)) ? '[tool.pytest…]' : undefined;
  }
  // vite.config.* doubles as vitest's config when it has a `test` block.
  if (/^vite\.config\.[cm]?[jt]s$/.test(name) && /\btest\s*:/.test(`${before}\n${after}`) && before !== after) return 'its vitest `test` block';
  return undefined;
}

function changedPackageTestParts(before: string, after: string): string | undefined {
  const old = parseObject(before);
  const now = parseObject(after);
  if (now === undefined) return 'package.json (it no longer parses as JSON, so its test scripts cannot be checked)';
  const oldScripts = stringRecord(old?.scripts);
  const newScripts = stringRecord(now.scripts);
  const names = testScriptNames({ ...oldScripts, ...newScripts }, oldScripts, newScripts);
  const changed = [...names].filter((n) => oldScripts[n] !== newScripts[n]).sort();
  if (changed.length) return changed.map((n) => `scripts.${n}`).join(', ');
  const configs = PACKAGE_CONFIG_KEYS.filter((k) => canonical(old?.[k]) !== canonical(now[k]));
  return configs.length ? configs.map((k) => `the "${k}" config`).join(', ') : undefined;
}

/** Test scripts: by name or command, plus every script they call (in either version), transitively. */
function testScriptNames(all: Record<string, string>, ...versions: Record<string, string>[]): Set<string> {
  const names = new Set(Object.keys(all).filter((n) => TEST_SCRIPT_NAME.test(n) || versions.some((v) => TEST_RUNNER_COMMAND.test(v[n] ?? ''))));
  const queue = [...names];
  while (queue.length) {
    const name = queue.pop()!;
    for (const version of versions) {
      for (const called of calledScripts(version[name] ?? '')) {
        if (!names.has(called) && called in all) {
          names.add(called);
          queue.push(called);
        }
      }
    }
  }
  return names;
}

function calledScripts(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(SCRIPT_CALL)) out.push(...m[1].trim().split(/\s+/).filter((w) => !w.startsWith('-')));
  return out;
}

/**
 * Workspace-relative files a project loads before its tests, found in package.json (`--require`, `--import`,
 * `-r`, `--loader`, `--file`, `--setupFiles` in test scripts; jest's setupFiles, setupFilesAfterEnv,
 * globalSetup, globalTeardown; mocha's require and file). `packageDir` is the folder of package.json ('' at
 * the root). Packages (`ts-node/register`, `tsx`) are left out.
 */
export function testSetupFilesOf(packageJson: string, packageDir = ''): string[] {
  const pkg = parseObject(packageJson);
  if (!pkg) return [];
  const found: string[] = [];
  const scripts = stringRecord(pkg.scripts);
  for (const name of testScriptNames(scripts, scripts)) {
    const words = (scripts[name] ?? '').split(/\s+/);
    words.forEach((w, i) => {
      const eq = w.match(/^(?:--require|--import|--loader|--experimental-loader|--file|--setupFiles(?:AfterEnv)?)=(.+)$/);
      if (eq) found.push(eq[1]);
      else if (/^(?:-r|--require|--import|--loader|--experimental-loader|--file|--setupFiles(?:AfterEnv)?)$/.test(w) && words[i + 1]) found.push(words[i + 1]);
    });
  }
  const jest = asObject(pkg.jest);
  const mocha = asObject(pkg.mocha);
  for (const value of [jest?.setupFiles, jest?.setupFilesAfterEnv, jest?.globalSetup, jest?.globalTeardown, mocha?.require, mocha?.file]) {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') found.push(v);
  }
  const files = found
    .map((f) => f.replace(/^['"]|['"]$/g, '').replace(/^<rootDir>\//, './'))
    // A package (`ts-node/register`, `tsx`) has no extension; a file does.
    .filter((f) => f.startsWith('./') || f.startsWith('../') || /^\w[\w./-]*\.[cm]?[jt]sx?$/.test(f))
    .map((f) => joinPath(packageDir, f));
  return [...new Set(files)];
}

function joinPath(dir: string, file: string): string {
  const parts = [...dir.split('/'), ...file.split('/')].filter((p) => p !== '' && p !== '.');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out.join('/');
}

/** True when a section of an ini/toml file whose header `wanted` accepts differs between the two texts. */
function sectionsDiffer(before: string, after: string, wanted: (header: string) => boolean): boolean {
  return sectionsOf(before, wanted) !== sectionsOf(after, wanted);
}

/** The text of the wanted sections (header lines `[name]` or `[[name]]`), blank lines and comments dropped. */
function sectionsOf(text: string, wanted: (header: string) => boolean): string {
  const out: string[] = [];
  let keep = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = line.match(/^\[\[?\s*([^\]]+?)\s*\]\]?$/);
    if (header) keep = wanted(header[1].replace(/["']/g, ''));
    if (keep && line && !/^[#;]/.test(line)) out.push(line);
  }
  return out.join('\n');
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return {};
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

function stringRecord(value: unknown): Record<string, string> {
  const obj = asObject(value) ?? {};
  return Object.fromEntries(Object.entries(obj).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** JSON with object keys sorted, so reordering keys is not a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = asObject(value);
  if (obj) return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}
