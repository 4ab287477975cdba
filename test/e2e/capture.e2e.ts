// A packet capture from the tree: "Start Capture" from an interface's context menu, a ping across
// the veth from the other namespace, the packets decoded one line each in the capture's terminal,
// the Captures group with the running capture and its stop button, then stopped from that button:
// the row says so and the pcap file in the workspace holds the ping.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readPcap } from '../../src/core/capture/pcap';
import { inNetns, vethLab } from '../support/captures';
import { waitUntil, Workbench, type RowRef } from '../support/e2eWorkbench';
import { cleanupOnExit, cleanupPrefix, uniquePrefix } from '../support/kernel';
import type { E2eContext } from './run';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nsRow = (name: string): RowRef => ({ label: new RegExp(`^Namespace ${escapeRe(name)},`), name });
const ifRow = (name: string): RowRef => ({ label: new RegExp(`^Interface ${escapeRe(name)},`), name });

export async function run(ctx: E2eContext): Promise<void> {
  const P = uniquePrefix();
  cleanupOnExit(P);
  const wb = new Workbench(ctx.page, ctx.log);
  let maximized = false;
  try {
    const lab = vethLab(P, '10.233.4');
    const captureRow = (state: string): RowRef => ({ label: new RegExp(`^Capture ${escapeRe(`${lab.b}/${lab.vb}`)}, ${state}`), name: `${lab.b}/${lab.vb}` });
    await wb.openContainer(/Network Namespaces/);
    await wb.widenSideBar(440);
    await wb.findRow(nsRow(lab.b));
    await wb.expand(nsRow(lab.b));
    await wb.findRow(ifRow(lab.vb));
    await wb.menuAction(ifRow(lab.vb), 'Start Capture', async () => (await ctx.page.getByRole('treeitem', { name: captureRow('running').label }).count()) > 0);
    await wb.findRow(captureRow('running'));
    await wb.terminalShows(new RegExp(`Capturing on ${escapeRe(lab.vb)} in ${escapeRe(lab.b)}`));
    // A taller terminal beside the tree, for the picture (as it was again at the end).
    await wb.runCommand('View: Toggle Maximized Panel');
    maximized = true;

    inNetns(lab.a, ['ping', '-c', '3', '-i', '0.3', '-W', '1', lab.addrB]);
    const text = await wb.terminalShows(/ICMP echo reply[\s\S]*ICMP echo reply[\s\S]*ICMP echo reply/, 20_000);
    ctx.log(`terminal: ${text.split('\n').filter((l) => /ICMP/.test(l)).length} ICMP lines`);
    assert.match(text, new RegExp(`IP ${escapeRe(lab.addrA)} > ${escapeRe(lab.addrB)}: ICMP echo request`));
    // The row's counts are redrawn twice a second.
    await waitUntil('the capture row to count the ping', async () => {
      const name = (await (await wb.findRow(captureRow('running'))).getAttribute('aria-label')) ?? '';
      const m = /(\d+) packets/.exec(name);
      return m !== null && Number(m[1]) >= 6;
    });
    await wb.settle();
    // The pointer on the row shows its stop button.
    await (await wb.findRow(captureRow('running'))).hover();
    await ctx.page.waitForTimeout(300);
    const shot = await ctx.screenshot('capture');
    ctx.log(`screenshot ${shot}`);

    // Stop from the row's inline button.
    const row = await wb.findRow(captureRow('running'));
    await row.hover();
    await row.locator('.action-label[aria-label="Stop Capture"], .action-label[title="Stop Capture"]').first().click();
    await wb.findRow(captureRow('stopped'), 15_000);
    await wb.terminalShows(/Capture stopped\./);
    await wb.settle();
    ctx.log(`screenshot ${await ctx.screenshot('capture-stopped')}`);

    const folder = path.join(ctx.workspace, '.netns-captures');
    const files = fs.readdirSync(folder).filter((f) => f.startsWith(`${lab.b}-${lab.vb}-`) && f.endsWith('.pcap'));
    assert.equal(files.length, 1, files.join(', '));
    const pcap = readPcap(fs.readFileSync(path.join(folder, files[0])));
    const echo = pcap.records.filter((r) => r.data[12] === 0x08 && r.data[13] === 0 && r.data[23] === 1);
    assert.equal(echo.length, 6, 'three requests and three replies');
  } finally {
    if (maximized) {
      await wb.runCommand('View: Toggle Maximized Panel').catch(() => undefined);
    }
    cleanupPrefix(P);
  }
}
