// The connectivity reasoning without the kernel: models built by hand the way the kernel would
// show them (connected routes only for interfaces that are up, a veth without carrier when its
// peer is down), and what the check says about each.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderParts } from '../../src/core/messages';
import type { Interface, Namespace, NetnsRef, Route } from '../../src/core/model';
import { findNamespace, namespaceLookup, vethPeer } from '../../src/core/diagnose/links';
import { analyze, lookupRoute, type Analysis } from '../../src/core/diagnose/path';
import { analysisLines, firstReason, linksTable, neighbourTableReason } from '../../src/core/diagnose/report';
import { parseNeighbourStat } from '../../src/helper/pure/neighbourStat';
import { analyzeTarget, targetAddresses, vethPairs } from '../../src/core/diagnose/targets';

interface NsSpec {
  name: NetnsRef;
  forwarding?: boolean;
  routes?: Route[];
}

/** A small world of namespaces joined by veth pairs and bridges, drawn the way the kernel reports it. */
class World {
  private readonly ns = new Map<NetnsRef, Namespace & { extra: Route[] }>();
  private nextIndex = 2;

  add(spec: NsSpec): this {
    this.ns.set(spec.name, {
      name: spec.name,
      path: spec.name === null ? '/proc/1/ns/net' : `/run/netns/${spec.name}`,
      inode: this.ns.size + 100,
      id: `net:[${this.ns.size + 100}]`,
      isRoot: spec.name === null,
      interfaces: [{ ifindex: 1, name: 'lo', kind: 'loopback', operState: 'UNKNOWN', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, addresses: [{ family: 4, address: '127.0.0.1', prefixLen: 8, scope: 'host' }] }],
      forwarding: { ipv4: spec.forwarding ?? false, ipv6: spec.forwarding ?? false },
      extra: spec.routes ?? [],
    });
    return this;
  }

  private iface(netns: NetnsRef, name: string, kind: string, cidr?: string): Interface {
    const i: Interface = { ifindex: this.nextIndex++, name, kind, operState: 'UP', flags: ['BROADCAST', 'UP', 'LOWER_UP'], mtu: 1500, addresses: [] };
    if (cidr) {
      const [address, len] = cidr.split('/');
      i.addresses.push({ family: address.includes(':') ? 6 : 4, address, prefixLen: Number(len), scope: 'global' });
    }
    this.ns.get(netns)!.interfaces.push(i);
    return i;
  }

  veth(a: [NetnsRef, string, string?], b: [NetnsRef, string, string?]): this {
    const ia = this.iface(a[0], a[1], 'veth', a[2]);
    const ib = this.iface(b[0], b[1], 'veth', b[2]);
    ia.peer = { ifindex: ib.ifindex, name: ib.name, netns: b[0] };
    ib.peer = { ifindex: ia.ifindex, name: ia.name, netns: a[0] };
    return this;
  }

  bridge(netns: NetnsRef, name: string, ports: string[], cidr?: string): this {
    this.iface(netns, name, 'bridge', cidr);
    for (const p of ports) {
      this.get(netns).interfaces.find((i) => i.name === p)!.master = name;
    }
    return this;
  }

  down(netns: NetnsRef, name: string): this {
    const i = this.get(netns).interfaces.find((x) => x.name === name)!;
    i.flags = i.flags.filter((f) => f !== 'UP' && f !== 'LOWER_UP');
    i.operState = 'DOWN';
    return this;
  }

  get(netns: NetnsRef): Namespace {
    return this.ns.get(netns)!;
  }

  /** The namespaces with their main tables: connected routes of up interfaces, then the extra ones. */
  build(): Namespace[] {
    const all = [...this.ns.values()];
    for (const ns of all) {
      for (const i of ns.interfaces) {
        if (i.kind !== 'veth' || !i.flags.includes('UP')) {
          continue;
        }
        const peer = this.get(i.peer!.netns!).interfaces.find((p) => p.ifindex === i.peer!.ifindex)!;
        if (!peer.flags.includes('UP')) {
          i.flags = i.flags.filter((f) => f !== 'LOWER_UP');
          i.operState = 'LOWERLAYERDOWN';
        }
      }
      const routes: Route[] = [];
      for (const i of ns.interfaces) {
        if (!i.flags.includes('UP') || i.kind === 'loopback') {
          continue;
        }
        for (const a of i.addresses) {
          const net = a.family === 4 ? v4net(a.address, a.prefixLen) : `${a.address.replace(/::.*$/, '::')}/${a.prefixLen}`;
          routes.push({ family: a.family, destination: net, device: i.name, protocol: 'kernel', scope: 'link', prefsrc: a.address, ...(i.flags.includes('LOWER_UP') ? {} : { flags: ['linkdown'] }) });
        }
      }
      const { extra, ...plain } = ns;
      Object.assign(ns, { routes: [...routes, ...extra] });
      void plain;
    }
    return all.map(({ extra, ...ns }) => (void extra, ns));
  }
}

function v4net(address: string, len: number): string {
  const n = address.split('.').reduce((x, p) => x * 256 + Number(p), 0);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${len}`;
}

const texts = (a: Analysis) => a.findings.map((f) => renderParts([f.text]));

/** ns1 --veth-- ns2, both in 10.0.0.0/24. */
function pair(): World {
  return new World().add({ name: 'ns1' }).add({ name: 'ns2' }).veth(['ns1', 'veth-a', '10.0.0.1/24'], ['ns2', 'veth-b', '10.0.0.2/24']);
}

/** a --- r --- b: a in 10.0.1.0/24, b in 10.0.2.0/24, r forwards; routes as given. */
function routed(opts: { aRoute?: boolean; bRoute?: boolean; forwarding?: boolean } = {}): World {
  const def = (gw: string): Route[] => [{ family: 4, destination: 'default', gateway: gw, device: 'eth0' }];
  return new World()
    .add({ name: 'a', routes: opts.aRoute === false ? [] : def('10.0.1.1') })
    .add({ name: 'r', forwarding: opts.forwarding ?? true })
    .add({ name: 'b', routes: opts.bRoute === false ? [] : def('10.0.2.1') })
    .veth(['a', 'eth0', '10.0.1.2/24'], ['r', 'eth-a', '10.0.1.1/24'])
    .veth(['b', 'eth0', '10.0.2.2/24'], ['r', 'eth-b', '10.0.2.1/24']);
}

describe('connectivity analysis', () => {
  it('reaches the peer of a veth in the same subnet, and back', () => {
    const a = analyze(pair().build(), { source: { netns: 'ns1' }, address: '10.0.0.2' });
    assert.equal(a.reachable, true, texts(a).join('; '));
    assert.deepEqual(a.findings, []);
    assert.equal(a.source.address, '10.0.0.1');
    assert.deepEqual(a.target, { address: '10.0.0.2', netns: 'ns2', name: 'veth-b' });
    assert.deepEqual(a.forward.hops, [{ netns: 'ns1', out: 'veth-a', route: '10.0.0.0/24', to: { netns: 'ns2', name: 'veth-b' } }]);
    assert.deepEqual(a.back.arrived, { netns: 'ns1', name: 'veth-a' });
    assert.deepEqual(
      a.involved.map((i) => `${i.netns}/${i.name ?? ''}${i.problem ? '!' : ''}`).sort(),
      ['ns1/', 'ns1/veth-a', 'ns2/', 'ns2/veth-b'],
    );
    const lines = analysisLines(a).join('\n');
    assert.match(lines, /ns1: route 10\.0\.0\.0\/24 out of veth-a, to veth-b in ns2/);
    assert.match(lines, /there and back/);
  });

  it('takes the carrier from LOWER_UP, which the kernel sets at once (the operational state comes later)', () => {
    const ns = pair().build();
    for (const n of ns) {
      n.interfaces.filter((i) => i.kind === 'veth').forEach((i) => (i.operState = 'LOWERLAYERDOWN'));
    }
    assert.equal(analyze(ns, { source: { netns: 'ns1' }, address: '10.0.0.2' }).reachable, true);
  });

  it('names the interface that is down, on either end', () => {
    const own = analyze(pair().down('ns1', 'veth-a').build(), { source: { netns: 'ns1' }, address: '10.0.0.2' });
    assert.equal(own.reachable, false);
    assert.deepEqual(texts(own), ['veth-a in ns1 is down, so ns1 has no route to 10.0.0.2 (its subnet): set it up.']);
    assert.ok(own.involved.some((i) => i.netns === 'ns1' && i.name === 'veth-a' && i.problem));
    const peer = analyze(pair().down('ns2', 'veth-b').build(), { source: { netns: 'ns1' }, address: '10.0.0.2' });
    assert.equal(peer.reachable, false);
    assert.deepEqual(texts(peer), ['veth-a in ns1 has no carrier: its peer veth-b in ns2 is down; set it up.']);
  });

  it('says when two ends of a link share no subnet', () => {
    const w = new World().add({ name: 'ns1' }).add({ name: 'ns2' }).veth(['ns1', 'veth-a', '10.0.0.1/24'], ['ns2', 'veth-b', '10.1.0.2/24']);
    const a = analyze(w.build(), { source: { netns: 'ns1' }, address: '10.1.0.2' });
    assert.equal(a.reachable, false);
    assert.deepEqual(texts(a), ['10.0.0.1/24 on veth-a in ns1 and 10.1.0.2/24 on veth-b in ns2 share no subnet: put both ends in one subnet.']);
    const none = new World().add({ name: 'ns1' }).add({ name: 'ns2' }).veth(['ns1', 'veth-a'], ['ns2', 'veth-b', '10.1.0.2/24']);
    assert.deepEqual(texts(analyze(none.build(), { source: { netns: 'ns1' }, address: '10.1.0.2' })), [
      'veth-a in ns1 has no IPv4 address, and 10.1.0.2 on veth-b in ns2 across its link does: add one in 10.1.0.0/24.',
    ]);
  });

  it('goes through a router that forwards, there and back', () => {
    const a = analyze(routed().build(), { source: { netns: 'a' }, address: '10.0.2.2' });
    assert.equal(a.reachable, true, texts(a).join('; '));
    assert.deepEqual(
      a.forward.hops.map((h) => `${h.netns}:${h.route}>${h.via ?? ''}>${h.out}>${h.to.netns}/${h.to.name}`),
      ['a:default>10.0.1.1>eth0>r/eth-a', 'r:10.0.2.0/24>>eth-b>b/eth0'],
    );
    assert.deepEqual(
      a.back.hops.map((h) => `${h.netns}:${h.route}>${h.via ?? ''}>${h.to.netns}/${h.to.name}`),
      ['b:default>10.0.2.1>r/eth-b', 'r:10.0.1.0/24>>a/eth0'],
    );
    assert.ok(a.involved.some((i) => i.netns === 'r' && i.name === 'eth-b'));
  });

  it('names the missing route back precisely, with the gateway to use', () => {
    const a = analyze(routed({ bRoute: false }).build(), { source: { netns: 'a' }, address: '10.0.2.2' });
    assert.equal(a.reachable, false);
    assert.equal(a.forward.arrived?.netns, 'b', 'the request gets there');
    assert.deepEqual(texts(a), ['b has no route back to 10.0.1.2: add a route via 10.0.2.1 or a default route.']);
    assert.equal(a.findings[0].back, true);
    assert.ok(a.involved.some((i) => i.netns === 'b' && i.name === undefined && i.problem));
    assert.match(analysisLines(a).join('\n'), /\(way back\) b has no route back/);
  });

  it('names the missing route there, with the gateway to use', () => {
    const a = analyze(routed({ aRoute: false }).build(), { source: { netns: 'a' }, address: '10.0.2.2' });
    assert.deepEqual(texts(a), ['a has no route to 10.0.2.2: add a route via 10.0.1.1 or a default route.']);
    assert.equal(a.findings[0].back, undefined);
  });

  it('says when the router does not forward', () => {
    const a = analyze(routed({ forwarding: false }).build(), { source: { netns: 'a' }, address: '10.0.2.2' });
    assert.equal(a.reachable, false);
    assert.deepEqual(texts(a), ['r does not forward IPv4 (net.ipv4.ip_forward=0): enable forwarding in r.']);
    // The router's own address on the far side needs no forwarding (a local address).
    assert.equal(analyze(routed({ forwarding: false }).build(), { source: { netns: 'a' }, address: '10.0.2.1' }).reachable, true);
  });

  it('says when a gateway is on no link of the route', () => {
    const ns = pair().build();
    ns[0].routes!.push({ family: 4, destination: '10.9.0.0/16', gateway: '10.0.0.9', device: 'veth-a' });
    const a = analyze(ns, { source: { netns: 'ns1' }, address: '10.9.0.1' });
    assert.deepEqual(texts(a), ['No interface on the link of veth-a in ns1 has the gateway 10.0.0.9 of its route 10.9.0.0/16.']);
  });

  it('picks the longest prefix, then the lowest metric, and reports a blackhole', () => {
    const ns = pair().build();
    const t = ns[0];
    t.routes!.push(
      { family: 4, destination: '10.0.0.0/16', device: 'veth-a', scope: 'link' },
      { family: 4, destination: '10.0.0.2', type: 'blackhole', metric: 5 },
      { family: 4, destination: '10.0.0.2', device: 'veth-a', scope: 'link', metric: 10 },
    );
    assert.equal(lookupRoute(t, '10.0.0.2', 4)?.type, 'blackhole');
    assert.equal(lookupRoute(t, '10.0.0.3', 4)?.destination, '10.0.0.0/24');
    assert.equal(lookupRoute(t, '10.0.9.3', 4)?.destination, '10.0.0.0/16');
    assert.deepEqual(texts(analyze(ns, { source: { netns: 'ns1' }, address: '10.0.0.2' })), ['ns1 has a blackhole route for 10.0.0.2 (10.0.0.2): it drops the packet.']);
  });

  it('crosses a bridge to every port, and stops at a port that is down', () => {
    const w = new World()
      .add({ name: 'h1' })
      .add({ name: 'h2' })
      .add({ name: 'sw' })
      .veth(['h1', 'eth0', '10.0.1.1/24'], ['sw', 'port1'])
      .veth(['h2', 'eth0', '10.0.1.2/24'], ['sw', 'port2'])
      .bridge('sw', 'br0', ['port1', 'port2']);
    const ok = analyze(w.build(), { source: { netns: 'h1' }, address: '10.0.1.2' });
    assert.equal(ok.reachable, true, texts(ok).join('; '));
    assert.deepEqual(ok.forward.hops[0].to, { netns: 'h2', name: 'eth0' });
    const cut = new World()
      .add({ name: 'h1' })
      .add({ name: 'h2' })
      .add({ name: 'sw' })
      .veth(['h1', 'eth0', '10.0.1.1/24'], ['sw', 'port1'])
      .veth(['h2', 'eth0', '10.0.1.2/24'], ['sw', 'port2'])
      .bridge('sw', 'br0', ['port1', 'port2'])
      .down('sw', 'br0');
    const a = analyze(cut.build(), { source: { netns: 'h1' }, address: '10.0.1.2' });
    assert.deepEqual(texts(a), ['br0 in sw is down, so 10.0.1.2 cannot be reached through it: set it up.']);
    assert.ok(a.involved.some((i) => i.netns === 'sw' && i.name === 'br0' && i.problem));
  });

  it('says when nothing on the link has the address', () => {
    const a = analyze(pair().build(), { source: { netns: 'ns1' }, address: '10.0.0.7' });
    assert.deepEqual(texts(a), ['ns1 sends 10.0.0.7 out of veth-a, but nothing on that link has 10.0.0.7.']);
  });

  it('has no router to suggest when none is on the links', () => {
    const a = analyze(pair().add({ name: 'far' }).veth(['far', 'x', '10.5.0.1/24'], ['far', 'y']).build(), { source: { netns: 'ns1' }, address: '10.5.0.1' });
    assert.deepEqual(texts(a), ['ns1 has no route to 10.5.0.1, and no router on its links to send it to: connect it to one, then add a route.']);
  });

  it('works with IPv6 and IPv6 forwarding', () => {
    const w = new World()
      .add({ name: 'a', routes: [{ family: 6, destination: 'default', gateway: 'fd01::1', device: 'eth0' }] })
      .add({ name: 'r', forwarding: false })
      .add({ name: 'b', routes: [{ family: 6, destination: 'default', gateway: 'fd02::1', device: 'eth0' }] })
      .veth(['a', 'eth0', 'fd01::2/64'], ['r', 'eth-a', 'fd01::1/64'])
      .veth(['b', 'eth0', 'fd02::2/64'], ['r', 'eth-b', 'fd02::1/64']);
    const ns = w.build();
    assert.deepEqual(texts(analyze(ns, { source: { netns: 'a' }, address: 'fd02::2' })), ['r does not forward IPv6 (net.ipv6.conf.all.forwarding=0): enable forwarding in r.']);
    ns[1].forwarding = { ipv4: false, ipv6: true };
    const ok = analyze(ns, { source: { netns: 'a' }, address: 'fd02::2' });
    assert.equal(ok.reachable, true, texts(ok).join('; '));
    assert.equal(ok.family, 6);
  });

  it('uses a source interface\'s own address, and says when it has none', () => {
    const w = routed().veth(['a', 'eth1', '10.0.9.1/24'], ['r', 'eth-9']);
    const a = analyze(w.build(), { source: { netns: 'a', name: 'eth1' }, address: '10.0.2.2' });
    assert.equal(a.source.address, '10.0.9.1');
    assert.equal(a.reachable, false, 'r has no route to 10.0.9.0/24 on the way back');
    assert.deepEqual(texts(a), ['eth-9 in r has no IPv4 address, and 10.0.9.1 on eth1 in a across its link does: add one in 10.0.9.0/24.']);
    assert.equal(a.findings[0].back, true);
    const none = analyze(pair().veth(['ns1', 'bare'], ['ns2', 'bare2']).build(), { source: { netns: 'ns1', name: 'bare' }, address: '10.0.0.2' });
    assert.equal(none.reachable, false);
    assert.match(texts(none)[0], /bare in ns1 has no IPv4 address to send from/);
  });

  it('names the target by where the request arrives when another namespace has the same address', () => {
    const ns = new World().add({ name: 'elsewhere' }).veth(['elsewhere', 'x', '10.0.0.2/24'], ['elsewhere', 'y']).build();
    const all = [...ns, ...pair().build()];
    const a = analyze(all, { source: { netns: 'ns1' }, address: '10.0.0.2' });
    assert.equal(a.reachable, true, texts(a).join('; '));
    assert.deepEqual(a.target, { address: '10.0.0.2', netns: 'ns2', name: 'veth-b' });
    assert.ok(!a.involved.some((i) => i.netns === 'elsewhere'));
  });

  it('an address of the source itself is reachable at once', () => {
    const a = analyze(pair().build(), { source: { netns: 'ns1' }, address: '10.0.0.1' });
    assert.equal(a.reachable, true);
    assert.deepEqual(a.forward.hops, []);
  });

  it('warns of a link impairment that drops packets on the way', () => {
    const ns = pair().build();
    ns[1].interfaces[1].netem = { lossPct: 100 };
    const a = analyze(ns, { source: { netns: 'ns1' }, address: '10.0.0.2' });
    assert.equal(a.reachable, true, 'the routes are right');
    assert.ok(texts(a).some((t) => t === 'veth-b in ns2 drops 100% of the packets it sends (link impairment).'));
  });

  it('works on a model without routes read (connected routes from the addresses)', () => {
    const ns = pair().build().map((n) => ({ ...n, routes: undefined }));
    assert.equal(analyze(ns, { source: { netns: 'ns1' }, address: '10.0.0.2' }).reachable, true);
  });

  it('refuses what is not an address, and a source not in the model', () => {
    assert.match(firstReason(analyze(pair().build(), { source: { netns: 'ns1' }, address: 'nope' }))!, /not an IPv4 or IPv6 address/);
    assert.match(firstReason(analyze(pair().build(), { source: { netns: 'gone' }, address: '10.0.0.2' }))!, /gone is not in the view/);
  });

  it('stops at a routing loop', () => {
    const w = new World()
      .add({ name: 'x', forwarding: true, routes: [{ family: 4, destination: '10.8.0.0/16', gateway: '10.0.0.2', device: 'veth-a' }] })
      .add({ name: 'y', forwarding: true, routes: [{ family: 4, destination: '10.8.0.0/16', gateway: '10.0.0.1', device: 'veth-b' }] })
      .veth(['x', 'veth-a', '10.0.0.1/24'], ['y', 'veth-b', '10.0.0.2/24']);
    assert.match(texts(analyze(w.build(), { source: { netns: 'x' }, address: '10.8.0.1' }))[0], /reached again on the way to 10\.8\.0\.1: the routes make a loop/);
  });
});

describe('check targets', () => {
  it('a namespace or an interface stands for its addresses, the first reachable taken', () => {
    const w = routed({ forwarding: false });
    const ns = w.build();
    assert.deepEqual(targetAddresses(ns, { kind: 'namespace', netns: 'r' }), ['10.0.1.1', '10.0.2.1']);
    assert.deepEqual(targetAddresses(ns, { kind: 'interface', netns: 'b', name: 'eth0' }), ['10.0.2.2']);
    const a = analyzeTarget(ns, { netns: 'a' }, { kind: 'namespace', netns: 'r' });
    assert.equal(a?.target.address, '10.0.1.1');
    assert.equal(a?.reachable, true);
    assert.equal(analyzeTarget(ns, { netns: 'a' }, { kind: 'namespace', netns: 'nowhere' }), undefined);
  });

  it('lists each veth pair once, with an address of one family on both ends', () => {
    const w = routed().veth(['a', 'half', '10.0.7.1/24'], ['b', 'half-b']).veth(['a', 'v6', 'fd00::1/64'], ['r', 'v6r', 'fd00::2/64']);
    const pairs = vethPairs(w.build());
    assert.deepEqual(
      pairs.map((p) => `${p.a.netns}/${p.a.name}=${p.a.address} ${p.b.netns}/${p.b.name}=${p.b.address} v${p.family}`),
      ['a/eth0=10.0.1.2 r/eth-a=10.0.1.1 v4', 'a/v6=fd00::1 r/v6r=fd00::2 v6', 'r/eth-b=10.0.2.1 b/eth0=10.0.2.2 v4'],
    );
    const table = linksTable(
      [
        { pair: pairs[0], fromA: true, ping: { transmitted: 2, received: 2, rttMs: [0.05, 0.07] } },
        { pair: pairs[0], fromA: false, ping: { transmitted: 2, received: 0, rttMs: [] }, reason: 'a | b' },
      ],
      new Date(0),
    );
    const lines = table.split('\n');
    assert.equal(lines[4], '| Pair | Namespaces | Addresses | Result | RTT (ms) | Reason |');
    assert.equal(lines[6], '| eth0 → eth-a | a → r | 10.0.1.2 → 10.0.1.1 | ✓ 2/2 replies | 0.060 |  |');
    assert.equal(lines[7], '| eth-a → eth0 | r → a | 10.0.1.1 → 10.0.1.2 | ✗ no replies (2 sent) |  | a \\| b |');
    // Cancelled: the checks not made are counted under the summary, and only the ones made are rows.
    const cancelled = linksTable([{ pair: pairs[0], fromA: true, ping: { transmitted: 1, received: 1, rttMs: [0.05] } }], new Date(0), 3).split('\n');
    assert.deepEqual(cancelled.slice(2, 5), ['Checked 1970-01-01T00:00:00.000Z: 1 pings, 1 answered.', 'Cancelled: 3 checks were not made.', '']);
    assert.equal(cancelled.filter((l) => l.startsWith('| eth')).length, 1);
  });
});

describe('the neighbour table, when it is full', () => {
  // As /proc/net/stat/arp_cache prints it on a 2-CPU machine: hex counters, one line per CPU.
  const STAT = [
    'entries  allocs   destroys hash_grows lookups  hits     res_failed rcv_probes_mcast rcv_probes_ucast periodic_gc_runs forced_gc_runs unresolved_discards table_fulls',
    '00000400 000015aa 000018ba 00000006   00004110 000020f4 0000000b   00000000         00000000         00000067         000010d6       00000000            0000105c',
    '00000400 000017be 000014ae 00000002   000040e5 00001ff6 0000000b   00000000         00000000         00000000         000010aa       00000000            0000102e',
  ].join('\n');

  it('reads the size and the times it was full, summed over the CPUs', () => {
    assert.deepEqual(parseNeighbourStat(STAT), { entries: 1024, tableFulls: 0x105c + 0x102e });
    assert.equal(parseNeighbourStat(''), undefined);
    assert.equal(parseNeighbourStat(STAT.replace('table_fulls', 'other')), undefined, 'a kernel without the counter');
    assert.equal(parseNeighbourStat(STAT.replace('0000102e', 'zz')), undefined, 'a line cut short or garbled');
  });

  it('says what filled up and how to make room, per family', () => {
    assert.equal(
      neighbourTableReason({ family: 4, entries: 1024, max: 1024 }),
      "The machine's neighbour table was full (1024 entries at most, shared by every namespace), so a neighbour could not be resolved. Make room: sysctl -w net.ipv4.neigh.default.gc_thresh1=512 net.ipv4.neigh.default.gc_thresh2=2048 net.ipv4.neigh.default.gc_thresh3=4096",
    );
    assert.match(neighbourTableReason({ family: 6, entries: 3000, max: 4096 }), /\(4096 entries at most.*net\.ipv6\.neigh\.default\.gc_thresh3=16384$/);
  });
});

describe('namespaces found by name for a walk over every interface', () => {
  it('finds what a search of the list finds: the first of a name, the host by null, nothing for a name not there', () => {
    const ns = (name: string | null, inode: number, peerNetns?: string | null): Namespace => ({
      name,
      path: '',
      inode,
      id: '',
      isRoot: name === null,
      interfaces: peerNetns === undefined ? [] : [{ ifindex: 2, name: 'v', kind: 'veth', operState: 'UP', flags: ['UP'], mtu: 1500, addresses: [], peer: { ifindex: 2, name: 'v', netns: peerNetns } }],
    });
    const list = [ns(null, 1, 'a'), ns('a', 2, null), ns('a', 3, 'b'), ns('c', 4, 'gone')];
    const lookup = namespaceLookup(list);
    for (const name of [null, 'a', 'b', 'c', 'gone']) {
      assert.equal(lookup(name), findNamespace(list, name), String(name));
    }
    assert.equal(lookup('a')?.inode, 2, 'the first of two with one name');
    for (const n of list) {
      assert.deepEqual(vethPeer(lookup, n.interfaces[0]), vethPeer(list, n.interfaces[0]), `the peer of ${n.name}'s veth`);
    }
  });
});
