/**
 * The trace panel's page in real Debian chromium, outside VS Code: the production HTML (panelHtml, with its CSP and
 * nonce), the webview bundle built from src/webview/main.ts with the options of esbuild.js, and media/panel.css, served
 * by an HTTP server on 127.0.0.1. A tiny `acquireVsCodeApi` shim records what the view posts; host messages are
 * dispatched as `message` events, synchronously, as VS Code delivers them to the page.
 * Used by the chromium panel test (test/browser, run by `npm run test:e2e`) and by bench/panel.js (which loads the
 * compiled copy of this file from out/).
 */
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { HostMessage, ViewMessage } from '../../src/panel/protocol';
import { panelHtml } from '../../src/vscode/panelHtml';

const root = path.resolve(__dirname, '../../..');

/** The chromium flags this machine needs (no sandbox, no GPU, no network side traffic). */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** Launches headless chromium: $CHROMIUM, else Debian's /usr/bin/chromium (the e2e scripts read the same variable). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** Bundles the webview script as esbuild.js does (browser IIFE), in memory. */
export async function buildWebviewBundle(): Promise<string> {
  const out = await esbuild.build({
    entryPoints: [path.join(root, 'src/webview/main.ts')],
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, write: false, logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

/** Theme variables a VS Code dark theme would inject, so colours can be checked and screenshots look real. */
export const TEST_THEME_CSS = `:root {
  --vscode-foreground: #cccccc; --vscode-font-family: sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: monospace; --vscode-editor-font-size: 12px; --vscode-editor-background: #1e1e1e;
  --vscode-sideBar-background: #252526; --vscode-descriptionForeground: #9d9d9d; --vscode-focusBorder: #007fd4;
  --vscode-button-foreground: #ffffff; --vscode-button-background: #0e639c; --vscode-button-hoverBackground: #1177bb;
  --vscode-button-secondaryForeground: #cccccc; --vscode-button-secondaryBackground: #3a3d41;
  --vscode-gitDecoration-addedResourceForeground: rgb(129, 184, 139); --vscode-gitDecoration-deletedResourceForeground: rgb(199, 78, 57);
  --vscode-diffEditor-insertedLineBackground: rgba(155, 185, 85, 0.2); --vscode-diffEditor-removedLineBackground: rgba(255, 0, 0, 0.2);
  --vscode-textLink-foreground: rgb(55, 148, 255); --vscode-textBlockQuote-background: #222222; --vscode-textBlockQuote-border: #007acc;
  --vscode-badge-background: #4d4d4d; --vscode-badge-foreground: #ffffff; --vscode-errorForeground: #f48771;
  --vscode-symbolIcon-keywordForeground: rgb(86, 156, 214); --vscode-debugTokenExpression-string: rgb(206, 145, 120);
  --vscode-debugTokenExpression-number: rgb(181, 206, 168); --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c; --vscode-panel-border: #80808059;
}
body { background: var(--vscode-sideBar-background); }`;

export interface PanelServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the panel page, its script and stylesheet (and a test theme) on 127.0.0.1. */
export async function startPanelServer(bundle: string): Promise<PanelServer> {
  const css = fs.readFileSync(path.join(root, 'media/panel.css'), 'utf8');
  const server = http.createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    const send = (type: string, body: string) => {
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.url === '/') {
      send('text/html', panelHtml({ cspSource: origin, nonce: 'bm9uY2UtZm9yLXRlc3Rz', scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/media/panel.css` }));
    } else if (req.url === '/dist/webview.js') send('text/javascript', bundle);
    else if (req.url === '/media/panel.css') send('text/css', css);
    else if (req.url === '/theme.css') send('text/css', TEST_THEME_CSS);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Records posted messages in `window.__posted`, keeps `setState` in `window.__state` (seeded with `state`), and
 * collects CSP violations in `window.__csp`.
 */
function shim(state: unknown): void {
  const w = window as unknown as Record<string, unknown>;
  w.__posted = [];
  w.__state = state;
  w.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => (w.__csp as string[]).push(`${e.violatedDirective} ${e.blockedURI}`));
  w.acquireVsCodeApi = () => ({
    postMessage: (m: unknown) => (w.__posted as unknown[]).push(m),
    getState: () => w.__state,
    setState: (s: unknown) => (w.__state = s),
  });
}

/** Opens the panel page in a new tab; resolves once the view said `ready`. */
export async function openPanel(browser: Browser, server: PanelServer, opts: { state?: unknown; theme?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
  await page.addInitScript(shim, opts.state);
  await page.goto(server.url);
  if (opts.theme) {
    await page.evaluate(() => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = '/theme.css';
      document.head.appendChild(link);
      return new Promise((resolve) => (link.onload = resolve));
    });
  }
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return page;
}

/** Delivers host messages to the view, in order, synchronously. */
export async function sendToView(page: Page, messages: HostMessage[]): Promise<void> {
  await page.evaluate((msgs) => {
    for (const data of msgs) window.dispatchEvent(new MessageEvent('message', { data }));
  }, messages);
}

/** What the view has posted so far. */
export function postedBy(page: Page): Promise<ViewMessage[]> {
  return page.evaluate(() => (window as unknown as { __posted: ViewMessage[] }).__posted);
}
