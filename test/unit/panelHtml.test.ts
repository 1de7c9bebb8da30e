import * as assert from 'assert';
import { panelHtml } from '../../src/vscode/panelHtml';

describe('trace panel page', () => {
  const html = panelHtml({
    cspSource: 'https://res.example',
    nonce: 'abc123',
    scriptUri: 'https://res.example/dist/webview.js',
    styleUri: 'https://res.example/media/panel.css',
  });

  it('denies everything by default and allows only its stylesheet origin and the script with the nonce', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.strictEqual(csp?.[1], "default-src 'none'; style-src https://res.example; script-src 'nonce-abc123'");
  });

  it('loads exactly one script, carrying the nonce, and one stylesheet', () => {
    assert.deepStrictEqual([...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]), ['<script nonce="abc123" src="https://res.example/dist/webview.js">']);
    assert.deepStrictEqual([...html.matchAll(/<link[^>]*>/g)].map((m) => m[0]), ['<link rel="stylesheet" href="https://res.example/media/panel.css">']);
    assert.ok(!/style=|<style/.test(html), 'no inline style: the CSP would block it');
  });
});
