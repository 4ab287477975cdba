// The netlink reader keeps what it learnt of nsids from one read to the next. These tests change
// the kernel between two reads by the same reader and compare its second read with a fresh
// reader's and with what the kernel says: veths re-created between other namespaces, a veth moved,
// an interface renamed, a namespace deleted and made again under its name, a peer whose namespace
// lost its name, an nsid the root namespace gives between two reads, and a burst of changes. What
// tells the reader of changes must not keep a namespace alive after its name is deleted.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Namespace, NetnsRef } from '../../src/core/model';
import { growFdTable, loadLibc } from '../../src/helper/reader/libc';
import { createNetlinkReader, type NetlinkReader } from '../../src/helper/reader/netlink';
import { KernelWatcher } from '../../src/helper/watch/kernelWatcher';
import { cleanupOnExit, cleanupPrefix, IP, ip, ipTry, linkNames, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);

// Fresh namespaces number their first veth 2 at both ends: only nsids tell these pairs apart.
const NS = ['a', 'b', 'c', 'd'].map((x) => `${P}${x}`);
const [A, B, C, D] = NS;

let kept: NetlinkReader;

type Peers = Record<string, { name?: string; netns?: string | null; netnsInode?: number } | undefined>;

/** Every veth end of our namespaces (host included) -> where its peer was placed. */
function peers(list: Namespace[]): Peers {
  const out: Peers = {};
  for (const ns of list) {
    for (const i of ns.interfaces) {
      if (i.kind === 'veth' && (ns.name !== null || i.name.startsWith(P))) {
        out[`${ns.name ?? 'host'}/${i.name}`] = i.peer && { name: i.peer.name, netns: i.peer.netns, netnsInode: i.peer.netnsInode };
      }
    }
  }
  return out;
}

/** Reads with the kept reader and with a fresh one; both must agree on every peer and nsid. */
function readTwice(names = NS): { warm: Namespace[]; fresh: Namespace[] } {
  const warm = kept.readSync({ names, includeRoot: true });
  const reader = createNetlinkReader();
  try {
    const fresh = reader.readSync({ names, includeRoot: true });
    assert.deepEqual(peers(warm), peers(fresh), 'the kept reader places every peer as a fresh one does');
    assert.deepEqual(
      warm.map((n) => [n.name, n.inode, n.nsid]),
      fresh.map((n) => [n.name, n.inode, n.nsid]),
      'and gives the same inodes and nsids',
    );
    // Everything else too (the host's own interfaces change with others' work: only ours there).
    assert.deepStrictEqual(warm.slice(1), fresh.slice(1), 'and reads the same namespaces');
    return { warm, fresh };
  } finally {
    reader.dispose();
  }
}

/** The kept reader's view of one namespace, checked against a fresh reader's. */
function readOne(name: string): Namespace {
  const { warm } = readTwice();
  const ns = warm.find((n) => n.name === name);
  assert.ok(ns);
  return ns;
}

/** A deleted namespace takes its veths along a little later (the kernel cleans up in the background). */
async function gone(ns: string, ifname: string): Promise<void> {
  for (let i = 0; i < 250 && ipTry(['-n', ns, 'link', 'show', ifname]).status === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

const inode = (name: string) => fs.statSync(`/run/netns/${name}`).ino;
const at = (name: string, ifname: string) => ({ name: ifname, netns: name, netnsInode: inode(name) });

describe('netlink reader across reads while the kernel changes', () => {
  before(() => {
    kept = createNetlinkReader();
    for (const n of NS) {
      ip(['netns', 'add', n]);
    }
  });

  afterEach(() => {
    // Every test starts from the four namespaces without veths.
    for (const n of NS) {
      if (!fs.existsSync(`/run/netns/${n}`)) {
        ip(['netns', 'add', n]);
      }
      for (const l of JSON.parse(ip(['-n', n, '-j', 'link', 'show'])) as { ifname: string }[]) {
        if (l.ifname !== 'lo') {
          ipTry(['-n', n, 'link', 'delete', l.ifname]);
        }
      }
    }
  });

  after(() => {
    kept?.dispose();
    cleanupPrefix(P);
    assert.deepEqual(
      netnsNames().filter((n) => n.startsWith(P)),
      [],
      'every namespace made by the test is gone',
    );
  });

  it('enters again only what changed: not every namespace of its first read, but one changed and those its veths come from', () => {
    // A chain a - b - c - d.
    for (let i = 0; i + 1 < NS.length; i++) {
      ip(['-n', NS[i], 'link', 'add', `${P}r${i}`, 'type', 'veth', 'peer', 'name', `${P}l${i + 1}`, 'netns', NS[i + 1]]);
    }
    const reader = createNetlinkReader();
    try {
      reader.readSync({ names: NS, includeRoot: true });
      assert.equal(reader.dumped, NS.length + 1, 'the first read dumps each namespace and the host');
      // Each namespace's change socket was opened in the first read: none of that is a change.
      reader.readSync({ names: NS, includeRoot: true });
      assert.equal(reader.dumped, 0, 'nothing changed: nothing is entered');
      ip(['-n', C, 'addr', 'add', '10.99.0.1/32', 'dev', 'lo']);
      const third = reader.readSync({ names: NS, includeRoot: true });
      assert.equal(reader.dumped, 3, `${C} changed: it is dumped, and ${B} and ${D}, whose veths lead there`);
      assert.ok(third.find((n) => n.name === C)?.interfaces.some((i) => i.addresses.some((a) => a.address === '10.99.0.1')));
    } finally {
      reader.dispose();
    }
  });

  it('places peers again when the veths are made anew between other namespaces', () => {
    ip(['link', 'add', 'x', 'netns', A, 'type', 'veth', 'peer', 'name', 'y', 'netns', B]);
    ip(['link', 'add', 'x', 'netns', C, 'type', 'veth', 'peer', 'name', 'y', 'netns', D]);
    let { warm } = readTwice();
    assert.deepEqual(peers(warm)[`${A}/x`], at(B, 'y'));
    assert.deepEqual(peers(warm)[`${C}/x`], at(D, 'y'));
    ip(['-n', A, 'link', 'delete', 'x']);
    ip(['-n', C, 'link', 'delete', 'x']);
    // The same names, ifindexes and (in A and C) the same nsids' numbers, but crossed over.
    ip(['link', 'add', 'x', 'netns', A, 'type', 'veth', 'peer', 'name', 'y', 'netns', D]);
    ip(['link', 'add', 'x', 'netns', C, 'type', 'veth', 'peer', 'name', 'y', 'netns', B]);
    ({ warm } = readTwice());
    assert.deepEqual(peers(warm)[`${A}/x`], at(D, 'y'));
    assert.deepEqual(peers(warm)[`${D}/y`], at(A, 'x'));
    assert.deepEqual(peers(warm)[`${C}/x`], at(B, 'y'));
    assert.deepEqual(peers(warm)[`${B}/y`], at(C, 'x'));
  });

  it('follows a veth end moved to another namespace and an end renamed', () => {
    ip(['link', 'add', 'x', 'netns', A, 'type', 'veth', 'peer', 'name', 'y', 'netns', B]);
    ip(['link', 'add', 'x', 'netns', C, 'type', 'veth', 'peer', 'name', 'y', 'netns', D]);
    readTwice();
    ip(['-n', B, 'link', 'set', 'y', 'netns', C, 'name', 'moved']);
    ip(['-n', D, 'link', 'set', 'y', 'name', 'renamed']);
    const { warm } = readTwice();
    assert.deepEqual(peers(warm)[`${A}/x`], at(C, 'moved'));
    assert.deepEqual(peers(warm)[`${C}/moved`], at(A, 'x'));
    assert.deepEqual(peers(warm)[`${C}/x`], at(D, 'renamed'));
    assert.equal(peers(warm)[`${B}/y`], undefined, 'nothing is left in B');
  });

  it('places peers in a namespace deleted and made again under the same name (a new namespace)', async () => {
    ip(['link', 'add', 'x', 'netns', A, 'type', 'veth', 'peer', 'name', 'y', 'netns', B]);
    ip(['link', 'add', 'x', 'netns', C, 'type', 'veth', 'peer', 'name', 'y', 'netns', D]);
    readTwice();
    const before = inode(B);
    ip(['netns', 'delete', B]);
    ip(['netns', 'delete', D]);
    ip(['netns', 'add', D]);
    ip(['netns', 'add', B]);
    await gone(A, 'x');
    await gone(C, 'x');
    // Made again in the other order, so an inode number freed by one may go to the other.
    ip(['link', 'add', 'x', 'netns', A, 'type', 'veth', 'peer', 'name', 'y', 'netns', D]);
    ip(['link', 'add', 'x', 'netns', C, 'type', 'veth', 'peer', 'name', 'y', 'netns', B]);
    const { warm } = readTwice();
    assert.deepEqual(peers(warm)[`${A}/x`], at(D, 'y'));
    assert.deepEqual(peers(warm)[`${C}/x`], at(B, 'y'));
    assert.deepEqual(peers(warm)[`${B}/y`], at(C, 'x'));
    console.log(`inode of ${B}: ${before} before, ${inode(B)} after`);
  });

  it('places a peer whose namespace lost its name between reads by inode, and back when it is named again', async () => {
    ip(['link', 'add', 'x', 'netns', A, 'type', 'veth', 'peer', 'name', 'y', 'netns', B]);
    ip(['link', 'add', 'x', 'netns', C, 'type', 'veth', 'peer', 'name', 'y', 'netns', D]);
    readTwice();
    const bInode = inode(B);
    const sleeper = spawn(IP, ['netns', 'exec', B, '/bin/sleep', '600'], { stdio: 'ignore' });
    try {
      const pid = sleeper.pid!;
      const comm = () => (fs.existsSync(`/proc/${pid}/comm`) ? fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() : '');
      for (let i = 0; i < 250 && comm() !== 'sleep'; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      ip(['netns', 'delete', B]);
      const names = [A, C, D];
      const { warm } = readTwice(names);
      assert.deepEqual(peers(warm)[`${A}/x`], { name: 'y', netns: undefined, netnsInode: bInode });
      assert.deepEqual(peers(warm)[`${C}/x`], at(D, 'y'));
      // Named again (ip netns attach): read as a named namespace once more.
      ip(['netns', 'attach', B, String(pid)]);
      const again = readTwice();
      assert.equal(inode(B), bInode);
      assert.deepEqual(peers(again.warm)[`${A}/x`], at(B, 'y'));
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('sees addresses, routes, link state, forwarding, mtu and names changed between reads', () => {
    ip(['link', 'add', 'x', 'netns', A, 'type', 'veth', 'peer', 'name', 'y', 'netns', B]);
    let a = readOne(A);
    assert.deepEqual(a.interfaces.find((i) => i.name === 'x')?.addresses, []);
    ip(['-n', A, 'address', 'add', '10.77.0.1/30', 'dev', 'x']);
    ip(['-n', A, 'link', 'set', 'x', 'up']);
    ip(['-n', A, 'link', 'set', 'lo', 'up']);
    a = readOne(A);
    const x = () => a.interfaces.find((i) => i.name === 'x');
    assert.deepEqual(
      x()?.addresses.filter((ad) => ad.family === 4),
      [{ family: 4, address: '10.77.0.1', prefixLen: 30, scope: 'global' }],
    );
    assert.ok(x()?.flags.includes('UP'));
    ip(['-n', A, 'route', 'add', '10.88.0.0/16', 'via', '10.77.0.2']);
    ip(['netns', 'exec', A, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    ip(['-n', A, 'link', 'set', 'x', 'mtu', '1400']);
    a = readOne(A);
    assert.ok(a.routes?.some((r) => r.destination === '10.88.0.0/16' && r.gateway === '10.77.0.2'));
    assert.equal(a.forwarding?.ipv4, true);
    assert.equal(x()?.mtu, 1400);
    ip(['-n', A, 'address', 'delete', '10.77.0.1/30', 'dev', 'x']);
    ip(['-n', A, 'link', 'set', 'x', 'down']);
    ip(['-n', A, 'link', 'set', 'x', 'name', 'z']);
    ip(['netns', 'exec', A, 'sysctl', '-qw', 'net.ipv4.ip_forward=0']);
    a = readOne(A);
    assert.equal(x(), undefined);
    const z = a.interfaces.find((i) => i.name === 'z');
    assert.deepEqual(z?.addresses.filter((ad) => ad.family === 4), []);
    assert.ok(!z?.flags.includes('UP'));
    assert.equal(a.forwarding?.ipv4, false);
    assert.ok(!a.routes?.some((r) => r.destination === '10.88.0.0/16'));
    assert.deepEqual(peers([a])[`${A}/z`], at(B, 'y'));
  });

  it('reads a namespace with two names again under both when it changes', () => {
    const E = `${P}e`;
    // A second name for A, as `ip netns attach` makes one: its file bind-mounted again.
    fs.writeFileSync(`/run/netns/${E}`, '');
    const m = spawnSync('/usr/bin/mount', ['--bind', `/run/netns/${A}`, `/run/netns/${E}`], { encoding: 'utf8' });
    try {
      assert.equal(m.status, 0, m.stderr);
      kept.readSync({ names: [A, E], includeRoot: false });
      ip(['-n', A, 'link', 'add', 'x', 'type', 'veth', 'peer', 'name', 'y']);
      const both = kept.readSync({ names: [A, E], includeRoot: false });
      assert.deepEqual(
        both.map((n) => [n.name, n.interfaces.some((i) => i.name === 'x')]),
        [
          [A, true],
          [E, true],
        ],
        'the new veth under both names',
      );
    } finally {
      ipTry(['netns', 'delete', E]);
    }
  });

  it('gives the nsid the root namespace gives a namespace between two reads', () => {
    const host = `${P}h`;
    readTwice();
    const before = JSON.parse(ip(['-j', 'netns', 'list']) || '[]') as { name: string; id?: number }[];
    assert.equal(before.find((e) => e.name === C)?.id, undefined, 'no nsid to begin with');
    // A veth from the host into C makes the host give C an nsid.
    ip(['link', 'add', host, 'type', 'veth', 'peer', 'name', 'y', 'netns', C]);
    try {
      const { warm } = readTwice();
      const listed = (JSON.parse(ip(['-j', 'netns', 'list'])) as { name: string; id?: number }[]).find((e) => e.name === C)?.id;
      assert.notEqual(listed, undefined);
      assert.equal(warm.find((n) => n.name === C)?.nsid, listed);
      assert.deepEqual(peers(warm)[`host/${host}`], at(C, 'y'));
      assert.deepEqual(peers(warm)[`${C}/y`], { name: host, netns: null, netnsInode: warm[0].inode });
      // Kept from one read to the next while C lives.
      assert.equal(readTwice().warm.find((n) => n.name === C)?.nsid, listed);
    } finally {
      ipTry(['link', 'delete', host]);
    }
  });

  it('sees a burst of changes between two reads, more than its change notices can hold', () => {
    ip(['link', 'add', 'x', 'netns', A, 'type', 'veth', 'peer', 'name', 'y', 'netns', B]);
    readTwice();
    const batch = Array.from({ length: 200 }, (_, i) => `address add 10.78.${i}.1/24 dev x`).join('\n');
    const r = spawnSync(IP, ['-n', A, '-batch', '-'], { input: batch, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const a = readOne(A);
    assert.equal(a.interfaces.find((i) => i.name === 'x')?.addresses.filter((ad) => ad.family === 4).length, 200);
    assert.deepEqual(peers([a])[`${A}/x`], at(B, 'y'));
  });

  it('does not keep a namespace alive once its name is deleted: its veths go as they would without the reader', async () => {
    ip(['link', 'add', 'x', 'netns', A, 'type', 'veth', 'peer', 'name', 'y', 'netns', B]);
    readTwice();
    ip(['netns', 'delete', B]);
    await gone(A, 'x');
    assert.notEqual(ipTry(['-n', A, 'link', 'show', 'x']).status, 0, "B's end went with B, and A's end with it");
    const a = kept.readSync({ names: [A, B], includeRoot: false });
    assert.deepEqual(a.map((n) => n.name), [A], 'B is no namespace any more');
    assert.equal(a[0].interfaces.find((i) => i.name === 'x'), undefined);
  });
});

// With few files to spare (one namespace held open during a read, and an open-file limit 24 above
// what is open), a first read must still place every peer
// of a chain whose veths all have the same ifindexes, where only nsid questions tell the pairs
// apart and namespaces are opened again to ask them. At ten thousand namespaces these reopened
// namespaces once used up the open-file limit and left most peers unplaced.
describe('netlink reader with few files to spare', () => {
  const Q = uniquePrefix();
  const chain = Array.from({ length: 24 }, (_, i) => `${Q}c${i}`);
  const fdList = () => fs.readdirSync('/proc/self/fd').map(Number);
  const openFds = () => fdList().length;

  const RLIMIT_NOFILE = 7;
  /** struct rlimit (soft, hard) of the open-file limit. */
  const fileLimit = () => {
    const rlim = Buffer.alloc(16);
    assert.equal(loadLibc().getrlimit(RLIMIT_NOFILE, rlim), 0);
    return rlim;
  };
  const softLimit = () => fileLimit().readBigUInt64LE(0);

  /** Runs f with a soft open-file limit that leaves it this many more files. */
  function withFilesToSpare<T>(spare: number, f: () => T): T {
    const libc = loadLibc();
    const rlim = fileLimit();
    const soft = rlim.readBigUInt64LE(0);
    // The lowest free numbers are given first: count the gaps below the limit too.
    const open = new Set(fdList());
    let limit = 0;
    for (let free = 0; free < spare; limit++) {
      free += open.has(limit) ? 0 : 1;
    }
    rlim.writeBigUInt64LE(BigInt(limit), 0);
    assert.equal(libc.setrlimit(RLIMIT_NOFILE, rlim), 0);
    try {
      return f();
    } finally {
      rlim.writeBigUInt64LE(soft, 0);
      libc.setrlimit(RLIMIT_NOFILE, rlim);
    }
  }

  before(() => {
    cleanupOnExit(Q);
    const lines = chain.map((n) => `netns add ${n}`);
    chain.slice(1).forEach((n, i) => lines.push(`link add name r netns ${chain[i]} type veth peer name l netns ${n}`));
    const r = spawnSync(IP, ['-batch', '-'], { input: lines.join('\n') + '\n', encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  after(() => {
    cleanupPrefix(Q);
  });

  it('places every peer in its first read and the next ones, and leaves no file open', () => {
    const reader = createNetlinkReader({ files: 2 });
    try {
      const expected: Peers = {};
      chain.slice(1).forEach((n, i) => {
        expected[`${chain[i]}/r`] = at(n, 'l');
        expected[`${n}/l`] = at(chain[i], 'r');
      });
      const before = openFds(); // the reader's change hub (two sockets) is open already
      const reads = withFilesToSpare(24, () => [0, 1, 2].map(() => peers(reader.readSync({ names: chain, includeRoot: false }))));
      reads.forEach((r, i) => assert.deepEqual(r, expected, `read ${i + 1}`));
      // The reader's nsid socket (opened at its first read), not a socket for each of the 24
      // namespaces it keeps.
      assert.ok(openFds() - before <= 1, `${openFds() - before} files left open`);
    } finally {
      reader.dispose();
    }
  });

  it('makes room in the fd table without taking, moving or closing a file', () => {
    const libc = loadLibc();
    const file = fs.openSync('/proc/self/status', 'r');
    try {
      // A file already at the number asked for stays as it is: the room is made above it.
      const at = Math.min(1500, Number(softLimit()) - 2);
      const taken = libc.dupAtLeast(file, at);
      assert.equal(taken, at);
      const before = fdList();
      assert.equal(growFdTable(libc, file, at), true);
      assert.deepEqual(fdList(), before, 'the same files, under the same numbers');
      assert.match(fs.readFileSync(`/proc/self/fd/${taken}`, 'utf8'), /^Name:/m, 'the file at that number is still the one put there');
      fs.closeSync(taken);
      // Beyond the open-file limit it cannot: false, and nothing changes.
      assert.equal(growFdTable(libc, file, Number(softLimit()) + 1), false);
      assert.deepEqual(fdList(), before.filter((fd) => fd !== taken));
    } finally {
      fs.closeSync(file);
    }
  });
});

// A reader whose change hubs hold two namespaces each: a read of nine namespaces makes four more
// hubs on its way, each while the thread is inside the namespace it is about to dump. Each one
// must still be dumped from inside itself, be heard through its hub afterwards, and the watcher
// that shares the hubs must hear it too.
describe('netlink reader with many change hubs', () => {
  const H = uniquePrefix();
  const names = Array.from({ length: 9 }, (_, i) => `${H}h${i}`);
  const readLinks = (ns: Namespace) => ns.interfaces.map((i) => i.name).sort();
  const kernelLinks = (name: string) => linkNames(name).sort();

  before(() => {
    cleanupOnExit(H);
    // Each namespace has a bridge named for it: a dump made from the wrong namespace shows.
    const lines = names.flatMap((n, i) => [`netns add ${n}`, `link add name ${H}d${i} netns ${n} type bridge`]);
    const r = spawnSync(IP, ['-batch', '-'], { input: lines.join('\n') + '\n', encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  after(() => {
    cleanupPrefix(H);
  });

  it('dumps each namespace from inside itself, then only the one that changed', async () => {
    const reader = createNetlinkReader({ hubSize: 2 });
    const heard: NetnsRef[] = [];
    let watcher: KernelWatcher | undefined;
    try {
      const first = reader.readSync({ names, includeRoot: true });
      assert.equal(reader.dumped, names.length + 1);
      for (const n of names) {
        assert.deepEqual(readLinks(first.find((x) => x.name === n)!), kernelLinks(n), `${n} as the kernel lists it`);
      }
      reader.readSync({ names, includeRoot: true });
      assert.equal(reader.dumped, 0, 'nothing changed: nothing dumped');
      watcher = new KernelWatcher((e) => heard.push(...(e.netns ?? [])), { sockets: reader.sharedChanges });
      const last = names[names.length - 1]; // kept in the last hub
      ip(['-n', last, 'link', 'add', `${H}x`, 'type', 'bridge']);
      for (let i = 0; i < 250 && !heard.includes(last); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(heard.includes(last), `the watcher sharing the hubs heard ${last}: ${JSON.stringify(heard)}`);
      const third = reader.readSync({ names, includeRoot: true });
      assert.equal(reader.dumped, 1, 'only the namespace that changed is dumped');
      assert.deepEqual(readLinks(third.find((x) => x.name === last)!), kernelLinks(last));
    } finally {
      watcher?.dispose();
      reader.dispose();
    }
  });
});
