// Shared by the e2e scripts: launch Debian's chromium through playwright-core, build the workbench URL, and the
// few workbench gestures the UI tests use (command palette, webview frames, waiting on files).
'use strict';
const fs = require('fs');
const { chromium } = require('playwright-core');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

const t0 = Date.now();
const log = (...a) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

async function waitForServer(baseUrl, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try { await fetch(`${baseUrl}/`); return; } catch { /* not listening yet */ }
    if (Date.now() > end) throw new Error(`server did not answer on ${baseUrl} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** playwright-core launches a fresh --user-data-dir itself; executablePath = Debian's chromium. */
function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/**
 * Workbench URL. `payload` is read by VS Code's web workbench and is how a browser window gets
 * extensionDevelopmentPath / extensionTestsPath; paths on the server are vscode-remote://<host:port>/...
 */
function workbenchUrl(baseUrl, workspace, { devPath, testsPath } = {}) {
  const authority = new URL(baseUrl).host;
  const payload = [];
  if (devPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${authority}${devPath}`]);
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${testsPath}`]);
  let url = `${baseUrl}/?folder=${encodeURIComponent(workspace)}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** Opens the workbench on `workspace` and waits until the remote file system answers (explorer rows shown). */
async function openWorkbench(page, baseUrl, workspace, devPath) {
  await page.goto(workbenchUrl(baseUrl, workspace, { devPath: devPath || undefined }));
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90000 });
  log('workbench ready');
}

/**
 * Runs a command from the palette by its full title, like a person (F1, type, Enter). Retries while the palette
 * says "No matching commands": the extension's contributions appear once the extension host has started.
 */
async function runCommand(page, title, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 30000 });
    await input.fill('>');
    await page.keyboard.type(title);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 5000 });
      await page.keyboard.press('Enter');
      log('ran command', title);
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await page.waitForTimeout(1000);
    }
  }
}

/** The trace panel's document: outer webview iframe, then VS Code's #active-frame holding the panel's HTML. */
function panelFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

async function waitFor(predicate, what, timeoutMs = 120000, stepMs = 250) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

function readText(file) {
  try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; }
}

module.exports = { launch, log, waitForServer, workbenchUrl, openWorkbench, runCommand, panelFrame, waitFor, readText };
