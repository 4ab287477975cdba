// The netlink reader against the real kernel: the same namespaces as the ip reader (deep-equal),
// the facts `ip -j` shows, and the awkward cases (a namespace deleted before or while it is read,
// a plain file in /run/netns, coming back to the helper's own namespace).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Interface, Namespace, NetnsRef } from '../../src/core/model';
import { IpReader } from '../../src/helper/reader/ipReader';
import { createNetlinkReader, type NetlinkReader } from '../../src/helper/reader/netlink';
import { cleanupOnExit, cleanupPrefix, IP, ip, ipTry, links, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);

// Namespaces: a and b joined by a veth, c joined to the root namespace, d-e and f-g each joined
// by a veth numbered 2 at both ends (fresh namespaces), which only nsids can tell apart.
const NS = { a: `${P}a`, b: `${P}b`, c: `${P}c`, d: `${P}d`, e: `${P}e`, f: `${P}f`, g: `${P}g` };
const MINE = Object.values(NS);
const L = (s: string) => `${P}${s}`;

let reader: NetlinkReader;
const ipReader = new IpReader(IP);
let parentKind = 'vlan';

function batch(lines: string[]): void {
  const file = path.join(fs.mkdtempSync('/tmp/reader-test-'), 'batch');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  try {
    ip(['-batch', file]);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

function find(list: Namespace[], name: NetnsRef): Namespace {
  const ns = list.find((n) => n.name === name);
  assert.ok(ns, `namespace ${name} is in the result`);
  return ns;
}

function iface(ns: Namespace, name: string): Interface {
  const i = ns.interfaces.find((x) => x.name === name);
  assert.ok(i, `${name} is in ${ns.name}`);
  return i;
}

/** Reads with both readers until the kernel holds still (IPv6 link-local addresses settle). */
async function readBoth(names: string[]): Promise<{ viaIp: Namespace[]; viaNetlink: Namespace[] }> {
  let last: { viaIp: Namespace[]; viaNetlink: Namespace[] } | undefined;
  for (let i = 0; i < 10; i++) {
    const before = await ipReader.read({ names, includeRoot: true });
    const viaNetlink = await reader.read({ names, includeRoot: true });
    const afterIp = await ipReader.read({ names, includeRoot: true });
    last = { viaIp: afterIp, viaNetlink };
    if (isDeepStrictEqual(before.slice(1), afterIp.slice(1))) {
      return last;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return last!;
}

describe('netlink reader on the real kernel', () => {
  before(() => {
    reader = createNetlinkReader();
    const lines = [
      ...MINE.map((n) => `netns add ${n}`),
      `link add ${L('i1')} netns ${NS.a} type veth peer name ${L('i2')} netns ${NS.a}`,
      `link add ${L('x1')} netns ${NS.a} type veth peer name ${L('x2')} netns ${NS.b}`,
      `link add ${L('r0')} type veth peer name ${L('r1')} netns ${NS.c}`,
      `link add ${L('d1')} netns ${NS.d} type veth peer name ${L('e1')} netns ${NS.e}`,
      `link add ${L('f1')} netns ${NS.f} type veth peer name ${L('g1')} netns ${NS.g}`,
      `-n ${NS.b} link add ${L('br')} type bridge`,
      `-n ${NS.b} link set ${L('x2')} master ${L('br')}`,
      `-n ${NS.a} link set lo up`,
      `-n ${NS.a} link set ${L('i1')} up`,
      `-n ${NS.a} link set ${L('i2')} up`,
      `-n ${NS.a} link set ${L('x1')} up`,
      `-n ${NS.b} link set ${L('br')} up`,
      `-n ${NS.a} address add 10.61.0.1/24 dev ${L('i1')}`,
      `-n ${NS.a} address add fd61::1/64 dev ${L('i1')}`,
      `-n ${NS.a} address add 10.62.0.1/30 dev ${L('x1')}`,
      `-n ${NS.c} address add 10.63.0.2/24 dev ${L('r1')}`,
      `-n ${NS.c} address add fd63::2/64 dev ${L('r1')}`,
    ];
    // `ip -batch` does not take options per line: run the per-namespace ones separately.
    batch(lines.filter((l) => !l.startsWith('-n ')));
    for (const l of lines.filter((x) => x.startsWith('-n '))) {
      ip(l.split(' '));
    }
    // A link on top of another: vlan where the kernel has it, macvlan otherwise.
    if (ipTry(['-n', NS.a, 'link', 'add', 'link', L('i1'), 'name', L('v5'), 'type', 'vlan', 'id', '5']).status !== 0) {
      parentKind = 'macvlan';
      ip(['-n', NS.a, 'link', 'add', 'link', L('i1'), 'name', L('v5'), 'type', 'macvlan']);
    }
  });

  after(() => {
    reader?.dispose();
    cleanupPrefix(P);
    assert.deepEqual(
      netnsNames().filter((n) => n.startsWith(P)),
      [],
      'every namespace made by the test is gone',
    );
  });

  it('reads exactly what the ip reader reads (deep-equal, IPv6 link-local included)', async () => {
    const { viaIp, viaNetlink } = await readBoth(MINE);
    assert.equal(viaNetlink.length, MINE.length + 1);
    assert.equal(viaNetlink[0].isRoot, true, 'the root namespace comes first');
    for (const name of MINE) {
      assert.deepStrictEqual(find(viaNetlink, name), find(viaIp, name), `namespace ${name}`);
    }
    // In the root namespace only our own link is stable while other work goes on.
    assert.deepStrictEqual(iface(viaNetlink[0], L('r0')), iface(viaIp[0], L('r0')));
    const { isRoot, name, path: p, inode, id } = viaIp[0];
    assert.deepStrictEqual({ isRoot, name, path: p, inode, id }, { isRoot: viaNetlink[0].isRoot, name: viaNetlink[0].name, path: viaNetlink[0].path, inode: viaNetlink[0].inode, id: viaNetlink[0].id });
    assert.ok(
      find(viaNetlink, NS.a).interfaces.some((i) => i.addresses.some((a) => a.scope === 'link' && a.address.startsWith('fe80:'))),
      'link-local IPv6 addresses are part of the comparison',
    );
  });

  it('agrees with ip -j on names, kinds, flags, macs and addresses', async () => {
    const result = await reader.read({ names: MINE, includeRoot: false });
    for (const name of MINE) {
      const got = find(result, name);
      assert.equal(got.inode, fs.statSync(`/run/netns/${name}`).ino);
      assert.equal(got.id, `net:[${got.inode}]`);
      const want = links(name);
      assert.deepEqual(
        got.interfaces.map((i) => i.name),
        want.map((l) => l.ifname),
      );
      for (const l of want) {
        const i = iface(got, l.ifname);
        assert.equal(i.ifindex, l.ifindex);
        assert.equal(i.mtu, l.mtu);
        assert.equal(i.operState, l.operstate);
        assert.deepEqual(i.flags, l.flags.filter((f) => f !== 'M-DOWN'));
        assert.equal(i.mac, l.address);
        assert.deepEqual(
          i.addresses.map((a) => `${a.address}/${a.prefixLen}`),
          (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`),
        );
      }
    }
    const a = find(result, NS.a);
    assert.deepEqual(
      iface(a, L('i1')).addresses.filter((x) => x.scope === 'global'),
      [
        { family: 4, address: '10.61.0.1', prefixLen: 24, scope: 'global' },
        { family: 6, address: 'fd61::1', prefixLen: 64, scope: 'global' },
      ],
    );
    assert.equal(iface(a, 'lo').kind, 'loopback');
    assert.equal(iface(a, L('v5')).kind, parentKind);
    assert.equal(iface(a, L('v5')).linkIfindex, iface(a, L('i1')).ifindex);
    assert.equal(iface(find(result, NS.b), L('x2')).master, L('br'));
    assert.equal(iface(find(result, NS.b), L('br')).kind, 'bridge');
  });

  it('resolves every veth peer to its name and namespace', async () => {
    const result = await reader.read({ names: MINE, includeRoot: true });
    const peer = (ns: NetnsRef, name: string) => {
      const p = iface(find(result, ns), name).peer;
      return p && { name: p.name, netns: p.netns };
    };
    assert.deepEqual(peer(NS.a, L('i1')), { name: L('i2'), netns: NS.a });
    assert.deepEqual(peer(NS.a, L('x1')), { name: L('x2'), netns: NS.b });
    assert.deepEqual(peer(NS.b, L('x2')), { name: L('x1'), netns: NS.a });
    assert.deepEqual(peer(NS.c, L('r1')), { name: L('r0'), netns: null });
    assert.deepEqual(peer(null, L('r0')), { name: L('r1'), netns: NS.c });
    // Both ends numbered 2 in fresh namespaces: settled through nsids, not guessed.
    assert.equal(iface(find(result, NS.d), L('d1')).ifindex, iface(find(result, NS.f), L('f1')).ifindex);
    assert.deepEqual(peer(NS.d, L('d1')), { name: L('e1'), netns: NS.e });
    assert.deepEqual(peer(NS.e, L('e1')), { name: L('d1'), netns: NS.d });
    assert.deepEqual(peer(NS.f, L('f1')), { name: L('g1'), netns: NS.g });
    assert.deepEqual(peer(NS.g, L('g1')), { name: L('f1'), netns: NS.f });
    // The peer's ifindex is the one ip prints.
    const x1 = links(NS.a).find((l) => l.ifname === L('x1'))!;
    assert.equal(iface(find(result, NS.a), L('x1')).peer?.ifindex, x1.link_index);
    assert.equal(iface(find(result, NS.a), L('x1')).peer?.linkNetnsid, x1.link_netnsid);
  });

  it('places a peer whose namespace lost its name (a process keeps it) by inode, with the peer\'s name', async () => {
    const kept = `${P}u`;
    ip(['netns', 'add', kept]);
    ip(['link', 'add', L('uh'), 'type', 'veth', 'peer', 'name', L('uc'), 'netns', kept]);
    const sleeper = spawn(IP, ['netns', 'exec', kept, '/bin/sleep', '600'], { stdio: 'ignore' });
    try {
      const pid = sleeper.pid!;
      // ip netns exec execs sleep in place: wait until the pid is sleep, inside the namespace.
      const comm = () => (fs.existsSync(`/proc/${pid}/comm`) ? fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() : '');
      for (let i = 0; i < 250 && comm() !== 'sleep'; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const inode = fs.statSync(`/proc/${pid}/ns/net`).ino;
      assert.equal(inode, fs.statSync(`/run/netns/${kept}`).ino);
      ip(['netns', 'delete', kept]);
      const result = await reader.read({ names: MINE, includeRoot: true });
      const p = iface(result[0], L('uh')).peer;
      assert.deepEqual({ name: p?.name, netns: p?.netns, netnsInode: p?.netnsInode }, { name: L('uc'), netns: undefined, netnsInode: inode });
      // Peers in named namespaces are placed as before.
      assert.equal(iface(result[0], L('r0')).peer?.netns, NS.c);
    } finally {
      sleeper.kill('SIGKILL');
      ipTry(['link', 'delete', L('uh')]);
    }
  });

  it('gives the nsid the root namespace knows each namespace by, and assigns none', async () => {
    const before = JSON.parse(ip(['-j', 'netns', 'list']) || '[]') as { name: string; id?: number }[];
    const result = await reader.read({ names: MINE, includeRoot: false });
    const afterList = JSON.parse(ip(['-j', 'netns', 'list']) || '[]') as { name: string; id?: number }[];
    for (const name of MINE) {
      const listed = afterList.find((e) => e.name === name);
      assert.equal(find(result, name).nsid, listed?.id, `nsid of ${name}`);
      assert.equal(listed?.id, before.find((e) => e.name === name)?.id, 'reading assigned no nsid');
    }
  });

  it('leaves out a namespace deleted between listing and reading', async () => {
    const gone = `${P}z`;
    ip(['netns', 'add', gone]);
    ip(['netns', 'delete', gone]);
    const result = await reader.read({ names: [NS.a, gone, NS.b], includeRoot: false });
    assert.deepEqual(
      result.map((n) => n.name),
      [NS.a, NS.b],
    );
    assert.equal(find(result, NS.a).error, undefined);
    assert.ok(find(result, NS.b).interfaces.length > 0);
    const byIp = await ipReader.read({ names: [NS.a, gone, NS.b], includeRoot: false });
    assert.deepEqual(
      byIp.map((n) => n.name),
      [NS.a, NS.b],
      'the ip reader leaves it out too',
    );
  });

  it('reports a plain file in /run/netns as not a namespace, without entering anything', async () => {
    const fake = `${P}fake`;
    const file = `/run/netns/${fake}`;
    fs.writeFileSync(file, '');
    try {
      const result = await reader.read({ names: [fake, NS.c], includeRoot: false });
      assert.equal(find(result, fake).notNamespace, 'file');
      assert.equal(find(result, fake).error, undefined);
      assert.equal(find(result, fake).inode, 0);
      assert.equal(find(result, NS.c).error, undefined);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('reads names and inodes alone for a first paint, and the host whole; both readers', async () => {
    const fake = `${P}fake2`;
    fs.writeFileSync(`/run/netns/${fake}`, '');
    try {
      const names = [NS.a, fake, NS.b];
      const whole = await ipReader.read({ names, includeRoot: true });
      // A reader of its own, so nothing is held from an earlier read.
      const fresh = createNetlinkReader();
      try {
        for (const [kind, r] of [['netlink', fresh], ['ip', ipReader]] as const) {
          const painted = await r.read({ names, includeRoot: true, idsOnly: true });
          assert.deepEqual(painted.map((n) => n.name), [null, NS.a, fake, NS.b], kind);
          assert.deepEqual(find(painted, null).interfaces.map((i) => i.name), find(whole, null).interfaces.map((i) => i.name), `${kind}: the host is read whole`);
          for (const n of [NS.a, NS.b]) {
            const ns = find(painted, n);
            assert.deepEqual(
              { inode: ns.inode, unprivileged: ns.unprivileged, interfaces: ns.interfaces, routes: ns.routes, error: ns.error },
              { inode: fs.statSync(`/run/netns/${n}`).ino, unprivileged: true, interfaces: [], routes: undefined, error: undefined },
              `${kind}: ${n} by its name and inode only`,
            );
          }
          assert.equal(find(painted, fake).notNamespace, 'file', `${kind}: a plain file is still told apart`);
        }
        // What was painted is not what a full read then answers.
        const after = await fresh.read({ names, includeRoot: true });
        assert.equal(fresh.dumped, 2, 'the two namespaces are entered; the host, read whole by the paint, is not read again');
        assert.deepEqual(find(after, NS.a).interfaces.map((i) => i.name).sort(), find(whole, NS.a).interfaces.map((i) => i.name).sort());
        assert.equal(find(after, NS.a).unprivileged, undefined);
        // A paint between two full reads leaves what the reader knows as it was: the read after it
        // enters what one right after a full read enters (the host, whose veth leads to a namespace
        // not read here, and nothing else), and places the veth peers as before.
        await fresh.read({ names, includeRoot: true });
        const entered = fresh.dumped;
        assert.ok(entered <= 1, `nothing but the host entered again (${entered})`);
        await fresh.read({ names, includeRoot: true, idsOnly: true });
        const again = await fresh.read({ names, includeRoot: true });
        assert.equal(fresh.dumped, entered, 'the paint made nothing look changed');
        const peers = (list: Namespace[]) => list.flatMap((n) => n.interfaces.filter((i) => i.peer).map((i) => `${n.name}/${i.name}>${i.peer!.netns}/${i.peer!.name}`)).sort();
        assert.deepEqual(peers(again), peers(after));
        assert.ok(peers(after).some((p) => p.startsWith(`${NS.a}/`) && p.includes(`>${NS.b}/`)), 'the veth between a and b is placed');
      } finally {
        fresh.dispose();
      }
    } finally {
      fs.rmSync(`/run/netns/${fake}`, { force: true });
    }
  });

  it('returns the thread to its own namespace after every read, also after errors', async () => {
    const mine = fs.readlinkSync('/proc/thread-self/ns/net');
    const rootInode = fs.statSync('/proc/self/ns/net').ino;
    await reader.read({ names: [...MINE, `${P}none`], includeRoot: true });
    assert.equal(fs.readlinkSync('/proc/thread-self/ns/net'), mine);
    const again = await reader.read({ names: [], includeRoot: true });
    assert.equal(again[0].inode, rootInode);
    assert.ok(again[0].interfaces.some((i) => i.name === L('r0')), 'the root read sees the root namespace');
    assert.ok(!again[0].interfaces.some((i) => i.name === L('r1')), 'and not the last namespace entered');
  });

  it('never mixes namespaces up while they are being deleted mid-scan', async () => {
    const n = 40;
    const names = Array.from({ length: n }, (_, k) => `${P}m${k}`);
    batch([...names.map((x) => `netns add ${x}`), ...names.map((x, k) => `link add ${P}q${k} netns ${x} type veth peer name ${P}p${k} netns ${x}`)]);
    const file = path.join(fs.mkdtempSync('/tmp/reader-test-'), 'del');
    fs.writeFileSync(file, names.map((x) => `netns delete ${x}`).join('\n') + '\n');
    const deleting = spawn(IP, ['-force', '-batch', file], { stdio: 'ignore' });
    const done = new Promise((r) => deleting.on('close', r));
    let reads = 0;
    let gone = 0;
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished || reads === 0) {
      const result = await reader.read({ names, includeRoot: false });
      reads++;
      gone += n - result.length;
      for (const ns of result) {
        assert.equal(ns.error, undefined, `${ns.name}: ${ns.error}`);
        // A namespace read while being deleted is either complete or empty, never another's.
        const k = names.indexOf(ns.name!);
        const own = ns.interfaces.filter((i) => i.name !== 'lo').map((i) => i.name).sort();
        assert.ok(own.length === 0 || isDeepStrictEqual(own, [`${P}p${k}`, `${P}q${k}`]), `${ns.name}: ${own.join(',')}`);
      }
      await new Promise((r) => setImmediate(r));
    }
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    const last = await reader.read({ names, includeRoot: false });
    assert.deepEqual(last, [], 'all deleted in the end');
    assert.ok(reads > 0);
    console.log(`read ${n} namespaces ${reads} times while they were deleted (${gone} entries left out as deleted)`);
  });

  it('without the right to enter namespaces, reads its own and names the others, entering none', (t) => {
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
    if (!setpriv) {
      t.skip('needs setpriv (util-linux)');
      return;
    }
    const reader = require.resolve('../../src/helper/reader/netlink');
    const script = `const r = require(${JSON.stringify(reader)}).createNetlinkReader();
      const all = r.readSync({ includeRoot: true });
      console.log(JSON.stringify({ privileged: r.privileged, all: all.map((n) => ({ name: n.name, inode: n.inode, count: n.interfaces.length, unprivileged: n.unprivileged ?? false, error: n.error })) }));`;
    // Root without any capability: setns is refused as it is to an ordinary user, and the checkout
    // stays readable wherever it is (a private folder would close it to another user).
    const r = spawnSync(setpriv, ['--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', process.execPath, '-e', script], { encoding: 'utf8' });
    const out = JSON.parse(r.stdout) as { privileged: boolean; all: { name: string | null; inode: number; count: number; unprivileged: boolean; error?: string }[] };
    assert.equal(out.privileged, false, r.stderr);
    const host = out.all.find((n) => n.name === null)!;
    assert.ok(host.count > 0 && !host.unprivileged, 'its own namespace is read');
    const a = out.all.find((n) => n.name === NS.a)!;
    assert.deepEqual(a, { name: NS.a, inode: fs.statSync(`/run/netns/${NS.a}`).ino, count: 0, unprivileged: true });
  });
});
