// Bundles the three entry points: the extension (loaded by VS Code), the privileged helper (started
// as its own process) and the askpass program sudo -A runs. koffi stays external: it loads a native
// binary at run time.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external: ['vscode', 'koffi'],
  logLevel: 'warning',
};

const entries = [
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['src/helper/main.ts'], outfile: 'dist/helper.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/client/askpass.ts'], outfile: 'dist/askpass.js' },
];

const fs = await import('node:fs');
const existing = fs.existsSync;
for (const e of entries) {
  if (!existing(e.entryPoints[0])) {
    continue;
  }
  const opts = { ...common, ...e };
  if (watch) {
    await (await esbuild.context(opts)).watch();
  } else {
    await esbuild.build(opts);
  }
}

// The topology view's page runs in a webview (a browser): its script is bundled on its own, with
// cytoscape and its layout inside, and its stylesheet and the codicon font are copied beside it
// (the page loads nothing from anywhere else; see src/extension/topology/html.ts).
const webview = {
  entryPoints: ['src/webview/topology/main.ts'],
  outfile: 'dist/topology.js',
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  sourcemap: !production,
  // Always minified: the page parses it on every open (cytoscape is most of it); the map keeps it readable.
  minify: true,
  logLevel: 'warning',
};
if (existing(webview.entryPoints[0])) {
  const copies = [
    ['src/webview/topology/topology.css', 'dist/topology.css'],
    ['node_modules/@vscode/codicons/dist/codicon.css', 'dist/codicon.css'],
    ['node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/codicon.ttf'],
  ];
  fs.mkdirSync('dist', { recursive: true });
  for (const [from, to] of copies) {
    fs.copyFileSync(from, to);
  }
  if (watch) {
    await (await esbuild.context(webview)).watch();
  } else {
    await esbuild.build(webview);
  }
}
