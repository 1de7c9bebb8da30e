// The alternative runner for machines that can download VS Code (a laptop, public CI): @vscode/test-electron
// fetches a desktop VS Code and runs the same mocha entry (out/test/integration-vscode) in its extension host,
// on a fresh copy of the same fixture workspace. This machine cannot download VS Code; use run.sh here.
//   npm run build && npm run compile-tests && node test/e2e/runElectron.js
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runTests } = require('@vscode/test-electron');

async function main() {
  const root = path.resolve(__dirname, '../..');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-electron-ws-'));
  fs.cpSync(path.join(__dirname, 'workspaces', 'range'), workspace, { recursive: true });
  try {
    await runTests({
      version: process.env.VSCODE_VERSION || '1.100.3',
      // beside Reflect, the test-only chat model provider the LM API tests script; registering a provider is an API
      // proposal in VS Code 1.100, which a stable build allows only to extensions named by --enable-proposed-api
      extensionDevelopmentPath: [root, path.join(__dirname, 'scripted-lm-provider')],
      extensionTestsPath: path.join(root, 'out', 'test', 'integration-vscode'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
        '--enable-proposed-api', 'reflect-test.scripted-lm-provider'],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`runElectron: ${error && error.message ? error.message : error}`);
  process.exit(1);
});
