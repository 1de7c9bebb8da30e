// The done-when flow of the extension, driven like a person through the real workbench: run "Reflect: Fix Failing
// Tests" from the command palette, watch the trace panel list a critique and a verified candidate, open the inline
// review from the panel, accept the hunk with its CodeLens, save, and check the file on disk and the tests.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const { launch, log, waitForServer, openWorkbench, runCommand, panelFrame, waitFor, readText } = require('./common');

const SOURCE = 'src/range.js';
const BUGGY = '  return x > lo && x < hi;';
const FIXED = '  return x >= lo && x <= hi;';

/**
 * Runs the flow. `check(ctx)` adds provider-specific assertions once the run is verified (ctx: page, panel, outDir).
 * Returns normally on success, throws on failure (after a failure screenshot).
 */
async function fixFlow({ baseUrl, workspace, outDir, devPath, name, check }) {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(workspace, SOURCE);
  const original = readText(file);
  if (!original.includes(BUGGY)) throw new Error(`fixture ${file} does not contain the bug`);
  if (testsPass(workspace)) throw new Error('fixture tests already pass before the fix');
  await waitForServer(baseUrl);
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  try {
    await openWorkbench(page, baseUrl, workspace, devPath);
    await runCommand(page, 'Reflect: Fix Failing Tests');
    const panel = panelFrame(page);
    const verified = panel.locator('[data-testid="candidate"][data-status="verified"]');
    await verified.first().waitFor({ timeout: 240000 });
    await panel.locator('[data-testid="critique"]').first().waitFor({ timeout: 60000 });
    const critiques = await panel.locator('[data-testid="critique"]').allTextContents();
    log(`${name}: panel shows ${critiques.length} critique(s), ${await verified.count()} verified candidate(s)`);
    if (critiques.length < 1) throw new Error('no critique in the panel');
    if (check) await check({ page, panel, outDir, critiques });
    await page.waitForTimeout(500);
    await page.locator('iframe.webview.ready').screenshot({ path: path.join(outDir, `${name}-panel.png`) });
    await page.screenshot({ path: path.join(outDir, `${name}-workbench-panel.png`) });

    // Open the inline review from the panel's Review button on the best candidate (the verified one marked best;
    // earlier rounds mark their own best too).
    const best = panel.locator('[data-testid="candidate"][data-best="true"][data-status="verified"]');
    await best.locator('[data-action="review"]').last().click();
    const accept = page.locator('.codelens-decoration a', { hasText: /Accept hunk 1\// });
    await accept.first().waitFor({ timeout: 60000 });
    log(`${name}: inline review shown`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(outDir, `${name}-inline-review.png`) });
    await accept.first().click();
    await waitFor(async () => (await page.locator('.codelens-decoration a', { hasText: /Accept hunk/ }).count()) === 0, 'the CodeLens to go after Accept', 30000);
    if (readText(file) !== original) throw new Error('Accept saved the file: it must only edit the buffer');
    // Save like a person: focus the editor, Ctrl+S (the palette's fuzzy match could pick another "Save" command).
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+S');
    await waitFor(() => readText(file) === original.replace(BUGGY, FIXED), `${SOURCE} on disk to hold the fix`, 30000);
    log(`${name}: ${SOURCE} fixed on disk`);
    if (!testsPass(workspace)) throw new Error('the workspace tests still fail after accepting the fix');
    log(`${name}: workspace tests pass`);
    console.log(`ui ${name}: 1 passed, 0 failed`);
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, `${name}-failure.png`) }).catch(() => {});
    console.log(`ui ${name}: 0 passed, 1 failed — ${e && e.stack || e}`);
    throw e;
  } finally {
    await browser.close();
  }
}

/** Runs the fixture's own tests (node --test) in the workspace; true when they all pass. */
function testsPass(workspace) {
  const r = cp.spawnSync(process.execPath, ['--test'], { cwd: workspace, encoding: 'utf8', timeout: 60000 });
  return r.status === 0;
}

module.exports = { fixFlow, SOURCE, BUGGY, FIXED };
