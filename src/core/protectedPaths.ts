/**
 * The one rule set of files a change may not touch: the whole test setup (test files, test scripts, runner
 * configs and setup files, snapshots, added skip/only/todo markers) and the never-writable paths (`.git/`,
 * editor and hook configs that run commands on their own, installed dependencies, build output).
 *
 * Shared by everything that writes or judges a change: the loop's candidate check, `--apply` and the editor's
 * Accept, and `reflect verify`. Pure (no Node built-ins): paths are workspace-relative with '/', texts are
 * file contents.
 *
 * Usage:
 * ```ts
 * const v = protectedChangeReason({ path, before, after }, { allowTestEdits });
 * if (v?.refused) reject(v.reason);          // never written
 * else if (v) warn(v.reason);                // test setup changed with --allow-test-edits: allowed, shown
 * ```
 */
import { addedTestMarkers } from './testMarkers';
import { changedTestSection, isSnapshotPath, isTestConfigPath } from './testSetup';
import { isTestFile as defaultIsTestFile } from './testFiles';

export { testSetupFilesOf } from './testSetup';

/**
 * Which rule a change breaks. Test-setup rules (`test-file`, `test-script`, `test-config`, `snapshot`,
 * `test-marker`) can be overridden by allowing test edits; `never-writable` and `generated` cannot.
 */
export type ProtectedRule = 'never-writable' | 'generated' | 'test-file' | 'test-script' | 'test-config' | 'snapshot' | 'test-marker';

/** One file a change writes. Without `after`, only the rules that need no contents are checked. */
export interface ProtectedChange {
  /** Workspace-relative, '/' or '\\' separators. */
  path: string;
  /** The file before the change ('' or undefined for a new file). */
  before?: string;
  /** The file after the change. Undefined: judge by the path alone. */
  after?: string;
}

export interface ProtectedPathOptions {
  /** The user allowed test edits (--allow-test-edits, reflect.allowTestEdits): test-setup rules only warn. */
  allowTestEdits?: boolean;
  /** Which files are tests (default: src/core/testFiles.ts's isTestFile). */
  isTestFile?: (path: string) => boolean;
  /** Files the project loads before its tests (see `testSetupFilesOf`), workspace-relative. */
  testSetupFiles?: Iterable<string>;
  /**
   * Hook for build output and git-ignored files, which need the file system to know: a short phrase saying
   * what the path is ("build output (dist/, see .gitignore)"), or undefined for a source file.
   */
  generatedPath?: (path: string) => string | undefined;
}

/** A broken rule: which one, a reason a model can act on, and whether it blocks the change. */
export interface ProtectedChangeVerdict {
  rule: ProtectedRule;
  /**
   * Starts with "it …": what the change does, then why it is refused ("it changes scripts.test in package.json,
   * part of how the tests run; the test setup is read-only: …"), or, when allowed, "(test setup changed; allowed
   * by --allow-test-edits)".
   */
  reason: string;
  /** True for test-setup rules, which allowing test edits turns into a warning. */
  overridable: boolean;
  /** True when the change must not be made (always, unless `overridable` and test edits are allowed). */
  refused: boolean;
}

/** Folders whose files are never written: git's own, and editor or hook configs that run commands by themselves. */
const NEVER_WRITABLE_DIRS = ['.git', '.hg', '.svn', '.idea', '.husky', '.githooks', '.devcontainer'];
const NEVER_WRITABLE_FILES = [
  /^\.vscode\/(?:tasks|launch|settings|extensions|mcp)\.json$/,
  /(?:^|\/)\.git$/, /\.code-workspace$/, /(?:^|\/)\.envrc$/, /(?:^|\/)\.?lefthook(?:-local)?\.ya?ml$/,
  /(?:^|\/)\.pre-commit-config\.yaml$/,
];
/** Installed dependencies and caches: never the project's own code. */
const DEPENDENCY_DIRS = ['node_modules', '.venv', 'site-packages', '__pycache__', 'bower_components'];

const READ_ONLY = 'the test setup is read-only: fix the code under test instead (--allow-test-edits lifts this)';

/** A test-setup rule a change breaks: what the change does and why that is refused by default. */
interface TestSetupBreach {
  rule: ProtectedRule;
  what: string;
  why: string;
}

/**
 * The first rule `change` breaks, or undefined when it may be made. Rules that refuse whatever the options
 * come first, so a refused verdict is returned before an overridable one.
 */
export function protectedChangeReason(change: ProtectedChange, options: ProtectedPathOptions = {}): ProtectedChangeVerdict | undefined {
  const path = normalPath(change.path);
  const fixed = neverWritable(path) ?? generated(path, options);
  if (fixed) return fixed;
  const found = testSetupRule(path, change, options);
  if (!found) return undefined;
  const refused = options.allowTestEdits !== true;
  const reason = refused ? `${found.what}; ${found.why}` : `${found.what} (test setup changed; allowed by --allow-test-edits)`;
  return { rule: found.rule, reason, overridable: true, refused };
}

/** Every change's verdict: the first refusal (if any) and the warnings of allowed test-setup changes. */
export function reviewProtectedChanges(
  changes: readonly ProtectedChange[], options: ProtectedPathOptions = {},
): { refused?: ProtectedChangeVerdict; warnings: ProtectedChangeVerdict[] } {
  const verdicts = changes.map((c) => protectedChangeReason(c, options)).filter((v): v is ProtectedChangeVerdict => v !== undefined);
  const refused = verdicts.find((v) => v.refused);
  return { ...(refused ? { refused } : {}), warnings: verdicts.filter((v) => !v.refused) };
}

/** Backslashes to '/', no leading './', no empty segments. */
function normalPath(path: string): string {
  return path.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.').join('/');
}

function neverWritable(path: string): ProtectedChangeVerdict | undefined {
  const lower = path.toLowerCase();
  const dir = lower.split('/').slice(0, -1).find((part) => NEVER_WRITABLE_DIRS.includes(part));
  if (dir === '.git' || dir === '.hg' || dir === '.svn') {
    return refusal('never-writable', `it changes ${path}, inside ${dir}/: version-control data is never written; change the project's source files`);
  }
  if (dir || NEVER_WRITABLE_FILES.some((re) => re.test(lower))) {
    return refusal('never-writable', `it changes ${path}, an editor, hook or environment config that can run commands on its own; such files are never written: change the project's source files`);
  }
  return undefined;
}

function generated(path: string, options: ProtectedPathOptions): ProtectedChangeVerdict | undefined {
  const dep = path.split('/').slice(0, -1).find((part) => DEPENDENCY_DIRS.includes(part));
  if (dep) return refusal('generated', `it changes ${path}, inside ${dep}/ (installed dependencies, not the project's code): change the project's own source files`);
  const what = options.generatedPath?.(path);
  if (what) return refusal('generated', `it changes ${path}, which is ${what}, not a source file: change the source it is made from`);
  return undefined;
}

function testSetupRule(path: string, change: ProtectedChange, options: ProtectedPathOptions): TestSetupBreach | undefined {
  const before = change.before ?? '';
  const after = change.after;
  if (after !== undefined && before === after) return undefined;
  if (isSnapshotPath(path)) {
    return { rule: 'snapshot', what: `it rewrites the snapshot ${path}`, why: 'snapshots record the expected output, so make the code produce it (--allow-test-edits lifts this)' };
  }
  if (isTestConfigPath(path) || [...options.testSetupFiles ?? []].some((f) => normalPath(f) === path)) {
    return { rule: 'test-config', what: `it edits ${path}, a test runner config or setup file`, why: READ_ONLY };
  }
  // An added marker is named even in a test file: it says more than "edits the test file".
  const markers = after === undefined ? [] : addedTestMarkers(path, before, after);
  if (markers.length) {
    return { rule: 'test-marker', what: `it adds a skip/only/todo marker (${markers.join('; ')}) to ${path}`, why: 'silencing or narrowing tests is not a fix (--allow-test-edits lifts this)' };
  }
  if ((options.isTestFile ?? defaultIsTestFile)(path)) {
    return { rule: 'test-file', what: `it edits the test file ${path}`, why: 'tests are read-only unless test edits are allowed (--allow-test-edits)' };
  }
  const section = after === undefined ? undefined : changedTestSection(path, before, after);
  if (section) return { rule: 'test-script', what: `it changes ${section} in ${path}, part of how the tests run`, why: READ_ONLY };
  return undefined;
}

function refusal(rule: ProtectedRule, reason: string): ProtectedChangeVerdict {
  return { rule, reason, overridable: false, refused: true };
}
