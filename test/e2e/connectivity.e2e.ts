// Check Connectivity in the workbench: the router lab built from the palette, b's default route
// taken away in the kernel, then "Check Connectivity..." from a's context menu to b's address.
// The notification names the missing route back, and the rows on the way carry the check's marks
// (✓ on the way, ✗ on b). Then "Check All veth Links" shows its table in the Markdown preview.

import * as assert from 'node:assert/strict';
import { cleanupOnExit, cleanupPrefix, ip, uniquePrefix } from '../support/kernel';
import { waitUntil, Workbench, type RowRef } from '../support/e2eWorkbench';
import type { E2eContext } from './run';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nsRow = (name: string): RowRef => ({ label: new RegExp(`^Namespace ${escapeRe(name)},`), name });

export async function run(ctx: E2eContext): Promise<void> {
  const P = uniquePrefix();
  const prefix = `${P}-`;
  const [a, r, b] = ['a', 'r', 'b'].map((n) => `${prefix}${n}`);
  cleanupOnExit(P);
  const wb = new Workbench(ctx.page, ctx.log);
  const shot = async (name: string) => {
    await wb.settle();
    ctx.log(`screenshot ${await ctx.screenshot(name)}`);
  };
  try {
    await wb.openContainer(/Network Namespaces/);
    await wb.widenSideBar(560);
    await wb.runCommand('Netns: Create Example Lab...');
    await wb.pick('Choose a lab to build', 'Two subnets joined by a router namespace');
    await wb.answer('Prefix of the lab', prefix);
    await wb.notification(/The lab is ready/, 30_000);
    await wb.clearNotifications();
    ip(['-n', b, 'route', 'del', 'default']);

    for (const n of [a, r, b]) {
      await wb.findRow(nsRow(n));
    }
    await wb.expand(nsRow(b));
    await wb.expand(nsRow(r));
    await wb.expand(nsRow(a));

    await wb.contextMenu(nsRow(a), 'Check Connectivity...');
    await wb.pick('To which address, interface or namespace?', '10.0.2.2', `(${b})`);
    const note = await wb.notification(/no route back/, 30_000);
    ctx.log(`check: ${note.replace(/\s+/g, ' ')}`);
    assert.match(note, new RegExp(`${escapeRe(b)} has no route back to 10\\.0\\.1\\.2: add a route via 10\\.0\\.2\\.1 or a default route`));

    // The marks: ✗ on b's row, ✓ on a's, r's and the interfaces on the way.
    // The workbench draws a decoration's badge as the ::after content of the row's label.
    const badge = async (ref: RowRef) =>
      (await (await wb.findRow(ref)).locator('.monaco-icon-label').first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown, p: string): { content: string } }).getComputedStyle(el, '::after').content)).replace(/^"|"$/g, '');
    await waitUntil('the check marks on the rows', async () => (await badge(nsRow(b))) === '✗' && (await badge(nsRow(a))) === '✓');
    assert.equal(await badge(nsRow(r)), '✓');
    const ethB = { label: /^Interface eth-b,/, name: 'eth-b' };
    assert.equal(await badge(ethB), '✓', 'r\'s eth-b is on the way');
    await shot('connectivity');

    // Every veth pair, both ways: with b's route gone they still answer (each pair is one link);
    // with b's eth0 down, its pair does not, and the table says why.
    await wb.clearNotifications();
    ip(['-n', b, 'link', 'set', 'eth0', 'down']);
    await wb.runCommand('Netns: Check All veth Links');
    // Every pair on the machine is checked: another suite's lab may be there too, so the count is
    // at least ours (2 of 4) and the table is read for our rows.
    const noReply = /(\d+) of (\d+) veth link checks got no reply/;
    const summary = await wb.notification(noReply, 60_000);
    const [, failed, all] = noReply.exec(summary) ?? [];
    assert.ok(Number(failed) >= 2 && Number(all) >= 4 && Number(all) - Number(failed) >= 2, summary);
    const preview = ctx.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const table = preview.locator('table');
    await table.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await table.innerText();
    ctx.log(`links table: ${text.replace(/\s+/g, ' ').slice(0, 400)}`);
    assert.match(text, new RegExp(`eth0 → eth-a\\s+${escapeRe(a)} → ${escapeRe(r)}\\s+10\\.0\\.1\\.2 → 10\\.0\\.1\\.1\\s+✓`));
    assert.match(text, new RegExp(`eth-b → eth0\\s+${escapeRe(r)} → ${escapeRe(b)}\\s+10\\.0\\.2\\.1 → 10\\.0\\.2\\.2\\s+✗ no replies \\(\\d+ sent\\)\\s+eth-b in ${escapeRe(r)} has no carrier: its peer eth0 in ${escapeRe(b)} is down; set it up\\.`));
    await shot('connectivity-links');
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Netns: Clear Check Marks');
  } finally {
    cleanupPrefix(P);
  }
}
