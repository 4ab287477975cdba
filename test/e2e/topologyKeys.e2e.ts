// The topology view without the mouse's help, and across a reload, in the real workbench: a
// double click on a namespace opens a terminal that runs in it (its /proc/self/ns/net is the
// namespace's inode); from the keyboard the arrow keys move the selection (and the tree's row
// follows), Enter opens the terminal, Shift+F10 the element's menu; a picture in the high
// contrast theme; and after a reload of the window the view comes back by itself, with its filter
// and zoom ("Developer: Reload Window").

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { cleanupOnExit, cleanupPrefix, ip, uniquePrefix } from '../support/kernel';
import { waitUntil, Workbench } from '../support/e2eWorkbench';
import { colorTheme as theme, drawn, topologyFrame } from '../support/topologyPage';
import type { E2eContext } from './run';

type Doc = { document: { body: { classList: { contains(c: string): boolean } }; activeElement: { id: string } | null } };

/** The namespace's inode, as /proc/PID/ns/net shows it inside it: "net:[INODE]". */
const netInode = (name: string) => `net:[${fs.statSync(`/run/netns/${name}`).ino}]`;

export async function run(ctx: E2eContext): Promise<void> {
  const P = uniquePrefix();
  cleanupOnExit(P);
  const wb = new Workbench(ctx.page, ctx.log);
  const [n1, n2] = [`${P}-k-one`, `${P}-k-two`];
  try {
    ip(['netns', 'add', n1]);
    ip(['netns', 'add', n2]);
    ip(['-n', n1, 'link', 'add', 'kx', 'type', 'veth', 'peer', 'name', 'ky', 'netns', n2]);
    ip(['-n', n1, 'addr', 'add', '10.77.0.1/30', 'dev', 'kx']);
    ip(['-n', n2, 'addr', 'add', '10.77.0.2/30', 'dev', 'ky']);
    ip(['-n', n1, 'link', 'set', 'kx', 'up']);
    ip(['-n', n2, 'link', 'set', 'ky', 'up']);

    await wb.openContainer(/Network Namespaces/);
    await wb.widenSideBar(360);
    // The view may be open already: restored from an earlier run in this workbench.
    await ctx.page.waitForTimeout(2000);
    const open = ctx.page.frames().length > 0 && (await ctx.page.locator('.tab[aria-label^="Network Topology"]').count()) > 0;
    if (!open) {
      await wb.runCommand('Netns: Show Topology');
    }
    let frame = await topologyFrame(ctx.page, 60_000);
    // Our namespaces with their veth ends (read, not "cannot be read") and the line between them.
    await waitUntil('our namespaces drawn with their ports', async () => {
      const s = await drawn(frame);
      return s.complete && s.nodes.some((x) => x.id === `ns:${n1}/if:kx`) && s.nodes.some((x) => x.id === `ns:${n2}/if:ky`) && s.edges.some((e) => e.kind === 'veth' && [e.source, e.target].includes(`ns:${n1}/if:kx`));
    }, 90_000);
    // Only ours (others' namespaces may share the machine), fitted.
    await frame.locator('#search').fill(P);
    await frame.locator('#search').press('Enter');

    const at = async (id: string) => {
      let before = '';
      const s = await waitUntil(`${id} still`, async () => {
        await ctx.page.waitForTimeout(250);
        const x = await drawn(frame);
        const now = JSON.stringify(x.nodes.find((n) => n.id === id)?.rendered);
        const still = now === before;
        before = now;
        return still ? x : false;
      });
      const n = s.nodes.find((x) => x.id === id);
      assert.ok(n, `${id} is drawn`);
      const box = await frame.locator('#graph').boundingBox();
      assert.ok(box);
      // A port: its centre; a namespace's own part: its label strip along the top edge (its ports fill the rest).
      return { x: box.x + n.rendered.x, y: box.y + (n.kind === 'namespace' ? n.rendered.y - n.rendered.h / 2 + 6 : n.rendered.y - 10) };
    };

    // A double click in a namespace (on its interface, the middle of its box): a terminal that runs in it.
    const one = await at(`ns:${n1}/if:kx`);
    await ctx.page.mouse.dblclick(one.x, one.y + 10);
    await wb.typeInTerminal('echo "in=$NETNS $(readlink /proc/$$/ns/net)"');
    await wb.terminalShows(new RegExp(`in=${n1} ${netInode(n1).replace(/[[\]]/g, '\\$&')}`));
    ctx.log(`the double click's terminal runs in ${n1} (${netInode(n1)})`);
    // Out of the terminal (it keeps F1), then the panel hidden.
    await ctx.page.locator('.part.statusbar').click({ position: { x: 600, y: 10 } });
    await wb.runCommand('View: Hide Panel');

    // The keyboard: into the picture from the toolbar with Tab, arrows select, Enter, Shift+F10.
    await frame.locator('#search').focus();
    const focused = () => frame.evaluate(() => (globalThis as unknown as Doc).document.activeElement?.id ?? '');
    for (let k = 0; k < 12 && (await focused()) !== 'graph'; k++) {
      await ctx.page.keyboard.press('Tab');
    }
    assert.equal(await focused(), 'graph', 'Tab reaches the picture');
    const selected = async () => (await drawn(frame)).selected;
    const two = `ns:${n2}`;
    for (let k = 0; k < 8 && (await selected())[0] !== two; k++) {
      await ctx.page.keyboard.press('ArrowRight');
      await ctx.page.waitForTimeout(150);
    }
    assert.deepEqual(await selected(), [two], 'the arrow keys select the other namespace');
    await ctx.page.locator(`.part.sidebar .monaco-list-row.selected[aria-label^="Namespace ${n2},"]`).first().waitFor({ timeout: 15_000 });
    ctx.log(`arrow keys: ${n2} selected in the picture and in the tree`);
    await wb.clearNotifications();
    await ctx.screenshot('topology-keyboard');
    // Back into the picture (the notifications' button took the focus), the selection as it was.
    await frame.locator('#graph').focus();
    assert.deepEqual(await selected(), [two]);
    await ctx.page.keyboard.press('Shift+F10');
    const openTerminal = ctx.page.getByRole('menuitem', { name: 'Open Terminal in Namespace', exact: true });
    await openTerminal.waitFor({ state: 'visible', timeout: 15_000 });
    ctx.log('Shift+F10: the namespace menu');
    await ctx.page.keyboard.press('Escape');
    await openTerminal.waitFor({ state: 'hidden' });
    await frame.locator('#graph').focus();
    await ctx.page.keyboard.press('Enter');
    await wb.typeInTerminal('echo "in=$NETNS $(readlink /proc/$$/ns/net)"');
    await wb.terminalShows(new RegExp(`in=${n2} ${netInode(n2).replace(/[[\]]/g, '\\$&')}`));
    ctx.log(`Enter: a terminal in ${n2}`);
    // Out of the terminal (it keeps F1), then the panel hidden.
    await ctx.page.locator('.part.statusbar').click({ position: { x: 600, y: 10 } });
    await wb.runCommand('View: Hide Panel');

    // High contrast.
    await theme(wb, 'Dark High Contrast');
    await waitUntil('the high contrast theme', async () => frame.evaluate(() => (globalThis as unknown as Doc).document.body.classList.contains('vscode-high-contrast')));
    await ctx.page.waitForTimeout(400);
    await wb.clearNotifications();
    await ctx.screenshot('topology-high-contrast');
    await theme(wb, 'Light Modern');

    // Zoomed in a step, then the window reloaded: the view comes back, filtered and zoomed as it was.
    await frame.locator('#graph').focus();
    await ctx.page.keyboard.press('+');
    await ctx.page.waitForTimeout(1500);
    const zoom = (await drawn(frame)).zoom;
    // As a user reloads: the workbench saves its editors' state on the way out.
    await wb.runCommand('Developer: Reload Window');
    await ctx.page.waitForTimeout(3000);
    await ctx.page.locator('.monaco-workbench .part.editor').first().waitFor({ state: 'visible', timeout: 60_000 });
    frame = await topologyFrame(ctx.page, 60_000);
    const back = await waitUntil('the view restored', async () => {
      const s = await drawn(frame);
      return s.complete && s.nodes.some((x) => x.id === `ns:${n1}`) ? s : false;
    }, 60_000);
    assert.equal(await frame.locator('#search').inputValue(), P, 'the filter is back');
    assert.ok(Math.abs(back.zoom - zoom) < 1e-6 * zoom + 1e-9, `the zoom is back (${back.zoom} after, ${zoom} before)`);
    const faded = await frame.evaluate(() => (globalThis as unknown as { netnsTopology: { cy: { $(s: string): { length: number } } } }).netnsTopology.cy.$('.faded').length);
    const all = back.nodes.length + back.edges.length;
    ctx.log(`after the reload: zoom ${back.zoom.toFixed(3)}, filter "${P}", ${all - faded} of ${all} elements not faded`);
    await ctx.screenshot('topology-restored');
  } finally {
    cleanupPrefix(P);
  }
}
