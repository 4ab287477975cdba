// The difference between a lab and the kernel, as the requests that remove it: what Apply runs in
// one batch (which undoes every item done when one fails) and what Diff shows. Only what differs
// is in the plan, so applying a lab twice changes nothing the second time. Inside the lab's
// namespaces the lab is the whole truth: addresses, ports, routes and impairments it does not
// declare on its interfaces are removed. What cannot be changed without deleting something the
// lab did not declare (an interface of the wrong kind under a lab name) is a conflict, and a plan
// with conflicts is not applied.

import { part, type MessagePart } from '../messages';
import type { Interface, Namespace, Netem, Route } from '../model';
import type { BatchItem } from '../operations';
import { parseRouteDestination, routeFamily } from '../validate';
import { labInterfaces, labNetnsName, labPrefix, type LabInterface, type LabRoute, type LabSpec, type NetnsFile } from './lab';

/** What the planner knows of the kernel. */
export interface KernelView {
  /** A named namespace as last read, with its interfaces, routes and forwarding. */
  namespace(name: string): Namespace | undefined;
  /** The /etc/netns/NAME files of a namespace, where read. */
  files?(name: string): Partial<Record<NetnsFile, string>> | undefined;
}

export interface LabPlan {
  prefix: string;
  /** The requests, in the order they must run. */
  steps: BatchItem[];
  /** Namespaces that are there already (made by this lab or not). */
  existing: string[];
  /** Why the plan cannot be applied as it is. */
  conflicts: MessagePart[][];
}

const NETEM_KEYS: (keyof Netem)[] = ['delayMs', 'jitterMs', 'lossPct', 'duplicatePct', 'corruptPct', 'reorderPct', 'rateKbit'];

function sameNetem(a: Netem | undefined, b: Netem | undefined): boolean {
  return NETEM_KEYS.every((k) => (a?.[k] ?? 0) === (b?.[k] ?? 0));
}

/** Addresses the lab manages on an interface: those the kernel does not make by itself. */
function managedAddresses(i: Interface): string[] {
  return i.addresses.filter((a) => a.scope !== 'link' && a.scope !== 'host').map((a) => `${a.address}/${a.prefixLen}`);
}

/** "10.0.0.1/24" as the kernel prints it back (IPv6 lower-case). */
function normalAddress(cidr: string): string {
  return cidr.trim().toLowerCase();
}

/** Routes the lab manages: made by a user (ip's "boot" or "static"), unicast, of the main table. */
function managedRoutes(ns: Namespace): Route[] {
  return (ns.routes ?? []).filter((r) => (r.protocol === undefined || r.protocol === 'static' || r.protocol === 'boot') && (r.type === undefined || r.type === 'unicast'));
}

function destinationKey(to: string): string {
  if (to.trim() === 'default') {
    return 'default';
  }
  const d = parseRouteDestination(to);
  return typeof d === 'string' ? to.trim() : d.prefix.replace(/\/(32|128)$/, '');
}

/** Whether a route of the kernel is the lab's route (fields the lab leaves out match anything). */
function routeMatches(want: LabRoute, have: Route): boolean {
  const family = routeFamily({ destination: want.to, gateway: want.via });
  return (
    have.family === family &&
    destinationKey(have.destination) === destinationKey(want.to) &&
    (want.via === undefined || have.gateway?.toLowerCase() === want.via.trim().toLowerCase()) &&
    (want.dev === undefined || have.device === want.dev) &&
    (want.metric === undefined || (have.metric ?? 0) === want.metric)
  );
}

function routeRequest(netns: string, r: LabRoute): Omit<Extract<BatchItem, { op: 'addRoute' }>, 'op'> {
  return {
    netns,
    destination: r.to,
    ...(r.via !== undefined ? { gateway: r.via } : {}),
    ...(r.dev !== undefined ? { device: r.dev } : {}),
    ...(r.metric !== undefined ? { metric: r.metric } : {}),
  };
}

/** Whether a kernel interface is what the lab declares under its name. */
function sameKind(want: LabInterface, have: Interface, ns: (n: string) => string, inNs: Namespace): boolean {
  switch (want.kind) {
    case 'veth':
      return have.kind === 'veth' && have.peer?.name === want.peer.name && have.peer?.netns === ns(want.peer.netns);
    case 'vlan': {
      const parent = inNs.interfaces.find((i) => i.ifindex === have.linkIfindex);
      return have.kind === 'vlan' && have.vlanId === want.id && parent?.name === want.parent;
    }
    default:
      return have.kind === want.kind;
  }
}

/** The plan that brings the kernel from what `kernel` shows to `spec`. */
export function planLab(spec: LabSpec, kernel: KernelView, prefix = labPrefix(spec)): LabPlan {
  const ns = (name: string) => labNetnsName(prefix, name);
  const plan: LabPlan = { prefix, steps: [], existing: [], conflicts: [] };
  // Steps by phase: namespaces and veth pairs first (one `ip` command each, across namespaces),
  // then each namespace's own steps together (the helper runs a namespace's consecutive ip
  // commands as one `ip -n NS -batch`), then impairments, forwarding and files.
  const made: BatchItem[] = [];
  const veths: BatchItem[] = [];
  const inside = new Map<string, { lo: BatchItem[]; links: BatchItem[]; sublinks: BatchItem[]; ports: BatchItem[]; delRoutes: BatchItem[]; addresses: BatchItem[]; state: BatchItem[]; addRoutes: BatchItem[] }>();
  const phase = (netns: string) => {
    let b = inside.get(netns);
    if (!b) {
      b = { lo: [], links: [], sublinks: [], ports: [], delRoutes: [], addresses: [], state: [], addRoutes: [] };
      inside.set(netns, b);
    }
    return b;
  };
  const netem: BatchItem[] = [];
  const forwarding: BatchItem[] = [];
  const files: BatchItem[] = [];
  const current = new Map<string, Namespace | undefined>();
  for (const n of spec.namespaces) {
    const have = kernel.namespace(ns(n.name));
    current.set(n.name, have);
    if (have) {
      plan.existing.push(ns(n.name));
      const lo = have.interfaces.find((i) => i.name === 'lo');
      if (lo && !lo.flags.includes('UP')) {
        phase(n.name).lo.push({ op: 'setLinkState', netns: ns(n.name), name: 'lo', up: true });
      }
    } else {
      made.push({ op: 'addNetns', name: ns(n.name) });
      phase(n.name).lo.push({ op: 'setLinkState', netns: ns(n.name), name: 'lo', up: true });
    }
  }

  const interfaces = labInterfaces(spec);
  const declared = new Set(interfaces.map((i) => `${i.netns}/${i.name}`));
  const masterOf = new Map<string, string>();
  for (const br of spec.bridges ?? []) {
    for (const p of br.ports ?? []) {
      masterOf.set(`${br.netns}/${p}`, br.name);
    }
  }
  const vethMade = new Set<string>();
  for (const want of interfaces) {
    const inNs = current.get(want.netns);
    const have = inNs?.interfaces.find((i) => i.name === want.name);
    const where = ns(want.netns);
    if (have && inNs && !sameKind(want, have, ns, inNs)) {
      plan.conflicts.push([part('{0} in {1} exists but is not the {2} this lab declares. Delete or rename it, or rename it in the lab.', want.name, where, want.kind)]);
      continue;
    }
    if (!have) {
      if (want.kind === 'veth') {
        // One request makes both ends; the second end of the pair finds it made.
        const key = [`${want.netns}/${want.name}`, `${want.peer.netns}/${want.peer.name}`].sort().join(' ');
        if (!vethMade.has(key)) {
          vethMade.add(key);
          const peerHave = current.get(want.peer.netns)?.interfaces.find((i) => i.name === want.peer.name);
          if (peerHave) {
            plan.conflicts.push([part('{0} in {1} exists, but its peer {2} in {3} does not. Delete it or rename it in the lab.', want.peer.name, ns(want.peer.netns), want.name, where)]);
            continue;
          }
          veths.push({ op: 'addVeth', name: want.name, peer: want.peer.name, netns: where, peerNetns: ns(want.peer.netns) });
        }
      } else if (want.kind === 'vlan') {
        phase(want.netns).sublinks.push({ op: 'addLink', netns: where, name: want.name, kind: 'vlan', parent: want.parent, vlanId: want.id });
      } else {
        phase(want.netns).links.push({ op: 'addLink', netns: where, name: want.name, kind: want.kind });
      }
    }
    const master = masterOf.get(`${want.netns}/${want.name}`) ?? null;
    if ((have?.master ?? null) !== master) {
      phase(want.netns).ports.push({ op: 'setMaster', netns: where, name: want.name, master });
    }
    const wantAddresses = (want.addresses ?? []).map(normalAddress);
    const haveAddresses = have ? managedAddresses(have) : [];
    for (const a of haveAddresses.filter((x) => !wantAddresses.includes(x))) {
      phase(want.netns).addresses.push({ op: 'delAddress', netns: where, name: want.name, address: a });
    }
    for (const a of wantAddresses.filter((x) => !haveAddresses.includes(x))) {
      phase(want.netns).addresses.push({ op: 'addAddress', netns: where, name: want.name, address: a });
    }
    const up = want.up ?? true;
    if ((have?.flags.includes('UP') ?? false) !== up) {
      phase(want.netns).state.push({ op: 'setLinkState', netns: where, name: want.name, up });
    }
    if (!sameNetem(want.netem, have?.netem)) {
      netem.push(want.netem && NETEM_KEYS.some((k) => want.netem?.[k]) ? { op: 'setNetem', netns: where, name: want.name, ...want.netem } : { op: 'clearNetem', netns: where, name: want.name });
    }
  }

  for (const n of spec.namespaces) {
    const have = current.get(n.name);
    const where = ns(n.name);
    // Ports of a lab bridge that the lab does not declare as its ports are released.
    for (const i of have?.interfaces ?? []) {
      if (i.master && declared.has(`${n.name}/${i.master}`) && !declared.has(`${n.name}/${i.name}`)) {
        phase(n.name).ports.push({ op: 'setMaster', netns: where, name: i.name, master: null });
      }
    }
    if (n.forwarding !== undefined && have?.forwarding?.ipv4 !== n.forwarding) {
      forwarding.push({ op: 'setForwarding', netns: where, family: 4, on: n.forwarding });
    }
    const haveRoutes = have ? managedRoutes(have) : [];
    const wantRoutes = n.routes ?? [];
    for (const r of haveRoutes.filter((h) => !wantRoutes.some((w) => routeMatches(w, h)))) {
      phase(n.name).delRoutes.push({
        op: 'delRoute',
        netns: where,
        destination: r.destination,
        family: r.family,
        ...(r.gateway ? { gateway: r.gateway } : {}),
        ...(r.device ? { device: r.device } : {}),
        ...(r.metric !== undefined ? { metric: r.metric } : {}),
      });
    }
    for (const r of wantRoutes.filter((w) => !haveRoutes.some((h) => routeMatches(w, h)))) {
      phase(n.name).addRoutes.push({ op: 'addRoute', ...routeRequest(where, r) });
    }
    const haveFiles = have ? (kernel.files?.(where) ?? {}) : {};
    for (const [file, content] of Object.entries(n.files ?? {}) as [NetnsFile, string][]) {
      if (haveFiles[file] !== content) {
        files.push({ op: 'setNetnsFile', netns: where, file, content });
      }
    }
  }
  // In a namespace: routes are deleted before the addresses they may use change, and added after
  // the addresses and links they need.
  plan.steps = [
    ...made,
    ...veths,
    ...spec.namespaces.flatMap((n) => {
      const b = inside.get(n.name);
      return b ? [...b.lo, ...b.links, ...b.sublinks, ...b.ports, ...b.delRoutes, ...b.addresses, ...b.state, ...b.addRoutes] : [];
    }),
    ...netem,
    ...forwarding,
    ...files,
  ];
  return plan;
}

/** The requests that build a lab from nothing (a plan against an empty kernel). */
export function labRequests(spec: LabSpec, prefix = labPrefix(spec)): BatchItem[] {
  return planLab(spec, { namespace: () => undefined }, prefix).steps;
}
