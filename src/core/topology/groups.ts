// Groups: on a machine with many namespaces, the namespaces that share a name before their number
// (a lab's, "lab-ns1" ... "lab-ns40", see groupKey) are drawn as one node until it is expanded,
// with one line to each other node its namespaces have veth pairs (or bridge ports) to, labelled
// with how many. Pure: the webview draws what collapse() returns; the extension sends the whole graph.

import { groupKey, type TopoEdge, type TopoGraph, type TopoNamespace } from './graph';

export const GROUP_ID = 'group:';

export interface GroupOptions {
  /** Groups are made from this many namespaces on (0: never). */
  above: number;
  /** A group has at least this many namespaces; fewer are drawn one by one. */
  minSize?: number;
  /** Keys of the groups the user expanded. */
  expanded?: ReadonlySet<string>;
}

export const MIN_GROUP = 4;

export function groupId(key: string): string {
  return `${GROUP_ID}${key}`;
}

export function isGroupId(id: string): boolean {
  return id.startsWith(GROUP_ID);
}

/** The groups of a graph by key, with their namespaces' ids (the host and unnamed ones in none). */
export function groupsOf(g: TopoGraph, opts: GroupOptions): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (opts.above <= 0 || g.namespaces.length < opts.above) {
    return out;
  }
  for (const n of g.namespaces) {
    if (n.isRoot || n.netns === undefined) {
      continue;
    }
    const key = groupKey(n.label);
    const list = out.get(key);
    if (list) {
      list.push(n.id);
    } else {
      out.set(key, [n.id]);
    }
  }
  for (const [key, ids] of out) {
    if (ids.length < (opts.minSize ?? MIN_GROUP)) {
      out.delete(key);
    }
  }
  return out;
}

/**
 * The graph as drawn: every group not expanded is one namespace-like node (id "group:KEY", its
 * `members` the count, no ports), and the edges of its namespaces' ports become one edge per other
 * end (a port, or another collapsed group), `count` telling how many; edges inside a group go.
 */
export function collapse(g: TopoGraph, opts: GroupOptions): { graph: TopoGraph; groups: Map<string, string[]> } {
  const groups = groupsOf(g, opts);
  const expanded = opts.expanded ?? new Set<string>();
  const groupOfNs = new Map<string, string>();
  for (const [key, ids] of groups) {
    if (!expanded.has(key)) {
      for (const id of ids) {
        groupOfNs.set(id, groupId(key));
      }
    }
  }
  if (groupOfNs.size === 0) {
    return { graph: g, groups };
  }
  const namespaces: TopoNamespace[] = [];
  const placed = new Set<string>();
  for (const n of g.namespaces) {
    const gid = groupOfNs.get(n.id);
    if (!gid) {
      namespaces.push(n);
    } else if (!placed.has(gid)) {
      // Where its first namespace was: the groups keep the model's order.
      placed.add(gid);
      const key = gid.slice(GROUP_ID.length);
      namespaces.push({ id: gid, netns: undefined, label: key, isRoot: false, group: key, members: groups.get(key)!.length });
    }
  }
  const portNs = new Map(g.ports.map((p) => [p.id, p.ns]));
  const end = (port: string) => groupOfNs.get(portNs.get(port) ?? '') ?? port;
  const ports = g.ports.filter((p) => !groupOfNs.has(p.ns));
  const edges: TopoEdge[] = [];
  const merged = new Map<string, TopoEdge>();
  for (const e of g.edges) {
    const [s, t] = [end(e.source), end(e.target)];
    if (s === e.source && t === e.target) {
      edges.push(e);
      continue;
    }
    if (s === t) {
      continue; // inside one group
    }
    const [a, b] = s < t ? [s, t] : [t, s];
    const id = `group-edge:${a}|${b}`;
    const m = merged.get(id);
    if (m) {
      m.count = (m.count ?? 1) + 1;
    } else {
      const x: TopoEdge = { id, kind: 'group', source: a, target: b, count: 1 };
      merged.set(id, x);
      edges.push(x);
    }
  }
  return { graph: { namespaces, ports, edges }, groups };
}
