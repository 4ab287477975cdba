// The topology graph from the model (nodes, ports, veth / bridge / VLAN edges, ids that are the
// tree's), its diffs, the grid layout, and the exports (SVG, Mermaid, DOT) from it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iface, ns } from '../support/modelRows';
import type { Namespace, ProcessNamespace } from '../../src/core/model';
import { buildGraph, diffGraphs, groupKey, isEmptyDiff, vethEdgeId } from '../../src/core/topology/graph';
import { gridLayout, groupOrder, layoutBounds } from '../../src/core/topology/layout';
import { toSvg } from '../../src/core/topology/svg';
import { safeId, toDot, toMermaid } from '../../src/core/topology/text';


/** The walkthrough lab, a bridge with two ports and a VLAN, a veth into an unnamed namespace. */
function model(): Namespace[] {
  return [
    ns(null, 1, [iface(1, 'lo', 'loopback'), iface(2, 'eth0', 'ether', { addresses: [{ family: 4, address: '192.0.2.5', prefixLen: 24 }] }), iface(9, 'vc', 'veth', { peer: { ifindex: 3, name: 'eth0', netnsInode: 77 } })]),
    ns('ns1', 10, [
      iface(1, 'lo', 'loopback'),
      iface(5, 'veth-a', 'veth', {
        peer: { ifindex: 6, name: 'veth-b', netns: 'ns2' },
        addresses: [
          { family: 4, address: '10.0.0.1', prefixLen: 24 },
          { family: 6, address: 'fe80::1', prefixLen: 64, scope: 'link' },
        ],
        netem: { delayMs: 100, lossPct: 1 },
      }),
      iface(7, 'veth-a.10', 'vlan', { linkIfindex: 5, vlanId: 10 }),
    ]),
    ns('ns2', 20, [
      iface(1, 'lo', 'loopback'),
      iface(6, 'veth-b', 'veth', { peer: { ifindex: 5, name: 'veth-a', netns: 'ns1' }, flags: ['BROADCAST'], operState: 'DOWN' }),
      iface(8, 'br0', 'bridge'),
      iface(11, 'p1', 'dummy', { master: 'br0' }),
      iface(12, 'p2', 'dummy', { master: 'br0' }),
    ], { forwarding: { ipv4: true, ipv6: false } }),
  ];
}
const procs: ProcessNamespace[] = [{ inode: 10, id: 'net:[10]', name: 'ns1', processes: [{ pid: 5, command: 'sleep', user: 'root', uid: 0 }] }];

describe('topology graph', () => {
  const g = buildGraph(model(), procs);

  it('has a node per namespace, with the tree ids, and one for the unnamed peer', () => {
    assert.deepEqual(g.namespaces.map((n) => n.id), ['host', 'ns:ns1', 'ns:ns2', 'unnamed:77']);
    assert.equal(g.namespaces[0].label, 'host');
    assert.equal(g.namespaces[1].processes, 1);
    assert.equal(g.namespaces[2].processes, 0);
    assert.equal(g.namespaces[2].forwarding, true);
    assert.equal(g.namespaces[3].netns, undefined);
  });

  it('has the interfaces as ports (no loopback by default), a bridge port under its bridge', () => {
    const ids = g.ports.map((p) => p.id);
    assert.deepEqual(ids, [
      'host/if:eth0',
      'host/if:vc',
      'ns:ns1/if:veth-a',
      'ns:ns1/if:veth-a.10',
      'ns:ns2/if:veth-b',
      'ns:ns2/if:br0',
      'ns:ns2/if:br0/if:p1',
      'ns:ns2/if:br0/if:p2',
      'unnamed:77/if:eth0',
    ]);
    const a = g.ports.find((p) => p.name === 'veth-a')!;
    assert.deepEqual(a.addresses, ['10.0.0.1/24'], 'link-local left out');
    assert.equal(a.netemText, 'netem 100ms 1% loss');
    assert.equal(g.ports.find((p) => p.name === 'veth-b')!.state, 'down');
    assert.equal(buildGraph(model(), undefined, { showLoopback: true }).ports.filter((p) => p.kind === 'loopback').length, 3);
  });

  it('joins veth ends once, bridge ports to the bridge, a VLAN to its parent', () => {
    const byKind = (k: string) => g.edges.filter((e) => e.kind === k).map((e) => [e.source, e.target]);
    assert.deepEqual(byKind('veth'), [
      ['host/if:vc', 'unnamed:77/if:eth0'],
      ['ns:ns1/if:veth-a', 'ns:ns2/if:veth-b'],
    ]);
    assert.deepEqual(byKind('port'), [
      ['ns:ns2/if:br0/if:p1', 'ns:ns2/if:br0'],
      ['ns:ns2/if:br0/if:p2', 'ns:ns2/if:br0'],
    ]);
    assert.deepEqual(byKind('vlan'), [['ns:ns1/if:veth-a.10', 'ns:ns1/if:veth-a']]);
    assert.equal(vethEdgeId('b', 'a'), vethEdgeId('a', 'b'));
  });

  it('diffs by id: nothing for the same model, only what changed otherwise', () => {
    assert.ok(isEmptyDiff(diffGraphs(g, buildGraph(model(), procs))));
    const m = model();
    m[2].interfaces = m[2].interfaces.filter((i) => i.name !== 'p2');
    m[1].interfaces[1].addresses = [];
    m.push(ns('ns3', 30, []));
    const d = diffGraphs(g, buildGraph(m, procs));
    assert.deepEqual(d.removed.sort(), ['ns:ns2/if:br0/if:p2', 'port:ns:ns2/if:br0/if:p2']);
    assert.deepEqual(d.added.namespaces.map((n) => n.id), ['ns:ns3']);
    assert.deepEqual(d.changed.ports.map((p) => p.id), ['ns:ns1/if:veth-a']);
    assert.equal(d.changed.namespaces.length, 0);
  });

  it('groups lab namespaces by the name before their number', () => {
    assert.equal(groupKey('lab-ns12'), 'lab-ns');
    assert.equal(groupKey('bench-ab-17'), 'bench-ab');
    assert.equal(groupKey('rt-a'), 'rt');
    assert.equal(groupKey('single'), 'single');
  });
});

describe('topology layout and exports', () => {
  const g = buildGraph(model(), procs);
  const layout = gridLayout(g, groupOrder(g));

  it('places every node, ports inside their namespace and namespaces apart', () => {
    for (const id of [...g.namespaces.map((n) => n.id), ...g.ports.map((p) => p.id)]) {
      assert.ok(layout[id], `${id} placed`);
    }
    for (const p of g.ports) {
      const [b, n] = [layout[p.id], layout[p.ns]];
      assert.ok(b.x - b.w / 2 >= n.x - n.w / 2 && b.x + b.w / 2 <= n.x + n.w / 2 && b.y - b.h / 2 >= n.y - n.h / 2 && b.y + b.h / 2 <= n.y + n.h / 2, `${p.id} inside ${p.ns}`);
    }
    const boxes = g.namespaces.map((n) => layout[n.id]);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const apart = Math.abs(a.x - b.x) * 2 >= a.w + b.w || Math.abs(a.y - b.y) * 2 >= a.h + b.h;
        assert.ok(apart, `${g.namespaces[i].id} and ${g.namespaces[j].id} do not overlap`);
      }
    }
  });

  it('lays out 1000 namespaces in a few milliseconds', () => {
    const many: Namespace[] = [ns(null, 1, [])];
    for (let k = 0; k < 1000; k++) {
      many.push(ns(`bench-${k}`, 100 + k, [iface(2, 'a', 'veth', { peer: { ifindex: 2, name: 'a', netns: `bench-${k ^ 1}` } }), iface(3, 'b', 'dummy')]));
    }
    const t0 = performance.now();
    const big = buildGraph(many);
    const l = gridLayout(big, groupOrder(big));
    const ms = performance.now() - t0;
    assert.equal(big.edges.length, 500);
    assert.equal(Object.keys(l).length, 1001 + 2000);
    assert.ok(ms < 500, `${ms} ms`);
    const b = layoutBounds(l);
    assert.ok(b.x2 - b.x1 < 20_000 && b.y2 - b.y1 < 20_000, 'a square-ish grid');
  });

  it('draws SVG: a box per namespace and port, a line per edge, names escaped', () => {
    const m = model();
    m[1].interfaces[1].name = 'a<&>';
    m[2].interfaces[1].peer!.name = 'a<&>';
    const g2 = buildGraph(m, procs);
    const svg = toSvg(g2, gridLayout(g2));
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal((svg.match(/<g class="namespace"/g) ?? []).length, g2.namespaces.length);
    assert.equal((svg.match(/<g class="port /g) ?? []).length, g2.ports.length);
    assert.equal((svg.match(/<line class="edge /g) ?? []).length, g2.edges.length);
    assert.ok(svg.includes('a&lt;&amp;&gt;') && !svg.includes('a<&>'));
    assert.ok(svg.includes('ns1 · 1 process'));
    assert.ok(svg.includes('netem 100ms 1% loss'));
    assert.ok(svg.endsWith('</svg>'));
  });

  it('writes Mermaid: a subgraph per namespace, a line per edge', () => {
    const text = toMermaid(g);
    const lines = text.trim().split('\n');
    assert.equal(lines[0], 'flowchart LR');
    assert.equal(lines.filter((l) => /^ {2}subgraph /.test(l)).length, 4);
    assert.ok(lines.includes('  n_ns_ns1_if_veth_a --- n_ns_ns2_if_veth_b'), text);
    assert.ok(lines.includes('  n_ns_ns2_if_br0_if_p1 -.- n_ns_ns2_if_br0'));
    assert.ok(lines.some((l) => l.includes('-.->|vlan|')));
    assert.ok(text.includes('subgraph n_ns_ns1["ns1 (1 process)"]'));
    assert.ok(text.includes('n_ns_ns2_if_br0{{"br0"}}'), 'a bridge is a hexagon');
  });

  it('writes DOT: a cluster per namespace, edges styled by kind', () => {
    const text = toDot(g);
    assert.match(text, /^graph topology \{/);
    assert.equal((text.match(/subgraph cluster_/g) ?? []).length, 4);
    assert.ok(text.includes('n_ns_ns1_if_veth_a -- n_ns_ns2_if_veth_b;'));
    assert.ok(text.includes('n_ns_ns2_if_br0_if_p1 -- n_ns_ns2_if_br0 [style=dashed];'));
    assert.ok(text.includes('label="veth-a\\n10.0.0.1/24\\nnetem 100ms 1% loss"'));
    assert.ok(text.includes('label="veth-b\\ndown", color=red'));
    assert.ok(text.trim().endsWith('}'));
  });

  it('keeps ids unique when names differ only in punctuation', () => {
    const taken = new Map<string, string>();
    const [x, y] = [safeId('ns:a-b', taken), safeId('ns:a.b', taken)];
    assert.notEqual(x, y);
    assert.equal(safeId('ns:a-b', taken), x);
  });
});
