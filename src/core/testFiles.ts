/**
 * Which workspace files are tests. Used to keep candidate edits out of test files (unless allowed) and to find
 * test files when detecting a framework. Pure: works on workspace-relative paths with '/'.
 */

const TEST_DIRS = new Set(['test', 'tests', '__tests__', 'spec', '__test__']);
const CODE_EXT = /\.(?:[cm]?[jt]sx?|py)$/;

/** True for *.test.*, *.spec.*, test_*.py, *_test.py, and code files under test/, tests/ or __tests__/ folders. */
export function isTestFile(path: string): boolean {
  const parts = path.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  const name = parts[parts.length - 1] ?? '';
  if (/\.(?:test|spec)\.[^./]+$/.test(name) && CODE_EXT.test(name)) return true;
  if (/^test_.*\.py$/.test(name) || /_test\.py$/.test(name)) return true;
  if (name === 'conftest.py') return true;
  return CODE_EXT.test(name) && parts.slice(0, -1).some((dir) => TEST_DIRS.has(dir));
}
