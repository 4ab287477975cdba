// Debian's chromium driven by playwright-core (never `playwright install`, which downloads), with a
// throwaway profile, closed reliably: playwright's close first, then any process still holding the
// profile, also when the run dies.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { killTree, onExit, pidsWithArg, signal } from './processTree';

export const CHROMIUM = process.env.NETNS_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox', // we run as root
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Why the browser cannot run here, or undefined when it can. */
export function browserMissing(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `chromium at ${CHROMIUM} (apt-get install chromium)`;
}

export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const missing = browserMissing();
  if (missing) {
    throw new Error(`needs ${missing}`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-chromium-'));
  const killLeftovers = () => signal(pidsWithArg(profile), 'SIGKILL');
  const removeHook = onExit(() => {
    killLeftovers();
    fs.rmSync(profile, { recursive: true, force: true });
  });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: !process.env.NETNS_HEADED,
      args: ARGS,
      viewport: options.viewport ?? { width: 1400, height: 900 },
    });
  } catch (e) {
    killLeftovers();
    fs.rmSync(profile, { recursive: true, force: true });
    removeHook();
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    close: async () => {
      if (closed) {
        return;
      }
      closed = true;
      await Promise.race([context.close().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
      // Whatever outlived close (a hung browser, a stray renderer) goes with its process group.
      for (const pid of pidsWithArg(profile)) {
        await killTree(pid, 1000);
      }
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
      removeHook();
    },
  };
}
