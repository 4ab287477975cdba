// The workbench run by an ordinary user, the helper started through sudo: a throwaway user with a
// NOPASSWD sudoers line for exactly the command the extension runs when no helper is installed
// (`/usr/bin/env ELECTRON_RUN_AS_NODE=1 NODE .../dist/helper.js`), code-server started as that
// user with the extension in its extensions folder, and the view driven in the browser. It checks
// that the tree shows what root sees, that a namespace created from the palette is created by root,
// and that `ps` shows the helper running as root on behalf of the user (SUDO_UID).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sudoersRule } from '../../src/client/launcher';
import { INSTALL_LAUNCHER } from '../../src/core/install';
import type { CodeServer } from '../support/codeserver';
import { ancestors, environ, extensionFolderName, ps, startUserWorkbench } from '../support/e2eUser';
import { waitUntil, Workbench, type RowRef } from '../support/e2eWorkbench';
import { cleanupOnExit, cleanupPrefix, ip, netnsNames, uniquePrefix } from '../support/kernel';
import { createTestUser, installSudoers, runCleanups } from '../support/testUser';
import { extensionLogTail, waitForWorkbench, type E2eContext } from './run';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HOST: RowRef = { label: /^Host \(root namespace\)/, name: 'host' };
const nsRow = (name: string): RowRef => ({ label: new RegExp(`^Namespace ${escapeRe(name)},`), name });

// It opens the workbench of its own server.
export const ownWorkbench = true;

// With a root-owned install the extension starts that instead, which this sudoers line does not name.
export const skip = fs.existsSync(INSTALL_LAUNCHER) ? `an installed helper (${INSTALL_LAUNCHER}) takes precedence over the bundled one` : undefined;

export async function run(ctx: E2eContext): Promise<void> {
  const P = uniquePrefix();
  const byRoot = `${P}root`;
  const byUser = `${P}user`;
  cleanupOnExit(P);
  let server: CodeServer | undefined;
  try {
    const user = createTestUser();
    ip(['netns', 'add', byRoot]);
    const started = await startUserWorkbench(user, { 'netns.privilege.method': 'sudo' });
    server = started.server;
    const extension = started.extension;
    // The paths the extension host will use: its own runtime (code-server's node) and the helper
    // under the extensions folder, where the extension is installed.
    const nodePath = process.execPath;
    const helperPath = path.join(server.extensionsDir, extensionFolderName(extension), 'dist', 'helper.js');
    const rule = sudoersRule(user.name, nodePath, helperPath);
    ctx.log(`sudoers: ${rule}`);
    installSudoers(`netns-e2e-${user.name}`, rule);

    const { page } = ctx;
    await page.goto(server.workbenchUrl());
    await waitForWorkbench(page);
    const wb = new Workbench(page, ctx.log);
    await wb.openContainer(/Network Namespaces/);
    await wb.widenSideBar(440);
    // The helper starts through sudo when the view shows; the tree then lists what root sees.
    await wb.findRow(HOST, 30_000);
    await wb.findRow(nsRow(byRoot));

    await wb.runCommand('Netns: Create Namespace...');
    await wb.answer('Name of the new network namespace', byUser);
    await wb.waitQuickInputClosed();
    await waitUntil(`${byUser} in the kernel`, () => netnsNames().includes(byUser));
    await wb.findRow(nsRow(byUser));
    // Made by root: the user could not have written /run/netns.
    assert.equal(fs.statSync(`/run/netns/${byUser}`).uid, 0);
    await wb.settle();
    ctx.log(`screenshot ${await ctx.screenshot('sudo-user-tree')}`);

    // ps: the helper is node on our helper.js, as root, started by sudo for the user, from an
    // extension host that runs as the user.
    const rows = ps();
    const helper = rows.find((r) => r.args.startsWith(`${nodePath} ${helperPath}`));
    assert.ok(helper, `no helper process for ${helperPath}:\n${rows.filter((r) => r.args.includes('helper.js')).map((r) => r.args).join('\n')}`);
    assert.equal(helper.user, 'root', 'the helper does not run as root');
    const env = environ(helper.pid);
    assert.equal(env.SUDO_UID, String(user.uid), 'the helper was not started by sudo for the user');
    assert.equal(env.SUDO_USER, user.name);
    const chain = ancestors(helper.pid, rows);
    assert.ok(chain.some((r) => /^sudo\b|\/sudo\b/.test(r.args)), `no sudo above the helper: ${chain.map((r) => r.args).join(' <- ')}`);
    const extHost = chain.find((r) => r.user !== 'root');
    assert.ok(extHost, 'nothing run by the user above the helper');
    assert.equal(extHost.user, user.name, `the extension host runs as ${extHost.user}`);
    ctx.log(`helper pid ${helper.pid} user ${helper.user} SUDO_UID=${env.SUDO_UID}; started under ${extHost.user}: ${extHost.args.slice(0, 80)}`);
  } catch (e) {
    if (server && e instanceof Error) {
      e.message += `\n--- extension log of the user's workbench ---\n${extensionLogTail(server)}`;
    }
    throw e;
  } finally {
    cleanupPrefix(P);
    await server?.stop();
    runCleanups(); // sudoers line, bind mount, user (and its home)
  }
}
