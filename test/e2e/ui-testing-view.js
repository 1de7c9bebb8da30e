// UI test: Reflect's runs in the Testing view. Runs "Reflect: Fix Failing Tests" (built-in provider), opens the
// Test Results view, opens a failing test of a candidate's run and shows its expected/actual diff (screenshot),
// then starts "Fix with Reflect" from that failure (the button VS Code shows on the message) and checks that a run
// on that one test starts and verifies a fix.
'use strict';
const fs = require('fs');
const path = require('path');
const { launch, log, waitForServer, openWorkbench, runCommand, panelFrame, waitFor } = require('./common');

const [baseUrl, workspace, outDir, devPath] = process.argv.slice(2);
const TEST_NAME = 'inRange includes the upper bound';

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  await waitForServer(baseUrl);
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  try {
    await openWorkbench(page, baseUrl, workspace, devPath);
    await runCommand(page, 'Reflect: Fix Failing Tests');
    await panelFrame(page).locator('[data-testid="candidate"][data-status="verified"]').first().waitFor({ timeout: 240000 });
    log('testing view: the run is verified');
    await page.keyboard.press('Escape');

    await runCommand(page, 'Test Results: Focus on Test Results View');
    const tree = page.locator('.test-output-peek-tree');
    await tree.waitFor({ timeout: 30000 });
    // The latest run is on top; the earlier ones are folded under "N older results".
    const older = tree.locator('.monaco-list-row', { hasText: /older results/ }).first();
    await older.waitFor({ timeout: 30000 });
    await expand(older);
    // A candidate's run in which the upper-bound test still fails (its row shows the failure's message): selecting
    // it opens its failure in the results view.
    const testRow = tree.locator('.monaco-list-row', { hasText: TEST_NAME }).filter({ hasText: 'Expected' }).first();
    await testRow.waitFor({ timeout: 30000 });
    await testRow.click();
    // The diff of expected and actual opens beside the tree.
    const diff = page.locator('.test-output-peek .monaco-diff-editor, .testing-diff-editor, .monaco-diff-editor').first();
    await diff.waitFor({ timeout: 30000 });
    await waitFor(async () => /true/.test(await diff.innerText()) && /false/.test(await diff.innerText()), 'expected and actual in the diff', 30000);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(outDir, 'testing-view-candidate-diff.png') });
    log('testing view: diff of expected/actual shown');

    // "Fix with Reflect" on the failure (the message's button, testing/message/content) starts a run on that test.
    const fix = page.getByText('Fix with Reflect', { exact: true }).first();
    await fix.waitFor({ timeout: 15000 });
    await fix.click();
    // The panel switches to the new run, titled after the one test it fixes, and reaches its verdict.
    const panel = panelFrame(page);
    await waitFor(async () => (await panel.locator('select option:checked').innerText().catch(() => '')).startsWith(`Fix ${TEST_NAME}`), 'the run on that test in the panel', 60000);
    await panel.locator('[data-testid="candidate"][data-status="verified"]').first().waitFor({ timeout: 240000 });
    log('testing view: Fix with Reflect ran on', TEST_NAME, 'and verified a fix');
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(outDir, 'testing-view-fix-started.png') });
    console.log('ui testing-view: 1 passed, 0 failed');
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'testing-view-failure.png') }).catch(() => {});
    console.log(`ui testing-view: 0 passed, 1 failed — ${e && e.stack || e}`);
    throw e;
  } finally {
    await browser.close();
  }
}

/** Expands a tree row if it is collapsed (a click on its twistie). */
async function expand(row) {
  if ((await row.getAttribute('aria-expanded')) === 'false') {
    await row.locator('.monaco-tl-twistie').click();
  }
}

main().then(() => process.exit(0), () => process.exit(1));
