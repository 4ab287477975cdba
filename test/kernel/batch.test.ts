// Batched writes: one round trip, one ip process when names allow, all-or-nothing for adds.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_BATCH_LINES } from '../../src/helper/ops/batch';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, linkNames, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);

describe('batched writes', () => {
  let h: HelperProcess;
  before(() => {
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
  });

  it('creates namespaces and veth pairs between them in one request', async () => {
    const requests: Record<string, unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      requests.push({ op: 'addNetns', name: `${P}b${i}` });
    }
    for (let i = 0; i < 39; i++) {
      requests.push({ op: 'addVeth', name: `${P}l${i}`, peer: `${P}r${i}`, netns: `${P}b${i}`, peerNetns: `${P}b${i + 1}` });
    }
    const r = await h.ok<{ done: number }>('batch', { requests });
    assert.equal(r.done, 79);
    assert.equal(netnsNames().filter((n) => n.startsWith(`${P}b`)).length, 40);
    assert.deepEqual(linkNames(`${P}b5`).sort(), ['lo', `${P}l5`, `${P}r4`].sort());
    assert.ok(h.stderr.includes('ip -batch -'), 'went through one ip -batch process');
  });

  it('runs more lines than one ip -batch takes in several, all or nothing', async () => {
    const ns = `${P}many`;
    ip(['netns', 'add', ns]);
    ip(['-n', ns, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    const n = MAX_BATCH_LINES + 5;
    const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;
    const requests: Record<string, unknown>[] = Array.from({ length: n }, (_, i) => ({ op: 'addAddress', netns: ns, name: 'd0', address: address(i + 1) }));
    const from = h.stderr.length;
    assert.equal((await h.ok<{ done: number }>('batch', { requests })).done, n);
    const count = () => (JSON.parse(ip(['-n', ns, '-j', 'addr', 'show', 'dev', 'd0'])) as { addr_info: unknown[] }[])[0].addr_info.length;
    assert.equal(count(), n, 'every address is on');
    assert.equal(h.stderr.slice(from).match(/-batch - \(/g)?.length, 2, 'in two ip processes');
    // The same again plus one that fails at the end: the addresses of both runs are taken off again.
    ip(['-n', ns, 'addr', 'flush', 'dev', 'd0']);
    const failing = [...requests, { op: 'addAddress', netns: ns, name: 'd0', address: address(1) }];
    assert.ok((await h.call('batch', { requests: failing })).error, 'the duplicate fails');
    assert.equal(count(), 0, 'everything before it was undone');
  });

  it('undoes the adds before a failing item and says which failed', async () => {
    ip(['netns', 'add', `${P}taken`]);
    const requests = [
      { op: 'addNetns', name: `${P}x1` },
      { op: 'addNetns', name: `${P}x2` },
      { op: 'addVeth', name: `${P}xa`, peer: `${P}xb`, netns: `${P}x1`, peerNetns: `${P}x2` },
      { op: 'addNetns', name: `${P}taken` },
      { op: 'addNetns', name: `${P}x3` },
    ];
    const r = await h.call('batch', { requests });
    assert.equal(r.error?.code, 'EEXIST');
    assert.match(r.error!.message, /^Item 4 \(addNetns .*taken\) failed: A namespace named/);
    assert.deepEqual(netnsNames().filter((n) => n.startsWith(`${P}x`)), [], 'the first three were undone');
    assert.ok(netnsNames().includes(`${P}taken`), 'what existed before is untouched');
  });

  it('runs names ip -batch cannot carry one by one, with the same rollback', async () => {
    const requests = [
      { op: 'addNetns', name: `${P} spaced` },
      { op: 'addNetns', name: `${P}#hash` },
    ];
    assert.equal((await h.ok<{ done: number }>('batch', { requests })).done, 2);
    assert.ok(netnsNames().includes(`${P} spaced`));
    assert.ok(netnsNames().includes(`${P}#hash`));
    const failing = [{ op: 'addNetns', name: `${P} two` }, { op: 'addNetns', name: `${P} spaced` }];
    const r = await h.call('batch', { requests: failing });
    assert.equal(r.error?.code, 'EEXIST');
    assert.ok(!netnsNames().includes(`${P} two`), 'rolled back');
  });

  it('runs items with their own handlers when one of them cannot go to ip -batch, and undoes them all when one fails', async () => {
    const [a, b] = [`${P}ha`, `${P}hb`];
    const requests = [
      { op: 'addNetns', name: a },
      { op: 'addNetns', name: b },
      { op: 'addVeth', name: `${P}va`, peer: `${P}vb`, netns: a, peerNetns: b },
      { op: 'addAddress', netns: a, name: `${P}va`, address: '10.77.0.1/24' },
      { op: 'setLinkState', netns: a, name: `${P}va`, up: true },
      { op: 'addAddress', netns: b, name: `${P}vb`, address: '10.77.0.2/24' },
      { op: 'setLinkState', netns: b, name: `${P}vb`, up: true },
    ];
    assert.equal((await h.ok<{ done: number }>('batch', { requests })).done, requests.length);
    const addr = JSON.parse(ip(['-n', a, '-j', 'address', 'show', 'dev', `${P}va`])) as { operstate: string; flags: string[]; addr_info: { local: string }[] }[];
    assert.ok(addr[0].flags.includes('UP'));
    assert.deepEqual(addr[0].addr_info.map((x) => x.local).filter((x) => x.startsWith('10.')), ['10.77.0.1']);
    ip(['netns', 'delete', a]);
    ip(['netns', 'delete', b]);

    // The same, failing at its last item in the kernel (the address is there twice): all undone.
    const failing = [...requests, { op: 'addAddress', netns: a, name: `${P}va`, address: '10.77.0.1/24' }];
    const r = await h.call('batch', { requests: failing });
    assert.equal(r.error?.code, 'EEXIST', JSON.stringify(r.error));
    assert.match(r.error!.message, /^Item 8 \(addAddress /);
    assert.deepEqual(netnsNames().filter((n) => n === a || n === b), [], 'the namespaces were removed again');
    assert.ok(h.stderr.includes(`rollback: ip -n ${a} address delete 10.77.0.1/24 dev ${P}va`), 'each item was undone, last first');
  });

  it('undoes what one ip -batch did when the kernel refuses a later line', async () => {
    const requests = [
      { op: 'addNetns', name: `${P}k1` },
      { op: 'addVeth', name: `${P}ka`, peer: `${P}kb`, netns: `${P}k1`, peerNetns: `${P}k1` },
      { op: 'addVeth', name: `${P}ka`, peer: `${P}kc`, netns: `${P}k1`, peerNetns: `${P}k1` },
    ];
    const r = await h.call('batch', { requests });
    assert.ok(r.error, 'refused');
    assert.match(r.error!.message, /^Item 3 \(addVeth /);
    assert.ok(!netnsNames().includes(`${P}k1`), 'the namespace the batch made is gone');
  });

  it('validates every item', async () => {
    for (const requests of [[], [{ op: 'attachNetns', name: `${P}q`, pid: 1 }], [{ op: 'addNetns', name: 'a/b' }], [{ op: 'addVeth', name: `${P}q` }], [{ op: 'addNetns', name: `${P}q`, id: 3 }]]) {
      const r = await h.call('batch', { requests });
      assert.ok(r.error && ['EINVAL', 'EPROTO'].includes(r.error.code), JSON.stringify(requests));
    }
  });
});
