// Runs the "vscode" suite (out/test/vscode/suite/index.js) inside a real VS Code 1.100 extension
// host: code-server serves the workbench to headless chromium, and the workbench URL's payload
// loads this repository as the development extension and the suite as its tests, exactly like
// @vscode/test-electron's extensionDevelopmentPath/extensionTestsPath. The suite's output arrives
// through codeAutomationLog and its result through codeAutomationExit; this process exits with it.
//
// Environment: NETNS_VSCODE_TIMEOUT (seconds, default 600), NETNS_VSCODE_START_TIMEOUT (seconds
// until the tests must have started, default 90), NETNS_EXTENSION_PATH (extension folder,
// default the repository), NETNS_MOCHA_GREP, NETNS_HEADED, NETNS_KEEP_TEST_DIRS, NETNS_VERBOSE.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { browserMissing, launchBrowser, type Browser } from '../support/browser';
import { remoteUri, repoRoot, startCodeServer, type CodeServer } from '../support/codeserver';
import { onExit } from '../support/processTree';

const timeoutMs = Number(process.env.NETNS_VSCODE_TIMEOUT ?? 600) * 1000;
const startTimeoutMs = Number(process.env.NETNS_VSCODE_START_TIMEOUT ?? 90) * 1000;
const extensionPath = path.resolve(process.env.NETNS_EXTENSION_PATH ?? repoRoot);
const testsPath = path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js');
const verbose = !!process.env.NETNS_VERBOSE;
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

// Workbench start-up chatter that reaches codeAutomationLog along with the tests' output; shown
// only with NETNS_VERBOSE.
const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|Creation of workbench contribution|Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|\[Service Worker\]|ChatSessionStore)/;

function formatLog(args: unknown): string {
  return Array.isArray(args) ? util.format(...(args as unknown[])) : String(args);
}

async function main(): Promise<number> {
  const missing = browserMissing();
  if (missing) {
    console.error(`the vscode suite needs ${missing}`);
    return 2;
  }
  if (!fs.existsSync(testsPath)) {
    console.error(`${testsPath} is missing: build the tests first (npm run build:tests)`);
    return 2;
  }
  const entry = (JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as { main?: string }).main;
  if (entry && !fs.existsSync(path.join(extensionPath, entry))) {
    console.log(`warning: ${path.join(extensionPath, entry)} is missing (npm run build); the extension cannot activate`);
  }

  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-workspace-'));
  const removeWorkspace = () => fs.rmSync(workspace, { recursive: true, force: true });
  const removeHook = onExit(removeWorkspace);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const started = Date.now();
  try {
    server = await startCodeServer({
      folder: workspace,
      env: { NETNS_TEST_WORKSPACE: workspace, NETNS_TEST_EXTENSION_PATH: extensionPath },
      log: verbose ? (l) => console.log(`[code-server] ${l}`) : undefined,
    });
    console.log(`code-server ready in ${seconds(started)} at ${server.url}`);
    browser = await launchBrowser();
    const { page } = browser;

    let finish: (code: number) => void = () => undefined;
    let onLine: (text: string) => void = () => undefined;
    const result = new Promise<number>((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const text = formatLog(args);
      onLine(text);
      if (!verbose && NOISE.test(text)) {
        return;
      }
      (type === 'error' ? process.stderr : process.stdout).write(text.endsWith('\n') ? text : text + '\n');
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(Number(code)));
    page.on('crash', () => {
      console.error('the workbench page crashed');
      finish(1);
    });
    if (verbose) {
      page.on('console', (m) => console.log(`[browser ${m.type()}] ${m.text()}`));
    }
    page.on('pageerror', (e) => console.error(`[workbench] ${e.message}`));

    const payload: [string, string][] = [
      ['extensionDevelopmentPath', remoteUri(extensionPath)],
      ['extensionTestsPath', remoteUri(testsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    // The workbench occasionally stalls before the extension host starts the tests; that is a
    // start-up failure, not a test result, so it gets one more try with a reloaded page.
    const srv = server;
    let testsRunning = false;
    let reported = false;
    let attempts = 0;
    let startTimer: NodeJS.Timeout | undefined;
    const watchStart = () => {
      startTimer = setTimeout(async () => {
        if (testsRunning) {
          return;
        }
        console.error(`the tests did not start within ${startTimeoutMs / 1000} s`);
        await report(srv, page);
        reported = true;
        if (++attempts < 2) {
          console.error('reloading the workbench');
          watchStart();
          await page.reload().catch(() => undefined);
        } else {
          finish(1);
        }
      }, startTimeoutMs);
    };
    onLine = (text) => {
      if (!testsRunning && /^vscode suite: \d+ test files/m.test(text)) {
        testsRunning = true;
        reported = false;
        clearTimeout(startTimer);
      }
    };
    const testsStarted = Date.now();
    watchStart();
    await page.goto(server.workbenchUrl({ payload }));
    const timer = setTimeout(() => {
      console.error(`the vscode suite did not finish within ${timeoutMs / 1000} s`);
      finish(1);
    }, timeoutMs);
    const code = await result;
    clearTimeout(timer);
    clearTimeout(startTimer);
    console.log(`vscode suite finished in ${seconds(testsStarted)} (exit code ${code})`);
    if (code !== 0 && !reported) {
      await report(server, page);
    }
    return code;
  } catch (e) {
    console.error(e);
    if (server) {
      console.log(`--- code-server log (last lines) ---\n${server.logTail()}`);
    }
    return 1;
  } finally {
    await browser?.close();
    await server?.stop();
    removeWorkspace();
    removeHook();
  }
}

/** What a failed or stuck run leaves to look at: the server's and extension host's logs, a screenshot. */
async function report(server: CodeServer, page: Browser['page']): Promise<void> {
  console.log(`--- code-server log (last lines) ---\n${server.logTail()}`);
  for (const file of findFiles(path.join(server.userDataDir, 'logs'), /(remoteexthost|remoteagent)\.log$/)) {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    console.log(`--- ${path.relative(server.dir, file)} (last lines) ---\n${lines.slice(-30).join('\n')}`);
  }
  const shot = path.join(repoRoot, 'test-results', 'screenshots', 'vscode-suite-failed.png');
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  if (await page.screenshot({ path: shot, timeout: 10_000 }).then(() => true, () => false)) {
    console.log(`screenshot of the workbench: ${shot}`);
  }
}

function findFiles(dir: string, re: RegExp): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => re.test(f)).map((f) => path.join(dir, f));
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
