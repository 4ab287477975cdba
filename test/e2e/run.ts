// Runs the UI end-to-end suite: code-server with this extension installed (its folder linked into
// the extensions dir), headless chromium on the workbench, and every out/test/e2e/*.e2e.js module
// in turn. A module exports `async function run(ctx: E2eContext)`; it gets a fresh page with the
// workbench already drawn, and fails by throwing. Optionally `export const skip = 'why'`.
//
// Environment: NETNS_E2E_GREP (run only modules whose name contains it), NETNS_E2E_TIMEOUT
// (seconds per module, default 120), NETNS_EXTENSION_PATH, NETNS_HEADED, NETNS_KEEP_TEST_DIRS,
// NETNS_VERBOSE.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import type { Page } from 'playwright-core';
import { browserMissing, launchBrowser, type Browser } from '../support/browser';
import { repoRoot, startCodeServer, type CodeServer } from '../support/codeserver';
import { Workbench } from '../support/e2eWorkbench';
import { onExit } from '../support/processTree';

export interface E2eContext {
  page: Page;
  /** code-server's base URL, http://127.0.0.1:PORT */
  url: string;
  /** The workspace folder the workbench opens (a fresh temp folder per run). */
  workspace: string;
  server: CodeServer;
  /** (Re)loads the workbench in `page` and waits until it is drawn. */
  openWorkbench(): Promise<void>;
  /** Saves a PNG of the page as test-results/screenshots/<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  log(...args: unknown[]): void;
}

interface E2eModule {
  run(ctx: E2eContext): Promise<void>;
  skip?: string;
  /** The module opens a workbench of its own (another server) in the page: none is opened first. */
  ownWorkbench?: boolean;
}

export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');
const timeoutMs = Number(process.env.NETNS_E2E_TIMEOUT ?? 120) * 1000;
/** The extension under test (this repository unless NETNS_EXTENSION_PATH says otherwise). */
export const extensionPath = path.resolve(process.env.NETNS_EXTENSION_PATH ?? repoRoot);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/**
 * Waits until the workbench is drawn (activity bar, side bar, status bar) and shows the activity
 * bar entries the extension contributes: they appear a moment later, once the server's extension
 * host has registered the extension, and they prove it is installed.
 */
export async function waitForWorkbench(page: Page, timeout = 60_000, locale?: string): Promise<void> {
  for (const part of ['activitybar', 'sidebar', 'statusbar']) {
    await page.locator(`.monaco-workbench .part.${part}`).first().waitFor({ state: 'visible', timeout });
  }
  for (const title of activityBarTitles(locale)) {
    await page
      .getByRole('tab', { name: title })
      .first()
      .waitFor({ state: 'visible', timeout })
      .catch((e: Error) => {
        throw new Error(`the extension's activity bar entry "${title}" did not appear: ${e.message}`, { cause: e });
      });
  }
}

/**
 * Titles of the extension's activity bar view containers, %placeholders% resolved: from
 * package.nls.json, or package.nls.<locale>.json when the workbench shows that display language.
 */
function activityBarTitles(locale?: string): string[] {
  const read = (f: string) => (fs.existsSync(path.join(extensionPath, f)) ? JSON.parse(fs.readFileSync(path.join(extensionPath, f), 'utf8')) : {}) as Record<string, unknown>;
  const manifest = read('package.json') as { contributes?: { viewsContainers?: { activitybar?: { title: string }[] } } };
  const nls = { ...read('package.nls.json'), ...(locale ? read(`package.nls.${locale}.json`) : {}) } as Record<string, string>;
  return (manifest.contributes?.viewsContainers?.activitybar ?? []).map((c) => c.title.replace(/^%(.+)%$/, (m, key: string) => nls[key] ?? m));
}

/** The last lines of the extension's output channel ("Network Namespaces") in a server's logs. */
export function extensionLogTail(server: CodeServer, lines = 40): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (e.name === 'Network Namespaces.log') {
        found.push(p);
      }
    }
  };
  try {
    walk(path.join(server.userDataDir, 'logs'));
  } catch {
    // no logs yet
  }
  return found.map((f) => fs.readFileSync(f, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')).join('\n') || '(none)';
}

function modules(): string[] {
  const dir = __dirname;
  const grep = process.env.NETNS_E2E_GREP;
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.e2e.js') && (!grep || f.includes(grep)))
    .sort()
    .map((f) => path.join(dir, f));
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

async function main(): Promise<number> {
  const missing = browserMissing();
  if (missing) {
    console.error(`the e2e suite needs ${missing}`);
    return 2;
  }
  const files = modules();
  const entry = (JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as { main?: string }).main;
  if (entry && !fs.existsSync(path.join(extensionPath, entry))) {
    console.log(`warning: ${path.join(extensionPath, entry)} is missing (npm run build); the extension cannot activate`);
  }
  fs.mkdirSync(screenshotDir, { recursive: true });
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-workspace-'));
  const removeWorkspace = () => fs.rmSync(workspace, { recursive: true, force: true });
  const removeHook = onExit(removeWorkspace);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let pass = 0;
  let fail = 0;
  let skipped = 0;
  try {
    const started = Date.now();
    server = await startCodeServer({
      folder: workspace,
      extensions: [extensionPath],
      log: process.env.NETNS_VERBOSE ? (l) => console.log(`[code-server] ${l}`) : undefined,
    });
    console.log(`code-server ready in ${seconds(started)} at ${server.url}`);
    // The size of the committed screenshots (media/e2e/).
    browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    for (const file of files) {
      const name = path.basename(file, '.e2e.js');
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- modules found at run time
      const mod = require(file) as E2eModule;
      if (mod.skip) {
        skipped++;
        console.log(`skip ${name}: ${mod.skip}`);
        continue;
      }
      const page = await browser.context.newPage();
      const ctx: E2eContext = {
        page,
        url: server.url,
        workspace,
        server,
        openWorkbench: async () => {
          await page.goto(server!.workbenchUrl());
          await waitForWorkbench(page);
        },
        screenshot: async (shot) => {
          const file = path.join(screenshotDir, `${shot}.png`);
          await page.screenshot({ path: file });
          return file;
        },
        log: (...args) => console.log(`  ${name}: ${util.format(...args)}`),
      };
      const t0 = Date.now();
      try {
        await withTimeout(
          (async () => {
            if (!mod.ownWorkbench) {
              await ctx.openWorkbench();
            }
            await mod.run(ctx);
          })(),
          timeoutMs,
          name,
        );
        pass++;
        console.log(`ok   ${name} (${seconds(t0)})`);
      } catch (e) {
        fail++;
        console.log(`FAIL ${name} (${seconds(t0)})`);
        console.log(e instanceof Error ? (e.stack ?? e.message) : e);
        const shot = await ctx.screenshot(`${name}-failed`).catch(() => undefined);
        if (shot) {
          console.log(`  screenshot: ${shot}`);
        }
        // The extension's own account of the failing module, before later modules add theirs.
        console.log(`--- extension log at the failure (last lines) ---\n${extensionLogTail(server)}`);
      } finally {
        // The workbench restores the editors a module left open (the topology view too) in the
        // next one: closed here, as a user would before moving on.
        if (!mod.ownWorkbench) {
          const closing = new Workbench(page, ctx.log).runCommand('View: Close All Editors');
          await withTimeout(closing, 20_000, `${name}: closing its editors`).catch(() => undefined);
        }
        await page.close().catch(() => undefined);
      }
    }
    if (fail) {
      console.log(`--- code-server log (last lines) ---\n${server.logTail()}`);
    }
  } catch (e) {
    fail++;
    console.error(e);
  } finally {
    await browser?.close();
    await server?.stop();
    removeWorkspace();
    removeHook();
  }
  console.log(`# pass ${pass}`);
  console.log(`# fail ${fail}`);
  console.log(`# skipped ${skipped}`);
  return fail ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
