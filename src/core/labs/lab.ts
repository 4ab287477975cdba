// A lab: namespaces, the veth pairs and bridges between them, their addresses, forwarding and
// routes, described as data and turned into one batch of helper requests. Every interface of a
// lab lives inside one of the lab's namespaces, so the lab is removed by deleting its namespaces
// and leaves nothing behind on the host.

import type { BatchItem } from '../operations';

/** One end of a veth pair: the namespace it goes into, its name there, its address (CIDR). */
export interface LabEnd {
  netns: string;
  name: string;
  address?: string;
}

export interface LabBridge {
  netns: string;
  name: string;
  /** Interfaces of the same namespace that become its ports. */
  ports: string[];
  address?: string;
}

export interface LabRoute {
  /** "default" or a CIDR. */
  destination: string;
  gateway?: string;
  device?: string;
}

export interface LabNamespace {
  name: string;
  /**
   * IPv4 forwarding: on, the namespace routes between its interfaces; off, it does not (a new
   * namespace may inherit forwarding on from the host, so a lab that relies on it says so).
   */
  forwarding?: boolean;
  routes?: LabRoute[];
}

export interface LabSpec {
  namespaces: LabNamespace[];
  veths?: { a: LabEnd; b: LabEnd }[];
  bridges?: LabBridge[];
}

/** A lab's namespace names as created: the lab's prefix and the name in the spec. */
export function labNetnsName(prefix: string, name: string): string {
  return `${prefix}${name}`;
}

/** The namespaces a lab makes, in the order it makes them. */
export function labNamespaces(spec: LabSpec, prefix: string): string[] {
  return spec.namespaces.map((n) => labNetnsName(prefix, n.name));
}

/**
 * The requests that build `spec` with every namespace name prefixed by `prefix`, in an order in
 * which each one finds what it needs: namespaces, their loopbacks up, veth pairs (each end made
 * directly in its namespace), bridges and their ports, addresses, links up, forwarding, routes.
 */
export function labRequests(spec: LabSpec, prefix: string): BatchItem[] {
  const ns = (name: string) => labNetnsName(prefix, name);
  const out: BatchItem[] = [];
  const up: { netns: string; name: string }[] = [];
  const addresses: { netns: string; name: string; address: string }[] = [];
  for (const n of spec.namespaces) {
    out.push({ op: 'addNetns', name: ns(n.name) });
  }
  for (const n of spec.namespaces) {
    out.push({ op: 'setLinkState', netns: ns(n.name), name: 'lo', up: true });
  }
  for (const { a, b } of spec.veths ?? []) {
    out.push({ op: 'addVeth', name: a.name, peer: b.name, netns: ns(a.netns), peerNetns: ns(b.netns) });
    for (const end of [a, b]) {
      up.push({ netns: ns(end.netns), name: end.name });
      if (end.address) {
        addresses.push({ netns: ns(end.netns), name: end.name, address: end.address });
      }
    }
  }
  for (const br of spec.bridges ?? []) {
    out.push({ op: 'addLink', netns: ns(br.netns), name: br.name, kind: 'bridge' });
    for (const port of br.ports) {
      out.push({ op: 'setMaster', netns: ns(br.netns), name: port, master: br.name });
    }
    up.push({ netns: ns(br.netns), name: br.name });
    if (br.address) {
      addresses.push({ netns: ns(br.netns), name: br.name, address: br.address });
    }
  }
  for (const a of addresses) {
    out.push({ op: 'addAddress', ...a });
  }
  for (const u of up) {
    out.push({ op: 'setLinkState', ...u, up: true });
  }
  for (const n of spec.namespaces) {
    if (n.forwarding !== undefined) {
      out.push({ op: 'setForwarding', netns: ns(n.name), family: 4, on: n.forwarding });
    }
  }
  for (const n of spec.namespaces) {
    for (const r of n.routes ?? []) {
      out.push({ op: 'addRoute', netns: ns(n.name), destination: r.destination, gateway: r.gateway, device: r.device });
    }
  }
  return out;
}
