// Runs the same "vscode" suite in a desktop VS Code through @vscode/test-electron, for machines
// that can download one from update.code.visualstudio.com (here, test/vscode/run.ts runs it in
// code-server instead). On Linux without a display, wrap it: `xvfb-run -a node out/test/vscode/runElectron.js`.
//
// Environment: NETNS_VSCODE_VERSION (default 1.100.3, the version the code-server suite runs;
// "stable" for the latest), NETNS_VSCODE_EXECUTABLE (an installed VS Code instead of a download),
// NETNS_EXTENSION_PATH, NETNS_MOCHA_GREP.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const version = process.env.NETNS_VSCODE_VERSION ?? '1.100.3';
const extensionPath = path.resolve(process.env.NETNS_EXTENSION_PATH ?? repoRoot);
const testsPath = path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
// Downloads stay out of the repository, next to the code-server install.
const cachePath = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'vscode-netns', 'vscode-test');

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-electron-'));
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace);
  try {
    return await runTests({
      version,
      cachePath,
      vscodeExecutablePath: process.env.NETNS_VSCODE_EXECUTABLE,
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: testsPath,
      launchArgs: [
        workspace,
        '--user-data-dir', path.join(tmp, 'user-data'),
        '--extensions-dir', path.join(tmp, 'extensions'),
        '--disable-extensions', // other installed extensions; the one under development still loads
        '--disable-telemetry',
      ],
      extensionTestsEnv: {
        NETNS_TEST_WORKSPACE: workspace,
        NETNS_TEST_EXTENSION_PATH: extensionPath,
        NETNS_TEST_VSCODE_VERSION: /^\d+\.\d+/.test(version) ? version.split('.').slice(0, 2).join('.') : '',
      },
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    // runTests rejects when VS Code exits non-zero (a failed test) or cannot be downloaded.
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
