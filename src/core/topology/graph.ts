// The wiring of the namespaces as a graph, from the same model the tree shows: each namespace (the
// host's too) is a node, its interfaces are its ports, a veth pair is an edge between two ports, a
// bridge's ports have an edge to the bridge, a VLAN one to its parent. Pure: the panel sends it to
// the webview, the exports (svg.ts, text.ts) draw it. Ids are the tree's where there is one, so a
// click in the picture finds the row and a row found in the tree finds its node.

import type { Interface, Namespace, Netem, NetnsRef, ProcessNamespace } from '../model';
import { netemSummary } from '../netem';

/** An interface's state as the picture colours it (the tree's three). */
export type PortState = 'up' | 'no-carrier' | 'down';

export interface TopoNamespace {
  /** The tree's id: "host", "ns:NAME", or "unnamed:INODE" for a namespace without a name. */
  id: string;
  /** undefined for a namespace without a name (only reached through a veth). */
  netns: NetnsRef | undefined;
  inode?: number;
  /** Its name, the word for the host, or "[INODE]" for one without a name. */
  label: string;
  isRoot: boolean;
  /** Processes inside it, where the process list was read. */
  processes?: number;
  /** Could not be read (the error), or only without root. */
  error?: string;
  unprivileged?: boolean;
  /** IPv4 or IPv6 forwarding on (a router). */
  forwarding?: boolean;
  /** A group it is drawn in when a graph is collapsed (see groupKey). */
  group?: string;
  /** For a collapsed group's node (groups.ts): how many namespaces it stands for. */
  members?: number;
}

export interface TopoPort {
  /** The tree's id of the interface: "NSID/if:NAME", a bridge's port "NSID/if:BRIDGE/if:NAME". */
  id: string;
  /** The id of its namespace's node. */
  ns: string;
  netns: NetnsRef | undefined;
  name: string;
  /** veth, bridge, vlan, dummy, loopback, ether, ... */
  kind: string;
  state: PortState;
  mtu?: number;
  mac?: string;
  /** Addresses as "10.0.0.1/24", link-local IPv6 left out. */
  addresses: string[];
  netem?: Netem;
  /** netemSummary in the words given to the builder. */
  netemText?: string;
  vlanId?: number;
  /** Its bridge (master) in the same namespace. */
  master?: string;
}

/** 'group': the lines of a collapsed group's namespaces to one other node, as one (groups.ts). */
export type TopoEdgeKind = 'veth' | 'port' | 'vlan' | 'group';

export interface TopoEdge {
  /** "veth:A|B" (the two port ids in order), "port:PORT", "vlan:PORT". */
  id: string;
  kind: TopoEdgeKind;
  /** Port ids. For 'port' the target is the bridge, for 'vlan' the parent. */
  source: string;
  target: string;
  /** For a 'group' edge: how many lines it stands for. */
  count?: number;
}

export interface TopoGraph {
  namespaces: TopoNamespace[];
  ports: TopoPort[];
  edges: TopoEdge[];
}

export interface GraphOptions {
  /** Draw loopback interfaces (the tree's netns.view.showLoopback). */
  showLoopback?: boolean;
  /** The word for the root namespace ("host"). */
  hostLabel?: string;
  /** Words netemSummary uses. */
  netemWords?: { loss: string; duplicate: string; corrupt: string; reorder: string };
}

const ENGLISH_NETEM = { loss: 'loss', duplicate: 'duplicate', corrupt: 'corrupt', reorder: 'reorder' };

/** The tree's id of a namespace (src/extension/model/netnsKey.ts keeps the same form). */
export function namespaceId(ns: NetnsRef): string {
  return ns === null ? 'host' : `ns:${ns}`;
}

export function unnamedId(inode: number): string {
  return `unnamed:${inode}`;
}

export function portState(i: Interface): PortState {
  if (!i.flags.includes('UP')) {
    return 'down';
  }
  if (i.operState === 'UP' || (i.operState === 'UNKNOWN' && i.flags.includes('LOWER_UP'))) {
    return 'up';
  }
  return 'no-carrier';
}

/** The veth id of two port ids, whichever end is seen first. */
export function vethEdgeId(a: string, b: string): string {
  return a < b ? `veth:${a}|${b}` : `veth:${b}|${a}`;
}

/**
 * The graph of every namespace in `namespaces` (host first, as the model lists them), with the
 * process counts from `processes` when given.
 */
export function buildGraph(namespaces: readonly Namespace[], processes?: readonly ProcessNamespace[], opts: GraphOptions = {}): TopoGraph {
  const words = opts.netemWords ?? ENGLISH_NETEM;
  const procByInode = new Map<number, number>();
  for (const p of processes ?? []) {
    procByInode.set(p.inode, p.processes.length);
  }
  const out: TopoGraph = { namespaces: [], ports: [], edges: [] };
  /** Port id by "namespace id" + ifindex, to join veth ends and VLAN parents. */
  const byIndex = new Map<string, string>();
  const byInode = new Map<number, string>();
  const visible = (i: Interface) => opts.showLoopback || i.kind !== 'loopback';

  for (const ns of namespaces) {
    if (ns.notNamespace) {
      continue;
    }
    const id = namespaceId(ns.name);
    byInode.set(ns.inode, id);
    const node: TopoNamespace = {
      id,
      netns: ns.name,
      inode: ns.inode,
      label: ns.name ?? opts.hostLabel ?? 'host',
      isRoot: ns.isRoot || ns.name === null,
    };
    if (processes) {
      node.processes = procByInode.get(ns.inode) ?? 0;
    }
    if (ns.error) {
      node.error = ns.error;
    }
    if (ns.unprivileged) {
      node.unprivileged = true;
    }
    if (ns.forwarding && (ns.forwarding.ipv4 || ns.forwarding.ipv6)) {
      node.forwarding = true;
    }
    out.namespaces.push(node);

    const shown = ns.interfaces.filter(visible);
    const bridges = new Set(shown.filter((i) => i.kind === 'bridge').map((i) => i.name));
    for (const i of shown) {
      // The tree puts a bridge's port under its bridge; the id follows it there.
      const isPort = i.master !== undefined && i.master !== i.name && bridges.has(i.master) && !bridges.has(i.name);
      const pid = isPort ? `${id}/if:${i.master}/if:${i.name}` : `${id}/if:${i.name}`;
      const port: TopoPort = {
        id: pid,
        ns: id,
        netns: ns.name,
        name: i.name,
        kind: i.kind,
        state: portState(i),
        mtu: i.mtu,
        addresses: i.addresses.filter((a) => !(a.family === 6 && a.scope === 'link')).map((a) => `${a.address}/${a.prefixLen}`),
      };
      if (i.mac) {
        port.mac = i.mac;
      }
      if (i.netem) {
        port.netem = i.netem;
        port.netemText = netemSummary(i.netem, words);
      }
      if (i.vlanId !== undefined) {
        port.vlanId = i.vlanId;
      }
      if (i.master !== undefined) {
        port.master = i.master;
      }
      out.ports.push(port);
      byIndex.set(`${id}#${i.ifindex}`, pid);
    }
  }

  // Edges, once every port is known.
  const seenVeth = new Set<string>();
  const unnamed = new Map<number, TopoNamespace>();
  const portByName = new Map<string, TopoPort>();
  for (const p of out.ports) {
    portByName.set(`${p.ns}\n${p.name}`, p);
  }
  for (const ns of namespaces) {
    if (ns.notNamespace) {
      continue;
    }
    const id = namespaceId(ns.name);
    for (const i of ns.interfaces) {
      if (!visible(i)) {
        continue;
      }
      const self = byIndex.get(`${id}#${i.ifindex}`)!;
      if (i.kind === 'bridge') {
        continue;
      }
      if (i.master !== undefined && self === `${id}/if:${i.master}/if:${i.name}`) {
        const bridge = portByName.get(`${id}\n${i.master}`);
        if (bridge) {
          out.edges.push({ id: `port:${self}`, kind: 'port', source: self, target: bridge.id });
        }
      }
      if (i.linkIfindex !== undefined && i.kind !== 'veth') {
        const parent = byIndex.get(`${id}#${i.linkIfindex}`);
        if (parent && parent !== self) {
          out.edges.push({ id: `vlan:${self}`, kind: 'vlan', source: self, target: parent });
        }
      }
      if (i.kind === 'veth' && i.peer) {
        const peer = i.peer;
        let peerNsId: string | undefined;
        if (peer.netns !== undefined) {
          peerNsId = namespaceId(peer.netns);
        } else if (peer.netnsInode !== undefined) {
          peerNsId = byInode.get(peer.netnsInode);
          if (!peerNsId) {
            // The other end is in a namespace without a name (a container's): a node of its own.
            peerNsId = unnamedId(peer.netnsInode);
            if (!unnamed.has(peer.netnsInode)) {
              const node: TopoNamespace = { id: peerNsId, netns: undefined, inode: peer.netnsInode, label: `[${peer.netnsInode}]`, isRoot: false };
              if (processes) {
                node.processes = procByInode.get(peer.netnsInode) ?? 0;
              }
              unnamed.set(peer.netnsInode, node);
            }
          }
        }
        if (!peerNsId) {
          continue;
        }
        let target = byIndex.get(`${peerNsId}#${peer.ifindex}`);
        if (!target && peerNsId.startsWith('unnamed:')) {
          target = `${peerNsId}/if:${peer.name ?? `#${peer.ifindex}`}`;
          if (!out.ports.some((p) => p.id === target)) {
            out.ports.push({ id: target, ns: peerNsId, netns: undefined, name: peer.name ?? `#${peer.ifindex}`, kind: 'veth', state: 'up', addresses: [] });
            byIndex.set(`${peerNsId}#${peer.ifindex}`, target);
          }
        }
        if (!target) {
          continue; // its other end is not drawn (a namespace not in the model)
        }
        const eid = vethEdgeId(self, target);
        if (!seenVeth.has(eid)) {
          seenVeth.add(eid);
          const [source, to] = self < target ? [self, target] : [target, self];
          out.edges.push({ id: eid, kind: 'veth', source, target: to });
        }
      }
    }
  }
  out.namespaces.push(...[...unnamed.values()].sort((a, b) => (a.inode ?? 0) - (b.inode ?? 0)));
  return out;
}

/**
 * The group a namespace is drawn in when a graph is too large to show each one: the part of its
 * name before the last "-" or digits ("lab-ns12" -> "lab-ns"), so a lab's namespaces go together.
 */
export function groupKey(label: string): string {
  const m = /^(.*?)[-_.]?\d+$/.exec(label);
  if (m && m[1]) {
    return m[1];
  }
  const dash = label.lastIndexOf('-');
  return dash > 0 ? label.slice(0, dash) : label;
}

/** The namespace of a port or namespace id, for a graph's lookups. */
export function indexGraph(g: TopoGraph): { namespaces: Map<string, TopoNamespace>; ports: Map<string, TopoPort> } {
  return { namespaces: new Map(g.namespaces.map((n) => [n.id, n])), ports: new Map(g.ports.map((p) => [p.id, p])) };
}

/** What differs between two graphs, by id: for live updates that keep everything else as it is. */
export interface GraphDiff {
  removed: string[];
  added: TopoGraph;
  changed: TopoGraph;
}

export function diffGraphs(before: TopoGraph, after: TopoGraph): GraphDiff {
  const diff: GraphDiff = { removed: [], added: { namespaces: [], ports: [], edges: [] }, changed: { namespaces: [], ports: [], edges: [] } };
  const keys = ['namespaces', 'ports', 'edges'] as const;
  for (const k of keys) {
    const old = new Map<string, unknown>((before[k] as { id: string }[]).map((x) => [x.id, x]));
    for (const x of after[k] as { id: string }[]) {
      const o = old.get(x.id);
      if (o === undefined) {
        (diff.added[k] as unknown[]).push(x);
      } else {
        if (JSON.stringify(o) !== JSON.stringify(x)) {
          (diff.changed[k] as unknown[]).push(x);
        }
        old.delete(x.id);
      }
    }
    diff.removed.push(...old.keys());
  }
  return diff;
}

export function isEmptyDiff(d: GraphDiff): boolean {
  const n = (g: TopoGraph) => g.namespaces.length + g.ports.length + g.edges.length;
  return d.removed.length === 0 && n(d.added) === 0 && n(d.changed) === 0;
}
