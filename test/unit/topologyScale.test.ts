// The topology at scale: the compact form the panel sends the graph in (it must give the same
// graph back, key for key, and be much smaller), and the groups a large graph is collapsed into.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iface, ns } from '../support/modelRows';
import type { Interface, Namespace } from '../../src/core/model';
import { pack, unpack } from '../../src/core/topology/compact';
import { buildGraph } from '../../src/core/topology/graph';
import { collapse, groupId, groupsOf } from '../../src/core/topology/groups';


/** Every kind of thing the graph has: a bridge, a VLAN, netem, an unnamed peer, an error, forwarding. */
function mixed(): Namespace[] {
  return [
    ns(null, 1, [iface(2, 'eth0', 'ether', { mac: '02:00:00:00:00:01', addresses: [{ family: 4, address: '192.0.2.5', prefixLen: 24 }] }), iface(9, 'vc', 'veth', { peer: { ifindex: 3, name: 'eth0', netnsInode: 77 } })]),
    ns('ns1', 10, [
      iface(5, 'veth-a', 'veth', { peer: { ifindex: 6, name: 'veth-b', netns: 'ns2' }, addresses: [{ family: 4, address: '10.0.0.1', prefixLen: 24 }], netem: { delayMs: 100, lossPct: 1 } }),
      iface(7, 'veth-a.10', 'vlan', { linkIfindex: 5, vlanId: 10 }),
    ]),
    ns('ns2', 20, [
      iface(6, 'veth-b', 'veth', { peer: { ifindex: 5, name: 'veth-a', netns: 'ns1' }, flags: ['BROADCAST'], operState: 'DOWN' }),
      iface(8, 'br0', 'bridge'),
      iface(11, 'p1', 'dummy', { master: 'br0', operState: 'DOWN', flags: ['UP'] }),
    ], { forwarding: { ipv4: true, ipv6: false } }),
    ns('broken', 30, [], { error: 'could not be read', unprivileged: true }),
  ];
}

/** `n` namespaces of lab "lab-" chained by veth pairs, plus `others` of lab "x-". */
function labs(n: number, others = 0): Namespace[] {
  const out: Namespace[] = [ns(null, 1, [iface(2, 'eth0', 'ether')])];
  const name = (k: number) => (k < n ? `lab-${k}` : `x-${k - n}`);
  const total = n + others;
  for (let k = 0; k < total; k++) {
    const ifs: Interface[] = [];
    if (k > 0) {
      ifs.push(iface(2, 'l', 'veth', { peer: { ifindex: 3, name: 'r', netns: name(k - 1) } }));
    }
    if (k < total - 1) {
      ifs.push(iface(3, 'r', 'veth', { peer: { ifindex: 2, name: 'l', netns: name(k + 1) } }));
    }
    out.push(ns(name(k), 100 + k, ifs));
  }
  return out;
}

describe('topology compact form', () => {
  it('gives the same graph back, key for key', () => {
    for (const g of [buildGraph(mixed(), [{ inode: 10, id: 'net:[10]', name: 'ns1', processes: [] }]), buildGraph(mixed()), buildGraph(labs(50)), buildGraph(mixed(), undefined, { showLoopback: true })]) {
      const back = unpack(JSON.parse(JSON.stringify(pack(g))));
      assert.deepStrictEqual(JSON.parse(JSON.stringify(back)), JSON.parse(JSON.stringify(g)));
    }
  });

  it('is a third or less of the JSON of the objects at 1000 namespaces', () => {
    const g = buildGraph(labs(1000));
    const [full, packed] = [JSON.stringify(g).length, JSON.stringify(pack(g)).length];
    assert.ok(packed * 3 < full, `${packed} of ${full} bytes`);
  });
});

describe('topology groups', () => {
  it('makes none below the threshold, or when it is 0', () => {
    assert.equal(groupsOf(buildGraph(labs(50)), { above: 100 }).size, 0);
    assert.equal(groupsOf(buildGraph(labs(500)), { above: 0 }).size, 0);
  });

  it('groups by the name before the number, never the host, not fewer than the minimum', () => {
    const groups = groupsOf(buildGraph(labs(200, 3)), { above: 100 });
    assert.deepEqual([...groups.keys()], ['lab']);
    assert.equal(groups.get('lab')!.length, 200);
  });

  it('draws a collapsed group as one node with one counted line to each other end', () => {
    const g = buildGraph(labs(200, 5));
    const { graph } = collapse(g, { above: 100 });
    // host, lab-*, x-0 ... x-4 (the x- lab is a group too: 5 namespaces).
    assert.deepEqual(graph.namespaces.map((n) => n.id), ['host', groupId('lab'), groupId('x')]);
    const lab = graph.namespaces[1];
    assert.equal(lab.members, 200);
    assert.equal(graph.ports.some((p) => p.ns.startsWith('ns:lab-') || p.ns.startsWith('ns:x-')), false);
    // The chain's one veth from lab-199 to x-0: one line between the two groups; none inside.
    assert.deepEqual(graph.edges.map((e) => [e.kind, e.source, e.target, e.count]), [['group', groupId('lab'), groupId('x'), 1]]);
  });

  it('counts the lines a group has to the same end, and keeps a port outside a group its own end', () => {
    const m = labs(10);
    // Two veths from the host to lab-0 and lab-1.
    m[0].interfaces.push(iface(20, 'h0', 'veth', { peer: { ifindex: 20, name: 'h0', netns: 'lab-0' } }), iface(21, 'h1', 'veth', { peer: { ifindex: 21, name: 'h1', netns: 'lab-1' } }));
    m[1].interfaces.push(iface(20, 'h0', 'veth', { peer: { ifindex: 20, name: 'h0', netns: null } }));
    m[2].interfaces.push(iface(21, 'h1', 'veth', { peer: { ifindex: 21, name: 'h1', netns: null } }));
    const { graph } = collapse(buildGraph(m), { above: 5 });
    const toHost = graph.edges.filter((e) => e.kind === 'group');
    assert.deepEqual(toHost.map((e) => [e.source, e.target, e.count]), [[groupId('lab'), 'host/if:h0', 1], [groupId('lab'), 'host/if:h1', 1]]);
  });

  it('draws an expanded group namespace by namespace', () => {
    const g = buildGraph(labs(200, 5));
    const { graph } = collapse(g, { above: 100, expanded: new Set(['lab']) });
    assert.equal(graph.namespaces.filter((n) => n.id.startsWith('ns:lab-')).length, 200);
    assert.ok(graph.namespaces.some((n) => n.id === groupId('x')));
    assert.equal(graph.edges.filter((e) => e.kind === 'veth').length, 199);
    assert.deepEqual(graph.edges.filter((e) => e.kind === 'group').map((e) => [e.source, e.target]), [[groupId('x'), 'ns:lab-199/if:r']]);
  });
});
