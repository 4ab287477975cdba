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

const existing = (await import('node:fs')).existsSync;
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
