// Runs <extensionTestsPath>/index.js (exports run(): Promise) inside code-server's server-side Node extension host.
// The headless browser is only the workbench window; exit code = the extension host's test exit code.
'use strict';
const { launch, log, waitForServer, workbenchUrl } = require('./common');
const [baseUrl, workspace, devPath, testsPath] = process.argv.slice(2);
const timeoutMs = Number(process.env.EXT_TEST_TIMEOUT_MS || 300000);

(async () => {
  await waitForServer(baseUrl);
  const browser = await launch();
  const page = await browser.newPage();
  let finish;
  const exited = new Promise((r) => (finish = r));
  // Called by VS Code's web workbench when the extension host that ran the tests exits (extensionService._onExtensionHostExit)
  await page.exposeFunction('codeAutomationExit', (code) => finish(code));
  // Extension-host console.* (mocha's reporter) is forwarded here while running tests
  // (type is the console method; workbench errors such as the offline extension-gallery lookup arrive as 'error')
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    if (type === 'log' || type === 'info') console.log(...(args || []));
    else if (process.env.VERBOSE || !/ENOTFOUND|serviceWorker\.js/.test(String(args && args[0]))) console.log(`[${type}]`, ...(args || []));
  });
  page.on('pageerror', (e) => log('page error:', String(e).slice(0, 300)));
  if (process.env.VERBOSE) page.on('console', (m) => log('console:', m.text().slice(0, 300)));
  log('opening workbench with extensionTestsPath', testsPath);
  await page.goto(workbenchUrl(baseUrl, workspace, { devPath, testsPath }));
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), timeoutMs))]);
  log('extension host exited with', code);
  await browser.close();
  process.exit(code === 0 ? 0 : 1);
})().catch((e) => { console.error(e); process.exit(1); });
