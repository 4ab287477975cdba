// The topology view in the real workbench: the walkthrough lab and the router lab built from the
// palette, "Show Topology" from the view's title bar, and what the webview draws (its cytoscape
// elements, read inside its frame) checked against the kernel; a drag in connect mode from one
// namespace to another makes a veth pair, read back with `ip -j link` in both; a click on a node
// selects its row in the tree; pictures in the light and the dark theme.

import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { cleanupOnExit, cleanupPrefix, links, netnsNames, uniquePrefix } from '../support/kernel';
import { waitUntil, Workbench } from '../support/e2eWorkbench';
import { colorTheme as theme, drawn, topologyFrame } from '../support/topologyPage';
import type { E2eContext } from './run';

type Doc = { document: { body: { classList: { contains(c: string): boolean } } } };
const bodyHas = (frame: Frame, cls: string) => frame.evaluate((c) => (globalThis as unknown as Doc).document.body.classList.contains(c), cls);

export async function run(ctx: E2eContext): Promise<void> {
  const P = uniquePrefix();
  cleanupOnExit(P);
  const wb = new Workbench(ctx.page, ctx.log);
  const [w1, w2] = [`${P}-w-ns1`, `${P}-w-ns2`];
  const [a, r, b] = ['a', 'r', 'b'].map((n) => `${P}-r-${n}`);
  const ours = [w1, w2, a, r, b];
  try {
    await wb.openContainer(/Network Namespaces/);
    await wb.widenSideBar(360);
    // The two labs, from the palette as a user builds them.
    for (const [title, prefix] of [
      ['Two namespaces joined by a veth pair', `${P}-w-`],
      ['Two subnets joined by a router namespace', `${P}-r-`],
    ]) {
      await wb.runCommand('Netns: Create Example Lab...');
      await wb.pick('Choose a lab to build', title);
      await wb.answer('Prefix of the lab', prefix);
      await wb.notification(/The lab is ready/, 30_000);
      await wb.clearNotifications();
    }
    assert.ok(ours.every((n) => netnsNames().includes(n)), 'both labs are in the kernel');

    // The view's title bar button.
    await ctx.page.locator('.part.sidebar .title-actions, .part.sidebar .pane-header .actions').getByRole('button', { name: 'Show Topology' }).first().click();
    const frame = await topologyFrame(ctx.page);
    const state = await waitUntil('our namespaces drawn', async () => {
      const s = await drawn(frame);
      return ours.every((n) => s.nodes.some((x) => x.id === `ns:${n}`)) ? s : false;
    });
    ctx.log(`drawn: ${state.nodes.length} nodes, ${state.edges.length} edges`);

    // Nodes: each of our namespaces with its interfaces (but lo) as its ports, as the kernel has them.
    for (const n of ours) {
      const kernel = links(n).filter((l) => l.ifname !== 'lo').map((l) => l.ifname).sort();
      const ports = state.nodes.filter((x) => x.parent === `ns:${n}`).map((x) => x.id.split('/if:').pop()).sort();
      assert.deepEqual(ports, kernel, `the ports of ${n}`);
    }
    // Edges: each veth of the kernel joins its two ends.
    const edge = (x: string, xi: string, y: string, yi: string) => {
      const [s, t] = [`ns:${x}/if:${xi}`, `ns:${y}/if:${yi}`];
      return state.edges.some((e) => e.kind === 'veth' && ((e.source === s && e.target === t) || (e.source === t && e.target === s)));
    };
    const kind = (ns: string, name: string) => links(ns).find((l) => l.ifname === name)?.linkinfo?.info_kind;
    assert.ok([kind(w1, 'veth-a'), kind(w2, 'veth-b'), kind(a, 'eth0'), kind(r, 'eth-a')].every((k) => k === 'veth'), 'veths in the kernel');
    assert.ok(edge(w1, 'veth-a', w2, 'veth-b'), 'the walkthrough veth');
    assert.ok(edge(a, 'eth0', r, 'eth-a') && edge(b, 'eth0', r, 'eth-b'), 'the router lab veths');

    // Fit to what is ours (others' namespaces may share the machine), then the pictures.
    await frame.locator('#search').fill(P);
    await frame.locator('#search').press('Enter');
    await ctx.page.waitForTimeout(400);
    await frame.locator('#search').fill('');
    await wb.rest();
    await theme(wb, 'Light Modern');
    await waitUntil('the light theme', async () => bodyHas(frame, 'vscode-light'));
    await ctx.page.waitForTimeout(300);
    await ctx.screenshot('topology-light');

    // A click on r selects its row in the tree.
    const at = async (id: string) => {
      // Where it is once the view has stopped moving (a fit or a layout may still be animating).
      const where = async () => JSON.stringify((await drawn(frame)).nodes.find((x) => x.id === id)?.rendered);
      let before = await where();
      await waitUntil(`${id} still`, async () => {
        await ctx.page.waitForTimeout(250);
        const now = await where();
        const still = now === before;
        before = now;
        return still;
      });
      const s = await drawn(frame);
      const n = s.nodes.find((x) => x.id === id);
      assert.ok(n, `${id} is drawn`);
      const box = await frame.locator('#graph').boundingBox();
      assert.ok(box);
      // A namespace's centre may be one of its ports: its label strip (top edge) is its own, and
      // a fifth of the way along it rather than in the middle, where a line up from a port runs most.
      const strip = n.kind === 'namespace' && s.nodes.some((x) => x.parent === id);
      const y = strip ? n.rendered.y - n.rendered.h / 2 + 6 : n.rendered.y;
      const x = strip ? n.rendered.x - n.rendered.w * 0.3 : n.rendered.x;
      return { x: box.x + x, y: box.y + y };
    };
    // Clicked again where it is now if the first click found it moving (the layout settles late).
    const rSelected = async () => (await ctx.page.locator(`.part.sidebar .monaco-list-row.selected[aria-label^="Namespace ${r},"]`).count()) > 0;
    await waitUntil(`${r} selected in the tree`, async () => {
      const rAt = await at(`ns:${r}`);
      await ctx.page.mouse.click(rAt.x, rAt.y);
      for (let i = 0; i < 10 && !(await rSelected()); i++) {
        await ctx.page.waitForTimeout(300);
      }
      return rSelected();
    }, 60_000);

    // Its context menu is the tree's: the namespace commands, shown by VS Code, run on r.
    const rAt = await at(`ns:${r}`);
    await ctx.page.mouse.click(rAt.x, rAt.y, { button: 'right' });
    const openTerminal = ctx.page.getByRole('menuitem', { name: 'Open Terminal in Namespace', exact: true });
    await openTerminal.waitFor({ state: 'visible' });
    const entries = await ctx.page.locator('.context-view .monaco-menu .action-label').allInnerTexts();
    ctx.log(`context menu of ${r}: ${entries.map((t) => t.trim()).filter(Boolean).join(' | ')}`);
    for (const e of ['Create veth Pair...', 'Delete Namespace']) {
      assert.ok(entries.some((x) => x.trim() === e), `"${e}" in the menu`);
    }
    await waitUntil('the menu entry to run', async () => {
      if (!(await openTerminal.isVisible())) {
        return true;
      }
      await ctx.page.waitForTimeout(200);
      await openTerminal.click({ timeout: 2000 }).catch(() => undefined);
      return false;
    });
    await wb.typeInTerminal('ip -br link');
    await wb.terminalShows(/eth-a@/);
    await wb.runCommand('View: Hide Panel');

    // Connect mode: a drag from ns1 to a makes a veth pair between them.
    const before = { w1: links(w1).map((l) => l.ifname), a: links(a).map((l) => l.ifname) };
    await frame.locator('#connect').click();
    const [from, to] = [await at(`ns:${w1}`), await at(`ns:${a}`)];
    await ctx.page.mouse.move(from.x, from.y);
    await ctx.page.mouse.down();
    for (let k = 1; k <= 10; k++) {
      await ctx.page.mouse.move(from.x + ((to.x - from.x) * k) / 10, from.y + ((to.y - from.y) * k) / 10);
    }
    await ctx.page.mouse.up();
    // The names are asked; empty answers pick them.
    await wb.answer(`Name of the end in ${w1}`, 'topo-x');
    await wb.answer(`Name of the end in ${a}`, '');
    const made = await waitUntil('the new veth in both namespaces', () => {
      const x = links(w1).find((l) => l.ifname === 'topo-x');
      const y = links(a).find((l) => !before.a.includes(l.ifname));
      return x && y ? { x, y } : false;
    });
    ctx.log(`made ${made.x.ifname} in ${w1} and ${made.y.ifname} in ${a}`);
    assert.ok(!before.w1.includes('topo-x'));
    assert.equal(made.x.link_netnsid !== undefined && made.y.link_netnsid !== undefined, true, 'each end points into the other namespace');
    // And the picture follows: the new edge, with nothing else moved.
    const keep = state.nodes.find((x) => x.id === `ns:${r}/if:eth-a`)!.position;
    const after = await waitUntil('the new edge drawn', async () => {
      const s = await drawn(frame);
      return s.edges.some((e) => e.kind === 'veth' && [e.source, e.target].includes(`ns:${w1}/if:topo-x`) && [e.source, e.target].includes(`ns:${a}/if:${made.y.ifname}`)) ? s : false;
    });
    assert.deepEqual(after.nodes.find((x) => x.id === `ns:${r}/if:eth-a`)!.position, keep, 'what did not change kept its place');
    await wb.clearNotifications();
    await wb.rest();
    // The picture after the drag, in the dark theme (the page follows the theme at once).
    await theme(wb, 'Dark Modern');
    await waitUntil('the dark theme', async () => bodyHas(frame, 'vscode-dark'));
    await ctx.page.waitForTimeout(300);
    await ctx.screenshot('topology-dark');
    await theme(wb, 'Light Modern');

    // A namespace moved by hand keeps its place when the view is opened again (per workspace).
    const port = `ns:${w2}/if:veth-b`;
    const was = (await drawn(frame)).nodes.find((x) => x.id === port)!.position;
    const grab = await at(`ns:${w2}`);
    await ctx.page.mouse.move(grab.x, grab.y);
    await ctx.page.mouse.down();
    for (let k = 1; k <= 8; k++) {
      await ctx.page.mouse.move(grab.x + 10 * k, grab.y + 5 * k);
    }
    await ctx.page.mouse.up();
    const moved = await waitUntil('w2 moved', async () => {
      const p = (await drawn(frame)).nodes.find((x) => x.id === port)!.position;
      return Math.abs(p.x - was.x) > 20 ? p : false;
    });
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('Netns: Show Topology');
    const again = await topologyFrame(ctx.page);
    await waitUntil('the same place after opening again', async () => {
      const p = (await drawn(again)).nodes.find((x) => x.id === port)?.position;
      return p !== undefined && Math.abs(p.x - moved.x) < 1 && Math.abs(p.y - moved.y) < 1;
    });
  } finally {
    cleanupPrefix(P);
  }
}
