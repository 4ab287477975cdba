// The view as an ordinary user sees it before authenticating: sudo needs the user's password,
// which the extension asks for in a password box (netns.privilege.askPassword). While that box is
// open the tree already lists the host's interfaces and every namespace by name, marked as needing
// the helper; when the user cancels, the view stays read-only and says so at its top.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { INSTALL_LAUNCHER } from '../../src/core/install';
import type { CodeServer } from '../support/codeserver';
import { startUserWorkbench } from '../support/e2eUser';
import { waitUntil, Workbench, type RowRef } from '../support/e2eWorkbench';
import { cleanupOnExit, cleanupPrefix, ip, uniquePrefix } from '../support/kernel';
import { createTestUser, installSudoers, runCleanups, setPassword } from '../support/testUser';
import { extensionLogTail, waitForWorkbench, type E2eContext } from './run';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const skip = fs.existsSync(INSTALL_LAUNCHER) ? `an installed helper (${INSTALL_LAUNCHER}) takes precedence over the bundled one` : undefined;

export async function run(ctx: E2eContext): Promise<void> {
  const P = uniquePrefix();
  const ns = `${P}ba`;
  cleanupOnExit(P);
  let server: CodeServer | undefined;
  try {
    const user = createTestUser();
    setPassword(user, `pw-${P}`);
    // Full sudo rights, with a password: the start waits for the password box.
    installSudoers(`netns-e2e-${user.name}`, `${user.name} ALL=(ALL) ALL`);
    ip(['netns', 'add', ns]);
    ({ server } = await startUserWorkbench(user, { 'netns.privilege.method': 'sudo', 'netns.privilege.askPassword': true }));
    const { page } = ctx;
    await page.goto(server.workbenchUrl());
    await waitForWorkbench(page);
    const wb = new Workbench(page, ctx.log);
    const clicked = Date.now();
    await wb.openContainer(/Network Namespaces/);
    await wb.widenSideBar(440);

    // The password box is open, and the tree is already there.
    await wb.waitForQuickInput('sudo asks');
    const row: RowRef = { label: new RegExp(`^Namespace ${escapeRe(ns)}, needs the helper`), name: ns };
    await wb.findRow(row, 15_000);
    ctx.log(`first namespace row ${Date.now() - clicked} ms after the click, the password not yet typed`);
    await wb.findRow({ label: /^Host \(root namespace\), root namespace · \d+ interface/, name: 'host' });
    const message = page.locator('.pane-body .message');
    await waitUntil('the read-only line at the top of the tree', async () => /without root while the helper starts/.test(await message.innerText().catch(() => '')));
    ctx.log(`screenshot ${await ctx.screenshot('06-before-authentication')}`);

    // Cancelled: still read-only, and it says what happened and what to do.
    await page.keyboard.press('Escape');
    await wb.waitQuickInputClosed();
    const text = await waitUntil('the read-only line after cancelling', async () => {
      const t = await message.innerText().catch(() => '');
      return /^Read-only: /.test(t) ? t : false;
    });
    assert.match(text, /Start Helper/);
    await wb.findRow(row);
    await wb.settle();
    ctx.log(`screenshot ${await ctx.screenshot('07-read-only')}`);
  } catch (e) {
    if (server && e instanceof Error) {
      e.message += `\n--- extension log of the user's workbench ---\n${extensionLogTail(server)}`;
    }
    throw e;
  } finally {
    cleanupPrefix(P);
    await server?.stop();
    runCleanups();
  }
}
