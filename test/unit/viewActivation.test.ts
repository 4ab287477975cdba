// The view's activation against a fake client: what showing and hiding the view and the helper's
// state changes ask of the client and the store.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LaunchError } from '../../src/client/types';
import type { Params } from '../../src/core/protocol';
import { NamespaceStore, PAINT_FROM } from '../../src/extension/model/namespaceStore';
import { ViewActivation } from '../../src/extension/model/viewActivation';
import { FakeNetnsClient, namespace } from './fakeNetnsClient';

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setImmediate(r));
  }
}

function setup(timing = { restartDelayMs: 1, minUptimeMs: 0, firstLookMs: 2000 }) {
  const client = new FakeNetnsClient();
  client.add(namespace('ns1', 11));
  const store = new NamespaceStore(client, () => undefined);
  const activation = new ViewActivation(client, store, () => undefined, undefined, timing);
  const fullReads = () => client.calls.filter((c) => c.op === 'snapshot' && (c.params as Params<'snapshot'>).names === undefined && !(c.params as Params<'snapshot'>).idsOnly).length;
  return { client, store, activation, fullReads };
}

describe('view activation', () => {
  it('starts the helper, turns change events on and reads everything once when the view shows', async () => {
    const { client, store, activation, fullReads } = setup();
    await activation.setVisible(true);
    assert.equal(client.state.kind, 'running');
    assert.deepEqual(client.watching, [true]);
    assert.equal(fullReads(), 1);
    assert.ok(store.has('ns1'));
  });

  it('paints the names and ids first when nothing paints while the helper starts, then reads everything', async () => {
    const { client, store, activation, fullReads } = setup();
    client.add(namespace('ns1', 11, [{ ifindex: 2, name: 'veth-a', kind: 'veth', operState: 'UP', flags: [], mtu: 1500, addresses: [] }]));
    for (let i = 2; i <= PAINT_FROM; i++) {
      client.add(namespace(`ns${i}`, 10 + i));
    }
    const painted: { unprivileged?: boolean; painting: boolean }[] = [];
    store.onDidChange(() => painted.push({ unprivileged: store.get('ns1')?.unprivileged, painting: store.painting }));
    await activation.setVisible(true);
    const reads = client.calls.filter((c) => c.op === 'snapshot').map((c) => ((c.params as Params<'snapshot'>).idsOnly ? 'ids' : 'all'));
    assert.deepEqual(reads, ['ids', 'all'], 'names and ids, then everything');
    assert.deepEqual(painted, [
      { unprivileged: true, painting: true },
      { unprivileged: undefined, painting: false },
    ]);
    assert.equal(store.get('ns1')?.interfaces.length, 1);
    assert.equal(fullReads(), 1);

    // Shown again later: what is held is full, so nothing is painted first.
    await activation.setVisible(false);
    client.calls.length = 0;
    await activation.setVisible(true);
    assert.ok(!client.calls.some((c) => c.op === 'snapshot' && (c.params as Params<'snapshot'>).idsOnly));
  });

  it('shows a few namespaces when they are read whole, not by name first', async () => {
    const { store, activation, fullReads } = setup();
    const seen: { painting: boolean; loaded: boolean }[] = [];
    store.onDidChange(() => seen.push({ painting: store.painting, loaded: store.loaded }));
    await activation.setVisible(true);
    assert.deepEqual(seen, [{ painting: false, loaded: true }], 'one change: the full read');
    assert.equal(fullReads(), 1);
  });

  it('passes change events to the store only while the view is visible', async () => {
    const { client, store, activation, fullReads } = setup();
    await activation.setVisible(true);
    client.add(namespace('ns1', 11, [{ ifindex: 1, name: 'lo', kind: 'loopback', operState: 'UNKNOWN', flags: [], mtu: 65536, addresses: [] }]));
    client.emit({ names: false, netns: ['ns1'] });
    await flush();
    assert.equal(store.get('ns1')?.interfaces.length, 1);

    await activation.setVisible(false);
    assert.deepEqual(client.watching, [true, false]);
    client.calls.length = 0;
    client.add(namespace('ns2', 12));
    client.emit({ names: true, netns: [] });
    await flush();
    assert.deepEqual(client.calls, [], 'nothing is read while hidden');
    assert.equal(store.stale, true);

    await activation.setVisible(true);
    assert.equal(fullReads(), 1, 'one full read on showing again');
    assert.ok(store.has('ns2'));
  });

  it('does not read again on showing when nothing was missed', async () => {
    const { client, activation, fullReads } = setup();
    await activation.setVisible(true);
    await activation.setVisible(true);
    assert.equal(fullReads(), 1);
    assert.deepEqual(client.watching, [true, true]);
  });

  it('reads everything after a restart made by another request while the view is visible', async () => {
    const { client, activation, fullReads } = setup();
    await activation.setVisible(true);
    client.setState({ kind: 'stopped' });
    await client.start();
    await flush();
    assert.deepEqual(client.watching, [true, true]);
    assert.equal(fullReads(), 2);
  });

  it('starts a helper that stopped while the view is visible again by itself, watching and reading everything', async () => {
    const { client, store, activation, fullReads } = setup();
    await activation.setVisible(true);
    client.setState({ kind: 'stopped' }); // killed
    assert.equal(store.stale, true);
    await new Promise((r) => setTimeout(r, 20));
    await flush();
    assert.equal(client.state.kind, 'running', 'started again without a request or refresh');
    assert.deepEqual(client.watching, [true, true], 'the new helper watches');
    assert.equal(fullReads(), 2, 'and what was missed is read');
    assert.equal(store.stale, false);
    activation.dispose();
  });

  it('does not start a helper again that stopped right after it started (no loop)', async () => {
    const { client, activation } = setup({ restartDelayMs: 1, minUptimeMs: 60_000, firstLookMs: 2000 });
    await activation.setVisible(true);
    client.setState({ kind: 'stopped' });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(client.state.kind, 'stopped');
    activation.dispose();
  });

  it('does not start a stopped helper again while the view is hidden', async () => {
    const { client, activation } = setup();
    await activation.setVisible(true);
    await activation.setVisible(false);
    client.setState({ kind: 'stopped' });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(client.state.kind, 'stopped');
    activation.dispose();
  });

  it('does not start a helper that failed, and clears the model when it fails', async () => {
    const { client, store, activation } = setup();
    await activation.setVisible(true);
    const changes: unknown[] = [];
    store.onDidChange((c) => changes.push(c));
    client.setState({ kind: 'failed', error: new LaunchError('cancelled', 'cancelled') });
    assert.equal(store.loaded, false);
    assert.deepEqual(changes, [{ all: true, names: true, namespaces: [], processes: true }]);
    client.calls.length = 0;
    await activation.setVisible(true);
    assert.equal(client.state.kind, 'failed');
    assert.deepEqual(client.calls, []);
  });

  it('holds a first look open while the model is empty and a read is on its way, until it has something to show', async () => {
    const { store, activation } = setup();
    assert.equal(activation.firstLook, undefined, 'nothing shown yet, nothing to wait for');
    const shown = activation.setVisible(true);
    const look = activation.firstLook;
    assert.ok(look, 'shown empty: the tree waits for the read');
    await look;
    assert.ok(store.loaded, 'it settles once the model holds the namespaces');
    await shown;
    assert.equal(activation.firstLook, undefined);

    // Shown again with the model full: nothing to wait for.
    await activation.setVisible(false);
    const again = activation.setVisible(true);
    assert.equal(activation.firstLook, undefined);
    await again;
  });

  it('ends a first look whose helper could not start, with nothing to show', async () => {
    const { client, store, activation } = setup();
    client.start = async () => {
      throw new LaunchError('cancelled', 'cancelled');
    };
    const shown = activation.setVisible(true);
    const look = activation.firstLook;
    assert.ok(look);
    await look;
    await shown;
    assert.equal(store.loaded, false, 'the tree answers empty: the welcome content says what to do');
    assert.equal(activation.firstLook, undefined);
  });

  it('opens the first look when the tree asks for its top level before the view is said to be shown', async () => {
    // VS Code's request for the rows and its news that the view is visible can come in either order.
    const { store, activation } = setup();
    const look = activation.topLevelAsked();
    assert.ok(look, 'nothing loaded: the top level waits');
    const shown = activation.setVisible(true);
    assert.equal(activation.firstLook, look, 'showing the view joins the look the tree opened');
    await look;
    assert.ok(store.loaded, 'it settles with the namespaces');
    await shown;
    assert.equal(activation.topLevelAsked(), undefined, 'loaded: nothing to wait for');
  });

  it('opens no look for the tree once the helper could not start (the welcome content says what to do)', async () => {
    const { client, activation } = setup();
    client.start = async () => {
      const error = new LaunchError('cancelled', 'cancelled');
      client.setState({ kind: 'failed', error });
      throw error;
    };
    await activation.setVisible(true);
    assert.equal(activation.topLevelAsked(), undefined);
  });

  it('closes a first look after its time even when the read has not come', async () => {
    const { client, store, activation } = setup({ restartDelayMs: 1, minUptimeMs: 0, firstLookMs: 20 });
    const release = client.hold();
    const shown = activation.setVisible(true);
    const look = activation.firstLook;
    assert.ok(look);
    await look;
    assert.equal(store.loaded, false, 'the read is still held back');
    assert.equal(activation.firstLook, undefined, 'closed: the tree answers with what it has');
    release();
    await shown;
    assert.ok(store.loaded);
  });
});
