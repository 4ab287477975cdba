// The helper when the machine misbehaves: iproute2 missing, /run/netns absent (a fresh boot), the
// helper killed mid-operation, a namespace deleted behind the client's back, and a veth pair whose
// second end cannot be placed. Each outcome is read back from the kernel.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createClient } from '../../src/client/client';
import { HelperError, HelperLostError, type HelperState, type NetnsClient } from '../../src/client/types';
import type { HelloResult } from '../../src/core/protocol';
import type { Snapshot } from '../../src/core/model';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, helperPath, ip, ipTry, kernelAvailable, links, linkNames, netnsNames, uniquePrefix } from '../support/kernel';
import { mountNsToolsMissing, PrivateMountNs } from '../support/mountNs';

const P = uniquePrefix();
cleanupOnExit(P);
const skip = kernelAvailable() ? `needs ${kernelAvailable()}` : mountNsToolsMissing() ? `needs ${mountNsToolsMissing()}` : false;
const IP_CANDIDATES = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(5);
  }
}

function rootClient(logs: string[]): NetnsClient {
  return createClient({
    helperPath,
    nodePath: process.execPath,
    method: 'auto',
    installedLauncher: false,
    log: (level, msg) => logs.push(`${level}: ${msg}`),
  });
}

/** The state as it is now (a function, so an earlier assertion does not narrow it). */
function stateOf(c: NetnsClient): HelperState {
  return c.state;
}

/** Every link of this run in the root namespace and in each of its namespaces, as "ns/name". */
function myLinks(): string[] {
  const out = linkNames(null)
    .filter((n) => n.includes(P))
    .map((n) => `host/${n}`);
  for (const ns of netnsNames().filter((n) => n.includes(P))) {
    out.push(...linkNames(ns).filter((n) => n !== 'lo').map((n) => `${ns}/${n}`));
  }
  return out.sort();
}

async function expectHelperError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof HelperError, `a HelperError, not ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

describe('helper faults', { skip }, () => {
  after(() => {
    cleanupPrefix(P);
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), [], 'no namespace of the test is left');
    assert.deepEqual(linkNames(null).filter((n) => n.includes(P)), [], 'no link of the test is left');
  });

  it('iproute2 missing: hello answers, a write says to install iproute2, the helper stays up', async () => {
    // Each ip the helper would look for is hidden under /dev/null (not executable) in a private
    // mount namespace; the rest of the machine keeps its ip.
    const present = [...new Set(IP_CANDIDATES.filter((p) => fs.existsSync(p)).map((p) => fs.realpathSync(p)))];
    assert.ok(present.length > 0);
    const script = [
      'node=$1; helper=$2; shift 2',
      'for p in "$@"; do mount --bind /dev/null "$p"; done',
      `for p in ${IP_CANDIDATES.join(' ')}; do if [ -x "$p" ]; then echo "$p still runs" >&2; exit 3; fi; done`,
      'exec "$node" "$helper"',
    ].join('\n');
    const h = new HelperProcess({}, ['/usr/bin/unshare', '--mount', '--propagation', 'private', '--', '/bin/sh', '-ec', script, 'sh', process.execPath, helperPath, ...present]);
    try {
      const hello = await h.ok<HelloResult>('hello');
      assert.equal(hello.uid, 0);
      const add = await h.call('addNetns', { name: `${P}noip` });
      assert.equal(add.ok, false);
      assert.equal(add.error?.code, 'ENOTSUP');
      assert.match(add.error!.message, /install.*iproute2|iproute2.*install/i);
      assert.ok(!netnsNames().includes(`${P}noip`));
      const veth = await h.call('addVeth', { name: `${P}ni0`, peer: `${P}ni1` });
      assert.equal(veth.error?.code, 'ENOTSUP');
      // Still up and answering.
      assert.equal((await h.ok<HelloResult>('hello')).pid, hello.pid);
      assert.ok(Array.isArray((await h.ok<{ names: string[] }>('listNames')).names));
      // The netlink reader needs no ip: the view still shows the kernel's state.
      const snap = await h.ok<Snapshot>('snapshot', { names: [] , includeRoot: true });
      assert.equal(snap.reader, 'netlink');
      assert.ok(snap.namespaces[0].interfaces.some((i) => i.name === 'lo'));
      assert.equal((await h.call('snapshot', { reader: 'ip' })).error?.code, 'ENOTSUP');
      assert.equal(h.child.exitCode, null);
      assert.match(h.stderr, /iproute2 \(ip\) was not found/);
      assert.deepEqual(myLinks(), []);
    } finally {
      await h.close();
    }
  });

  describe('/run/netns absent (nothing made since boot)', () => {
    let mnt: PrivateMountNs;
    let h: HelperProcess;
    const name = `${P}boot`;
    before(async () => {
      // A fresh /run only this mount namespace sees; the helper runs inside it.
      mnt = await PrivateMountNs.start('mount -t tmpfs -o mode=755 tmpfs /run');
      h = new HelperProcess({}, mnt.enter([process.execPath, helperPath]));
    });
    after(async () => {
      // A namespace made in the private mount namespace is deleted there too.
      if (mnt.ip(['netns', 'list']).stdout.includes(name)) {
        mnt.ip(['netns', 'delete', name]);
      }
      await h.close();
      mnt.stop();
    });

    it('lists no names and snapshots only the root namespace, without an error', async () => {
      assert.equal(mnt.ip(['netns', 'list']).stdout.trim(), '');
      assert.deepEqual((await h.ok<{ names: string[] }>('listNames')).names, []);
      const snap = await h.ok<Snapshot>('snapshot');
      assert.deepEqual(
        snap.namespaces.map((n) => [n.name, n.isRoot, n.error]),
        [[null, true, undefined]],
      );
      assert.ok(snap.namespaces[0].interfaces.some((i) => i.name === 'lo'));
    });

    it('watch: a names event arrives once ip creates /run/netns and the first namespace', async () => {
      await h.ok('watch');
      h.unsolicited.length = 0;
      const add = mnt.ip(['netns', 'add', name]);
      assert.equal(add.status, 0, add.stderr);
      assert.ok(!netnsNames().includes(name), 'the host does not see the private namespace');
      await h.waitUnsolicited((m) => (m as { event?: string; names?: boolean }).event === 'changed' && (m as { names: boolean }).names === true, 5000);
      // The event may come for /run/netns itself before the name is mounted: the list follows.
      const list = async () => (await h.ok<{ names: string[] }>('listNames')).names;
      const deadline = Date.now() + 5000;
      while (!(await list()).includes(name) && Date.now() < deadline) {
        await sleep(20);
      }
      assert.deepEqual(await list(), [name]);
      const snap = await h.ok<Snapshot>('snapshot');
      assert.deepEqual(snap.namespaces.map((n) => [n.name, n.error]), [[null, undefined], [name, undefined]]);
      h.unsolicited.length = 0;
      const del = mnt.ip(['netns', 'delete', name]);
      assert.equal(del.status, 0, del.stderr);
      await h.waitUnsolicited((m) => (m as { names?: boolean }).names === true, 5000);
      assert.deepEqual((await h.ok<{ names: string[] }>('listNames')).names, []);
    });
  });

  describe('through the real client (as root)', () => {
    let client: NetnsClient;
    const logs: string[] = [];
    const states: HelperState['kind'][] = [];
    before(() => {
      client = rootClient(logs);
      client.onStateChange((s) => states.push(s.kind));
    });
    after(() => client.dispose());

    it('the helper killed with SIGKILL mid-operation: in-flight requests fail as "may or may not", the next one restarts it', async () => {
      const first = await client.start();
      const n = 30;
      const names = Array.from({ length: n }, (_, i) => `${P}k${i}`);
      // Writes run one after another in the helper: kill it once the first is done.
      const pending = names.map((name) => client.request('addNetns', { name }));
      await until('the first namespace', () => fs.existsSync(`/run/netns/${names[0]}`));
      process.kill(first.pid, 'SIGKILL');
      const settled = await Promise.allSettled(pending);
      const done = settled.filter((s) => s.status === 'fulfilled').length;
      const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      assert.ok(lost.length > 0, 'some requests were in flight when the helper died');
      for (const l of lost) {
        assert.ok(l.reason instanceof HelperLostError, String(l.reason));
        assert.match((l.reason as Error).message, /"addNetns".*may or may not have taken effect/);
      }
      // An ip the helper had started may still finish: wait until the kernel is still.
      let seen = '';
      let stableSince = Date.now();
      await until('the kernel to settle', () => {
        const now = netnsNames().filter((x) => x.startsWith(`${P}k`)).join(',');
        if (now !== seen) {
          seen = now;
          stableSince = Date.now();
        }
        return Date.now() - stableSince > 300;
      });
      const inKernel = netnsNames().filter((x) => x.startsWith(`${P}k`));
      process.stdout.write(`# SIGKILL mid-operation: ${done} of ${n} answered, ${lost.length} lost, ${inKernel.length} in the kernel\n`);
      // Answered ones were done; of the lost ones at most the one being run was; none was re-sent.
      assert.ok(inKernel.length === done || inKernel.length === done + 1, `${inKernel.length} in the kernel, ${done} answered`);
      assert.equal(stateOf(client).kind, 'stopped');

      const snap = await client.request('snapshot', {});
      const st = stateOf(client);
      assert.ok(st.kind === 'running' && st.hello.pid !== first.pid, 'a new helper is running');
      const mine = snap.namespaces.filter((x) => x.name?.startsWith(`${P}k`));
      assert.deepEqual(mine.map((x) => x.name).sort(), [...inKernel].sort(), 'the snapshot is the kernel\'s real state');
      assert.ok(mine.every((x) => x.error === undefined && x.inode === fs.statSync(`/run/netns/${x.name}`).ino));
      assert.ok(logs.some((l) => /stopped by SIGKILL; it will be started again/.test(l)), logs.join('\n'));
      assert.deepEqual(states.slice(-3), ['stopped', 'starting', 'running']);
      // Writes work again on the new helper.
      for (const name of inKernel) {
        await client.request('delNetns', { name });
      }
      assert.deepEqual(netnsNames().filter((x) => x.startsWith(`${P}k`)), []);
    });

    it('a namespace deleted behind the client\'s back: ENOENT "does not exist", and a snapshot leaves it out', async () => {
      const gone = `${P}gone`;
      await client.request('addNetns', { name: gone });
      await client.request('addVeth', { name: `${P}g0`, peer: `${P}g1`, netns: gone, peerNetns: gone });
      await client.request('addVeth', { name: `${P}h0`, peer: `${P}h1` });
      ip(['netns', 'delete', gone]);
      const missing = /"[^"]*gone" (does not exist|no longer exists)/;
      await expectHelperError(client.request('setLinkState', { netns: gone, name: `${P}g0`, up: true }), 'ENOENT', missing);
      await expectHelperError(client.request('addAddress', { netns: gone, name: `${P}g0`, address: '10.213.0.1/24' }), 'ENOENT', missing);
      await expectHelperError(client.request('delLink', { netns: gone, name: `${P}g0` }), 'ENOENT', missing);
      await expectHelperError(client.request('addVeth', { name: `${P}n0`, peer: `${P}n1`, netns: gone }), 'ENOENT', missing);
      await expectHelperError(client.request('moveLink', { name: `${P}h1`, from: null, to: gone }), 'ENOENT', missing);
      await expectHelperError(client.request('delNetns', { name: gone }), 'ENOENT', missing);
      // Nothing half-done: the host's pair is where it was, no new link anywhere.
      assert.deepEqual(myLinks(), [`host/${P}h0`, `host/${P}h1`]);

      const asked = await client.request('snapshot', { names: [gone], includeRoot: false });
      assert.deepEqual(asked.namespaces, [], 'a name /run/netns no longer has is left out');
      const all = await client.request('snapshot', {});
      assert.ok(!all.namespaces.some((x) => x.name === gone), 'a full snapshot lists what /run/netns has');

      // Half gone: the name is still in /run/netns but nothing is mounted there (a lazy unmount):
      // a plain file, not a namespace.
      const stale = `${P}stale`;
      fs.writeFileSync(`/run/netns/${stale}`, '');
      try {
        assert.ok((await client.request('listNames', {})).names.includes(stale));
        const s = await client.request('snapshot', { names: [stale], includeRoot: false });
        assert.equal(s.namespaces[0].notNamespace, 'file');
        await expectHelperError(client.request('addVeth', { name: `${P}s0`, peer: `${P}s1`, netns: stale }), 'ENOTNS', /is not a namespace/);
        await expectHelperError(client.request('moveLink', { name: `${P}h1`, from: null, to: stale }), 'ENOTNS', /is not a namespace/);
      } finally {
        fs.rmSync(`/run/netns/${stale}`, { force: true });
      }
      await client.request('delLink', { netns: null, name: `${P}h0` });
      assert.deepEqual(myLinks(), []);
    });

    it('a veth pair whose second end cannot be placed leaves no end anywhere', async () => {
      const a = `${P}va`;
      const b = `${P}vb`;
      await client.request('addNetns', { name: a });
      await client.request('addNetns', { name: b });
      ip(['-n', b, 'link', 'add', `${P}pe`, 'type', 'bridge']);
      ip(['link', 'add', `${P}rt`, 'type', 'bridge']);
      const before = myLinks();
      assert.deepEqual(before, [`${b}/${P}pe`, `host/${P}rt`].sort());

      // The peer's name is taken in the peer namespace.
      await expectHelperError(client.request('addVeth', { name: `${P}ve`, peer: `${P}pe`, netns: a, peerNetns: b }), 'EEXIST', /already exists/);
      assert.deepEqual(myLinks(), before);
      // ... taken in the host, the first end going into a namespace.
      await expectHelperError(client.request('addVeth', { name: `${P}ve`, peer: `${P}rt`, netns: a, peerNetns: null }), 'EEXIST', /already exists/);
      assert.deepEqual(myLinks(), before);
      // The first end's name is taken: the peer is not made either.
      await expectHelperError(client.request('addVeth', { name: `${P}pe`, peer: `${P}vf`, netns: b, peerNetns: a }), 'EEXIST', /already exists/);
      assert.deepEqual(myLinks(), before);
      // The peer namespace is missing (named, and automatic names).
      await expectHelperError(client.request('addVeth', { name: `${P}ve`, peer: `${P}vf`, netns: a, peerNetns: `${P}nope` }), 'ENOENT', /does not exist/);
      await expectHelperError(client.request('addVeth', { netns: a, peerNetns: `${P}nope` }), 'ENOENT', /does not exist/);
      assert.deepEqual(myLinks(), before);
      // No veth of any name appeared in the test's namespaces or the host.
      for (const ns of [a, b]) {
        assert.deepEqual(links(ns).filter((l) => l.linkinfo?.info_kind === 'veth'), []);
      }
      assert.deepEqual(links(null).filter((l) => l.linkinfo?.info_kind === 'veth' && l.ifname.includes(P)), []);

      ipTry(['link', 'delete', `${P}rt`]);
      await client.request('delNetns', { name: a });
      await client.request('delNetns', { name: b });
      assert.deepEqual(myLinks(), []);
    });
  });
});
