// IP forwarding per namespace on the real kernel: set through the helper, read back with
// `ip netns exec NS sysctl -n` and in snapshots from both readers; a terminal's sysctl seen on the
// next read and reported live (netconf events); batch rollback; hostile values refused.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Namespace } from '../../src/core/model';
import { KernelWatcher } from '../../src/helper/watch/kernelWatcher';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, IP, ip, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
const R = `${P}r`;
const S = `${P}s`;
const SYSCTL = '/usr/sbin/sysctl';

function sysctl(netns: string, key: string): string {
  return execFileSync(IP, ['netns', 'exec', netns, SYSCTL, '-n', key], { encoding: 'utf8' }).trim();
}
const v4 = (ns: string) => sysctl(ns, 'net.ipv4.ip_forward');
const v6 = (ns: string) => sysctl(ns, 'net.ipv6.conf.all.forwarding');

describe('forwarding on the real kernel', () => {
  let h: HelperProcess;
  const snap = async (reader: 'netlink' | 'ip', names = [R]) =>
    (await h.ok<{ namespaces: Namespace[] }>('snapshot', { names, includeRoot: false, reader })).namespaces;

  before(() => {
    ip(['netns', 'add', R]);
    ip(['netns', 'add', S]);
    // A new namespace may inherit the host's settings (net.core.devconf_inherit_init_net): start from off.
    for (const ns of [R, S]) {
      execFileSync(IP, ['netns', 'exec', ns, SYSCTL, '-q', '-w', 'net.ipv4.ip_forward=0', 'net.ipv6.conf.all.forwarding=0']);
    }
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), []);
  });

  it('reads what sysctl says, with both readers', async () => {
    assert.equal(v4(R), '0');
    for (const reader of ['netlink', 'ip'] as const) {
      assert.deepEqual((await snap(reader))[0].forwarding, { ipv4: false, ipv6: false }, reader);
    }
  });

  it('turns IPv4 and IPv6 forwarding on and off, read back with sysctl and in snapshots', async () => {
    await h.ok('setForwarding', { netns: R, family: 4, on: true });
    assert.equal(v4(R), '1');
    assert.equal(v6(R), '0');
    assert.equal(v4(S), '0', 'only the namespace asked for');
    for (const reader of ['netlink', 'ip'] as const) {
      assert.deepEqual((await snap(reader))[0].forwarding, { ipv4: true, ipv6: false }, reader);
    }
    await h.ok('setForwarding', { netns: R, family: 6, on: true });
    assert.equal(v6(R), '1');
    assert.deepEqual((await snap('netlink'))[0].forwarding, { ipv4: true, ipv6: true });
    await h.ok('setForwarding', { netns: R, family: 4, on: false });
    await h.ok('setForwarding', { netns: R, family: 6, on: false });
    assert.equal(v4(R), '0');
    assert.equal(v6(R), '0');
    assert.deepEqual((await snap('netlink'))[0].forwarding, { ipv4: false, ipv6: false });
  });

  it('reads the host namespace\'s switches as sysctl shows them (without changing them)', async () => {
    const [root] = (await h.ok<{ namespaces: Namespace[] }>('snapshot', { names: [], includeRoot: true })).namespaces;
    const host = (key: string) => execFileSync(SYSCTL, ['-n', key], { encoding: 'utf8' }).trim() === '1';
    assert.deepEqual(root.forwarding, { ipv4: host('net.ipv4.ip_forward'), ipv6: host('net.ipv6.conf.all.forwarding') });
  });

  it('sees a change made in a terminal on the next read, and reports it as a change of that namespace', async () => {
    const events: string[] = [];
    const w = new KernelWatcher((e) => events.push(...e.netns.map(String)), { coalesceMs: 10 });
    try {
      await new Promise((r) => setTimeout(r, 100));
      execFileSync(IP, ['netns', 'exec', R, SYSCTL, '-q', '-w', 'net.ipv4.ip_forward=1']);
      const start = Date.now();
      while (!events.includes(R) && Date.now() - start < 3000) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(events.includes(R), `a netconf event for ${R} (got ${JSON.stringify(events)})`);
      assert.equal((await snap('netlink'))[0].forwarding?.ipv4, true);
    } finally {
      w.dispose();
      execFileSync(IP, ['netns', 'exec', R, SYSCTL, '-q', '-w', 'net.ipv4.ip_forward=0']);
    }
  });

  it('rolls a batch back: forwarding turned on earlier in it goes off again', async () => {
    const r = await h.call('batch', {
      requests: [
        { op: 'setForwarding', netns: R, family: 4, on: true },
        { op: 'setForwarding', netns: S, family: 6, on: true },
        { op: 'addNetns', name: R }, // exists: fails
      ],
    });
    assert.equal(r.ok, false);
    assert.match(r.error!.message, /^Item 3 \(addNetns/);
    assert.equal(v4(R), '0', 'undone');
    assert.equal(v6(S), '0', 'undone');
    const ok = await h.ok<{ done: number }>('batch', { requests: [{ op: 'setForwarding', netns: R, family: 4, on: true }, { op: 'setForwarding', netns: R, family: 6, on: true }] });
    assert.equal(ok.done, 2);
    assert.equal(v4(R), '1');
    assert.equal(v6(R), '1');
  });

  it('refuses bad requests, saying why, and changes nothing', async () => {
    const before4 = v4(S);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ netns: S, family: 5, on: true }, 'EINVAL', /family must be 4/],
      [{ netns: S, family: '4', on: true }, 'EINVAL', /family must be 4/],
      [{ netns: S, family: 4, on: 1 }, 'EINVAL', /true or false/],
      [{ netns: S, family: 4 }, 'EPROTO', /needs the field "on"/],
      [{ netns: `${P}nope`, family: 4, on: true }, 'ENOENT', /does not exist/],
      [{ netns: '../etc', family: 4, on: true }, 'EINVAL', /"\/"/],
      [{ netns: `-${P}`, family: 4, on: true }, 'ENOENT', /does not exist/],
    ];
    for (const [params, code, re] of cases) {
      const r = await h.call('setForwarding', params);
      assert.equal(r.ok, false, JSON.stringify(params));
      assert.equal(r.error!.code, code, `${JSON.stringify(params)}: ${r.error!.message}`);
      assert.match(r.error!.message, re);
    }
    assert.equal(v4(S), before4);
  });
});
