// The "Network Namespaces" tree on the real kernel: namespaces made with `ip netns add` under this run's
// prefix appear with their interfaces and veth peers, processes and unnamed namespaces show, ids are
// stable, getParent/reveal work, and the loopback setting hides lo.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { Host } from '../../../src/extension/host';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import { cleanupOnExit, cleanupPrefix, ip, uniquePrefix } from '../../support/kernel';
import {
  childById,
  children,
  item,
  killSleepers,
  label,
  netnsApi,
  netnsInodeOf,
  ScriptedHost,
  sleeper,
  waitFor,
} from './extensionFixture';

describe('namespace tree', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  const ns1 = `${prefix}t1`;
  const ns2 = `${prefix}t2`;
  const va = `${prefix}va`;
  const vb = `${prefix}vb`;
  let api: NetnsApi;
  const host = new ScriptedHost();
  let previous: Host;

  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
    previous = api.setHost(host);
    ip(['netns', 'add', ns2]); // made first, listed second: the view sorts
    ip(['netns', 'add', ns1]);
    ip(['link', 'add', 'name', va, 'netns', ns1, 'type', 'veth', 'peer', 'name', vb, 'netns', ns2]);
    ip(['-n', ns1, 'address', 'add', '10.231.0.1/24', 'dev', va]);
    ip(['-n', ns1, 'link', 'set', 'dev', va, 'up']);
    await api.model.refresh();
  });

  after(async () => {
    killSleepers();
    api?.setHost(previous);
    await vscode.workspace.getConfiguration('netns').update('view.showLoopback', undefined, vscode.ConfigurationTarget.Global);
    cleanupPrefix(prefix);
  });

  beforeEach(() => host.reset());

  it('lists the host first, then the named namespaces sorted', async () => {
    const roots = await children(api);
    const items = await Promise.all(roots.map((n) => api.treeProvider.getTreeItem(n)));
    assert.equal(items[0].id, 'host');
    assert.match(String(items[0].contextValue), /^namespace\.root( |$)/);
    assert.match(String(items[0].description), /root namespace|루트/);
    const ids = items.map((i) => i.id);
    const i1 = ids.indexOf(`ns:${ns1}`);
    const i2 = ids.indexOf(`ns:${ns2}`);
    assert.ok(i1 > 0 && i2 > i1, `expected ${ns1} before ${ns2} in ${ids.join(', ')}`);
    assert.match(String(items[i1].contextValue), /^namespace( |$)/);
    assert.equal(label(items[i1]), ns1);
  });

  it('shows each namespace\'s interfaces with state, addresses and the veth peer', async () => {
    const n1 = (await childById(api, `ns:${ns1}`))!;
    const kids = await children(api, n1);
    const ids = await Promise.all(kids.map(async (k) => (await api.treeProvider.getTreeItem(k)).id));
    assert.ok(ids.includes(`ns:${ns1}/if:lo`));
    assert.ok(ids.includes(`ns:${ns1}/if:${va}`));
    assert.ok(ids.includes(`ns:${ns1}/processes`));

    const vaNode = kids[ids.indexOf(`ns:${ns1}/if:${va}`)];
    const it = await item(api, vaNode);
    assert.equal(label(it), va);
    assert.match(String(it.description), /10\.231\.0\.1\/24/);
    assert.match(String(it.description), new RegExp(`${vb} \\(${ns2}\\)`));
    assert.match(String(it.contextValue), /\binterface\.veth\b/);
    assert.match(String(it.contextValue), /\binterface\.up\b/);
    assert.ok(it.iconPath instanceof vscode.ThemeIcon);
    assert.equal((it.iconPath as vscode.ThemeIcon).id, 'plug');

    const tip = it.tooltip as vscode.MarkdownString;
    assert.ok(tip instanceof vscode.MarkdownString);
    assert.match(tip.value, /command:netns\.revealInterface\?/);
    assert.deepEqual(tip.isTrusted, { enabledCommands: ['netns.revealInterface'] });
    const args = JSON.parse(decodeURIComponent(/command:netns\.revealInterface\?([^ )]+)/.exec(tip.value)![1]));
    assert.deepEqual(args, [{ netns: ns2, name: vb }]);
    assert.match(tip.value, /MTU/);
    assert.match(tip.value, /ifindex/);

    // The peer points back.
    const n2 = (await childById(api, `ns:${ns2}`))!;
    const vbNode = (await childById(api, `ns:${ns2}/if:${vb}`, n2))!;
    assert.match(String((await item(api, vbNode)).description), new RegExp(`${va} \\(${ns1}\\)`));
  });

  it('implements getParent and reveals a veth peer from its tooltip link', async () => {
    const n2 = (await childById(api, `ns:${ns2}`))!;
    const vbNode = (await childById(api, `ns:${ns2}/if:${vb}`, n2))!;
    assert.equal(api.treeProvider.getParent!(vbNode), n2);
    assert.equal(api.treeProvider.getParent!(n2), undefined);
    const found = await vscode.commands.executeCommand<boolean>('netns.revealInterface', { netns: ns2, name: vb });
    assert.equal(found, true);
    const selected = () => api.treeView.selection.map((n) => (n.kind === 'interface' ? `${n.netns}/${n.name}` : n.id)).join(',');
    await waitFor(() => selected() === `${ns2}/${vb}`, 5000, `${vb} to be selected (is: ${selected()})`);
    assert.equal(await vscode.commands.executeCommand<boolean>('netns.revealPeer', { netns: ns2, name: vb }), true);
    await waitFor(() => selected() === `${ns1}/${va}`, 5000, `${va} to be selected`);
  });

  it('keeps node ids across a refresh', async () => {
    const before = (await childById(api, `ns:${ns1}`))!;
    await api.model.refresh();
    const after = (await childById(api, `ns:${ns1}`))!;
    assert.equal(after, before, 'the same node object is reused, so reveal and expansion survive');
  });

  it('paints namespaces by name and id first, saying they are being read, then fills them in', async () => {
    const ns3 = `${prefix}t3`;
    ip(['netns', 'add', ns3]); // one the helper has not read: it comes by its name and id alone
    // A change event can start a full read first (nothing is painted then): tried again.
    for (let i = 0; i < 5 && !api.model.painting; i++) {
      api.model.clear();
      await api.model.paintIds(0); // painted however few there are
    }
    assert.ok(api.model.painting, 'painted before the full read');
    const n3 = (await childById(api, `ns:${ns3}`))!;
    const painted = await item(api, n3);
    assert.match(String(painted.description), /^(reading…|읽는 중…)$/);
    assert.match((painted.tooltip as vscode.MarkdownString).value, new RegExp(`net:\\[${netnsInodeOf(`/run/netns/${ns3}`)}\\]`));
    const kids = await Promise.all((await children(api, n3)).map((k) => item(api, k)));
    assert.deepEqual(kids.map((k) => k.id), [`ns:${ns3}/reading`, `ns:${ns3}/processes`]);
    assert.match(label(kids[0]), /^(Reading its interfaces…|인터페이스를 읽는 중…)$/);

    await api.model.ensureFresh();
    assert.equal(api.model.painting, false);
    assert.equal(await childById(api, `ns:${ns3}`), n3, 'the same row, filled in');
    assert.doesNotMatch(String((await item(api, n3)).description), /reading|읽는 중/);
    assert.ok(await childById(api, `ns:${ns3}/if:lo`, n3), 'its interfaces');
  });

  it('answers the top level of a view shown empty once the read has something, not with nothing', async () => {
    // An empty answer draws the welcome content until rows replace it, and VS Code drew those
    // replacing rows later than rows it had waited for.
    api.model.clear();
    const shown = api.activation.setVisible(true);
    try {
      assert.ok(api.activation.firstLook, 'a first look is open');
      const top = await api.treeProvider.getChildren();
      assert.ok(top.some((n) => n.id === `ns:${ns1}`), `the first answer holds ${ns1}`);
    } finally {
      await shown;
    }
    assert.equal(api.activation.firstLook, undefined);
  });

  it('answers the top level with the namespaces also when VS Code asks for it before it says the view is shown', async () => {
    // Both go out as the view opens, in either order: asked first, the top level answered empty
    // and the welcome content showed until the rows came.
    api.model.clear();
    // Refreshes of the top level asked while its answer waits: it answers with what they bring.
    let refreshes = 0;
    const counting = api.treeProvider.onDidChangeTreeData((e) => (refreshes += e === undefined ? 1 : 0));
    const top = api.treeProvider.getChildren();
    const shown = api.activation.setVisible(true);
    try {
      const answer = await top;
      counting.dispose();
      assert.ok(answer.some((n) => n.id === `ns:${ns1}`), `the first answer holds ${ns1}`);
      assert.equal(refreshes, 0, 'no refresh while the answer waited: VS Code would ask again and send every row twice');
    } finally {
      counting.dispose();
      await shown;
    }
  });

  it('sets the view\'s message only when it changes', async () => {
    // VS Code sends a view's message and its rows through one queue that holds an update for 200 ms
    // after the one before: an unchanged message set on every model change held the rows back.
    const view = api.treeView as { message?: string };
    const own = Object.getOwnPropertyDescriptor(view, 'message');
    assert.ok(own?.get && own.set, 'the view\'s message is an accessor');
    const sets: (string | undefined)[] = [];
    Object.defineProperty(view, 'message', { configurable: true, get: own.get, set: (m: string | undefined) => (sets.push(m), own.set!.call(view, m)) });
    try {
      const before = view.message;
      await api.model.refresh();
      await api.model.refreshNamespaces([ns1]);
      assert.equal(view.message, before);
      assert.deepEqual(sets, [], 'nothing set: the message did not change');
    } finally {
      Object.defineProperty(view, 'message', own);
    }
  });

  it('gives a namespace a tooltip with path, id and nsid', async () => {
    const n1 = (await childById(api, `ns:${ns1}`))!;
    const tip = (await item(api, n1)).tooltip as vscode.MarkdownString;
    assert.match(tip.value, new RegExp(`/run/netns/${ns1}`));
    assert.match(tip.value, new RegExp(`net:\\[${netnsInodeOf(`/run/netns/${ns1}`)}\\]`));
    assert.match(tip.value, /nsid/);
  });

  it('lists the processes inside a namespace', async () => {
    const pid = await sleeper(ns1);
    const n1 = (await childById(api, `ns:${ns1}`))!;
    const procs = (await childById(api, `ns:${ns1}/processes`, n1))!;
    await api.model.refreshProcesses(0);
    const kids = await children(api, procs);
    const items = await Promise.all(kids.map((k) => api.treeProvider.getTreeItem(k)));
    const mine = items.find((i) => i.id === `ns:${ns1}/processes/pid:${pid}`);
    assert.ok(mine, `pid ${pid} not among ${items.map((i) => i.id).join(', ')}`);
    assert.match(label(mine), /sleep/);
    assert.match(String(mine.description), new RegExp(`${pid}.*root`));
  });

  it('shows a namespace without a name in its own group, by inode, with its processes', async () => {
    const pid = await sleeper(undefined);
    const inode = netnsInodeOf(`/proc/${pid}/ns/net`);
    await api.model.refreshProcesses(0);
    const group = await childById(api, 'unnamed');
    assert.ok(group, 'no "Unnamed namespaces" group');
    const node = (await childById(api, `unnamed:${inode}`, group)) as TreeNode;
    assert.ok(node, `unnamed:${inode} missing`);
    const it = await api.treeProvider.getTreeItem(node);
    assert.equal(label(it), `net:[${inode}]`);
    assert.equal(it.contextValue, 'namespace.unnamed');
    const procs = await children(api, node);
    assert.ok(
      (await Promise.all(procs.map((p) => api.treeProvider.getTreeItem(p)))).some((i) => i.id === `unnamed:${inode}/pid:${pid}`),
    );
  });

  it('says where a veth peer is after its namespace lost its name (processes keep it)', async () => {
    const kept = `${prefix}rq`;
    const hostEnd = `${prefix}rh`;
    const inner = `${prefix}rc`;
    ip(['netns', 'add', kept]);
    ip(['link', 'add', 'name', hostEnd, 'type', 'veth', 'peer', 'name', inner, 'netns', kept]);
    const pid = await sleeper(kept);
    const inode = netnsInodeOf(`/proc/${pid}/ns/net`);
    const hostRow = async () => {
      const hostNode = (await childById(api, 'host'))!;
      const node = await childById(api, `host/if:${hostEnd}`, hostNode);
      return node && (await item(api, node));
    };
    await waitFor(async () => String((await hostRow())?.description).includes(`(${kept})`), 10_000, `${hostEnd} to show its peer in ${kept}`);
    ip(['netns', 'delete', kept]);
    const want = `↔ ${inner} (net:[${inode}])`;
    await waitFor(async () => String((await hostRow())?.description).includes(want), 10_000, `${hostEnd} to read "${want}"`);
    const it = (await hostRow())!;
    assert.doesNotMatch(String(it.description), new RegExp(`\\(${kept}\\)`));
    const tip = (it.tooltip as vscode.MarkdownString).value;
    assert.match(tip, new RegExp(`${inner} .*net:\\\\?\\[${inode}\\\\?\\]`)); // markdown escapes the brackets
    assert.doesNotMatch(tip, new RegExp(`\\b${kept}\\b`));
    assert.doesNotMatch(String(it.contextValue), /\binterface\.peer\b/, 'no reveal: unnamed namespaces show no interfaces');
    // The view's group of unnamed namespaces shows the same id.
    const unnamedIds = async (): Promise<(string | undefined)[]> => {
      const group = await childById(api, 'unnamed');
      return group ? Promise.all((await children(api, group)).map(async (c) => (await api.treeProvider.getTreeItem(c)).id)) : [];
    };
    await waitFor(async () => (await unnamedIds()).includes(`unnamed:${inode}`), 10_000, `unnamed:${inode} among the unnamed namespaces`);
    // The process list (the unnamed group) and the names come in separate events.
    await waitFor(async () => (await childById(api, `ns:${kept}`)) === undefined, 10_000, `${kept} no longer listed by name`);
  });

  it('hides lo when netns.view.showLoopback is off', async () => {
    const config = vscode.workspace.getConfiguration('netns');
    await config.update('view.showLoopback', false, vscode.ConfigurationTarget.Global);
    try {
      const n1 = (await childById(api, `ns:${ns1}`))!;
      assert.equal(await childById(api, `ns:${ns1}/if:lo`, n1), undefined);
      assert.ok(await childById(api, `ns:${ns1}/if:${va}`, n1));
    } finally {
      await config.update('view.showLoopback', undefined, vscode.ConfigurationTarget.Global);
    }
    const n1 = (await childById(api, `ns:${ns1}`))!;
    assert.ok(await childById(api, `ns:${ns1}/if:lo`, n1));
  });
});
