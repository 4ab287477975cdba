// Bridges in the view: a bridge made and filled through the commands (and by dropping an interface
// from another namespace onto it), its ports shown under it with the bridge named as their master,
// released again, the delete prompt saying the ports stay, and dummy and VLAN interfaces (or the
// helper's words when the kernel lacks them). The kernel is read back with `ip -j` / `bridge -j`.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import { ip, uniquePrefix } from '../../support/kernel';
import {childById, children, confirm, item, label, pickLabel, useScriptedHost } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);
const MIME = 'application/vnd.code.tree.netns.namespaces';

interface IpDetail {
  ifname: string;
  master?: string;
  linkinfo?: { info_kind?: string };
}

describe('bridges in the view', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  const ns = `${prefix}s`;
  const other = `${prefix}o`;
  const br = `${prefix}br`;
  const [pa, pb, pc] = ['pa', 'pb', 'pc'].map((s) => prefix + s);
  let api: NetnsApi;

  const detail = (netns: string) => JSON.parse(ip(['-n', netns, '-d', '-j', 'link', 'show'])) as IpDetail[];
  const masterOf = (netns: string, name: string) => detail(netns).find((l) => l.ifname === name)?.master;
  const bridgePorts = (netns: string) =>
    (JSON.parse(execFileSync('bridge', ['-n', netns, '-j', 'link', 'show'], { encoding: 'utf8' }) || '[]') as { ifname: string; master: string }[])
      .filter((p) => p.master === br)
      .map((p) => p.ifname)
      .sort();
  const ids = async (parent: TreeNode) => Promise.all((await children(api, parent)).map(async (c) => (await api.treeProvider.getTreeItem(c)).id));
  const nsNode = async () => (await childById(api, `ns:${ns}`))!;
  const bridgeNode = async () => (await childById(api, `ns:${ns}/if:${br}`, await nsNode()))!;

  const { host } = useScriptedHost(prefix, async (a) => {
    api = a;
    ip(['netns', 'add', ns]);
    ip(['netns', 'add', other]);
    for (const v of [pa, pb]) {
      ip(['-n', ns, 'link', 'add', 'name', v, 'type', 'veth', 'peer', 'name', `${v}x`, 'netns', other]);
    }
    ip(['-n', other, 'link', 'add', 'name', pc, 'type', 'veth', 'peer', 'name', `${pc}x`]);
    await api.model.refresh();
  });

  it('Create Bridge... on a namespace row asks the name and makes the bridge', async () => {
    host.inputs.push((o) => {
      assert.ok(o.validateInput?.(pa), 'an existing name is refused');
      assert.ok(o.validateInput?.(`${prefix}-much-too-long`), 'a name over 15 bytes is refused');
      return br;
    });
    assert.deepEqual(await run('netns.createBridge', await nsNode()), { netns: ns, name: br });
    assert.equal(detail(ns).find((l) => l.ifname === br)?.linkinfo?.info_kind, 'bridge');
    assert.ok(api.log.recent().some((l) => l.includes(`ip -n ${ns} link add name ${br} type bridge`)), 'the ip command is logged');
    const it = await item(api, await bridgeNode());
    assert.match(String(it.contextValue), /\binterface\.bridge\b/);
    assert.equal(it.collapsibleState, vscode.TreeItemCollapsibleState.None, 'no ports yet');
    assert.match(String(it.description), /0 ports|포트 0개/);
    assert.deepEqual(host.unexpected, []);
  });

  it('Add Interface to Bridge... from the bridge row asks which interface, and from an interface with its bridge given', async () => {
    host.picks.push((items) => {
      const labels = items.map((i) => i.label);
      assert.ok(labels.includes(pa) && labels.includes(pb));
      assert.ok(!labels.includes('lo') && !labels.includes(br), 'neither lo nor the bridge itself');
      return items.find((i) => i.label === pa);
    });
    const r = await run<{ ports: string[] }>('netns.addToBridge', await bridgeNode());
    assert.deepEqual(r?.ports, [pa]);
    assert.deepEqual(await run<{ ports: string[] }>('netns.addToBridge', { netns: ns, name: pb }, { bridge: br }).then((x) => x?.ports), [pb]);
    assert.deepEqual(bridgePorts(ns), [pa, pb].sort());
    assert.ok(api.log.recent().some((l) => l.includes(`ip -n ${ns} link set dev ${pa} master ${br}`)));
    assert.deepEqual(host.errors(), []);
  });

  it('shows the ports under their bridge, named as their master, and not at the namespace\'s top level', async () => {
    const top = await ids(await nsNode());
    assert.ok(top.includes(`ns:${ns}/if:${br}`));
    assert.ok(!top.includes(`ns:${ns}/if:${pa}`) && !top.includes(`ns:${ns}/if:${pb}`), top.join(', '));
    const b = await bridgeNode();
    const bi = await item(api, b);
    assert.equal(bi.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.match(String(bi.description), /2 ports|포트 2개/);
    assert.deepEqual((await ids(b)).sort(), [`ns:${ns}/if:${br}/if:${pa}`, `ns:${ns}/if:${br}/if:${pb}`].sort());
    const port = (await childById(api, `ns:${ns}/if:${br}/if:${pa}`, b))!;
    const pi = await item(api, port);
    assert.equal(label(pi), pa);
    assert.match(String(pi.description), new RegExp(`(port of ${br}|${br}의 포트)`));
    assert.match(String(pi.contextValue), /\binterface\.port\b/);
    const tip = (pi.tooltip as vscode.MarkdownString).value;
    assert.match(tip, /Bridge \\?\(master\\?\)|브리지\\?\(마스터\\?\)/, 'markdown escapes the parentheses');
    assert.ok(tip.includes(br), tip);
    assert.equal(api.treeProvider.getParent(port), b, 'a port\'s parent is its bridge (reveal goes through it)');
    assert.equal(await run('netns.revealInterface', { netns: ns, name: pb }), true);
  });

  it('dropping an interface of another namespace onto the bridge moves it there and makes it a port', async () => {
    const otherNode = (await childById(api, `ns:${other}`))!;
    const c = (await childById(api, `ns:${other}/if:${pc}`, otherNode))!;
    const transfer = new vscode.DataTransfer();
    await api.dragAndDrop.handleDrag!([c], transfer);
    await api.dragAndDrop.handleDrop!(await bridgeNode(), transfer);
    assert.deepEqual(host.errors(), []);
    assert.ok(detail(ns).some((l) => l.ifname === pc), `${pc} is in ${ns} now`);
    assert.equal(masterOf(ns, pc), br);
    assert.ok((await ids(await bridgeNode())).includes(`ns:${ns}/if:${br}/if:${pc}`));
  });

  it('dropping a bridge onto a bridge is refused in the helper\'s words, and changes nothing', async () => {
    ip(['-n', ns, 'link', 'add', 'name', `${br}2`, 'type', 'bridge']);
    await api.model.refresh();
    const other = (await childById(api, `ns:${ns}/if:${br}2`, await nsNode()))!;
    const transfer = new vscode.DataTransfer();
    transfer.set(MIME, new vscode.DataTransferItem([{ netns: ns, name: `${br}2` }]));
    await api.dragAndDrop.handleDrop!(await bridgeNode(), transfer);
    assert.equal(host.errors().length, 1);
    assert.match(host.errors()[0], /is a bridge itself|브리지이고/);
    assert.equal(masterOf(ns, `${br}2`), undefined);
    assert.ok(other);
  });

  it('Remove from Bridge releases a port, which goes back to the namespace\'s top level', async () => {
    const port = (await childById(api, `ns:${ns}/if:${br}/if:${pc}`, await bridgeNode()))!;
    assert.deepEqual(await run('netns.removeFromBridge', port), [{ netns: ns, name: pc }]);
    assert.equal(masterOf(ns, pc), undefined);
    assert.ok((await ids(await nsNode())).includes(`ns:${ns}/if:${pc}`));
    assert.ok(!(await ids(await bridgeNode())).includes(`ns:${ns}/if:${br}/if:${pc}`));
    assert.ok(api.log.recent().some((l) => l.includes(`ip -n ${ns} link set dev ${pc} nomaster`)));
  });

  it('Copy ip Command on a bridge offers its ports, on a port its release', async () => {
    assert.equal(await run('netns.copyIpCommand', { netns: ns, name: br }, 'ports'), `bridge -n ${ns} link show master ${br}`);
    assert.equal(await run('netns.copyIpCommand', { netns: ns, name: pa }, 'nomaster'), `ip -n ${ns} link set dev ${pa} nomaster`);
  });

  it('Create Dummy Interface... and Create VLAN Interface... make them, or say what the kernel lacks', async () => {
    const d = `${prefix}d0`;
    const made = await run('netns.createDummyInterface', { netns: ns, name: d });
    if (made) {
      assert.equal(detail(ns).find((l) => l.ifname === d)?.linkinfo?.info_kind, 'dummy');
    } else {
      assert.match(host.errors()[0] ?? '', /dummy module|dummy 모듈/);
    }
    host.reset();
    // From the palette: the parent, the id (checked as typed), the name suggested as PARENT.ID.
    host.picks.push(pickLabel(pb));
    host.inputs.push((o) => {
      assert.ok(o.validateInput?.('4095'), 'an id over 4094 is refused');
      assert.ok(o.validateInput?.('0'));
      assert.equal(o.validateInput?.('10'), undefined);
      return '10';
    });
    host.inputs.push((o) => {
      assert.equal(o.value, `${pb}.10`);
      return o.value;
    });
    const vlan = await run<{ name: string }>('netns.createVlanInterface');
    assert.deepEqual(host.unexpected, []);
    if (vlan) {
      const v = (await childById(api, `ns:${ns}/if:${pb}.10`, await nsNode()))!;
      assert.match(String((await item(api, v)).description), new RegExp(`^@${pb}, VLAN 10`));
    } else {
      assert.match(host.errors()[0] ?? '', /8021q/);
      assert.ok(!detail(ns).some((l) => l.ifname === `${pb}.10`));
    }
  });

  it('Delete Interface on a bridge says its ports are released, not deleted, and they stay', async () => {
    host.warnings.push(confirm);
    await run('netns.deleteInterface', await bridgeNode());
    const shown = host.shown.find((s) => s.level === 'warning');
    assert.ok(shown?.detail?.includes(pa) && shown.detail.includes(pb), JSON.stringify(shown));
    assert.match(shown!.detail!, /released from the bridge, not deleted|삭제되지 않고 브리지에서 빠집니다/);
    const names = detail(ns).map((l) => l.ifname);
    assert.ok(!names.includes(br));
    assert.ok(names.includes(pa) && names.includes(pb));
    const top = await ids(await nsNode());
    assert.ok(top.includes(`ns:${ns}/if:${pa}`) && top.includes(`ns:${ns}/if:${pb}`), 'the released ports are at the top level again');
  });
});
