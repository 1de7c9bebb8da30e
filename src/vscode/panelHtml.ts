/**
 * The trace panel's HTML page. Kept free of `vscode` so the chromium UI test loads exactly this page.
 * Default-deny CSP: only the stylesheet from the webview's resource origin and the one script carrying the nonce.
 */

export interface PanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh random nonce per page. */
  nonce: string;
  /** Webview URI of dist/webview.js. */
  scriptUri: string;
  /** Webview URI of media/panel.css. */
  styleUri: string;
}

/** Builds the page. The inputs are URIs and a nonce the host made, never model or test text. */
export function panelHtml(p: PanelHtmlInput): string {
  const csp = `default-src 'none'; style-src ${p.cspSource}; script-src 'nonce-${p.nonce}'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${p.styleUri}">
<title>Reflect</title>
</head>
<body>
<main id="app" aria-label="Reflect trace"></main>
<script nonce="${p.nonce}" src="${p.scriptUri}"></script>
</body>
</html>
`;
}
