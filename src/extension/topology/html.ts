// The topology view's page: the bundled script, its stylesheet and the codicon font, all from the
// extension's dist/ folder, under a Content Security Policy that allows nothing else (no remote
// content, no inline script but the nonce'd one, no eval).

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ToWebview } from '../../core/topology/messages';

export function nonce(): string {
  return randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export interface PageText {
  title: string;
  search: string;
  fit: string;
  zoomIn: string;
  zoomOut: string;
  layout: string;
  connect: string;
  connectHint: string;
  exportPicture: string;
  collapse: string;
  graphLabel: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function contentSecurityPolicy(cspSource: string, n: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${n}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
}

/**
 * JSON inside a <script type="application/json"> (data, never run): "<" written as \u003c so no
 * "</script>" in a name can end it.
 */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The page, with its first graph in it (`first`: the message it would otherwise wait for). */
export function topologyHtml(webview: vscode.Webview, dist: vscode.Uri, first: ToWebview | undefined, t: PageText): string {
  const n = nonce();
  const uri = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(dist, f)).toString();
  const button = (id: string, icon: string, label: string, extra = '') =>
    `<button id="${id}" class="codicon codicon-${icon}" title="${esc(label)}" aria-label="${esc(label)}"${extra}></button>`;
  return `<!DOCTYPE html>
<html lang="${esc(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('codicon.css')}">
<link rel="stylesheet" href="${uri('topology.css')}">
<style id="__________cytoscape_stylesheet" nonce="${n}">.__________cytoscape_container { position: relative; }</style>
<title>${esc(t.title)}</title>
</head>
<body>
<div class="toolbar" role="toolbar" aria-label="${esc(t.title)}">
<input id="search" type="search" placeholder="${esc(t.search)}" aria-label="${esc(t.search)}">
${button('fit', 'screen-full', t.fit)}
${button('zoomIn', 'zoom-in', t.zoomIn)}
${button('zoomOut', 'zoom-out', t.zoomOut)}
${button('layout', 'type-hierarchy', t.layout)}
${button('connect', 'plug', t.connect, ' aria-pressed="false"')}
${button('collapse', 'collapse-all', t.collapse, ' hidden')}
<span id="hint">${esc(t.connectHint)}</span>
<span class="spacer"></span>
${button('export', 'export', t.exportPicture)}
</div>
<div id="graph" tabindex="0" role="application" aria-label="${esc(t.graphLabel)}"></div>
<div id="status" role="status" hidden></div>
<div id="menuAnchor" hidden></div>
${first ? `<script type="application/json" id="firstGraph">${scriptJson(first)}</script>` : ''}
<script nonce="${n}" src="${uri('topology.js')}"></script>
</body>
</html>`;
}
