// Inspect Namespace from the tree's context menu: the Inspect submenu on a namespace opens one
// read-only document with its interfaces, routing, neighbours, sockets (a listening process with
// its PID), firewall (an nftables rule), sysctls and /etc/netns files, coloured; the row counts the
// sockets and its "Listening" group lists the listener.

import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { findProgram } from '../../src/platform/programs';
import { cleanupOnExit, cleanupPrefix, IP, ip, uniquePrefix } from '../support/kernel';
import { waitUntil, Workbench, type RowRef } from '../support/e2eWorkbench';
import type { E2eContext } from './run';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function run(ctx: E2eContext): Promise<void> {
  const P = uniquePrefix();
  cleanupOnExit(P);
  const ns = `${P}-web`;
  const peer = `${P}-client`;
  const etc = `/etc/netns/${ns}`;
  const etcExisted = fs.existsSync('/etc/netns');
  const nft = findProgram('nft');
  const nsRow: RowRef = { label: new RegExp(`^Namespace ${escapeRe(ns)},`), name: ns };
  const wb = new Workbench(ctx.page, ctx.log);
  let server: ChildProcess | undefined;
  try {
    ip(['netns', 'add', ns]);
    ip(['netns', 'add', peer]);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    ip(['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', peer]);
    ip(['-n', ns, 'addr', 'add', '10.80.0.1/24', 'dev', 'eth0']);
    ip(['-n', peer, 'addr', 'add', '10.80.0.2/24', 'dev', 'eth0']);
    ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
    ip(['-n', peer, 'link', 'set', 'eth0', 'up']);
    ip(['-n', peer, 'link', 'set', 'lo', 'up']);
    execFileSync(IP, ['netns', 'exec', peer, findProgram('ping') ?? '/usr/bin/ping', '-c', '1', '-W', '2', '10.80.0.1'], { stdio: 'ignore' });
    fs.mkdirSync(etc, { recursive: true });
    fs.writeFileSync(`${etc}/resolv.conf`, 'nameserver 10.80.0.53\nsearch lab.example\n');
    if (nft) {
      execFileSync(IP, ['netns', 'exec', ns, nft, '-f', '-'], {
        input: `table inet filter {\n chain input {\n  type filter hook input priority 0; policy accept;\n  tcp dport 8080 counter accept\n  tcp dport 23 drop\n }\n}\n`,
      });
    }
    const script = `require('net').createServer().listen(8080, '0.0.0.0', () => process.stdout.write('ready\\n')); setInterval(() => {}, 1000);`;
    server = spawn(IP, ['netns', 'exec', ns, findProgram('node') ?? process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve, reject) => {
      server!.stdout!.once('data', () => resolve());
      server!.once('exit', (code) => reject(new Error(`the listener exited (${code})`)));
    });
    const pid = server.pid!;

    await wb.openContainer(/Network Namespaces/);
    await wb.widenSideBar(370);
    await wb.findRow(nsRow);

    // The tree: the socket count on the row and the listener under "Listening".
    const listening: RowRef = { label: /^Listening/, name: 'Listening' };
    await wb.expand(nsRow);
    await waitUntil('the socket count on the row', async () => (await wb.childrenOf(nsRow)).some((l) => /^Listening/.test(l)));
    const row = await waitUntil('the socket count', async () => {
      const r = (await wb.rows()).find((x) => nsRow.label.test(x.label));
      return r && /1 listening/.test(r.label) ? r.label : false;
    });
    ctx.log(`row: ${row}`);
    await wb.expand(listening);
    const rows = await waitUntil('the listener under Listening', async () => {
      const list = (await wb.rows()).map((r) => r.label);
      return list.some((l) => l.includes('0.0.0.0:8080') && l.includes(`PID ${pid}`)) ? list : false;
    });
    ctx.log(`rows: ${rows.filter((l) => /8080|Listening/.test(l)).join(' | ')}`);

    // The context menu's Inspect submenu, then Inspect Namespace. A click that lands while the
    // submenu is still being laid out is not taken, so it is repeated while the entry shows; an
    // attempt that opened no tab closes every level of the menu before the next right-click.
    const menu = ctx.page.locator('.context-view .monaco-menu');
    const closeMenus = () =>
      waitUntil('the context menu to close', async () => {
        if (!(await menu.first().isVisible().catch(() => false))) {
          return true;
        }
        await ctx.page.keyboard.press('Escape');
        return false;
      });
    const inspect = ctx.page.getByRole('menuitem', { name: 'Inspect', exact: true });
    const entry = ctx.page.getByRole('menuitem', { name: 'Inspect Namespace', exact: true });
    const tab = ctx.page.getByRole('tab', { name: new RegExp(`${escapeRe(ns)} \\(inspect\\)`) });
    await waitUntil('Inspect Namespace from the context menu', async () => {
      await closeMenus();
      await (await wb.findRow(nsRow)).click({ button: 'right', timeout: 2000 });
      if (!(await inspect.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false))) {
        return false;
      }
      await inspect.hover();
      if (!(await entry.waitFor({ state: 'visible', timeout: 3000 }).then(() => true, () => false))) {
        return false;
      }
      for (let i = 0; i < 10 && (await entry.isVisible().catch(() => false)); i++) {
        await entry.click({ timeout: 2000 }).catch(() => undefined);
        await ctx.page.waitForTimeout(200);
      }
      return tab.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false);
    }, 60_000);
    const editor = ctx.page.locator('.editor-instance .monaco-editor .view-lines').first();
    const inView = async () => (await editor.innerText()).replace(/\u00a0/g, ' ');
    const top = await waitUntil('the inspection in the editor', async () => {
      const t = await inView();
      return t.includes(`== Namespace ${ns} ==`) && t.includes('inet 10.80.0.1/24') ? t : false;
    });
    assert.match(top, /== Interfaces ==/);
    // Syntax colouring: headings, addresses and keywords get tokens of their own.
    // (The grammar is loaded and applied a moment after the text shows.)
    const tokens = await waitUntil('the document coloured by its grammar', async () => {
      const n = await ctx.page.locator('.editor-instance .view-lines span[class*="mtk"]').evaluateAll((els) => new Set(els.map((e) => e.className)).size);
      return n >= 4 ? n : false;
    });
    ctx.log(`token classes in view: ${tokens}`);
    // Down to the sockets, as a user would: find the heading.
    await editor.click();
    await ctx.page.keyboard.press('Control+F');
    await ctx.page.keyboard.type('== Sockets ==');
    await ctx.page.keyboard.press('Enter');
    await ctx.page.keyboard.press('Escape');
    await ctx.page.keyboard.press('ArrowLeft');
    const text = await waitUntil('the sockets in view', async () => {
      const t = await inView();
      return t.includes('== Sockets ==') && t.includes(':8080') ? t : false;
    });
    ctx.log(`sockets in view: ${text.split('\n').filter((l) => /8080|Netid/.test(l)).join(' | ')}`);
    assert.match(text, /Netid +State/);
    assert.match(text, new RegExp(`0\\.0\\.0\\.0:8080 .*node \\(pid ${pid}`));
    await wb.rest();
    await wb.settle();
    ctx.log(`screenshot ${await ctx.screenshot('inspect')}`);

    await wb.runCommand('View: Close All Editors');
  } finally {
    server?.kill('SIGKILL');
    fs.rmSync(etc, { recursive: true, force: true });
    if (!etcExisted && fs.existsSync('/etc/netns') && fs.readdirSync('/etc/netns').length === 0) {
      fs.rmdirSync('/etc/netns');
    }
    cleanupPrefix(P);
  }
}
