// The view painted before authentication: while the privileged helper starts (and may be waiting
// for a password), or after its start failed, the model reads from a helper started without root;
// once the privileged one runs, everything is read again from it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LaunchError } from '../../src/client/types';
import type { HelloResult } from '../../src/core/protocol';
import { NamespaceStore } from '../../src/extension/model/namespaceStore';
import { ReadRouter } from '../../src/extension/model/readRouter';
import { ViewActivation } from '../../src/extension/model/viewActivation';
import { FakeNetnsClient, namespace } from './fakeNetnsClient';

/** A privileged client whose start waits until the test lets it finish or fail. */
class WaitingClient extends FakeNetnsClient {
  private finish?: (ok: boolean) => void;
  override async start(): Promise<HelloResult> {
    if (this.state.kind === 'running') {
      return this.state.hello;
    }
    this.setState({ kind: 'starting' });
    const ok = await new Promise<boolean>((r) => (this.finish = r));
    if (!ok) {
      const error = new LaunchError('cancelled', 'Authentication was cancelled.');
      this.setState({ kind: 'failed', error });
      throw error;
    }
    const hello = { pid: 7 } as HelloResult;
    this.setState({ kind: 'running', hello, via: 'sudo' });
    return hello;
  }
  authenticate(ok: boolean): void {
    this.finish?.(ok);
  }
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) {
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(cond());
}

function setup() {
  const privileged = new WaitingClient();
  privileged.add(namespace('ns1', 11, [{ ifindex: 2, name: 'veth-a', kind: 'veth', operState: 'UP', flags: [], mtu: 1500, addresses: [] }]));
  const readOnly = new FakeNetnsClient();
  readOnly.add({ ...namespace('ns1', 11), unprivileged: true });
  let made = 0;
  const router = new ReadRouter(privileged, () => {
    made++;
    return readOnly;
  });
  const store = new NamespaceStore(router, () => undefined);
  const activation = new ViewActivation(privileged, store, () => undefined, router);
  return { privileged, readOnly, router, store, activation, made: () => made };
}

describe('the view before authentication', () => {
  it('paints from the helper without root while the start waits, then reads everything from the helper', async () => {
    const { privileged, readOnly, store, activation, made } = setup();
    const shown = activation.setVisible(true);
    await until(() => store.loaded);
    assert.equal(made(), 1);
    assert.equal(store.get('ns1')?.unprivileged, true, 'painted before authentication');
    assert.equal(store.painting, false, 'out of reach until the password, not being read');
    assert.deepEqual(privileged.ops(), [], 'nothing asked of the helper that is starting');
    privileged.authenticate(true);
    await shown;
    assert.ok(!privileged.calls.some((c) => (c.params as { idsOnly?: boolean }).idsOnly), 'painted already: no names-first read');
    assert.equal(store.get('ns1')?.unprivileged, undefined);
    assert.equal(store.get('ns1')?.interfaces[0].name, 'veth-a', 'the full picture from the helper');
    assert.ok(privileged.ops().includes('snapshot'));
    readOnly.calls.length = 0;
    await store.refresh();
    assert.deepEqual(readOnly.calls, [], 'after that every read goes to the helper');
  });

  it('stays read-only when the start is cancelled, and fills in once the helper is started later', async () => {
    const { privileged, store, activation } = setup();
    const shown = activation.setVisible(true);
    await until(() => store.loaded);
    privileged.authenticate(false);
    await shown;
    assert.equal(privileged.state.kind, 'failed');
    assert.ok(store.has('ns1'), 'the view keeps what needs no root');
    assert.equal(store.get('ns1')?.unprivileged, true);

    const started = privileged.start();
    privileged.authenticate(true);
    await started;
    await until(() => store.get('ns1')?.unprivileged === undefined);
    assert.equal(store.get('ns1')?.interfaces.length, 1);
  });

  it('reads from the helper when it runs without waiting (root)', async () => {
    const privileged = new FakeNetnsClient();
    privileged.add(namespace('ns1', 11));
    const router = new ReadRouter(privileged, undefined);
    const store = new NamespaceStore(router, () => undefined);
    await new ViewActivation(privileged, store, () => undefined, router).setVisible(true);
    assert.ok(privileged.ops().includes('snapshot'));
    assert.equal(router.readsWithoutRoot, false);
  });
});
