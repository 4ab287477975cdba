// Forwarding and link impairments from the view: the commands driven the way a user answers
// their prompts (a scripted Host), the kernel read back with sysctl and tc, and the rows' text.

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import { IP, ip, uniquePrefix } from '../../support/kernel';
import {childById, children, item, useScriptedHost, waitFor } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);
const SYSCTL = '/usr/sbin/sysctl';
const TC = '/usr/sbin/tc';

describe('forwarding and link impairments', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  const ns = `${prefix}r`;
  const va = `${prefix}va`;
  const vb = `${prefix}vb`;
  let api: NetnsApi;

  const sysctl = (key: string) => execFileSync(IP, ['netns', 'exec', ns, SYSCTL, '-n', key], { encoding: 'utf8' }).trim();
  const nsRow = async () => item(api, (await childById(api, `ns:${ns}`))!);
  const ifRow = async () => {
    const kids: TreeNode[] = await children(api, (await childById(api, `ns:${ns}`))!);
    for (const k of kids) {
      const it = await item(api, k);
      if (it.id === `ns:${ns}/if:${va}`) {
        return it;
      }
    }
    throw new Error(`no row for ${va}`);
  };

  const { host } = useScriptedHost(prefix, async (a) => {
    api = a;
    ip(['netns', 'add', ns]);
    execFileSync(IP, ['netns', 'exec', ns, SYSCTL, '-q', '-w', 'net.ipv4.ip_forward=0', 'net.ipv6.conf.all.forwarding=0']);
    ip(['-n', ns, 'link', 'add', 'name', va, 'type', 'veth', 'peer', 'name', vb]);
    await api.model.refresh();
  });

  it('shows forwarding off, and offers only Enable', async () => {
    const it = await nsRow();
    assert.doesNotMatch(String(it.description), /forwarding|포워딩/);
    assert.match(String(it.contextValue), /\bnamespace\.forwarding\.off\b/);
    assert.doesNotMatch(String(it.contextValue), /\bnamespace\.forwarding\.on\b/);
    assert.match((it.tooltip as vscode.MarkdownString).value, /IPv4: (off|꺼짐), IPv6: (off|꺼짐)/);
  });

  it('netns.enableForwarding on the namespace row, both families from the QuickPick', async () => {
    host.picks.push((items) => {
      assert.equal(items.length, 3);
      return items[0]; // IPv4 and IPv6, listed first
    });
    const node = (await childById(api, `ns:${ns}`))!;
    const r = await run<{ families: number[] }>('netns.enableForwarding', node);
    assert.deepEqual(r?.families, [4, 6], JSON.stringify(host.shown));
    assert.equal(sysctl('net.ipv4.ip_forward'), '1');
    assert.equal(sysctl('net.ipv6.conf.all.forwarding'), '1');
    const it = await nsRow();
    assert.match(String(it.description), /· (forwarding|포워딩)$/);
    assert.match(String(it.contextValue), /\bnamespace\.forwarding\.on\b/);
    assert.doesNotMatch(String(it.contextValue), /\bnamespace\.forwarding\.off\b/);
    assert.ok(api.log.recent().some((l) => l.includes(`ip netns exec ${ns} sysctl -w net.ipv4.ip_forward=1`)), 'the equivalent command is logged');
    assert.equal(await run('netns.copyIpCommand', ns, 'forwarding'), `ip netns exec ${ns} sysctl -w net.ipv4.ip_forward=0`);
  });

  it('netns.disableForwarding for IPv4 only, from an argument', async () => {
    await run('netns.disableForwarding', ns, 4);
    assert.equal(sysctl('net.ipv4.ip_forward'), '0');
    assert.equal(sysctl('net.ipv6.conf.all.forwarding'), '1');
    const it = await nsRow();
    assert.match(String(it.description), /IPv6 (forwarding|포워딩)$/);
    assert.match(String(it.contextValue), /\bnamespace\.forwarding\.off\b/);
    assert.match(String(it.contextValue), /\bnamespace\.forwarding\.on\b/);
  });

  it('sees forwarding switched in a terminal without a refresh', async () => {
    execFileSync(IP, ['netns', 'exec', ns, SYSCTL, '-q', '-w', 'net.ipv6.conf.all.forwarding=0']);
    await waitFor(() => api.model.get(ns)?.forwarding?.ipv6 === false, 5000, 'the netconf event to refresh the namespace');
    assert.doesNotMatch(String((await nsRow()).description), /forwarding|포워딩/);
  });

  it('netns.setLinkImpairment through its form: every parameter in one list, checked as typed', async function () {
    host.picks.push((items, o) => {
      assert.match(String(o.title), new RegExp(va));
      const labels = items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => i.label);
      assert.equal(labels.length, 8, `Apply and seven parameters: ${labels.join(', ')}`);
      // Apply with nothing set says what is missing.
      assert.match(String(items[0].detail), /at least one impairment/);
      return items.find((i) => /^(Delay|지연)$/.test(i.label));
    });
    host.inputs.push((o) => {
      assert.equal(o.value, '', 'prefilled with the current value (none)');
      assert.ok(o.validateInput?.('-5'), 'negative refused');
      assert.ok(o.validateInput?.('abc'), 'not a number refused');
      assert.ok(o.validateInput?.('60001'), 'over a minute refused');
      assert.equal(o.validateInput?.(''), undefined, 'empty means none');
      return '100';
    });
    host.picks.push((items) => items.find((i) => /^(Loss|손실)$/.test(i.label)));
    host.inputs.push((o) => {
      assert.ok(o.validateInput?.('101'), 'over 100 % refused');
      return '1';
    });
    host.picks.push((items) => {
      assert.match(String(items[0].description), /netem 100ms 1% (loss|손실)/);
      return items[0]; // Apply
    });
    const r = await run<{ delayMs: number; lossPct: number }>('netns.setLinkImpairment', { netns: ns, name: va });
    assert.deepEqual(host.unexpected, []);
    const q = spawnSync(TC, ['-n', ns, '-j', 'qdisc', 'show', 'dev', va], { encoding: 'utf8' }).stdout;
    if (!r) {
      // A kernel without netem (test/kernel/umlKernel.test.ts tests netem itself on one that has
      // it): the helper's reason is shown, and the row shows no impairment.
      assert.match(host.errors().join('\n'), /no netem|netem이 없/);
      assert.doesNotMatch(q, /netem/);
      assert.doesNotMatch(String((await ifRow()).description), /netem/);
      return;
    }
    assert.deepEqual(r, { delayMs: 100, lossPct: 1 });
    assert.match(q, /"kind":"netem"/);
    const it = await ifRow();
    assert.match(String(it.description), /netem 100ms 1% (loss|손실)/);
    assert.match(String(it.contextValue), /\binterface\.netem\b/);
    assert.match((it.tooltip as vscode.MarkdownString).value, /netem 100ms/);
  });

  it('netns.setLinkImpairment prefills the current values; netns.clearLinkImpairment removes them', async function () {
    if (!api.model.get(ns)?.interfaces.find((i) => i.name === va)?.netem) {
      // Nothing was set (a kernel without netem): clearing says there is nothing to clear.
      await run('netns.clearLinkImpairment', { netns: ns, name: va });
      assert.match(host.errors().join('\n'), /no link impairment to clear|지울 링크 장애가 없/);
      return;
    }
    host.picks.push((items) => {
      assert.match(String(items.find((i) => /^(Delay|지연)$/.test(i.label))?.description), /100 ms/);
      return undefined; // cancelled
    });
    assert.equal(await run('netns.setLinkImpairment', { netns: ns, name: va }), undefined);
    await run('netns.clearLinkImpairment', { netns: ns, name: va });
    assert.doesNotMatch(spawnSync(TC, ['-n', ns, '-j', 'qdisc', 'show', 'dev', va], { encoding: 'utf8' }).stdout, /netem/);
    const it = await ifRow();
    assert.doesNotMatch(String(it.description), /netem/);
  });

  it('shows the reason when the values would be refused (reordering without a delay)', async () => {
    const r = await run('netns.setLinkImpairment', { netns: ns, name: va }, { reorderPct: 25 });
    assert.equal(r, undefined);
    assert.match(host.errors().join('\n'), /reordering not possible without specifying some delay/);
    assert.ok(api.log.recent().some((l) => l.includes(`tc -n ${ns} qdisc replace dev ${va} root netem reorder 25%`)), 'the tc command is logged');
  });
});
