// Every helper operation against the real kernel, read back with `ip -j`.

import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Namespace } from '../../src/core/model';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, links, linkNames, netnsNames, uniquePrefix } from '../support/kernel';
import { PROTOCOL_VERSION } from '../../src/core/protocol';

const P = uniquePrefix();
cleanupOnExit(P);

let h: HelperProcess;
const sleepers: ChildProcess[] = [];

function startUnsharedSleeper(): Promise<number> {
  // A process in a fresh unnamed network namespace, as a container's would be.
  const child = spawn('/usr/bin/unshare', ['--net', '/bin/sleep', '120'], { stdio: 'ignore' });
  sleepers.push(child);
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const check = () => {
      try {
        const mine = fs.readlinkSync(`/proc/${child.pid}/ns/net`);
        if (mine !== fs.readlinkSync('/proc/self/ns/net') && fs.readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === 'sleep') {
          resolve(child.pid!);
          return;
        }
      } catch {
        // not yet
      }
      if (Date.now() > deadline) {
        reject(new Error('unshare did not start'));
      } else {
        setTimeout(check, 10);
      }
    };
    check();
  });
}

function nsInode(path: string): number {
  return fs.statSync(path).ino;
}

describe('helper operations on the real kernel', () => {
  before(() => {
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    for (const s of sleepers) {
      s.kill('SIGKILL');
    }
    cleanupPrefix(P);
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), [], 'every namespace made by the test is gone');
  });

  it('answers hello with its identity', async () => {
    const r = await h.ok<{ name: string; protocol: number; uid: number; rootInode: number }>('hello');
    assert.equal(r.name, 'vscode-netns-helper');
    assert.equal(r.protocol, PROTOCOL_VERSION);
    assert.equal(r.uid, 0);
    assert.equal(r.rootInode, nsInode('/proc/self/ns/net'));
  });

  it('adds a namespace that ip netns list shows, with the right inode', async () => {
    const r = await h.ok<{ name: string; inode: number }>('addNetns', { name: `${P}ns1` });
    assert.ok(netnsNames().includes(`${P}ns1`));
    assert.equal(r.inode, nsInode(`/run/netns/${P}ns1`));
    const names = await h.ok<{ names: string[] }>('listNames');
    assert.ok(names.names.includes(`${P}ns1`));
  });

  it('refuses a namespace name in use', async () => {
    const r = await h.call('addNetns', { name: `${P}ns1` });
    assert.equal(r.error?.code, 'EEXIST');
    assert.match(r.error!.message, /already exists/);
  });

  it('treats a name starting with "-" as data', async () => {
    const name = `-${P}dash`;
    await h.ok('addNetns', { name });
    assert.ok(netnsNames().includes(name));
    await h.ok('delNetns', { name });
    assert.ok(!netnsNames().includes(name));
    const ifname = `-${P}d`;
    await h.ok('addVeth', { name: ifname, peer: `${P}dp`, netns: null, peerNetns: null });
    assert.ok(linkNames(null).includes(ifname));
    await h.ok('delLink', { netns: null, name: ifname });
    assert.ok(!linkNames(null).includes(ifname));
    assert.ok(!linkNames(null).includes(`${P}dp`), 'deleting one end removes its peer');
  });

  it('creates a named veth pair in the host and moves each end into a namespace', async () => {
    await h.ok('addNetns', { name: `${P}ns2` });
    await h.ok('addVeth', { name: `${P}a`, peer: `${P}b` });
    const host = links(null);
    const a = host.find((l) => l.ifname === `${P}a`);
    assert.equal(a?.linkinfo?.info_kind, 'veth');
    assert.equal(a?.link, `${P}b`);

    await h.ok('moveLink', { name: `${P}a`, from: null, to: `${P}ns1` });
    assert.ok(linkNames(`${P}ns1`).includes(`${P}a`), 'veth-a is in ns1');
    assert.ok(!linkNames(null).includes(`${P}a`), 'veth-a is gone from the host');

    await h.ok('moveLink', { name: `${P}b`, from: null, to: `${P}ns2` });
    assert.ok(linkNames(`${P}ns2`).includes(`${P}b`));
  });

  it('says where an interface went when it is moved twice', async () => {
    const r = await h.call('moveLink', { name: `${P}b`, from: null, to: `${P}ns1` });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'ENODEV');
    assert.match(r.error!.message, new RegExp(`"${P}b" is not in the host namespace`));
    assert.match(r.error!.message, new RegExp(`It is now in namespace "${P}ns2"`));
    assert.match(r.error!.detail ?? '', /Cannot find device/);
  });

  it('resolves veth peers across namespaces in a snapshot', async () => {
    const snap = await h.ok<{ namespaces: Namespace[] }>('snapshot', { names: [`${P}ns1`, `${P}ns2`], includeRoot: true });
    assert.equal(snap.namespaces[0].isRoot, true);
    const ns1 = snap.namespaces.find((n) => n.name === `${P}ns1`)!;
    const a = ns1.interfaces.find((i) => i.name === `${P}a`)!;
    assert.equal(a.kind, 'veth');
    assert.equal(a.peer?.name, `${P}b`);
    assert.equal(a.peer?.netns, `${P}ns2`);
    assert.equal(ns1.id, `net:[${nsInode(`/run/netns/${P}ns1`)}]`);
    const kernelA = links(`${P}ns1`).find((l) => l.ifname === `${P}a`)!;
    assert.equal(a.ifindex, kernelA.ifindex);
    assert.equal(a.peer?.ifindex, kernelA.link_index);
  });

  it('sets an interface up and down', async () => {
    await h.ok('setLinkState', { netns: `${P}ns1`, name: `${P}a`, up: true });
    assert.ok(links(`${P}ns1`).find((l) => l.ifname === `${P}a`)!.flags.includes('UP'));
    await h.ok('setLinkState', { netns: `${P}ns1`, name: `${P}a`, up: false });
    assert.ok(!links(`${P}ns1`).find((l) => l.ifname === `${P}a`)!.flags.includes('UP'));
  });

  it('adds and removes IPv4 and IPv6 addresses', async () => {
    await h.ok('addAddress', { netns: `${P}ns1`, name: `${P}a`, address: '10.231.0.1/24' });
    await h.ok('addAddress', { netns: `${P}ns1`, name: `${P}a`, address: 'fd00:231::1/64' });
    const addrs = () => links(`${P}ns1`).find((l) => l.ifname === `${P}a`)!.addr_info!.map((x) => `${x.local}/${x.prefixlen}`);
    assert.ok(addrs().includes('10.231.0.1/24'));
    assert.ok(addrs().includes('fd00:231::1/64'));
    const dup = await h.call('addAddress', { netns: `${P}ns1`, name: `${P}a`, address: '10.231.0.1/24' });
    assert.equal(dup.error?.code, 'EEXIST');
    await h.ok('delAddress', { netns: `${P}ns1`, name: `${P}a`, address: '10.231.0.1/24' });
    assert.ok(!addrs().includes('10.231.0.1/24'));
    const again = await h.call('delAddress', { netns: `${P}ns1`, name: `${P}a`, address: '10.231.0.1/24' });
    assert.equal(again.error?.code, 'EADDRNOTAVAIL');
  });

  it('picks automatic veth names exactly as ip link add type veth does', async () => {
    await h.ok('addNetns', { name: `${P}auto1` });
    await h.ok('addNetns', { name: `${P}auto2` });
    for (let round = 0; round < 2; round++) {
      const r = await h.ok<{ name: string; peer: string }>('addVeth', { netns: `${P}auto1`, peerNetns: `${P}auto1` });
      ip(['-n', `${P}auto2`, 'link', 'add', 'type', 'veth']);
      const mine = linkNames(`${P}auto1`).filter((n) => n !== 'lo').sort();
      const iproute = linkNames(`${P}auto2`).filter((n) => n !== 'lo').sort();
      assert.deepEqual(mine, iproute, `round ${round}: same names as iproute2`);
      assert.deepEqual([r.name, r.peer].sort(), round === 0 ? ['veth0', 'veth1'] : ['veth2', 'veth3']);
    }
    // Across namespaces each end is numbered in its own namespace.
    await h.ok('addNetns', { name: `${P}auto3` });
    await h.ok('addNetns', { name: `${P}auto4` });
    const r = await h.ok<{ name: string; peer: string }>('addVeth', { netns: `${P}auto1`, peerNetns: `${P}auto3` });
    ip(['link', 'add', 'netns', `${P}auto2`, 'type', 'veth', 'peer', 'netns', `${P}auto4`]);
    assert.equal(r.name, linkNames(`${P}auto2`).filter((n) => n !== 'lo').sort().at(-1));
    assert.deepEqual(linkNames(`${P}auto3`), linkNames(`${P}auto4`));
    assert.equal(r.peer, 'veth0');
  });

  it('leaves no half pair when the second end cannot be placed', async () => {
    // The peer's name is taken in its target namespace: the kernel must refuse both ends.
    ip(['-n', `${P}ns2`, 'link', 'add', 'name', `${P}taken`, 'type', 'veth', 'peer', 'name', `${P}taken2`]);
    const r = await h.call('addVeth', { name: `${P}half`, peer: `${P}taken`, netns: `${P}ns1`, peerNetns: `${P}ns2` });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'EEXIST');
    assert.ok(!linkNames(`${P}ns1`).includes(`${P}half`), 'no orphan end in ns1');
    const missing = await h.call('addVeth', { name: `${P}half`, peer: `${P}x`, netns: `${P}ns1`, peerNetns: `${P}gone` });
    assert.equal(missing.error?.code, 'ENOENT');
    assert.match(missing.error!.message, /does not exist/);
    assert.ok(!linkNames(`${P}ns1`).includes(`${P}half`));
  });

  it('moves an interface into the namespace of a process by PID', async () => {
    const pid = await startUnsharedSleeper();
    await h.ok('addVeth', { name: `${P}p1`, peer: `${P}p2` });
    const r = await h.ok<{ toInode: number }>('moveLink', { name: `${P}p1`, from: null, toPid: pid });
    assert.equal(r.toInode, nsInode(`/proc/${pid}/ns/net`));
    // nsenter only calls setns: ip then lists the process's namespace.
    const inside = JSON.parse(execFileSync('/usr/bin/nsenter', ['-t', String(pid), '-n', '/usr/sbin/ip', '-j', 'link'], { encoding: 'utf8' })) as { ifname: string }[];
    assert.ok(inside.some((l) => l.ifname === `${P}p1`), 'the interface is in the process namespace');
    assert.ok(!linkNames(null).includes(`${P}p1`));
    const gone = await h.call('moveLink', { name: `${P}p2`, from: null, toPid: 4194000 });
    assert.equal(gone.error?.code, 'ESRCH');
    await h.ok('delLink', { netns: null, name: `${P}p2` });
  });

  it('lists processes by namespace, unnamed ones included, and attaches one under a name', async () => {
    const pid = await startUnsharedSleeper();
    const inode = nsInode(`/proc/${pid}/ns/net`);
    const r = await h.ok<{ namespaces: { inode: number; name?: string | null; processes: { pid: number; command: string; user: string }[] }[] }>('processes');
    const group = r.namespaces.find((g) => g.inode === inode)!;
    assert.ok(group, 'the unnamed namespace is listed by inode');
    assert.equal(group.name, undefined);
    const proc = group.processes.find((p) => p.pid === pid)!;
    assert.equal(proc.command, '/bin/sleep 120');
    assert.equal(proc.user, 'root');
    assert.equal(r.namespaces.find((g) => g.name === null)?.inode, nsInode('/proc/self/ns/net'));

    await h.ok('attachNetns', { name: `${P}att`, pid });
    assert.equal(nsInode(`/run/netns/${P}att`), inode);
    const again = await h.ok<typeof r>('processes');
    assert.equal(again.namespaces.find((g) => g.inode === inode)?.name, `${P}att`);
    const missing = await h.call('attachNetns', { name: `${P}att2`, pid: 4194000 });
    assert.equal(missing.error?.code, 'ESRCH');
    assert.ok(!netnsNames().includes(`${P}att2`), 'no file left behind');
  });

  it('deletes an interface (and its peer) and a namespace', async () => {
    await h.ok('delLink', { netns: `${P}ns1`, name: `${P}a` });
    assert.ok(!linkNames(`${P}ns1`).includes(`${P}a`));
    assert.ok(!linkNames(`${P}ns2`).includes(`${P}b`), 'the peer went with it');
    const r = await h.call('delLink', { netns: `${P}ns1`, name: `${P}a` });
    assert.equal(r.error?.code, 'ENODEV');
    const lo = await h.call('moveLink', { name: 'lo', from: `${P}ns1`, to: `${P}ns2` });
    assert.equal(lo.ok, false, 'lo cannot be moved');
    assert.match(lo.error!.message, /cannot be moved/);
    await h.ok('delNetns', { name: `${P}ns2` });
    assert.ok(!netnsNames().includes(`${P}ns2`));
    const gone = await h.call('delNetns', { name: `${P}ns2` });
    assert.equal(gone.error?.code, 'ENOENT');
  });

  it('reports a namespace deleted behind its back as gone', async () => {
    ip(['netns', 'add', `${P}ghost`]);
    ip(['netns', 'delete', `${P}ghost`]);
    const r = await h.call('setLinkState', { netns: `${P}ghost`, name: 'lo', up: true });
    assert.equal(r.error?.code, 'ENOENT');
    assert.match(r.error!.message, /does not exist/);
    const snap = await h.ok<{ namespaces: Namespace[] }>('snapshot', { names: [`${P}ghost`] });
    assert.deepEqual(snap.namespaces, [], 'a snapshot leaves it out instead of failing');
  });
});
