// Link impairments (netem) on the real kernel: set and cleared through the helper and read back
// with `tc -j qdisc show dev X` inside the namespace and in snapshots from both readers; a ping
// across a veth with 100 ms of delay; refusals with their reasons; batch rollback. A kernel
// without netem (CONFIG_NET_SCH_NETEM unset, sch_netem not loadable) gets the clear refusal; the
// parts that need netem then run on a kernel that has it, in user-mode Linux
// (test/kernel/umlKernel.test.ts runs this file there).

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Namespace } from '../../src/core/model';
import { parseTcQdiscJson } from '../../src/core/netem';
import { KernelWatcher } from '../../src/helper/watch/kernelWatcher';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, IP, ip, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
const A = `${P}a`;
const B = `${P}b`;
const VA = `${P}va`;
const VB = `${P}vb`;
const TC = '/usr/sbin/tc';
const PING = '/usr/bin/ping';

function tcShow(netns: string, dev: string) {
  // All of the namespace's qdiscs: filtered by dev, tc leaves "dev" out of each entry.
  return parseTcQdiscJson(execFileSync(TC, ['-n', netns, '-j', 'qdisc', 'show'], { encoding: 'utf8' })).get(dev);
}

/** Whether this kernel has netem: tried on a dummy in a namespace of the run's own. */
function netemMissing(): string | undefined {
  const probe = `${P}probe`;
  ip(['netns', 'add', probe]);
  try {
    ip(['-n', probe, 'link', 'add', 'name', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    const r = spawnSync(TC, ['-n', probe, 'qdisc', 'add', 'dev', 'd0', 'root', 'netem', 'delay', '1ms'], { encoding: 'utf8' });
    return r.status === 0 ? undefined : `the kernel has no netem (${r.stderr.trim()})`;
  } finally {
    ip(['netns', 'delete', probe]);
  }
}

const MISSING = netemMissing();

describe('link impairments on the real kernel', () => {
  let h: HelperProcess;
  const snap = async (reader: 'netlink' | 'ip') =>
    (await h.ok<{ namespaces: Namespace[] }>('snapshot', { names: [A, B], includeRoot: false, reader })).namespaces;
  const netemOf = (nss: Namespace[], ns: string, dev: string) => nss.find((n) => n.name === ns)?.interfaces.find((i) => i.name === dev)?.netem;

  before(() => {
    ip(['netns', 'add', A]);
    ip(['netns', 'add', B]);
    ip(['link', 'add', 'name', VA, 'netns', A, 'type', 'veth', 'peer', 'name', VB, 'netns', B]);
    ip(['-n', A, 'address', 'add', '10.77.0.1/24', 'dev', VA]);
    ip(['-n', B, 'address', 'add', '10.77.0.2/24', 'dev', VB]);
    ip(['-n', A, 'link', 'set', 'dev', VA, 'up']);
    ip(['-n', B, 'link', 'set', 'dev', VB, 'up']);
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), []);
  });

  it('refuses values tc would refuse, with the reason, before running anything', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ lossPct: 101 }, /percentage: 0 to 100/],
      [{ corruptPct: -0.5 }, /cannot be negative/],
      [{ delayMs: 1e9 }, /at most 60000 ms/],
      [{ jitterMs: 5 }, /jitter needs a delay/i],
      [{ reorderPct: 25 }, /reordering not possible without specifying some delay/],
      [{ reorderPct: 25, jitterMs: 3 }, /needs a delay/],
      [{ rateKbit: 0 }, /more than 0/],
      [{ rateKbit: -1 }, /cannot be negative/],
      [{ delayMs: '100ms' }, /must be a number/],
      [{ lossPct: null }, /must be a number/],
      [{}, /at least one impairment/],
      [{ limit: 5 }, /limit/],
    ];
    for (const [values, re] of cases) {
      const r = await h.call('setNetem', { netns: A, name: VA, ...values });
      assert.equal(r.ok, false, JSON.stringify(values));
      assert.match(r.error!.message, re, JSON.stringify(values));
      assert.ok(!/RTNETLINK|Usage:/.test(r.error!.message), 'never tc\'s raw words');
    }
    assert.equal(tcShow(A, VA), undefined, 'nothing was set');
  });

  it('says when there is no impairment to clear, or no such interface', async () => {
    const r = await h.call('clearNetem', { netns: A, name: VA });
    assert.equal(r.error?.code, 'ENOENT');
    assert.match(r.error!.message, /has no link impairment to clear/);
    const gone = await h.call('setNetem', { netns: A, name: `${P}zz`, delayMs: 10 });
    assert.equal(gone.ok, false);
    assert.match(gone.error!.message, new RegExp(`"${P}zz" is not in namespace "${A}"`));
  });

  if (MISSING !== undefined) {
    console.log(`netem: ${MISSING}; what needs it runs in user-mode Linux (umlKernel.test.ts)`);
    it('refuses clearly on a kernel without netem', async () => {
      const r = await h.call('setNetem', { netns: A, name: VA, delayMs: 100 });
      assert.equal(r.error?.code, 'ENOTSUP');
      assert.match(r.error!.message, /This kernel has no netem .*modprobe sch_netem/);
    });
    return;
  }

  describe('with netem', () => {
    it('sets several impairments at once, read back with tc -j and by both readers', async () => {
      const setting = { delayMs: 100, jitterMs: 10, lossPct: 1, duplicatePct: 1, corruptPct: 0.1, reorderPct: 25, rateKbit: 1000 };
      await h.ok('setNetem', { netns: A, name: VA, ...setting });
      assert.deepEqual(tcShow(A, VA), setting);
      for (const reader of ['netlink', 'ip'] as const) {
        assert.deepEqual(netemOf(await snap(reader), A, VA), setting, reader);
      }
      assert.equal(netemOf(await snap('netlink'), B, VB), undefined, 'the peer is not impaired');
    });

    it('replaces the setting as a whole', async () => {
      await h.ok('setNetem', { netns: A, name: VA, delayMs: 100 });
      assert.deepEqual(tcShow(A, VA), { delayMs: 100 });
      assert.deepEqual(netemOf(await snap('netlink'), A, VA), { delayMs: 100 });
    });

    it('delays a ping by the 100 ms set on one end (RTT >= 100 ms and < 200 ms)', () => {
      assert.ok(fs.existsSync(PING), `${PING} is missing (apt-get install iputils-ping)`);
      // One echo first, so that the neighbour is known (an ARP exchange would add its own delay).
      spawnSync(IP, ['netns', 'exec', A, PING, '-c', '1', '-W', '2', '-n', '10.77.0.2'], { timeout: 10_000 });
      const r = spawnSync(IP, ['netns', 'exec', A, PING, '-c', '3', '-i', '0.2', '-W', '2', '-n', '10.77.0.2'], { encoding: 'utf8', timeout: 15_000 });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const times = [...r.stdout.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
      assert.equal(times.length, 3, r.stdout);
      for (const t of times) {
        assert.ok(t >= 100 && t < 200, `RTT ${t} ms`);
      }
      console.log(`netem: ping RTTs with 100 ms delay: ${times.join(', ')} ms`);
    });

    it('reports a change made with tc in a terminal as a change of that namespace', async () => {
      const events: string[] = [];
      const w = new KernelWatcher((e) => events.push(...e.netns.map(String)), { coalesceMs: 10 });
      try {
        await new Promise((r) => setTimeout(r, 100));
        execFileSync(TC, ['-n', B, 'qdisc', 'replace', 'dev', VB, 'root', 'netem', 'loss', '5%']);
        const start = Date.now();
        while (!events.includes(B) && Date.now() - start < 3000) {
          await new Promise((r) => setTimeout(r, 10));
        }
        assert.ok(events.includes(B), JSON.stringify(events));
        assert.deepEqual(netemOf(await snap('netlink'), B, VB), { lossPct: 5 });
      } finally {
        w.dispose();
      }
    });

    it('clears it: the kernel\'s default qdisc is back', async () => {
      await h.ok('clearNetem', { netns: A, name: VA });
      await h.ok('clearNetem', { netns: B, name: VB });
      assert.equal(tcShow(A, VA), undefined);
      assert.equal(netemOf(await snap('netlink'), A, VA), undefined);
      assert.equal(netemOf(await snap('ip'), A, VA), undefined);
    });

    it('leaves a root qdisc that is not netem alone', async () => {
      ip(['-n', A, 'link', 'add', 'name', `${P}d`, 'type', 'veth', 'peer', 'name', `${P}e`]);
      execFileSync(TC, ['-n', A, 'qdisc', 'add', 'dev', `${P}d`, 'root', 'tbf', 'rate', '1mbit', 'burst', '32kbit', 'latency', '400ms']);
      const r = await h.call('clearNetem', { netns: A, name: `${P}d` });
      assert.equal(r.error?.code, 'ENOENT');
      assert.match(execFileSync(TC, ['-n', A, 'qdisc', 'show', 'dev', `${P}d`], { encoding: 'utf8' }), /tbf/);
    });

    it('rolls a batch back: netem set earlier in it is cleared again', async () => {
      const r = await h.call('batch', {
        requests: [
          { op: 'setNetem', netns: A, name: VA, delayMs: 20 },
          { op: 'setNetem', netns: A, name: `${P}nope`, delayMs: 20 },
        ],
      });
      assert.equal(r.ok, false);
      assert.match(r.error!.message, /^Item 2 \(setNetem/);
      assert.equal(tcShow(A, VA), undefined, 'undone');
    });
  });
});
