// The namespace store's reads against a fake client: full reads, the merge of partial re-reads,
// the namespaces read along through veths, and work merged while a read is in flight.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Interface } from '../../src/core/model';
import type { Params } from '../../src/core/protocol';
import { NamespaceStore, type ModelChange } from '../../src/extension/model/namespaceStore';
import { FakeNetnsClient, namespace } from './fakeNetnsClient';

function iface(name: string, ifindex: number, extra: Partial<Interface> = {}): Interface {
  return { ifindex, name, kind: 'dummy', operState: 'DOWN', flags: [], mtu: 1500, addresses: [], ...extra };
}

function veth(name: string, ifindex: number, peer: Interface['peer']): Interface {
  return iface(name, ifindex, { kind: 'veth', peer });
}

/** Lets every queued read finish. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setImmediate(r));
  }
}

function setup() {
  const client = new FakeNetnsClient();
  const logs: string[] = [];
  const store = new NamespaceStore(client, (level, msg) => logs.push(`${level}: ${msg}`));
  const changes: ModelChange[] = [];
  store.onDidChange((c) => changes.push(c));
  return { client, store, logs, changes };
}

const snapshots = (client: FakeNetnsClient) =>
  client.calls.filter((c) => c.op === 'snapshot').map((c) => c.params as Params<'snapshot'>);

describe('namespace store', () => {
  it('reads everything once on refresh, in the order people count', async () => {
    const { client, store, changes } = setup();
    client.add(namespace('ns10', 10), namespace('ns2', 2), namespace('a', 3));
    client.processList = [{ inode: 99, id: 'net:[99]', processes: [{ pid: 7, command: 'sleep', user: 'root', uid: 0 }] }];
    assert.equal(store.loaded, false);
    assert.equal(store.stale, true);
    await store.refresh();
    assert.deepEqual(snapshots(client), [{ includeRoot: true }]);
    assert.equal(store.loaded, true);
    assert.equal(store.stale, false);
    assert.deepEqual(store.names(), ['a', 'ns2', 'ns10']);
    assert.deepEqual(store.all().map((n) => n.name), [null, 'a', 'ns2', 'ns10']);
    assert.equal(store.root?.inode, 1);
    assert.deepEqual(store.unnamed().map((p) => p.inode), [99]);
    assert.deepEqual(changes, [{ all: true, names: true, namespaces: [], processes: true }]);
  });

  it('turns a change that comes before the first full read into a full read', async () => {
    const { client, store } = setup();
    client.add(namespace('ns1', 11));
    store.applyEvent({ event: 'changed', names: false, netns: ['ns1'] });
    await flush();
    assert.deepEqual(snapshots(client), [{ includeRoot: true }]);
    assert.ok(store.loaded && store.has('ns1'));
  });

  it('reads the host again when a namespace it has a veth into loses its name', async () => {
    const { client, store, changes } = setup();
    client.add(
      namespace(null, 1, [veth('rqh', 5, { ifindex: 2, name: 'rqc', netns: 'rq1', netnsInode: 21, linkNetnsid: 0 })]),
      namespace('rq1', 21, [veth('rqc', 2, { ifindex: 5, name: 'rqh', netns: null, netnsInode: 1, linkNetnsid: 0 })]),
    );
    await store.refresh();
    client.calls.length = 0;
    changes.length = 0;
    // ip netns delete rq1 while a process keeps it: the helper now places the peer by inode only.
    client.named.delete('rq1');
    client.add(namespace(null, 1, [veth('rqh', 5, { ifindex: 2, name: 'rqc', netnsInode: 21, linkNetnsid: 0 })]));
    client.processList = [{ inode: 21, id: 'net:[21]', processes: [{ pid: 7, command: 'sleep', user: 'root', uid: 0 }] }];
    store.applyEvent({ event: 'changed', names: true, netns: [] });
    await flush();
    assert.deepEqual(snapshots(client), [{ names: [], includeRoot: true }]);
    assert.equal(store.has('rq1'), false);
    assert.deepEqual(store.root?.interfaces[0].peer, { ifindex: 2, name: 'rqc', netnsInode: 21, linkNetnsid: 0 });
    assert.deepEqual(store.unnamed().map((p) => p.inode), [21]);
    assert.deepEqual(changes, [{ all: false, names: true, namespaces: [null], processes: true }]);
  });

  it('reads only the namespaces an event names, and reports only those that changed', async () => {
    const { client, store, changes } = setup();
    client.add(namespace('ns1', 11, [iface('lo', 1)]), namespace('ns2', 12));
    await store.refresh();
    const ns2Before = store.get('ns2');
    client.calls.length = 0;
    changes.length = 0;
    client.add(namespace('ns1', 11, [iface('lo', 1, { flags: ['UP'] })]));
    store.applyEvent({ event: 'changed', names: false, netns: ['ns1'] });
    await flush();
    assert.deepEqual(client.ops(), ['snapshot']);
    assert.deepEqual(snapshots(client), [{ names: ['ns1'], includeRoot: false }]);
    assert.deepEqual(store.get('ns1')?.interfaces[0].flags, ['UP']);
    assert.equal(store.get('ns2'), ns2Before, 'the other namespace is kept as it was');
    assert.deepEqual(changes, [{ all: false, names: false, namespaces: ['ns1'], processes: false }]);
  });

  it('merges a names change: reads added namespaces, drops removed ones, reads the processes again', async () => {
    const { client, store, changes } = setup();
    client.add(namespace('ns1', 11), namespace('ns2', 12));
    await store.refresh();
    client.calls.length = 0;
    changes.length = 0;
    client.named.delete('ns2');
    client.add(namespace('ns3', 13));
    await store.refreshNamespaces([], true);
    assert.deepEqual(client.ops(), ['listNames', 'snapshot', 'processes']);
    assert.deepEqual(snapshots(client), [{ names: ['ns3'], includeRoot: false }]);
    assert.deepEqual(store.names(), ['ns1', 'ns3']);
    assert.equal(store.has('ns2'), false);
    assert.deepEqual(changes, [{ all: false, names: true, namespaces: ['ns3'], processes: true }]);
  });

  it('drops a namespace that was asked for and not returned', async () => {
    const { client, store, changes } = setup();
    client.add(namespace('ns1', 11), namespace('ns2', 12));
    await store.refresh();
    changes.length = 0;
    client.named.delete('ns2');
    await store.refreshNamespaces(['ns2']);
    assert.deepEqual(store.names(), ['ns1']);
    assert.equal(changes.length, 1);
    assert.equal(changes[0].names, true);
  });

  it('reads the namespaces joined by a veth along, and reports them only when they differ', async () => {
    const { client, store, changes } = setup();
    client.add(
      namespace('ns1', 11, [veth('va', 2, { ifindex: 3, name: 'vb', netns: 'ns2' })]),
      namespace('ns2', 12, [veth('vb', 3, { ifindex: 2, name: 'va', netns: 'ns1' })]),
      namespace('ns3', 13),
    );
    await store.refresh();
    client.calls.length = 0;
    changes.length = 0;
    await store.refreshNamespaces(['ns1']);
    assert.deepEqual(snapshots(client), [{ names: ['ns1', 'ns2'], includeRoot: false }]);
    assert.deepEqual(changes[0].namespaces, ['ns1'], 'ns2 was read along but did not change');

    client.calls.length = 0;
    changes.length = 0;
    client.add(namespace('ns2', 12, [veth('vb', 3, { ifindex: 2, name: 'va', netns: 'ns1' }), iface('d0', 4)]));
    await store.refreshNamespaces(['ns1']);
    assert.deepEqual(changes[0].namespaces, ['ns1', 'ns2']);
  });

  it('reads everything when a veth newly points into a namespace it was not read with, and no event names that namespace soon', async () => {
    const { client, store } = setup();
    client.add(namespace('ns1', 11, [veth('va', 2, { ifindex: 3, name: 'vb', netns: 'ns2' })]), namespace('ns2', 12));
    await store.refresh();
    client.calls.length = 0;
    // va's peer moved on: ns1 now knows its namespace only by an nsid the helper could not place.
    client.add(namespace('ns1', 11, [veth('va', 2, { ifindex: 5, linkNetnsid: 4 })]));
    await store.refreshNamespaces(['ns1']);
    assert.deepEqual(snapshots(client), [{ names: ['ns1', 'ns2'], includeRoot: false }], 'not yet: the event of its new namespace may follow');
    await new Promise((r) => setTimeout(r, 400));
    await store.refreshNamespaces([]);
    assert.deepEqual(snapshots(client), [
      { names: ['ns1', 'ns2'], includeRoot: false },
      { includeRoot: true },
    ]);

    // The same unplaced peer read again does not ask for another full read.
    client.calls.length = 0;
    await store.refreshNamespaces(['ns1']);
    assert.deepEqual(snapshots(client), [{ names: ['ns1'], includeRoot: false }]);
  });

  it('reads a veth whose peer it lost again with the namespace the next event names, and then not everything', async () => {
    const { client, store } = setup();
    client.add(namespace('ns1', 11, [veth('va', 2, { ifindex: 3, name: 'vb', netns: 'ns2' })]), namespace('ns2', 12), namespace('ns3', 13));
    await store.refresh();
    client.calls.length = 0;
    client.add(namespace('ns1', 11, [veth('va', 2, { ifindex: 5, linkNetnsid: 4 })]));
    await store.refreshNamespaces(['ns1']);
    // The other end's arrival in ns3 is told a moment later; read with ns1, the pair is placed.
    client.add(namespace('ns1', 11, [veth('va', 2, { ifindex: 5, name: 'vc', netns: 'ns3' })]), namespace('ns3', 13, [veth('vc', 5, { ifindex: 2, name: 'va', netns: 'ns1' })]));
    store.applyEvent({ event: 'changed', names: false, netns: ['ns3'] });
    await store.refreshNamespaces([]);
    await new Promise((r) => setTimeout(r, 400));
    const reads = snapshots(client);
    assert.ok(!reads.some((r) => (r as { names?: string[] }).names === undefined), `no read of everything: ${JSON.stringify(reads)}`);
    assert.ok(reads.some((r) => JSON.stringify((r as { names?: string[] }).names?.slice().sort()) === JSON.stringify(['ns1', 'ns3'])), `ns1 read with ns3: ${JSON.stringify(reads)}`);
    assert.equal(store.get('ns1')?.interfaces[0].peer?.netns, 'ns3');
  });

  it('reads what is asked after a refresh that had nothing to read', async () => {
    const { client, store } = setup();
    client.add(namespace('ns1', 11));
    await store.refresh();
    await store.refreshNamespaces([]);
    client.calls.length = 0;
    await store.refreshNamespaces(['ns1']);
    assert.deepEqual(snapshots(client), [{ names: ['ns1'], includeRoot: false }]);
  });

  it('merges work that piles up while a read is in flight into one next read', async () => {
    const { client, store } = setup();
    client.add(namespace('ns1', 11), namespace('ns2', 12), namespace('ns3', 13));
    await store.refresh();
    client.calls.length = 0;
    const release = client.hold();
    const first = store.refreshNamespaces(['ns1']);
    store.applyEvent({ event: 'changed', names: false, netns: ['ns2'] });
    store.applyEvent({ event: 'changed', names: false, netns: [null, 'ns3'] });
    const last = store.refreshNamespaces(['ns2']);
    assert.equal(first, last, 'callers share the draining queue');
    release();
    await last;
    assert.deepEqual(snapshots(client), [
      { names: ['ns1'], includeRoot: false },
      { names: ['ns2', 'ns3'], includeRoot: true },
    ]);
  });

  it('keeps the model and says why when a read fails, and forgets the failure on the next read', async () => {
    const { client, store, logs } = setup();
    client.add(namespace('ns1', 11));
    await store.refresh();
    const answer = client.request.bind(client);
    client.request = (async () => {
      throw new Error('helper gone');
    }) as typeof client.request;
    await store.refreshNamespaces(['ns1']);
    assert.ok(store.has('ns1'));
    assert.match(String(store.lastError), /helper gone/);
    assert.ok(logs.some((l) => l.startsWith('error: Reading namespaces failed: helper gone')));
    client.request = answer;
    await store.refresh();
    assert.equal(store.lastError, undefined);
  });

  it('reads nothing partial before the first full read, and the process list only when it is old', async () => {
    const { client, store } = setup();
    await store.refreshNamespaces(['ns1'], true);
    assert.deepEqual(client.calls, []);
    await store.refresh();
    client.calls.length = 0;
    await store.refreshProcesses(60_000);
    assert.deepEqual(client.calls, []);
    await new Promise((r) => setTimeout(r, 5));
    await store.refreshProcesses(0);
    assert.deepEqual(client.ops(), ['processes']);
  });

  it('reads everything on the next look after being marked stale, and not otherwise', async () => {
    const { client, store } = setup();
    await store.ensureFresh();
    await store.ensureFresh();
    assert.equal(snapshots(client).length, 1);
    store.markStale();
    await store.ensureFresh();
    assert.equal(snapshots(client).length, 2);
  });

  it('forgets everything when cleared', async () => {
    const { client, store, changes } = setup();
    client.add(namespace('ns1', 11));
    await store.refresh();
    changes.length = 0;
    store.clear();
    assert.equal(store.loaded, false);
    assert.equal(store.stale, true);
    assert.equal(store.root, undefined);
    assert.deepEqual(store.names(), []);
    assert.equal(store.processes, undefined);
    assert.deepEqual(changes, [{ all: true, names: true, namespaces: [], processes: true }]);
  });

  it('reads only the names the helper says came or went, without listing every name', async () => {
    const { client, store, changes } = setup();
    client.add(
      namespace('ns1', 11, [veth('r', 2, { ifindex: 3, name: 'l', netns: 'ns2', netnsInode: 12, linkNetnsid: 0 })]),
      namespace('ns2', 12, [veth('l', 3, { ifindex: 2, name: 'r', netns: 'ns1', netnsInode: 11, linkNetnsid: 0 })]),
      namespace('ns10', 13),
    );
    await store.refresh();
    client.calls.length = 0;
    changes.length = 0;
    client.add(namespace('ns3', 14));
    client.named.delete('ns2');
    client.add(namespace('ns1', 11));
    store.applyEvent({ event: 'changed', names: true, added: ['ns3'], removed: ['ns2'], netns: [] });
    await flush();
    // Nothing but their names held ns2 and ns3: no process list changed either.
    assert.deepEqual(client.ops(), ['snapshot'], 'no listNames, no process list');
    // ns3 (new) and ns1 (its veth led into ns2, which is gone), not ns10.
    assert.deepEqual(snapshots(client), [{ names: ['ns1', 'ns3'], includeRoot: false }]);
    assert.deepEqual(store.names(), ['ns1', 'ns3', 'ns10']);
    assert.equal(store.has('ns2'), false);
    assert.deepEqual(store.get('ns1')?.interfaces, []);
    assert.equal(changes.length, 1);
    assert.equal(changes[0].names, true);
  });

  it('reads the process list again when a namespace that lost its name is held by a process', async () => {
    const { client, store } = setup();
    client.add(namespace('ns1', 11), namespace('ns2', 12));
    client.processList = [{ inode: 11, id: 'net:[11]', name: 'ns1', processes: [{ pid: 7, command: 'sleep', user: 'root', uid: 0 }] }];
    await store.refresh();
    client.calls.length = 0;
    client.named.delete('ns1');
    client.processList = [{ inode: 11, id: 'net:[11]', processes: [{ pid: 7, command: 'sleep', user: 'root', uid: 0 }] }];
    store.applyEvent({ event: 'changed', names: true, added: [], removed: ['ns1'], netns: [] });
    await flush();
    assert.deepEqual(client.ops(), ['processes']);
    assert.deepEqual(store.unnamed().map((p) => p.inode), [11], 'it is shown as unnamed now');
  });

  it("keeps where a neighbour's other veths lead when it is read along, instead of reading everything", async () => {
    const { client, store } = setup();
    const toZ = veth('z0', 7, { ifindex: 8, name: 'a0', netns: 'z', netnsInode: 30, linkNetnsid: 5 });
    client.add(
      namespace('z', 30, [veth('a0', 8, { ifindex: 7, name: 'z0', netns: 'a', netnsInode: 31, linkNetnsid: 1 })]),
      namespace('a', 31, [toZ, veth('b0', 9, { ifindex: 10, name: 'a1', netns: 'b', netnsInode: 32, linkNetnsid: 2 })]),
      namespace('b', 32, [veth('a1', 10, { ifindex: 9, name: 'b0', netns: 'a', netnsInode: 31, linkNetnsid: 3 })]),
    );
    await store.refresh();
    client.calls.length = 0;
    // Read with b only, a's veth into z comes back unplaced (z was not read with it).
    client.add(namespace('a', 31, [{ ...toZ, peer: { ifindex: 8, linkNetnsid: 5 } }, veth('b0', 9, { ifindex: 10, name: 'a1', netns: 'b', netnsInode: 32, linkNetnsid: 2 })]));
    store.applyEvent({ event: 'changed', names: false, netns: ['b'] });
    await flush();
    assert.deepEqual(snapshots(client), [{ names: ['b', 'a'], includeRoot: false }], 'no read of everything');
    assert.deepEqual(store.get('a')?.interfaces[0].peer, { ifindex: 8, name: 'a0', netns: 'z', netnsInode: 30, linkNetnsid: 5 });
  });

  it('keeps the names in counting order as they come and go one by one', async () => {
    const { client, store } = setup();
    client.add(namespace('b10', 1), namespace('b2', 2));
    await store.refresh();
    for (const [name, inode] of [['b1', 3], ['b100', 4], ['a', 5], ['b11', 6]] as const) {
      client.add(namespace(name, inode));
      store.applyEvent({ event: 'changed', names: true, added: [name], removed: [], netns: [] });
      await flush();
    }
    client.named.delete('b10');
    store.applyEvent({ event: 'changed', names: true, added: [], removed: ['b10'], netns: [] });
    await flush();
    assert.deepEqual(store.names(), ['a', 'b1', 'b2', 'b11', 'b100']);
  });

  it('finds the processes of a namespace by inode, and none for one the list leaves out', async () => {
    const { client, store } = setup();
    client.add(namespace('ns1', 11), namespace('ns2', 12));
    client.processList = [{ inode: 11, id: 'net:[11]', name: 'ns1', processes: [{ pid: 7, command: 'sleep', user: 'root', uid: 0 }] }];
    await store.refresh();
    assert.deepEqual(store.processesOf(11)?.processes.map((p) => p.pid), [7]);
    assert.deepEqual(store.processesOf(12), { inode: 12, id: 'net:[12]', processes: [] });
    assert.equal(store.refOfInode(12), 'ns2');
    assert.equal(store.refOfInode(1), null);
  });
});
