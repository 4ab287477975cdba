// A lab: namespaces, the veth pairs, bridges, dummies and VLANs in them, their addresses, state,
// impairments, forwarding, routes and /etc/netns files, described as data. A lab file
// (`*.netns.yaml`, docs/lab-files.md) is this structure; labPlan.ts turns it into the requests
// that bring the kernel to it. Every interface of a lab lives inside one of the lab's namespaces,
// so a lab is removed by deleting its namespaces and leaves nothing behind on the host.

import type { Netem } from '../model';

/** What every interface of a lab may have. */
export interface LabInterfaceSettings {
  /** Addresses with their prefix length ("10.0.0.1/24", "2001:db8::1/64"). */
  addresses?: string[];
  /** Administratively up (the default) or down. */
  up?: boolean;
  /** A netem impairment on its root qdisc. */
  netem?: Netem;
}

/** One end of a veth pair: the namespace it goes into and its name there. */
export interface LabEnd extends LabInterfaceSettings {
  netns: string;
  /** Left out: `veth-` and the other end's namespace (see normalizeLab). */
  name?: string;
}

export interface LabVeth {
  a: LabEnd;
  b: LabEnd;
}

export interface LabBridge extends LabInterfaceSettings {
  netns: string;
  name: string;
  /** Interfaces of the same namespace that become its ports. */
  ports?: string[];
}

export interface LabDummy extends LabInterfaceSettings {
  netns: string;
  name: string;
}

export interface LabVlan extends LabInterfaceSettings {
  netns: string;
  name: string;
  /** The interface (same namespace) it is a sub-interface of. */
  parent: string;
  id: number;
}

export interface LabRoute {
  /** "default", a prefix ("10.1.0.0/24") or one address. */
  to: string;
  via?: string;
  dev?: string;
  metric?: number;
}

/** The files `ip netns exec` binds over /etc/<file> inside the namespace. */
export const NETNS_FILES = ['resolv.conf', 'hosts', 'nsswitch.conf'] as const;
export type NetnsFile = (typeof NETNS_FILES)[number];

export interface LabNamespace {
  name: string;
  /**
   * IPv4 forwarding: on, the namespace routes between its interfaces; off, it does not (a new
   * namespace may inherit forwarding on from the host, so a lab that relies on it says so).
   */
  forwarding?: boolean;
  routes?: LabRoute[];
  /** /etc/netns/NAME/<file>, by file name. */
  files?: Partial<Record<NetnsFile, string>>;
}

export interface LabSpec {
  /** Identifies the lab: what it made is recorded under this name. */
  name: string;
  /** Put before every namespace name; left out: the lab's name and "-". "" for none. */
  prefix?: string;
  namespaces: LabNamespace[];
  veths?: LabVeth[];
  bridges?: LabBridge[];
  dummies?: LabDummy[];
  vlans?: LabVlan[];
}

/** The prefix a lab's namespace names get. */
export function labPrefix(spec: Pick<LabSpec, 'name' | 'prefix'>): string {
  return spec.prefix ?? `${spec.name}-`;
}

/** A lab's namespace name as created: the prefix and the name in the spec. */
export function labNetnsName(prefix: string, name: string): string {
  return `${prefix}${name}`;
}

/** The namespaces a lab makes, in the order it makes them. */
export function labNamespaces(spec: LabSpec, prefix = labPrefix(spec)): string[] {
  return spec.namespaces.map((n) => labNetnsName(prefix, n.name));
}

/** The automatic name of a veth end: "veth-" and the other end's namespace, cut to 15 bytes. */
export function autoEndName(otherNetns: string): string {
  let name = `veth-${otherNetns}`;
  while (Buffer.byteLength(name, 'utf8') > 15) {
    name = name.slice(0, -1);
  }
  return name;
}

/** Every veth end named: an end without a name gets its automatic one. */
export function vethEnds(v: LabVeth): { a: LabEnd & { name: string }; b: LabEnd & { name: string } } {
  return {
    a: { ...v.a, name: v.a.name ?? autoEndName(v.b.netns) },
    b: { ...v.b, name: v.b.name ?? autoEndName(v.a.netns) },
  };
}

/** Every interface a lab declares, in the order they are made, with the settings of each. */
export type LabInterface =
  | ({ kind: 'veth'; name: string; peer: { netns: string; name: string } } & LabEnd)
  | ({ kind: 'bridge' } & LabBridge)
  | ({ kind: 'dummy' } & LabDummy)
  | ({ kind: 'vlan' } & LabVlan);

export function labInterfaces(spec: LabSpec): LabInterface[] {
  const out: LabInterface[] = [];
  for (const v of spec.veths ?? []) {
    const { a, b } = vethEnds(v);
    out.push({ kind: 'veth', ...a, peer: { netns: b.netns, name: b.name } });
    out.push({ kind: 'veth', ...b, peer: { netns: a.netns, name: a.name } });
  }
  for (const d of spec.dummies ?? []) {
    out.push({ kind: 'dummy', ...d });
  }
  for (const br of spec.bridges ?? []) {
    out.push({ kind: 'bridge', ...br });
  }
  for (const v of spec.vlans ?? []) {
    out.push({ kind: 'vlan', ...v });
  }
  return out;
}
