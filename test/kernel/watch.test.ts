// The kernel watcher against real changes: each must be reported for the right namespace within a
// second (the measured latency is printed), and nothing may run while nothing changes. All of it
// twice: with sockets of its own, and sharing the fast reader's change hub, where a change the
// reader's read took first must still be reported, and one the watcher took first must still be
// read.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NetnsRef } from '../../src/core/model';
import type { Namespace } from '../../src/core/model';
import { createNetlinkReader, type NetlinkReader } from '../../src/helper/reader/netlink';
import { KernelWatcher } from '../../src/helper/watch/kernelWatcher';
import { watchNetnsDirEntries } from '../../src/helper/watch/netnsDirWatch';
import { cleanupOnExit, cleanupPrefix, ip, ipTry, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
const A = `${P}a`;
const B = `${P}b`;

interface Seen {
  at: number;
  netns: NetnsRef[];
  names: boolean;
  added?: string[];
  removed?: string[];
}

let watcher: KernelWatcher;
const seen: Seen[] = [];
let wake: (() => void) | undefined;

/**
 * Runs the change and waits until the events that followed it cover every expected namespace
 * (and names, if expected). Returns the latency from the start of the command.
 */
async function expectEvent(what: string, change: () => void, want: { netns?: NetnsRef[]; names?: boolean; added?: string[]; removed?: string[] }): Promise<number> {
  const start = performance.now();
  const from = seen.length;
  change();
  const covered = () => {
    const after = seen.slice(from);
    const netns = new Set(after.flatMap((e) => e.netns));
    // Others' namespaces on the machine may come and go in the same events: only ours are looked for.
    const added = new Set(after.flatMap((e) => e.added ?? []));
    const removed = new Set(after.flatMap((e) => e.removed ?? []));
    return (
      (want.netns ?? []).every((n) => netns.has(n)) &&
      (!want.names || after.some((e) => e.names)) &&
      (want.added ?? []).every((n) => added.has(n)) &&
      (want.removed ?? []).every((n) => removed.has(n))
    );
  };
  const deadline = start + 1000;
  while (!covered()) {
    const left = deadline - performance.now();
    assert.ok(left > 0, `${what}: expected ${JSON.stringify(want)} within 1 s, got ${JSON.stringify(seen.slice(from))}`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, left);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
  const latency = Math.max(...seen.slice(from).map((e) => e.at)) - start;
  console.log(`${what}: reported after ${latency.toFixed(1)} ms`);
  return latency;
}

/** The sockets this process has open. */
const sockets = () =>
  fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
    } catch {
      return false; // the directory's own fd, closed by now
    }
  }).length;

/** A namespace's addresses as a read gave them. */
const addrsOf = (list: Namespace[], name: string) => list.find((n) => n.name === name)?.interfaces.flatMap((i) => i.addresses.map((a) => `${i.name} ${a.address}/${a.prefixLen}`)) ?? [];

for (const shared of [false, true]) {
  describe(shared ? "kernel watcher sharing the fast reader's change hub" : 'kernel watcher', () => {
    let reader: NetlinkReader | undefined;
    let base = 0;

    before(async () => {
      seen.length = 0;
      // A watcher disposed while it waits closes its sockets once the wait returns.
      await new Promise((r) => setTimeout(r, 100));
      base = sockets();
      reader = shared ? createNetlinkReader() : undefined;
      watcher = new KernelWatcher(
        (e) => {
          seen.push({ at: performance.now(), ...e });
          wake?.();
        },
        { sockets: reader?.sharedChanges },
      );
    });

    after(() => {
      watcher?.dispose();
      reader?.dispose();
      cleanupPrefix(P);
      assert.deepEqual(
        netnsNames().filter((n) => n.startsWith(P)),
        [],
        'every namespace made by the test is gone',
      );
    });

    it('watches the root namespace from the start', () => {
      assert.ok(watcher.watched().includes(null));
    });

    it('reports ip netns add as a names change, naming it, and starts watching the namespace', async () => {
      const from = seen.length;
      await expectEvent('ip netns add', () => ip(['netns', 'add', A]), { names: true, added: [A] });
      assert.ok(!seen.slice(from).some((e) => e.removed?.includes(A)), 'not reported as removed');
      assert.ok(watcher.watched().includes(A), 'a socket is open in the new namespace');
      await expectEvent('ip netns add (second)', () => ip(['netns', 'add', B]), { names: true, added: [B] });
      assert.ok(watcher.watched().includes(B));
    });

    it('reports ip link add inside a namespace for that namespace', async () => {
      await expectEvent('ip link add', () => ip(['-n', A, 'link', 'add', `${P}v1`, 'type', 'veth', 'peer', 'name', `${P}v2`]), { netns: [A] });
    });

    it('reports ip link set X netns Y for both namespaces', async () => {
      await expectEvent('ip link set netns', () => ip(['-n', A, 'link', 'set', `${P}v2`, 'netns', B]), { netns: [A, B] });
    });

    it('reports ip addr add for the namespace of the link', async () => {
      await expectEvent('ip addr add', () => ip(['-n', B, 'addr', 'add', '10.71.0.2/24', 'dev', `${P}v2`]), { netns: [B] });
    });

    if (shared) {
      it('uses the reader\'s change hub: no socket per namespace', async () => {
        const list = reader!.readSync({ names: [A, B], includeRoot: true });
        assert.deepEqual(addrsOf(list, B), [`${P}v2 10.71.0.2/24`]);
        // The hub's two, the watcher's process events and the reader's nsid events.
        const watched = watcher.watched().length;
        const extra = sockets() - base;
        assert.ok(watched >= 3 && extra <= 4, `${extra} sockets for ${watched} namespaces watched and read`);
        // A second watcher finds them taken and opens its own.
        const w = new KernelWatcher(() => undefined, { sockets: reader!.sharedChanges });
        try {
          assert.ok(sockets() - base >= extra + watched, 'the second watcher has sockets of its own');
        } finally {
          w.dispose();
        }
        for (let i = 0; i < 50 && sockets() - base !== extra; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(sockets() - base, extra, 'and closes them, leaving the shared ones open');
      });

      it('reports a change that a read emptied from the socket first', async () => {
        reader!.readSync({ names: [A, B], includeRoot: true });
        const t = expectEvent('ip addr add, read at once', () => {
          ip(['-n', A, 'addr', 'add', '10.71.0.1/24', 'dev', `${P}v1`]);
          // Before the watcher's turn: the read takes the notice off the shared socket.
          const list = reader!.readSync({ names: [A, B], includeRoot: true });
          assert.deepEqual(addrsOf(list, A), [`${P}v1 10.71.0.1/24`], 'the read sees the new address');
        }, { netns: [A] });
        await t;
      });

      it('reads again a namespace whose change the watcher emptied from the socket first', async () => {
        await expectEvent('ip addr del', () => ip(['-n', A, 'addr', 'del', '10.71.0.1/24', 'dev', `${P}v1`]), { netns: [A] });
        const list = reader!.readSync({ names: [A, B], includeRoot: true });
        assert.deepEqual(addrsOf(list, A), [], 'the read sees the address gone');
      });
    }

    it('reports ip route add and ip route del from outside for that namespace', async () => {
      ip(['-n', B, 'link', 'set', `${P}v2`, 'up']);
      await new Promise((r) => setTimeout(r, 100)); // the up and its routes are reported apart
      await expectEvent('ip route add', () => ip(['-n', B, 'route', 'add', '10.72.0.0/16', 'dev', `${P}v2`]), { netns: [B] });
      await expectEvent('ip -6 route add', () => ip(['-n', B, '-6', 'route', 'add', 'fd72::/64', 'dev', `${P}v2`]), { netns: [B] });
      await expectEvent('ip route del', () => ip(['-n', B, 'route', 'del', '10.72.0.0/16']), { netns: [B] });
    });

    it('reports link changes in the root namespace as null', async () => {
      await expectEvent('ip link add in root', () => ip(['link', 'add', `${P}r0`, 'type', 'veth', 'peer', 'name', `${P}r1`, 'netns', A]), { netns: [null, A] });
      await expectEvent('ip link set up in root', () => ip(['link', 'set', `${P}r0`, 'up']), { netns: [null] });
    });

    it('uses no CPU while nothing changes', async () => {
      const before = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 500));
      const used = process.cpuUsage(before);
      const ms = (used.user + used.system) / 1000;
      console.log(`CPU used in 500 ms idle: ${ms.toFixed(1)} ms`);
      assert.ok(ms < 50, `idle CPU ${ms} ms`);
    });

    it('watches a namespace made again under a name that was deleted, also after a read in between', async () => {
      const C = `${P}c`;
      await expectEvent('ip netns add C', () => ip(['netns', 'add', C]), { added: [C] });
      await expectEvent('C deleted and made again', () => {
        ip(['netns', 'delete', C]);
        ip(['netns', 'add', C]);
        // Before the watcher looks: the reader finds the new namespace and opens its socket.
        reader?.readSync({ names: [C], includeRoot: false });
      }, { names: true });
      await new Promise((r) => setTimeout(r, 100));
      await expectEvent('ip link set lo up in the new C', () => ip(['-n', C, 'link', 'set', 'lo', 'up']), { netns: [C] });
      ip(['netns', 'delete', C]);
    });

    it('reports a name deleted right after a change in its namespace as gone, not as changed', async () => {
      const D = `${P}d`;
      await expectEvent('ip netns add D', () => ip(['netns', 'add', D]), { added: [D] });
      reader?.readSync({ names: [D], includeRoot: false });
      const from = seen.length;
      // Both before the watcher's turn: the change's notice is heard, and then the name goes.
      await expectEvent('a change in D, then D deleted', () => {
        ip(['-n', D, 'link', 'set', 'lo', 'up']);
        ip(['netns', 'delete', D]);
      }, { removed: [D] });
      await new Promise((r) => setTimeout(r, 200)); // the notices of its teardown
      // Named as changed, the client would read it by its name and show it as unreadable.
      assert.deepEqual(seen.slice(from).filter((e) => e.netns.includes(D)), [], 'no event names it as changed');
    });

    it('reports a name whose namespace was unmounted and then deleted as gone', async () => {
      const E = `${P}e`;
      await expectEvent('ip netns add E', () => ip(['netns', 'add', E]), { added: [E] });
      const file = `/run/netns/${E}`;
      await expectEvent('E unmounted, touched, then deleted', async () => {
        execFileSync('/usr/bin/umount', [file]);
        fs.utimesSync(file, new Date(), new Date()); // seen as a file waiting for its mount
        await new Promise((r) => setTimeout(r, 12));
        fs.rmSync(file);
      }, { removed: [E] });
    });

    it('reports ip netns del as a names change, naming it, and stops watching the namespace', async () => {
      await expectEvent('ip netns del', () => ip(['netns', 'delete', B]), { names: true, netns: [A], removed: [B] });
      assert.ok(!watcher.watched().includes(B), 'its socket is closed');
      // Nothing holds the namespace: it goes, and its veth's other end in A with it.
      for (let i = 0; i < 250 && ipTry(['-n', A, 'link', 'show', `${P}v1`]).status === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.notEqual(ipTry(['-n', A, 'link', 'show', `${P}v1`]).status, 0, 'the namespace went, taking its veth pair along');
    });

    it('stops reporting after dispose', async () => {
      const w = new KernelWatcher(() => assert.fail('no event after dispose'));
      w.dispose();
      ip(['-n', A, 'link', 'set', `${P}r1`, 'up']);
      await new Promise((r) => setTimeout(r, 100));
    });
  });
}

describe('watching a namespace folder that does not exist yet', () => {
  it('waits for the folder, then reports its entries, also after it is removed and made again', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-dir-'));
    const dir = path.join(parent, 'netns');
    let calls = 0;
    const stop = watchNetnsDirEntries(() => calls++, dir);
    const settle = () => new Promise((r) => setTimeout(r, 100));
    const expectCall = async (what: string, change: () => void) => {
      const before = calls;
      change();
      await settle();
      assert.ok(calls > before, what);
    };
    try {
      await settle();
      assert.equal(calls, 0, 'nothing to report while the folder is missing');
      await expectCall('folder created', () => fs.mkdirSync(dir));
      await expectCall('entry added', () => fs.writeFileSync(path.join(dir, 'x'), ''));
      await expectCall('entry removed', () => fs.rmSync(path.join(dir, 'x')));
      await expectCall('folder removed', () => fs.rmdirSync(dir));
      await expectCall('folder made again', () => fs.mkdirSync(dir));
      await expectCall('entry in the new folder', () => fs.writeFileSync(path.join(dir, 'y'), ''));
    } finally {
      stop();
      fs.rmSync(parent, { recursive: true, force: true });
    }
    const after = calls;
    await settle();
    assert.equal(calls, after, 'nothing after stop');
  });
});
