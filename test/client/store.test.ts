// The extension's model store and its activation on the real client and helper: one full read
// when the view opens, and targeted reads for changes made from a shell.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClient } from '../../src/client/client';
import type { Op } from '../../src/core/protocol';
import { NamespaceStore } from '../../src/extension/model/namespaceStore';
import { ViewActivation } from '../../src/extension/model/viewActivation';
import { cleanupOnExit, cleanupPrefix, helperPath, ip, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) {
      throw new Error('timed out');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('model store on the real helper', () => {
  const client = createClient({ helperPath, nodePath: process.execPath, method: 'auto', log: () => undefined });
  const calls: { op: Op; params: unknown }[] = [];
  const request = client.request.bind(client);
  client.request = ((op: Op, params: never) => {
    calls.push({ op, params });
    return request(op, params);
  }) as typeof client.request;
  const store = new NamespaceStore(client, () => undefined);
  const activation = new ViewActivation(client, store, () => undefined);
  after(() => {
    activation.dispose();
    store.dispose();
    client.dispose();
    cleanupPrefix(P);
  });

  it('asks for the names and ids, then reads everything exactly once when the view opens and starts the helper', async () => {
    await activation.setVisible(true);
    await until(() => store.loaded && !store.painting);
    await new Promise((r) => setTimeout(r, 300));
    const snapshots = calls.filter((c) => c.op === 'snapshot' && (c.params as { names?: string[] }).names === undefined);
    assert.deepEqual(
      snapshots.map((c) => ((c.params as { idsOnly?: boolean }).idsOnly ? 'ids' : 'full')),
      ['ids', 'full'],
      `reads: ${JSON.stringify(calls.map((c) => c.op))}`,
    );
    assert.equal(calls.filter((c) => c.op === 'watch').length, 1);
  });

  it('reads only the changed namespace after a shell change', async () => {
    ip(['netns', 'add', `${P}s1`]);
    await until(() => store.has(`${P}s1`));
    calls.length = 0;
    ip(['-n', `${P}s1`, 'link', 'set', 'lo', 'up']);
    await until(() => store.get(`${P}s1`)?.interfaces.find((i) => i.name === 'lo')?.flags.includes('UP') === true);
    const reads = calls.filter((c) => c.op === 'snapshot');
    assert.ok(reads.length >= 1);
    for (const r of reads) {
      assert.deepEqual((r.params as { names?: string[] }).names, [`${P}s1`], 'only that namespace was read');
    }
  });

  it('keeps namespaces deleted right after they were made out of the model', async () => {
    // The watcher can report a name as added after it was deleted again: the read of that name must
    // not bring it back (it came back as an empty namespace in about 1 of 8 rounds).
    for (let i = 0; i < 30; i++) {
      const [a, b] = [`${P}a${i}`, `${P}b${i}`];
      ip(['netns', 'add', a]);
      ip(['netns', 'add', b]);
      ip(['-n', b, 'link', 'add', 'name', `${P}d`, 'type', 'veth', 'peer', 'name', `${P}e`]);
      await store.refresh();
      await client.request('delNetns', { name: a });
      await client.request('delNetns', { name: b });
      await store.refreshNamespaces([], true);
      assert.deepEqual([a, b].filter((n) => store.has(n)), [], `round ${i}`);
    }
  });
});
