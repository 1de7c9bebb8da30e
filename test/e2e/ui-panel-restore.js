// UI test in the real headless VS Code: the trace panel shows the same run after it was hidden and shown again,
// and after the window reloaded (the host persists recent runs in the workspace state and answers the new page's
// `ready` with a snapshot). Same arguments as test/e2e/ui-fix-*.js: BASE_URL WORKSPACE OUT_DIR DEV_PATH.
'use strict';
const path = require('path');
const { launch, log, waitForServer, openWorkbench, runCommand, panelFrame, waitFor } = require('./common');

const [baseUrl, workspace, outDir, devPath] = process.argv.slice(2);

/** What a person sees of the run: each candidate (id, status, best), the critiques, the status line, the picker. */
async function visibleRun(panel) {
  return {
    candidates: await panel.locator('[data-testid="candidate"]').evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-candidate-id')}:${e.getAttribute('data-status')}:${e.getAttribute('data-best') || ''}`)),
    critiques: await panel.locator('[data-testid="critique"]').allTextContents(),
    status: await panel.locator('[data-testid="run-status"]').textContent(),
    runs: await panel.locator('[data-testid="run-picker"] option').allTextContents(),
  };
}

function same(what, expected, actual) {
  const a = JSON.stringify(expected);
  const b = JSON.stringify(actual);
  if (a !== b) throw new Error(`${what}: the panel changed\nexpected ${a}\nactual   ${b}`);
  log(`panel-restore: ${what}: same run shown`);
}

async function main() {
  await waitForServer(baseUrl);
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  try {
    await openWorkbench(page, baseUrl, workspace, devPath);
    await runCommand(page, 'Reflect: Fix Failing Tests');
    let panel = panelFrame(page);
    await panel.locator('[data-testid="candidate"][data-status="verified"]').first().waitFor({ timeout: 240000 });
    await waitFor(async () => !(await panel.locator('[data-testid="run-status"]').textContent()).startsWith('Running'), 'the run to end', 60000);
    const before = await visibleRun(panel);
    if (!before.status.startsWith('verified')) throw new Error(`expected a verified run, got "${before.status}"`);

    await runCommand(page, 'View: Show Explorer');
    await waitFor(async () => (await page.locator('iframe.webview.ready').count()) === 0 || !(await page.locator('iframe.webview.ready').isVisible()), 'the panel to hide', 30000);
    await runCommand(page, 'Reflect: Show Panel');
    panel = panelFrame(page);
    await panel.locator('[data-testid="candidate"]').first().waitFor({ timeout: 30000 });
    same('hidden and shown again', before, await visibleRun(panel));

    await page.reload();
    await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90000 });
    await runCommand(page, 'Reflect: Show Panel');
    panel = panelFrame(page);
    await panel.locator('[data-testid="candidate"]').first().waitFor({ timeout: 60000 });
    same('window reloaded', before, await visibleRun(panel));
    if ((await panel.locator('[data-testid="stream"]').textContent()) !== '') throw new Error('streamed text came back after the reload');
    await page.locator('iframe.webview.ready').screenshot({ path: path.join(outDir, 'panel-restored.png') });
    console.log('ui panel-restore: 1 passed, 0 failed');
  } catch (e) {
    await page.screenshot({ path: path.join(outDir, 'panel-restore-failure.png') }).catch(() => {});
    console.log(`ui panel-restore: 0 passed, 1 failed — ${(e && e.stack) || e}`);
    throw e;
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), () => process.exit(1));
