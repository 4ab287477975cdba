// Bridges, their ports, dummy interfaces and VLAN sub-interfaces through the helper, on real
// namespaces: each read back with `ip -j link` and `bridge -j link`, each refusal in plain words,
// a batch undone to the ports' former masters, and the policy for the host's physical interfaces.
// A kernel built without dummy or 802.1Q support (CONFIG_DUMMY, CONFIG_VLAN_8021Q) gets the
// helper's message saying so instead of the interface.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Interface, Namespace } from '../../src/core/model';
import { attackToolsMissing, deviceStandIn } from '../support/attack';
import { HelperProcess, type RawResponse } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, helperPath, ip, ipTry, links, linkNames, uniquePrefix } from '../support/kernel';
import { mountNsToolsMissing, PrivateMountNs } from '../support/mountNs';

const P = uniquePrefix();
cleanupOnExit(P);
const BRIDGE = ['/usr/sbin/bridge', '/sbin/bridge', '/usr/bin/bridge', '/bin/bridge'].find((p) => fs.existsSync(p));

interface IpDetail {
  ifname: string;
  master?: string;
  link?: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; protocol?: string } };
}

/** `ip -d -j link show` in a namespace. */
function detail(netns: string | null): IpDetail[] {
  return JSON.parse(ip([...(netns === null ? [] : ['-n', netns]), '-d', '-j', 'link', 'show']) || '[]') as IpDetail[];
}
const one = (netns: string | null, name: string) => detail(netns).find((l) => l.ifname === name);

/** `bridge -j link`: each port with its master. */
function bridgePorts(netns: string): { ifname: string; master: string }[] {
  assert.ok(BRIDGE, 'iproute2 bridge tool');
  const out = execFileSync(BRIDGE, ['-n', netns, '-j', 'link', 'show'], { encoding: 'utf8' });
  return (JSON.parse(out || '[]') as { ifname: string; master: string }[]).map((p) => ({ ifname: p.ifname, master: p.master }));
}
const portsOf = (netns: string, bridge: string) => bridgePorts(netns).filter((p) => p.master === bridge).map((p) => p.ifname).sort();

/** Whether this kernel makes a link of `kind` (probed in a throwaway namespace of this run). */
function kernelHas(kind: 'dummy' | 'vlan'): boolean {
  const ns = `${P}probe`;
  ip(['netns', 'add', ns]);
  try {
    if (kind === 'dummy') {
      return ipTry(['-n', ns, 'link', 'add', 'name', 'd', 'type', 'dummy']).status === 0;
    }
    ip(['-n', ns, 'link', 'add', 'name', 'a', 'type', 'veth', 'peer', 'name', 'b']);
    return ipTry(['-n', ns, 'link', 'add', 'link', 'a', 'name', 'a.5', 'type', 'vlan', 'id', '5']).status === 0;
  } finally {
    ipTry(['netns', 'delete', ns]);
  }
}

function refused(r: RawResponse, code: string, message: RegExp): void {
  assert.equal(r.ok, false, JSON.stringify(r));
  assert.equal(r.error?.code, code, JSON.stringify(r.error));
  assert.match(r.error!.message, message);
  assert.doesNotMatch(r.error!.message, /RTNETLINK|Error:/, 'no raw ip output');
}

async function snapshotOf(h: HelperProcess, netns: string, reader: 'netlink' | 'ip'): Promise<Interface[]> {
  const s = await h.ok<{ namespaces: Namespace[] }>('snapshot', { names: [netns], includeRoot: false, reader });
  return s.namespaces[0].interfaces;
}

describe('bridges, ports, dummy and VLAN interfaces', () => {
  const ns = `${P}s`;
  const other = `${P}o`;
  const br = `${P}br`;
  const br2 = `${P}br2`;
  const [pa, pb, pc] = ['pa', 'pb', 'pc'].map((s) => P + s);
  let h: HelperProcess;
  let hasDummy = false;
  let hasVlan = false;

  before(() => {
    hasDummy = kernelHas('dummy');
    hasVlan = kernelHas('vlan');
    console.log(`bridges: this kernel ${hasDummy ? 'has' : 'lacks'} dummy and ${hasVlan ? 'has' : 'lacks'} 802.1Q VLAN interfaces`);
    ip(['netns', 'add', ns]);
    ip(['netns', 'add', other]);
    for (const v of [pa, pb, pc]) {
      ip(['-n', ns, 'link', 'add', 'name', v, 'type', 'veth', 'peer', 'name', `${v}x`, 'netns', other]);
    }
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
  });

  it('creates a bridge in a namespace and in the host', async () => {
    await h.ok('addLink', { netns: ns, name: br, kind: 'bridge' });
    assert.equal(one(ns, br)?.linkinfo?.info_kind, 'bridge');
    const hostBr = `${P}hb`;
    await h.ok('addLink', { netns: null, name: hostBr, kind: 'bridge' });
    assert.equal(one(null, hostBr)?.linkinfo?.info_kind, 'bridge');
    await h.ok('delLink', { netns: null, name: hostBr });
    assert.ok(!linkNames(null).includes(hostBr));
  });

  it('adds ports to the bridge, which both readers show as their master', async () => {
    await h.ok('setMaster', { netns: ns, name: pa, master: br });
    await h.ok('setMaster', { netns: ns, name: pb, master: br });
    assert.deepEqual(portsOf(ns, br), [pa, pb].sort());
    assert.equal(one(ns, pa)?.master, br);
    for (const reader of ['netlink', 'ip'] as const) {
      const ifs = await snapshotOf(h, ns, reader);
      assert.equal(ifs.find((i) => i.name === pa)?.master, br, reader);
      assert.equal(ifs.find((i) => i.name === pb)?.master, br, reader);
      assert.equal(ifs.find((i) => i.name === pc)?.master, undefined, reader);
      assert.equal(ifs.find((i) => i.name === br)?.kind, 'bridge', reader);
    }
  });

  it('releases a port (master null), and moves one to another bridge', async () => {
    await h.ok('setMaster', { netns: ns, name: pb, master: null });
    assert.deepEqual(portsOf(ns, br), [pa]);
    assert.equal(one(ns, pb)?.master, undefined);
    await h.ok('addLink', { netns: ns, name: br2, kind: 'bridge' });
    await h.ok('setMaster', { netns: ns, name: pa, master: br2 });
    assert.deepEqual(portsOf(ns, br2), [pa]);
    assert.deepEqual(portsOf(ns, br), []);
    await h.ok('setMaster', { netns: ns, name: pa, master: br });
  });

  it('refuses a master that is not a bridge, a bridge as a port, a port elsewhere, in plain words', async () => {
    refused(await h.call('setMaster', { netns: ns, name: pb, master: pc }), 'EINVAL', new RegExp(`"${pc}" is not a bridge \\(it is a veth interface\\): only a bridge takes ports`));
    refused(await h.call('setMaster', { netns: ns, name: br, master: br }), 'EINVAL', /cannot be a port of itself/);
    refused(await h.call('setMaster', { netns: ns, name: br2, master: br }), 'EINVAL', /is a bridge itself.*veth pair instead/);
    refused(await h.call('setMaster', { netns: ns, name: 'lo', master: br }), 'EINVAL', /loopback device, which cannot be a bridge port/);
    // The bridge is in one namespace, the would-be port in another.
    refused(await h.call('setMaster', { netns: other, name: `${pb}x`, master: br }), 'ENODEV', new RegExp(`"${br}" is not in namespace "${other}". It is in namespace "${ns}". A port and its bridge must be in the same namespace`));
    refused(await h.call('setMaster', { netns: ns, name: `${pb}x`, master: br }), 'ENODEV', new RegExp(`"${pb}x" is not in namespace "${ns}". It is in namespace "${other}"`));
    refused(await h.call('setMaster', { netns: ns, name: pb, master: `${P}nob` }), 'ENODEV', /is not in namespace/);
    assert.deepEqual(portsOf(ns, br), [pa], 'nothing changed');
  });

  it('refuses in a batch as on its own, in plain words, naming the item', async () => {
    refused(await h.call('batch', { requests: [{ op: 'setMaster', netns: ns, name: pb, master: pc }] }), 'EINVAL', new RegExp(`^Item 1 \\(setMaster ${pb}\\) failed: "${pc}" is not a bridge.*only a bridge takes ports`));
    // The kernel answers ELOOP with its own words, or EINVAL, depending on the bridge's state.
    refused(await h.call('batch', { requests: [{ op: 'setMaster', netns: ns, name: br2, master: br }] }), 'EINVAL', /is a bridge itself|cannot be a port of .*refuses the loopback device, bridges/);
    refused(await h.call('batch', { requests: [{ op: 'setMaster', netns: ns, name: pb, master: `${P}nob` }] }), 'ENODEV', new RegExp(`"${P}nob" is not in namespace "${ns}"\\. A port and its bridge must be in the same namespace`));
    refused(await h.call('batch', { requests: [{ op: 'setMaster', netns: ns, name: 'lo', master: br }] }), 'EINVAL', /"lo" (cannot be a port of .*: the kernel refused it|is the loopback device, which cannot be a bridge port)/);
    refused(await h.call('batch', { requests: [{ op: 'addLink', netns: ns, name: br, kind: 'bridge' }] }), 'EEXIST', /already exists (there|in namespace)/);
  });

  it('refuses a name in use, a bad name, a bad VLAN id and a VLAN without its parent', async () => {
    refused(await h.call('addLink', { netns: ns, name: br, kind: 'bridge' }), 'EEXIST', new RegExp(`"${br}" already exists in namespace "${ns}"`));
    refused(await h.call('addLink', { netns: ns, name: `${P}xxxxxxxxxxxxx`, kind: 'bridge' }), 'EINVAL', /at most 15 bytes/);
    refused(await h.call('addLink', { netns: ns, name: `${P}v`, kind: 'vlan', parent: pc, vlanId: 4095 }), 'EINVAL', /VLAN id is a whole number from 1 to 4094/);
    refused(await h.call('addLink', { netns: ns, name: `${P}v`, kind: 'vlan', parent: pc, vlanId: 0 }), 'EINVAL', /from 1 to 4094/);
    refused(await h.call('addLink', { netns: ns, name: `${P}v`, kind: 'vlan', vlanId: 10 }), 'EPROTO', /needs "parent"/);
    refused(await h.call('addLink', { netns: ns, name: `${P}v`, kind: 'bridge', vlanId: 10 }), 'EPROTO', /takes no "parent" or "vlanId"/);
    refused(await h.call('addLink', { netns: ns, name: `${P}v`, kind: 'tun' }), 'EINVAL', /"bridge", "dummy" or "vlan"/);
    refused(await h.call('addLink', { netns: ns, name: `${P}v`, kind: 'vlan', parent: `${P}gone`, vlanId: 10 }), 'ENODEV', /is not in namespace .*A VLAN interface is made in its parent's namespace/);
    refused(await h.call('addLink', { netns: ns, name: `${P}v`, kind: 'vlan', parent: `${pc}x`, vlanId: 10 }), 'ENODEV', new RegExp(`It is in namespace "${other}"`));
    refused(await h.call('addLink', { netns: ns, name: `${P}v`, kind: 'vlan', parent: 'lo', vlanId: 10 }), 'EINVAL', /loopback device, which carries no VLANs/);
    assert.ok(!linkNames(ns).includes(`${P}v`));
  });

  it('creates a VLAN sub-interface with its parent and id (or says the kernel lacks 802.1Q)', async () => {
    const name = `${pc}.10`;
    const r = await h.call('addLink', { netns: ns, name, kind: 'vlan', parent: pc, vlanId: 10 });
    if (!hasVlan) {
      refused(r, 'ENOTSUP', /no VLAN support \(the 8021q module, CONFIG_VLAN_8021Q\)/);
      assert.ok(!linkNames(ns).includes(name));
      return;
    }
    assert.equal(r.ok, true, JSON.stringify(r));
    const l = one(ns, name)!;
    assert.equal(l.linkinfo?.info_kind, 'vlan');
    assert.equal(l.linkinfo?.info_data?.id, 10);
    assert.equal(l.link, pc);
    const parentIndex = links(ns).find((x) => x.ifname === pc)!.ifindex;
    for (const reader of ['netlink', 'ip'] as const) {
      const v = (await snapshotOf(h, ns, reader)).find((i) => i.name === name)!;
      assert.equal(v.kind, 'vlan', reader);
      assert.equal(v.vlanId, 10, reader);
      assert.equal(v.linkIfindex, parentIndex, reader);
    }
    refused(await h.call('addLink', { netns: ns, name: `${P}v10`, kind: 'vlan', parent: pc, vlanId: 10 }), 'EEXIST', new RegExp(`"${pc}" already has VLAN 10`));
    // A VLAN interface can be a bridge port.
    await h.ok('setMaster', { netns: ns, name, master: br2 });
    assert.deepEqual(portsOf(ns, br2), [name]);
    await h.ok('delLink', { netns: ns, name });
  });

  it('creates a dummy interface (or says the kernel lacks them)', async () => {
    const name = `${P}d0`;
    const r = await h.call('addLink', { netns: ns, name, kind: 'dummy' });
    if (!hasDummy) {
      refused(r, 'ENOTSUP', /no dummy interfaces \(the dummy module, CONFIG_DUMMY\)/);
      return;
    }
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(one(ns, name)?.linkinfo?.info_kind, 'dummy');
    assert.equal((await snapshotOf(h, ns, 'netlink')).find((i) => i.name === name)?.kind, 'dummy');
    await h.ok('setMaster', { netns: ns, name, master: br2 });
    assert.deepEqual(portsOf(ns, br2), [name]);
    await h.ok('delLink', { netns: ns, name });
  });

  it('undoes a failed batch: the bridge it made goes, each port goes back to its former master', async () => {
    const nb = `${P}nb`;
    assert.deepEqual(portsOf(ns, br), [pa]);
    const r = await h.call('batch', {
      requests: [
        { op: 'addLink', netns: ns, name: nb, kind: 'bridge' },
        { op: 'setMaster', netns: ns, name: pa, master: nb }, // was br's port: back to br
        { op: 'setMaster', netns: ns, name: pb, master: nb }, // was no port: released again
        { op: 'setMaster', netns: ns, name: pa, master: null },
        { op: 'setMaster', netns: ns, name: pc, master: pb }, // not a bridge: fails
      ],
    });
    refused(r, 'EINVAL', /^Item 5 \(setMaster .*\) failed: .*is not a bridge/);
    assert.ok(!linkNames(ns).includes(nb), 'the new bridge is gone');
    assert.deepEqual(portsOf(ns, br), [pa], `${pa} is ${br}'s port again`);
    assert.equal(one(ns, pb)?.master, undefined);
    assert.match(h.stderr, /rollback: ip -n \S+ link set dev \S+pa master \S+br\b/);
  });

  it('reports a port change made outside as a change of its namespace', async () => {
    const w = new HelperProcess();
    try {
      assert.equal((await w.ok<{ watching: boolean }>('watch')).watching, true);
      const changed = w.waitUnsolicited((m) => (m as { event?: string; netns?: unknown[] }).event === 'changed' && !!(m as { netns: unknown[] }).netns?.includes(ns), 5000);
      ip(['-n', ns, 'link', 'set', 'dev', pc, 'master', br]);
      await changed;
      assert.equal((await snapshotOf(w, ns, 'netlink')).find((i) => i.name === pc)?.master, br);
      ip(['-n', ns, 'link', 'set', 'dev', pc, 'nomaster']);
    } finally {
      await w.close();
    }
  });

  it('deletes a bridge: its ports are released, not deleted', async () => {
    await h.ok('setMaster', { netns: ns, name: pb, master: br });
    assert.deepEqual(portsOf(ns, br), [pa, pb].sort());
    await h.ok('delLink', { netns: ns, name: br });
    const names = linkNames(ns);
    assert.ok(!names.includes(br));
    assert.ok(names.includes(pa) && names.includes(pb), 'the ports are still there');
    assert.equal(one(ns, pa)?.master, undefined);
    assert.deepEqual(bridgePorts(ns).filter((p) => p.ifname === pa || p.ifname === pb), []);
  });
});

describe('bridges and the host\'s physical interfaces, for a helper acting for a user', { skip: attackToolsMissing() ?? mountNsToolsMissing() ?? false }, () => {
  // A stand-in NIC: a veth of the test with a device link in sysfs, seen so in a private mount namespace.
  const nic = `${P}n0`;
  const hb = `${P}hb2`; // a host bridge with the stand-in as its port
  const free = `${P}f0`; // a host veth with no device behind it
  const vb = `${P}vb`; // a host bridge without a physical port
  let mnt: PrivateMountNs;
  let h: HelperProcess;

  before(async () => {
    ip(['link', 'add', 'name', nic, 'type', 'veth', 'peer', 'name', `${nic}p`]);
    ip(['link', 'add', 'name', free, 'type', 'veth', 'peer', 'name', `${free}p`]);
    ip(['link', 'add', 'name', hb, 'type', 'bridge']);
    ip(['link', 'add', 'name', vb, 'type', 'bridge']);
    ip(['link', 'set', 'dev', nic, 'master', hb]);
    mnt = await PrivateMountNs.start(deviceStandIn([nic]));
    h = new HelperProcess({ SUDO_UID: '65534', SUDO_GID: '65534', SUDO_USER: 'nobody' }, mnt.enter([process.execPath, helperPath]));
    assert.deepEqual((await h.ok<{ policy: unknown }>('hello')).policy, { bound: true, installed: false });
  });
  after(async () => {
    await h?.close();
    mnt?.stop();
    cleanupPrefix(P);
  });

  const physical = (r: RawResponse, what: RegExp) => {
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.equal(r.error?.code, 'EACCES');
    assert.equal((r.error as { rule?: string }).rule, 'physical-interface');
    assert.match(r.error!.message, what);
  };

  it('does not release the NIC, put ports or VLANs on it, or delete or re-address the bridge that carries it', async () => {
    physical(await h.call('setMaster', { netns: null, name: nic, master: null }), new RegExp(`"${nic}" is a physical interface of this machine.*does not make the host's physical interfaces bridge ports`));
    physical(await h.call('setMaster', { netns: null, name: nic, master: vb }), new RegExp(`"${nic}" is a physical interface`));
    physical(await h.call('setMaster', { netns: null, name: free, master: hb }), new RegExp(`"${hb}" stands on "${nic}", a physical interface of this machine`));
    physical(await h.call('addLink', { netns: null, name: `${P}n0.7`, kind: 'vlan', parent: nic, vlanId: 7 }), new RegExp(`"${nic}" is a physical interface`));
    physical(await h.call('delLink', { netns: null, name: hb }), new RegExp(`"${hb}" stands on "${nic}".*does not move, delete, set down or re-address`));
    physical(await h.call('addAddress', { netns: null, name: hb, address: '198.51.100.31/32' }), new RegExp(`"${hb}" stands on "${nic}"`));
    physical(await h.call('setLinkState', { netns: null, name: hb, up: false }), new RegExp(`"${hb}" stands on "${nic}"`));
    assert.equal(one(null, nic)?.master, hb, 'still the bridge\'s port');
    assert.ok(linkNames(null).includes(hb));
    assert.ok(!linkNames(null).includes(`${P}n0.7`));
  });

  it('changes host bridges and ports without a device behind them', async () => {
    assert.equal((await h.call('setMaster', { netns: null, name: free, master: vb })).ok, true);
    assert.equal(one(null, free)?.master, vb);
    assert.equal((await h.call('setMaster', { netns: null, name: free, master: null })).ok, true);
    assert.equal(one(null, free)?.master, undefined);
    assert.equal((await h.call('setLinkState', { netns: null, name: hb, up: true })).ok, true, 'setting it up is allowed');
  });
});
