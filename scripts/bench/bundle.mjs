// Compiles the TypeScript the benchmark drives (the real client and model, the code-server and
// browser test support) with esbuild into CommonJS files under node_modules/.cache, where Node
// still finds the project's dependencies, and loads them.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);

/** Bundles the export lines into one file, requires it and deletes the file. */
async function bundle(root, name, lines, extra = {}) {
  const esbuild = await import('esbuild');
  const dir = path.join(root, 'node_modules', '.cache', 'vscode-netns-bench');
  fs.mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, `${name}-${process.pid}.cjs`);
  await esbuild.build({
    stdin: { contents: lines.join('\n'), resolveDir: root, loader: 'ts', sourcefile: `${name}.ts` },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    packages: 'external',
    logLevel: 'error',
    ...extra,
  });
  try {
    return require(outfile);
  } finally {
    fs.rmSync(outfile, { force: true });
    try {
      fs.rmdirSync(dir);
    } catch {
      // another run's file is still there
    }
  }
}

/** `vscode` resolved to the small stand-in next to this file (only the tree provider imports it). */
const vscodeStub = {
  name: 'vscode-stub',
  setup(build) {
    const stub = path.join(path.dirname(new URL(import.meta.url).pathname), 'vscodeStub.mjs');
    build.onResolve({ filter: /^vscode$/ }, () => ({ path: stub }));
  },
};

/**
 * The real client, model and tree provider (src/client/client.ts, src/extension/model/,
 * src/extension/tree/namespaceTreeProvider.ts) and the helper's fast reader, to run in process.
 */
export function loadModel(root) {
  return bundle(
    root,
    'model',
    [
      "export { createClient } from './src/client/client';",
      "export { NamespaceStore } from './src/extension/model/namespaceStore';",
      "export { ViewActivation } from './src/extension/model/viewActivation';",
      "export { NamespaceTreeProvider } from './src/extension/tree/namespaceTreeProvider';",
      "export { createNetlinkReader } from './src/helper/reader/netlink';",
      "export { planLab, labRequests } from './src/core/labs/labPlan';",
      "export { exportLab, labFileText } from './src/core/labs/labExport';",
      "export { parseLabFile } from './src/core/labs/labFile';",
      "export { vethPairs } from './src/core/diagnose/targets';",
    ],
    { plugins: [vscodeStub] },
  );
}

/** startCodeServer (test/support/codeserver.ts) and launchBrowser (test/support/browser.ts). */
export function loadWorkbench(root) {
  return bundle(
    root,
    'workbench',
    [
      "export { startCodeServer, repoRoot } from './test/support/codeserver';",
      "export { launchBrowser, browserMissing } from './test/support/browser';",
    ],
    // codeserver.ts finds the repository from its compiled location, out/test/support.
    { define: { __dirname: JSON.stringify(path.join(root, 'out', 'test', 'support')) } },
  );
}

/** What the ordinary-user workbench needs: the test user fixture and its workbench (test/support/). */
export function loadUserWorkbench(root) {
  return bundle(
    root,
    'userWorkbench',
    [
      "export { startUserWorkbench } from './test/support/e2eUser';",
      "export { createTestUser, setPassword, installSudoers, runCleanups } from './test/support/testUser';",
      "export { launchBrowser } from './test/support/browser';",
    ],
    { define: { __dirname: JSON.stringify(path.join(root, 'out', 'test', 'support')) } },
  );
}
