import * as assert from 'assert';
import * as fs from 'fs';
import { createTestRunner } from '../../src/node/testRunners/createTestRunner';
import { changedLines, copyBugProject, fixDiff, listBugProjects } from '../support/multifileBugs';

/** The multi-file bug set is only a benchmark if every bug is real: its buggy version fails, its fix passes. */
describe('multi-file bug set', function () {
  this.timeout(120_000);
  const projects = listBugProjects();

  it('has at least 12 projects in JavaScript, TypeScript and Python', () => {
    assert.ok(projects.length >= 12, `${projects.length} projects`);
    assert.deepStrictEqual([...new Set(projects.map((p) => p.language))].sort(), ['javascript', 'python', 'typescript']);
  });

  for (const project of projects) {
    it(`${project.id}: the buggy version fails, the fixed one passes (${project.framework})`, async () => {
      assert.ok(changedLines(fixDiff(project.id)).size > 0, 'the fix changes a file');
      for (const fixed of [false, true]) {
        const dir = copyBugProject(project, { fixed });
        try {
          const runner = await createTestRunner(dir);
          const report = await runner.run({ root: dir, timeoutMs: 60_000 });
          assert.strictEqual(report.framework, project.framework);
          const failed = report.tests.filter((t) => t.status !== 'passed').map((t) => `${t.id}: ${t.failure?.message ?? t.status}`);
          assert.ok(report.tests.length >= 1, 'tests ran');
          if (fixed) assert.deepStrictEqual(failed, [], 'every test passes with the fix');
          else assert.ok(failed.length >= 1, 'some test fails without the fix');
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
    });
  }
});
