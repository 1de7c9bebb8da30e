/**
 * The verify gate's view of the shared protected-path rules (src/core/protectedPaths.ts, the same rules the loop's
 * candidate check uses): which of a change's files touch the test setup or a never-writable path. It holds no rule
 * of its own; it only decides how the gate words and scopes them.
 */
import { protectedChangeReason, testSetupFilesOf } from '../core/protectedPaths';
import type { ProtectedChange } from '../core/protectedPaths';

/** What the gate knows of the workspace besides the change. */
export interface TamperContext {
  /** Files the base does not have. */
  added?: ReadonlySet<string>;
  /** The workspace's package.json as it is on disk, for the setup files its test script loads. */
  packageJson?: string;
}

/**
 * One sentence per changed file that breaks a rule; empty when the change may stand. A new test file is not
 * tampering (a regression test is welcome) unless it carries a skip/only marker; its results are judged like any
 * other test's.
 */
export function testSetupTampering(changes: readonly ProtectedChange[], workspace: TamperContext = {}): string[] {
  const added = workspace.added ?? new Set<string>();
  const changed = changes.find((c) => c.path === 'package.json');
  // Setup files named by the package.json as it was and as it is now (a change may add one or drop one).
  const testSetupFiles = [workspace.packageJson, changed?.before, changed?.after].flatMap((text) => (text ? testSetupFilesOf(text) : []));
  const reasons: string[] = [];
  for (const change of changes) {
    const verdict = protectedChangeReason(change, { testSetupFiles });
    if (!verdict || (verdict.rule === 'test-file' && added.has(change.path))) continue;
    // The gate has no --allow-test-edits: the loop's hint about it would only mislead the agent reading this.
    reasons.push(verdict.reason.replace(/ \(--allow-test-edits[^)]*\)/g, ''));
  }
  return reasons;
}
