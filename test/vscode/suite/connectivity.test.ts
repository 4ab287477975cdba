// Check Connectivity and Check All veth Links in the extension host, on labs built by the
// extension's own command: the outcome shown, the way in the log, the marks on the rows the
// check went through (file decorations of their resourceUri), and the links table.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { CheckResult } from '../../../src/extension/commands/diagnose/checkConnectivity';
import type { VethLinksResult } from '../../../src/extension/commands/diagnose/checkVethLinks';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import { ip, uniquePrefix } from '../../support/kernel';
import { childById, useScriptedHost, waitFor } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

describe('connectivity check', function () {
  this.timeout(60_000);
  const P = uniquePrefix();
  const r = `${P}r-`;
  const v = `${P}v-`;
  let api: NetnsApi;

  const { host } = useScriptedHost(P, async (a) => {
    api = a;
    for (const [lab, prefix] of [['router', r], ['veth', v]]) {
      assert.ok(await run('netns.createExampleLab', { lab, prefix }), `${lab} lab built`);
    }
    await waitFor(() => api.model.has(`${r}b`) && api.model.has(`${v}ns2`), 10_000, 'the labs in the model');
  });

  async function nsNode(name: string): Promise<TreeNode> {
    const node = await childById(api, `ns:${name}`);
    assert.ok(node, `${name} in the tree`);
    return node;
  }
  async function ifNode(netns: string, name: string): Promise<TreeNode> {
    const node = await childById(api, `ns:${netns}/if:${name}`, await nsNode(netns));
    assert.ok(node, `${name} of ${netns} in the tree`);
    return node;
  }
  /** The badge the tree draws on a row (through its resourceUri), if any. */
  async function badge(node: TreeNode): Promise<string | undefined> {
    const it = await api.treeProvider.getTreeItem(node);
    assert.ok(it.resourceUri, 'the row has a resourceUri');
    return (await api.checkMarks.provideFileDecoration(it.resourceUri))?.badge;
  }

  it('through the router: reached, said so, the way logged and the rows on it marked', async () => {
    const res = await run<CheckResult>('netns.checkConnectivity', { from: { netns: `${r}a` }, to: '10.0.2.2', count: 2 });
    assert.ok(res, JSON.stringify(host.shown));
    assert.equal(res.analysis.reachable, true);
    assert.ok((res.ping?.received ?? 0) >= 1);
    const info = host.shown.find((s) => s.level === 'info');
    assert.match(info?.message ?? '', new RegExp(`^${r}a → 10\\.0\\.2\\.2: reached, \\d of \\d replies, round trip [\\d.]+ ms on average\\.$`));
    const log = api.log.recent().join('\n');
    assert.match(log, new RegExp(`Check from ${r}a \\(10\\.0\\.1\\.2\\) to 10\\.0\\.2\\.2 \\(eth0 in ${r}b\\)`));
    assert.match(log, new RegExp(`→ ${r}a: route default via 10\\.0\\.1\\.1 out of eth0, to eth-a in ${r}r`));
    assert.match(log, new RegExp(`← ${r}b: route default via 10\\.0\\.2\\.1 out of eth0, to eth-b in ${r}r`));
    assert.equal(await badge(await nsNode(`${r}r`)), '✓');
    assert.equal(await badge(await ifNode(`${r}r`, 'eth-b')), '✓');
    assert.equal(await badge(await ifNode(`${r}b`, 'eth0')), '✓');
    assert.equal(await badge(await nsNode(`${v}ns1`)), undefined, 'a namespace off the way is not marked');
    assert.deepEqual(host.unexpected, []);
  });

  it('names the missing route back, offers the details, and marks where it stops', async () => {
    ip(['-n', `${r}b`, 'route', 'del', 'default']);
    try {
      let buttons: string[] = [];
      host.warnings.push((_m, _o, items) => ((buttons = items), undefined));
      const res = await run<CheckResult>('netns.checkConnectivity', { from: { netns: `${r}a` }, to: { netns: `${r}b`, name: 'eth0' }, count: 1 });
      assert.ok(res);
      assert.equal(res.ping?.received, 0);
      const warning = host.shown.find((s) => s.level === 'warning');
      assert.equal(warning?.message, `${r}a → 10.0.2.2: no replies. ${r}b has no route back to 10.0.1.2: add a route via 10.0.2.1 or a default route.`);
      assert.deepEqual(buttons, ['Show Details']);
      assert.match(api.log.recent().join('\n'), new RegExp(`\\(way back\\) ${r}b has no route back to 10\\.0\\.1\\.2`));
      assert.equal(await badge(await nsNode(`${r}b`)), '✗');
      assert.equal(await badge(await nsNode(`${r}a`)), '✓');
    } finally {
      ip(['-n', `${r}b`, 'route', 'add', 'default', 'via', '10.0.2.1']);
    }
  });

  it('from an interface row: the target picked from the view, sent from that interface\'s address', async () => {
    host.picks.push((items) => {
      // Other namespaces (of other tests) may have the same addresses: each item says whose it is.
      const shown = items.map((i) => `${i.label} ${i.description ?? ''}`);
      for (const want of [`10.0.0.2 veth-b (${v}ns2)`, `veth-b interface in ${v}ns2`, `${v}ns2 namespace`]) {
        assert.ok(shown.includes(want), `${want} in ${shown.join(', ')}`);
      }
      assert.ok(!shown.includes(`10.0.0.1 veth-a (${v}ns1)`), 'its own address is not offered');
      return items.find((i) => i.label === '10.0.0.2' && i.description === `veth-b (${v}ns2)`);
    });
    const res = await run<CheckResult>('netns.checkConnectivity', await ifNode(`${v}ns1`, 'veth-a'));
    assert.ok(res, JSON.stringify(host.unexpected));
    assert.equal(res.analysis.source.address, '10.0.0.1');
    assert.ok((res.ping?.received ?? 0) >= 1);
    assert.match(api.log.recent().join('\n'), new RegExp(`ip netns exec ${v}ns1 ping -c 3 -I 10\\.0\\.0\\.1 10\\.0\\.0\\.2`));
    assert.equal(await badge(await ifNode(`${v}ns2`, 'veth-b')), '✓');
    assert.equal(await badge(await nsNode(`${r}r`)), undefined, 'the marks of the check before are gone');
  });

  it('from the palette: the source and then the target picked, each list from the view', async () => {
    host.picks.push((items, o) => {
      assert.equal(o.placeHolder, 'From which namespace or interface?');
      const shown = items.map((i) => `${i.label} ${i.description ?? ''}`);
      assert.ok(shown.includes(`eth-a ${r}r · 10.0.1.1/24`), shown.join(', '));
      return items.find((i) => i.label === `${r}b`);
    });
    host.picks.push((items) => items.find((i) => i.label === `${r}a` && i.description === 'namespace'));
    const res = await run<CheckResult>('netns.checkConnectivity');
    assert.ok(res, JSON.stringify(host.unexpected));
    assert.deepEqual(res.analysis.target, { address: '10.0.1.2', netns: `${r}a`, name: 'eth0' });
    assert.equal(res.analysis.reachable, true);
  });

  it('a typed address must be one of this host\'s namespaces\'', async () => {
    host.picks.push((items) => items.find((i) => i.label === 'Type an address...'));
    host.inputs.push((o) => {
      assert.match(String(o.validateInput!('10.0.0.2/24')), /not an IPv4 or IPv6 address/);
      assert.match(String(o.validateInput!('192.0.2.44')), /not an address of any namespace on this machine/);
      assert.equal(o.validateInput!('10.0.0.1'), undefined);
      return '10.0.0.1';
    });
    const res = await run<CheckResult>('netns.checkConnectivity', `${v}ns2`);
    assert.ok(res);
    assert.equal(res.analysis.reachable, true);
  });

  it('an interface down: the reason, and the row marked', async () => {
    ip(['-n', `${v}ns2`, 'link', 'set', 'veth-b', 'down']);
    try {
      host.warnings.push(() => undefined);
      const res = await run<CheckResult>('netns.checkConnectivity', { from: { netns: `${v}ns1` }, to: '10.0.0.2', count: 1 });
      assert.match(res!.message, new RegExp(`veth-a in ${v}ns1 has no carrier: its peer veth-b in ${v}ns2 is down; set it up\\.$`));
      assert.equal(await badge(await ifNode(`${v}ns1`, 'veth-a')), '✗');
      assert.ok((await run<number>('netns.clearCheckMarks'))! > 0);
      assert.equal(await badge(await ifNode(`${v}ns1`, 'veth-a')), undefined, 'cleared');
    } finally {
      ip(['-n', `${v}ns2`, 'link', 'set', 'veth-b', 'up']);
    }
  });

  it('Check All veth Links: both ways of each pair in a table, with the reason where one fails', async () => {
    ip(['-n', `${r}r`, 'link', 'set', 'eth-b', 'down']);
    try {
      host.warnings.push(() => undefined);
      const res = await run<VethLinksResult>('netns.checkVethLinks');
      assert.ok(res);
      const ours = res.rows.filter((row) => String(row.pair.a.netns).startsWith(P));
      const text = (row: (typeof ours)[number]) => {
        const [from, to] = row.fromA ? [row.pair.a, row.pair.b] : [row.pair.b, row.pair.a];
        return `${from.netns}/${from.name}>${to.netns}/${to.name} ${(row.ping?.received ?? 0) > 0 ? 'ok' : 'fail'}`;
      };
      assert.deepEqual(ours.map(text).sort(), [
        `${r}a/eth0>${r}r/eth-a ok`,
        `${r}b/eth0>${r}r/eth-b fail`,
        `${r}r/eth-a>${r}a/eth0 ok`,
        `${r}r/eth-b>${r}b/eth0 fail`,
        `${v}ns1/veth-a>${v}ns2/veth-b ok`,
        `${v}ns2/veth-b>${v}ns1/veth-a ok`,
      ].sort());
      const lines = res.markdown.split('\n');
      assert.ok(lines.includes('| Pair | Namespaces | Addresses | Result | RTT (ms) | Reason |'));
      const bad = lines.find((l) => l.startsWith(`| eth0 → eth-b | ${r}b → ${r}r |`));
      assert.ok(bad, res.markdown);
      assert.match(bad, new RegExp(`\\| 10\\.0\\.2\\.2 → 10\\.0\\.2\\.1 \\| ✗ no replies \\(\\d+ sent\\) \\|  \\| eth0 in ${r}b has no carrier: its peer eth-b in ${r}r is down; set it up\\. \\|$`));
      assert.ok(lines.some((l) => new RegExp(`^\\| veth-a → veth-b \\| ${v}ns1 → ${v}ns2 \\| 10\\.0\\.0\\.1 → 10\\.0\\.0\\.2 \\| ✓ \\d/\\d replies \\| [\\d.]+ \\|  \\|$`).test(l)), res.markdown);
      const doc = await vscode.workspace.openTextDocument(res.uri);
      assert.equal(doc.getText(), res.markdown, 'the report document shows the table');
      assert.equal(res.uri.scheme, 'netns-report');
    } finally {
      ip(['-n', `${r}r`, 'link', 'set', 'eth-b', 'up']);
    }
  });

  it('Check All veth Links cancelled: the checks under way finish, the rest are not made, and the table and the message say how many', async () => {
    // More pairs than checks run at once, so that some are still to come when it is cancelled.
    const extra = Array.from({ length: 5 }, (_, i) => `${P}c${i}-`);
    try {
      for (const prefix of extra) {
        assert.ok(await run('netns.createExampleLab', { lab: 'veth', prefix }), `${prefix} lab built`);
      }
      await waitFor(() => extra.every((p) => api.model.has(`${p}ns2`)), 10_000, 'the extra labs in the model');
      host.reset();
      host.cancelProgressAfter = 1;
      const res = await run<VethLinksResult>('netns.checkVethLinks');
      assert.ok(res);
      const planned = res.rows.length + res.notChecked;
      assert.ok(planned >= 2 * (extra.length + 3), `every pair both ways was planned: ${planned}`);
      assert.ok(res.rows.length >= 1 && res.notChecked >= 1, `${res.rows.length} made, ${res.notChecked} not`);
      assert.ok(res.rows.every((row) => row.ping !== undefined || row.reason !== undefined), 'the table holds only checks that were made');
      assert.ok(res.markdown.includes(`Cancelled: ${res.notChecked} checks were not made.`), res.markdown);
      const info = host.shown.find((s) => s.level === 'info');
      assert.match(info?.message ?? '', new RegExp(`^Cancelled: ${res.rows.length} of ${planned} veth link checks made, \\d+ of them answered; the table shows them\\.$`));
    } finally {
      for (const prefix of extra) {
        for (const ns of ['ns1', 'ns2']) {
          try {
            ip(['netns', 'delete', `${prefix}${ns}`]);
          } catch {
            // not made; the suite's cleanup removes whatever has the prefix anyway
          }
        }
      }
    }
  });
});
