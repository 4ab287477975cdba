// The graph in the form the panel sends it: rows of values instead of objects with their keys,
// and no ids (a namespace's, a port's and an edge's id follow from its name, namespace and ends,
// as graph.ts makes them). At 1000 namespaces this is about a third of the JSON of the objects,
// and that text is what crosses from the extension host to the workbench and into the webview.
// unpack(pack(g)) gives g back, key for key (test/unit/topologyCompact.test.ts).

import type { Netem } from '../model';
import { namespaceId, unnamedId, vethEdgeId, type PortState, type TopoEdgeKind, type TopoGraph, type TopoNamespace, type TopoPort } from './graph';

/** [label, netns (null: the host, 0: none), inode (0: none), flags, processes (-1: not read), error] */
type NsRow = [string, string | null | 0, number, number, number, string?];
/**
 * [namespace row index, name, kind, state, mtu (0: none), mac, addresses, flags, master, vlanId,
 * netem, netemText]; the trailing ones left off when they are not there.
 */
type PortRow = [number, string, string, number, number, string, string[], number, string?, number?, Netem?, string?];
/** [kind, source port row index, target port row index] */
type EdgeRow = [number, number, number];

export interface PackedGraph {
  v: 1;
  n: NsRow[];
  p: PortRow[];
  e: EdgeRow[];
}

const STATES: PortState[] = ['up', 'no-carrier', 'down'];
const KINDS: TopoEdgeKind[] = ['veth', 'port', 'vlan'];
// Namespace flags.
const ROOT = 1;
const UNPRIVILEGED = 2;
const FORWARDING = 4;
const HAS_ERROR = 8;
// Port flags.
const UNDER_BRIDGE = 1;
const HAS_MTU = 2;
const HAS_MAC = 4;
const HAS_VLAN = 8;
const HAS_MASTER = 16;

export function pack(g: TopoGraph): PackedGraph {
  const nsIndex = new Map<string, number>();
  const n: NsRow[] = g.namespaces.map((x, k) => {
    nsIndex.set(x.id, k);
    const flags = (x.isRoot ? ROOT : 0) | (x.unprivileged ? UNPRIVILEGED : 0) | (x.forwarding ? FORWARDING : 0) | (x.error !== undefined ? HAS_ERROR : 0);
    const row: NsRow = [x.label, x.netns === undefined ? 0 : x.netns, x.inode ?? 0, flags, x.processes ?? -1];
    if (x.error !== undefined) {
      row.push(x.error);
    }
    return row;
  });
  const portIndex = new Map<string, number>();
  const p: PortRow[] = g.ports.map((x, k) => {
    portIndex.set(x.id, k);
    const under = x.master !== undefined && x.id.endsWith(`/if:${x.master}/if:${x.name}`);
    const flags = (under ? UNDER_BRIDGE : 0) | (x.mtu !== undefined ? HAS_MTU : 0) | (x.mac !== undefined ? HAS_MAC : 0) | (x.vlanId !== undefined ? HAS_VLAN : 0) | (x.master !== undefined ? HAS_MASTER : 0);
    const row: PortRow = [nsIndex.get(x.ns) ?? -1, x.name, x.kind, STATES.indexOf(x.state), x.mtu ?? 0, x.mac ?? '', x.addresses, flags];
    const tail: [string | undefined, number | undefined, Netem | undefined, string | undefined] = [x.master, x.vlanId, x.netem, x.netemText];
    let last = tail.length;
    while (last > 0 && tail[last - 1] === undefined) {
      last--;
    }
    row.push(...(tail.slice(0, last) as []));
    return row;
  });
  const e: EdgeRow[] = g.edges.map((x) => [KINDS.indexOf(x.kind), portIndex.get(x.source) ?? -1, portIndex.get(x.target) ?? -1]);
  return { v: 1, n, p, e };
}

export function unpack(c: PackedGraph): TopoGraph {
  const namespaces: TopoNamespace[] = c.n.map(([label, netns, inode, flags, processes, error]) => {
    const named = netns !== 0;
    const x: TopoNamespace = {
      id: named ? namespaceId(netns) : unnamedId(inode),
      netns: named ? netns : undefined,
      ...(inode !== 0 ? { inode } : {}),
      label,
      isRoot: (flags & ROOT) !== 0,
    };
    if (processes >= 0) {
      x.processes = processes;
    }
    if (flags & HAS_ERROR) {
      x.error = error ?? '';
    }
    if (flags & UNPRIVILEGED) {
      x.unprivileged = true;
    }
    if (flags & FORWARDING) {
      x.forwarding = true;
    }
    return x;
  });
  const ports: TopoPort[] = c.p.map(([nsRow, name, kind, state, mtu, mac, addresses, flags, master, vlanId, netem, netemText]) => {
    const ns = namespaces[nsRow];
    const x: TopoPort = {
      id: flags & UNDER_BRIDGE ? `${ns.id}/if:${master}/if:${name}` : `${ns.id}/if:${name}`,
      ns: ns.id,
      netns: ns.netns,
      name,
      kind,
      state: STATES[state],
      addresses,
    };
    if (flags & HAS_MTU) {
      x.mtu = mtu;
    }
    if (flags & HAS_MAC) {
      x.mac = mac;
    }
    if (netem !== undefined) {
      x.netem = netem;
    }
    if (netemText !== undefined) {
      x.netemText = netemText;
    }
    if (flags & HAS_VLAN) {
      x.vlanId = vlanId;
    }
    if (flags & HAS_MASTER) {
      x.master = master;
    }
    return x;
  });
  const edges = c.e.map(([kind, s, t]) => {
    const [source, target] = [ports[s].id, ports[t].id];
    const k = KINDS[kind];
    return { id: k === 'veth' ? vethEdgeId(source, target) : `${k}:${source}`, kind: k, source, target };
  });
  return { namespaces, ports, edges };
}
