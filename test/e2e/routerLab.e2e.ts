// The router lab built through the view: "Create Example Lab" from the view's menu, the three
// namespaces and their wiring in the tree, checked against the kernel; a ping from a to b through
// the router, from the palette; the walkthrough showing the router step done; and the lab removed
// in one action, leaving nothing in the kernel.

import * as assert from 'node:assert/strict';
import { cleanupOnExit, cleanupPrefix, ip, netnsNames, uniquePrefix } from '../support/kernel';
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
    await wb.widenSideBar(480);
    // From the walkthrough's router step: its button builds the lab.
    await wb.runCommand('Welcome: Open Walkthrough...');
    await wb.pick('Select a walkthrough to open', 'Learn Network Namespaces');
    const routerStep = ctx.page.locator('.getting-started-step').filter({ hasText: 'A router between two subnets' });
    await routerStep.click();
    // The page moves the focus to the step it opens a moment after the click (its slide
    // animation): a button clicked before that sees its input box closed by the focus moving.
    await waitUntil('the router step focused', () => routerStep.evaluate((el) => el.contains(el.ownerDocument.activeElement)));
    await ctx.page.locator('.getting-started-step.expanded a, .getting-started-step.expanded .button-link, .getting-started-step.expanded button.monaco-button').filter({ hasText: 'Build the Router Lab' }).first().click();
    await wb.answer('Prefix of the lab', prefix);
    const ready = await wb.notification(/The lab is ready/, 30_000);
    ctx.log(`built: ${ready.replace(/\s+/g, ' ')}`);

    // The kernel: r forwards and has both subnets; a's default route goes through r.
    assert.ok([a, r, b].every((n) => netnsNames().includes(n)));
    assert.equal(ip(['netns', 'exec', r, 'cat', '/proc/sys/net/ipv4/ip_forward']).trim(), '1');
    const routes = JSON.parse(ip(['-n', a, '-j', 'route', 'show'])) as { dst: string; gateway?: string }[];
    assert.ok(routes.some((x) => x.dst === 'default' && x.gateway === '10.0.1.1'), JSON.stringify(routes));

    // The tree: r's interfaces with their addresses, and each veth's peer in its namespace.
    for (const n of [a, r, b]) {
      await wb.findRow(nsRow(n));
    }
    await wb.expand(nsRow(r));
    const rRows = await waitUntil(`eth-a and eth-b under ${r}`, async () => {
      await wb.scrollToTop(nsRow(r));
      const rows = await wb.childrenOf(nsRow(r));
      const ok = ['eth-a', 'eth-b'].every((name) => rows.some((l) => l.startsWith(`Interface ${name},`)));
      return ok ? rows : false;
    });
    ctx.log(`rows under ${r}: ${rRows.join(' | ')}`);
    assert.ok(rRows.some((l) => l.includes('10.0.1.1/24') && l.includes(`(${a})`)), `eth-a shows its address and its peer in ${a}`);
    assert.ok(rRows.some((l) => l.includes('10.0.2.1/24') && l.includes(`(${b})`)), `eth-b shows its address and its peer in ${b}`);
    await wb.expand(nsRow(a));
    await shot('router-lab-01-tree');

    // A ping from a to b crosses the router, from the palette (the walkthrough closed first, as
    // it may take the focus, and with it the open QuickPick, when it redraws).
    await wb.runCommand('View: Close All Editors');
    await wb.clearNotifications();
    await wb.runCommand('Netns: Ping from Namespace...');
    await wb.pick('Ping from which namespace?', a);
    await wb.pick('Address to ping', '10.0.2.2', `(${b})`);
    const note = await wb.notification(/replies/);
    ctx.log(`ping: ${note.replace(/\s+/g, ' ')}`);
    assert.match(note, /3 of 3 replies/);
    await shot('router-lab-02-ping');
    await wb.clearNotifications();

    // The walkthrough: the router step is done (the kernel shows a router), and so are the steps
    // the lab did on the way (namespaces, veth pairs, addresses), and the ping.
    await wb.runCommand('Welcome: Open Walkthrough...');
    await wb.pick('Select a walkthrough to open', 'Learn Network Namespaces');
    const done = async (title: string) => (await ctx.page.locator('.getting-started-step').filter({ hasText: title }).locator('.codicon.complete').count()) > 0;
    await waitUntil('the router step marked done', () => done('A router between two subnets'));
    for (const title of ['Create two namespaces', 'Make a veth pair', 'Look inside: addresses and up', 'Ping across']) {
      assert.ok(await done(title), `"${title}" is marked done`);
    }
    await routerStep.click();
    await shot('router-lab-03-walkthrough');
    await wb.runCommand('View: Close All Editors');

    // Removed in one action: only the lab's namespaces, all of them.
    await wb.runCommand('Netns: Remove Lab...');
    await wb.pick('Choose the lab to remove', 'Two subnets joined by a router namespace');
    await waitUntil('the confirmation', () => wb.dialog.isVisible());
    assert.match(await wb.dialog.innerText(), new RegExp(`${escapeRe(a)}, ${escapeRe(r)}, ${escapeRe(b)}`));
    await wb.dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await waitUntil('the lab gone from the kernel', () => ![a, r, b].some((n) => netnsNames().includes(n)), 30_000);
  } finally {
    cleanupPrefix(P);
  }
}
