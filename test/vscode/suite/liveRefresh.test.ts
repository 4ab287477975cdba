// Changes made outside VS Code (a shell running ip) show in the tree within a second, without a
// refresh, while the view is visible; only the namespaces that changed are read again.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { ModelChange } from '../../../src/extension/model/namespaceStore';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import { cleanupOnExit, cleanupPrefix, ip, uniquePrefix } from '../../support/kernel';
import { childById, LIVE_MS, netnsApi, waitFor } from './extensionFixture';

describe('live refresh', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  const ns1 = `${prefix}l1`;
  const ns2 = `${prefix}l2`;
  const veth = `${prefix}lv`;
  let api: NetnsApi;

  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
    assert.ok(api.treeView.visible, 'the view is visible');
  });

  after(() => cleanupPrefix(prefix));
  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log(api.log.recent().slice(-30).join('\n'));
    }
  });

  it('shows a namespace added with ip netns add without a refresh', async () => {
    ip(['netns', 'add', ns1]);
    const ms = await waitFor(async () => (await childById(api, `ns:${ns1}`)) !== undefined, LIVE_MS, `${ns1} in the tree`);
    console.log(`      ${ns1} appeared after ${ms} ms`);
  });

  it('shows an interface moved in with ip link set netns without a refresh', async () => {
    ip(['netns', 'add', ns2]);
    ip(['link', 'add', 'name', veth, 'type', 'veth', 'peer', 'name', `${veth}p`]);
    await waitFor(() => api.model.root?.interfaces.some((i) => i.name === veth) ?? false, LIVE_MS, `${veth} on the host`);
    const start = Date.now();
    ip(['link', 'set', 'dev', veth, 'netns', ns1]);
    await waitFor(async () => {
      const n = await childById(api, `ns:${ns1}`);
      return n !== undefined && (await childById(api, `ns:${ns1}/if:${veth}`, n)) !== undefined;
    }, LIVE_MS, `${veth} under ${ns1}`);
    console.log(`      ${veth} appeared in ${ns1} after ${Date.now() - start} ms`);
    assert.equal(api.model.root?.interfaces.some((i) => i.name === veth), false, 'and left the host');
  });

  it('shows an address added with ip addr add without a refresh, reading only that namespace', async () => {
    const changes: { all: boolean; names: boolean; namespaces: (string | null)[] }[] = [];
    const sub = api.model.onDidChange((c) => changes.push(c));
    const fired: (TreeNode | TreeNode[] | undefined)[] = [];
    const sub2 = api.treeProvider.onDidChangeTreeData((e) => fired.push(e ?? undefined));
    try {
      const start = Date.now();
      ip(['-n', ns1, 'address', 'add', '10.233.0.1/24', 'dev', veth]);
      await waitFor(async () => {
        const n = await childById(api, `ns:${ns1}`);
        const v = n && (await childById(api, `ns:${ns1}/if:${veth}`, n));
        // The model holds the address before its change is sent (a process list read in the same
        // round comes first): wait for both.
        const shown = !!v && v.kind === 'interface' && v.iface.addresses.some((a) => a.address === '10.233.0.1');
        return shown && changes.some((c) => c.namespaces.includes(ns1));
      }, LIVE_MS, 'the address in the tree');
      console.log(`      address appeared after ${Date.now() - start} ms`);
      assert.ok(changes.every((c) => !c.all), 'no full re-read');
      assert.ok(changes.some((c) => c.namespaces.includes(ns1)));
      assert.ok(!changes.some((c) => c.namespaces.includes(ns2)), `${ns2} was not read again`);
      assert.ok(fired.length > 0 && fired.every((e) => e !== undefined), 'only namespace nodes were refreshed, not the whole tree');
    } finally {
      sub.dispose();
      sub2.dispose();
    }
  });

  it('drops a namespace deleted with ip netns delete without a refresh', async () => {
    ip(['netns', 'delete', ns2]);
    await waitFor(async () => (await childById(api, `ns:${ns2}`)) === undefined, LIVE_MS, `${ns2} to leave the tree`);
  });

  it('does not read while the view is hidden, and reads once when it shows again', async () => {
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor(() => !api.treeView.visible, 5000, 'the view to hide');
    const reads: ModelChange[] = [];
    const sub = api.model.onDidChange((c) => reads.push(c));
    const hidden = `${prefix}l3`;
    try {
      ip(['netns', 'add', hidden]);
      ip(['-n', ns1, 'address', 'add', '10.233.0.2/24', 'dev', veth]);
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(reads.length, 0, 'nothing was read while hidden');
      assert.equal(api.model.has(hidden), false);
      await vscode.commands.executeCommand('netns.namespaces.focus');
      await waitFor(() => api.model.has(hidden), 5000, `${hidden} after showing the view`);
      assert.equal(reads.filter((c) => c.all).length, 1, 'one full read on showing again');
    } finally {
      sub.dispose();
      await vscode.commands.executeCommand('netns.namespaces.focus');
    }
  });
});
