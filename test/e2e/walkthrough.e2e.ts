// The `ip netns` walkthrough done through the UI, the way a user would: the Network Namespaces view
// from the activity bar, namespaces and a veth pair created from the command palette, one end
// dragged onto a namespace in the tree, the other moved through the context menu, a terminal
// inside a namespace, a move that fails because the kernel changed after the view showed it, and
// both namespaces deleted after the modal confirmation. Each step is checked in the tree and
// against the kernel (`ip -j`), with a screenshot in test-results/screenshots/.

import * as assert from 'node:assert/strict';
import { cleanupOnExit, cleanupPrefix, ip, linkNames, netnsNames, uniquePrefix } from '../support/kernel';
import { waitUntil, Workbench, type RowRef } from '../support/e2eWorkbench';
import type { E2eContext } from './run';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HOST: RowRef = { label: /^Host \(root namespace\)/, name: 'host' };
const nsRow = (name: string): RowRef => ({ label: new RegExp(`^Namespace ${escapeRe(name)},`), name });
const ifRow = (name: string): RowRef => ({ label: new RegExp(`^Interface ${escapeRe(name)},`), name });

export async function run(ctx: E2eContext): Promise<void> {
  const P = uniquePrefix();
  const ns1 = `${P}ns1`;
  const ns2 = `${P}ns2`;
  const vethA = `${P}a`;
  const vethB = `${P}b`;
  cleanupOnExit(P);
  const wb = new Workbench(ctx.page, ctx.log);
  const shot = async (name: string) => {
    await wb.settle();
    ctx.log(`screenshot ${await ctx.screenshot(name)}`);
  };
  const kernelHas = (ns: string | null, name: string) => linkNames(ns).includes(name);
  try {
    // The view, from the activity bar.
    await wb.openContainer(/Network Namespaces/);
    await wb.widenSideBar(440);
    await wb.findRow(HOST);
    await shot('walkthrough-01-tree');

    // Two namespaces from the palette; an invalid name first, which the input box refuses.
    await wb.runCommand('Netns: Create Namespace...');
    await wb.waitForQuickInput('Create Network Namespace');
    await wb.quickInputBox.fill('a/b');
    const message = await wb.inputMessage(/cannot contain "\/"/);
    ctx.log(`invalid name: ${message}`);
    await shot('walkthrough-02-invalid-name');
    await wb.quickInputBox.press('Enter'); // refused: the box stays open with its message
    assert.ok(await wb.quickInput.isVisible(), 'an invalid name closed the input box');
    await wb.quickInputBox.fill(ns1);
    await wb.inputMessage(/Name of the new network namespace/);
    await shot('walkthrough-03-create-namespace');
    await wb.quickInputBox.press('Enter');
    await wb.waitQuickInputClosed();
    await wb.runCommand('Netns: Create Namespace...');
    await wb.answer('Name of the new network namespace', ns2);
    await waitUntil(`${ns1} and ${ns2} in the kernel`, () => netnsNames().includes(ns1) && netnsNames().includes(ns2));
    await wb.findRow(nsRow(ns1));
    await wb.findRow(nsRow(ns2));

    // A veth pair with both ends in the host, answering the command's prompts.
    await wb.runCommand('Netns: Create veth Pair...');
    await wb.pick('Where should the first end go?', 'host');
    await wb.answer('Name of the end in host', vethA);
    await wb.pick('Where should the other end go?', 'host');
    await wb.answer('Name of the end in host', vethB);
    await wb.waitQuickInputClosed();
    await waitUntil('the veth pair in the kernel', () => kernelHas(null, vethA) && kernelHas(null, vethB));
    await wb.expand(HOST);
    await wb.findRow(ifRow(vethA));
    await wb.findRow(ifRow(vethB));
    await shot('walkthrough-04-veth-created');

    // Drag veth-a onto ns1: the tree's drag and drop controller moves it.
    await wb.dragRow(ifRow(vethA), nsRow(ns1));
    await waitUntil(`${vethA} in ${ns1} (kernel)`, () => kernelHas(ns1, vethA) && !kernelHas(null, vethA));

    // Move veth-b to ns2 through its context menu and the QuickPick.
    const moveB = `Move ${vethB} to which namespace?`;
    await wb.menuAction(ifRow(vethB), 'Move to Namespace...', () => wb.quickInputShows(moveB));
    await wb.pick(moveB, ns2);
    await waitUntil(`${vethB} in ${ns2} (kernel)`, () => kernelHas(ns2, vethB) && !kernelHas(null, vethB));

    // The tree agrees: veth-a no longer under the host but under ns1, veth-b under ns2, each
    // showing where its peer is now.
    await waitUntil('the host without the moved ends', async () => {
      await wb.scrollToTop(HOST);
      const host = await wb.childrenOf(HOST);
      return !host.some((l) => ifRow(vethA).label.test(l) || ifRow(vethB).label.test(l));
    });
    await wb.collapse(HOST);
    await wb.expand(nsRow(ns1));
    await wb.expand(nsRow(ns2));
    const under = async (ns: string, name: string, peer: string, peerNs: string) =>
      waitUntil(`${name} under ${ns} in the tree, its peer in ${peerNs}`, async () => {
        await wb.scrollToTop(nsRow(ns));
        const label = (await wb.childrenOf(nsRow(ns))).find((l) => ifRow(name).label.test(l));
        return label !== undefined && label.includes(`↔ ${peer} (${peerNs})`);
      });
    await under(ns1, vethA, vethB, ns2);
    await under(ns2, vethB, vethA, ns1);
    const linkA = JSON.parse(ip(['-n', ns1, '-j', 'link', 'show', 'dev', vethA])) as { ifname: string }[];
    assert.equal(linkA[0]?.ifname, vethA);
    await wb.scrollToTop(nsRow(ns1));
    await shot('walkthrough-05-veth-moved');

    // A terminal inside ns1: `ip a` there lists veth-a and not the host's interfaces.
    const terminalTab = ctx.page.locator('.part.panel').getByText(`netns: ${ns1}`).first();
    await wb.menuAction(nsRow(ns1), 'Open Terminal in Namespace', () => terminalTab.isVisible());
    await wb.typeInTerminal('ip a');
    const text = await wb.terminalShows(new RegExp(`\\d+: ${escapeRe(vethA)}@`));
    assert.ok(!/\d+: eth0[:@]/.test(text), 'the terminal is not inside the namespace: it lists eth0');
    await shot('walkthrough-06-terminal');
    await wb.typeInTerminal('exit');
    await ctx.page.locator('.terminal-wrapper').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);

    // A stale view: the move is chosen from what the tree shows (veth-b in ns2), then the kernel
    // changes before the destination is picked. The error must say where the interface is now.
    await wb.clearNotifications();
    await wb.menuAction(ifRow(vethB), 'Move to Namespace...', () => wb.quickInputShows(moveB));
    ip(['-n', ns2, 'link', 'set', 'dev', vethB, 'netns', ns1]);
    await wb.pick(moveB, 'host');
    const error = await wb.notification(/failed/);
    ctx.log(`stale move: ${error.replace(/\s+/g, ' ')}`);
    assert.match(error, new RegExp(`"${escapeRe(vethB)}" is not in namespace "${escapeRe(ns2)}"`));
    assert.match(error, new RegExp(`It is now in namespace "${escapeRe(ns1)}"`));
    assert.doesNotMatch(error, /Cannot find device|RTNETLINK|exit code/i, 'the notification shows raw ip output');
    assert.ok(kernelHas(ns1, vethB) && !kernelHas(null, vethB), `${vethB} was moved after all`);
    await under(ns1, vethB, vethA, ns1);
    await shot('walkthrough-07-stale-error');
    await wb.clearNotifications();

    // Delete both namespaces: select them, context menu, modal confirmation.
    await wb.collapse(nsRow(ns1));
    await wb.collapse(nsRow(ns2));
    await wb.select([nsRow(ns1), nsRow(ns2)]);
    await wb.menuAction(nsRow(ns2), 'Delete Namespace', () => wb.dialog.isVisible());
    const question = await wb.dialog.innerText();
    assert.match(question, new RegExp(`Delete 2 network namespaces \\(${escapeRe(ns1)}, ${escapeRe(ns2)}\\)\\?`));
    assert.match(question, new RegExp(`holds interfaces: .*${escapeRe(vethA)}`));
    await shot('walkthrough-08-delete-confirm');
    await wb.dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await waitUntil('both namespaces gone from the kernel', () => !netnsNames().includes(ns1) && !netnsNames().includes(ns2));
    await waitUntil('both namespaces gone from the tree', async () => (await wb.row(nsRow(ns1)).count()) === 0 && (await wb.row(nsRow(ns2)).count()) === 0);
    const listed = ip(['netns', 'list']);
    assert.ok(!listed.includes(ns1) && !listed.includes(ns2), `ip netns list still shows them:\n${listed}`);
    await shot('walkthrough-09-deleted');
  } finally {
    cleanupPrefix(P);
  }
}
