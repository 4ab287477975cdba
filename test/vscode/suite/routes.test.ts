// Routes in the tree: the Routes group of a namespace lists what `ip route` shows, a route added
// from a shell appears without a refresh, Add Route from the command adds what the kernel then
// shows, a gateway outside every subnet is refused before anything is sent, and Delete Route.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { RouteNode, TreeNode } from '../../../src/extension/tree/nodes';
import { ip, uniquePrefix } from '../../support/kernel';
import {childById, children, confirm, item, label, pickLabel, useScriptedHost, waitFor } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

describe('routes', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  const ns1 = `${prefix}r1`;
  const ns2 = `${prefix}r2`;
  const va = `${prefix}va`;
  const vb = `${prefix}vb`;
  let api: NetnsApi;

  interface IpRoute {
    dst: string;
    gateway?: string;
    dev?: string;
    metric?: number;
  }
  const ipRoutes = (ns: string, six = false) => JSON.parse(ip(['-n', ns, '-j', ...(six ? ['-6'] : []), 'route', 'show']) || '[]') as IpRoute[];

  async function routesGroup(ns: string): Promise<TreeNode | undefined> {
    const n = await childById(api, `ns:${ns}`);
    return n && childById(api, `ns:${ns}/routes`, n);
  }

  async function routeRows(ns: string): Promise<{ node: RouteNode; label: string; description: string }[]> {
    const g = await routesGroup(ns);
    if (!g) {
      return [];
    }
    const out = [];
    for (const c of await children(api, g)) {
      const it = await item(api, c);
      out.push({ node: c as RouteNode, label: label(it), description: String(it.description ?? '') });
    }
    return out;
  }

  const { host } = useScriptedHost(prefix, async (a) => {
    api = a;
    ip(['netns', 'add', ns1]);
    ip(['netns', 'add', ns2]);
    ip(['-n', ns1, 'link', 'add', va, 'type', 'veth', 'peer', 'name', vb, 'netns', ns2]);
    ip(['-n', ns1, 'address', 'add', '10.61.0.2/24', 'dev', va]);
    ip(['-n', ns2, 'address', 'add', '10.61.0.1/24', 'dev', vb]);
    ip(['-n', ns1, 'link', 'set', va, 'up']);
    ip(['-n', ns2, 'link', 'set', vb, 'up']);
    ip(['-n', ns1, 'route', 'add', 'default', 'via', '10.61.0.1']);
    await api.model.refresh();
  });

  it('shows a collapsed Routes group with the count and one row per route, as ip prints them', async () => {
    const g = await routesGroup(ns1);
    assert.ok(g, 'a Routes group under the namespace');
    const it = await item(api, g);
    assert.equal(label(it), 'Routes');
    assert.equal(it.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const rows = await routeRows(ns1);
    const count = ipRoutes(ns1).length + ipRoutes(ns1, true).length;
    assert.equal(it.description, `${count} routes`);
    assert.equal(rows.length, count);
    const labels = rows.map((r) => r.label);
    assert.ok(labels.includes(`default via 10.61.0.1 dev ${va}`), labels.join('\n'));
    assert.ok(labels.includes(`10.61.0.0/24 dev ${va} proto kernel scope link src 10.61.0.2`), labels.join('\n'));
    assert.ok(labels.some((l) => l === `fe80::/64 dev ${va} proto kernel`), labels.join('\n'));
    const fe80 = rows.find((r) => r.label.startsWith('fe80::/64'))!;
    assert.match(fe80.description, /metric 256 · IPv6/);
    const def = rows.find((r) => r.label.startsWith('default'))!;
    assert.equal((await item(api, def.node)).contextValue, 'route');
    const tip = (await item(api, def.node)).tooltip as vscode.MarkdownString;
    assert.match(tip.value, /Gateway: `10\.61\.0\.1`/);
    assert.match(tip.value, /Table: `main`/);
  });

  it('shows a route added from a shell without a refresh, reading only that namespace', async () => {
    const changes: { all: boolean; namespaces: (string | null)[] }[] = [];
    const sub = api.model.onDidChange((c) => changes.push(c));
    try {
      const start = Date.now();
      ip(['-n', ns1, 'route', 'add', '10.62.0.0/16', 'via', '10.61.0.1', 'metric', '30']);
      await waitFor(async () => (await routeRows(ns1)).some((r) => r.label === `10.62.0.0/16 via 10.61.0.1 dev ${va}`), 1000, 'the route in the tree');
      console.log(`      route appeared after ${Date.now() - start} ms`);
      assert.ok(changes.every((c) => !c.all), 'no full re-read');
      const row = (await routeRows(ns1)).find((r) => r.label.startsWith('10.62.0.0/16'))!;
      assert.match(row.description, /metric 30/);
    } finally {
      sub.dispose();
    }
  });

  it('Add Route asks for the destination, the next hop and the metric, and the route shows in the tree', async () => {
    host.inputs.push((o) => {
      assert.ok(o.validateInput);
      assert.ok(o.validateInput('10.63.0.5/16'), 'host bits are refused');
      assert.equal(o.validateInput('10.63.0.0/16'), undefined);
      return '10.63.0.0/16';
    });
    host.picks.push((items) => {
      const labels = items.map((i) => i.label);
      assert.ok(labels.includes(`via 10.61.0.1 dev ${va}`), `the veth peer's address is offered: ${labels.join(', ')}`);
      assert.ok(labels.includes(`dev ${va}`));
      return items.find((i) => i.label === `via 10.61.0.1 dev ${va}`);
    });
    host.inputs.push((o) => {
      assert.ok(o.validateInput!('-1'));
      return '40';
    });
    const r = await run<{ destination: string }>('netns.addRoute', api.treeProvider.namespaceNode(ns1));
    assert.equal(r?.destination, '10.63.0.0/16');
    assert.deepEqual(host.unexpected, []);
    assert.ok(ipRoutes(ns1).some((x) => x.dst === '10.63.0.0/16' && x.gateway === '10.61.0.1' && x.metric === 40), 'the kernel has it');
    assert.ok(api.log.recent().some((l) => l.includes(`ip -n ${ns1} route add 10.63.0.0/16 via 10.61.0.1 dev ${va} metric 40`)), 'the ip equivalent is logged');
    assert.ok((await routeRows(ns1)).some((x) => x.label === `10.63.0.0/16 via 10.61.0.1 dev ${va}`), 'and the tree shows it');
  });

  it('Add Route with a typed gateway offers a first host of the subnet and checks it as typed', async () => {
    host.inputs.push(() => 'default');
    host.picks.push(pickLabel('IPv4 default route'));
    host.picks.push((items) => items.find((i) => i.label === `Gateway in 10.61.0.0/24 on ${va}...`));
    host.inputs.push((o) => {
      assert.equal(o.value, '10.61.0.1');
      assert.match(o.validateInput!('10.9.9.1') as string, new RegExp(`10\\.9\\.9\\.1 is not in any subnet of ${ns1} \\(10\\.61\\.0\\.0/24 on ${va}\\)`));
      assert.match(o.validateInput!('10.61.0.2') as string, /itself/);
      return '10.61.0.1';
    });
    host.inputs.push(() => '500');
    await run('netns.addRoute', ns1);
    assert.deepEqual(host.unexpected, []);
    assert.ok(ipRoutes(ns1).some((x) => x.dst === 'default' && x.metric === 500));
  });

  it('refuses a gateway outside every subnet before sending, naming the subnets', async () => {
    const before = api.log.recent().length;
    const r = await run('netns.addRoute', ns1, { destination: '10.64.0.0/16', gateway: '10.9.9.1' });
    assert.equal(r, undefined);
    assert.equal(host.errors().length, 1);
    assert.equal(host.errors()[0], `The route was not added: 10.9.9.1 is not in any subnet of ${ns1} (10.61.0.0/24 on ${va}); add an address in that subnet first.`);
    assert.ok(!api.log.recent().slice(before).some((l) => l.includes('addRoute')), 'nothing was sent');
    assert.ok(!ipRoutes(ns1).some((x) => x.dst === '10.64.0.0/16'));
  });

  it('Delete Route confirms and deletes exactly that route', async () => {
    const row = (await routeRows(ns1)).find((r) => r.label.startsWith('10.63.0.0/16'))!;
    host.warnings.push((m, o, items) => {
      assert.match(m, new RegExp(`Delete the route "10\\.63\\.0\\.0/16 via 10\\.61\\.0\\.1 dev ${va}" in ${ns1}\\?`));
      assert.equal(o.modal, true);
      return confirm(m, o, items);
    });
    await run('netns.deleteRoute', row.node);
    assert.deepEqual(host.unexpected, []);
    assert.ok(!ipRoutes(ns1).some((x) => x.dst === '10.63.0.0/16'), 'gone from the kernel');
    assert.ok(!(await routeRows(ns1)).some((x) => x.label.startsWith('10.63.0.0/16')), 'and from the tree');
    assert.ok(ipRoutes(ns1).some((x) => x.dst === '10.62.0.0/16'), 'the other routes stay');
  });

  it('Copy ip Command gives the ip line of a route', async () => {
    const row = (await routeRows(ns1)).find((r) => r.label.startsWith('10.62.0.0/16'))!;
    const text = await run<string>('netns.copyIpCommand', row.node, 'routeDelete');
    assert.equal(text, `ip -n ${ns1} route del 10.62.0.0/16 via 10.61.0.1 dev ${va} metric 30`);
  });
});
