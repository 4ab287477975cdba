// The kernel's state as a lab: what "Export Current State as Lab" writes. Applying the result
// to the same kernel changes nothing, and applying it after the namespaces are gone builds them
// again as they were. What a lab cannot hold is left out and said: a veth whose other end is
// outside the exported namespaces, interfaces of other kinds.

import { stringify } from 'yaml';
import { msg } from '../messages';
import type { Interface, Namespace, Netem } from '../model';
import type { LabBridge, LabDummy, LabEnd, LabInterfaceSettings, LabNamespace, LabSpec, LabVeth, LabVlan, NetnsFile } from './lab';

export interface ExportedLab {
  spec: LabSpec;
  /** What was left out, and why. */
  skipped: string[];
}

function settings(i: Interface): LabInterfaceSettings {
  const addresses = i.addresses.filter((a) => a.scope !== 'link' && a.scope !== 'host').map((a) => `${a.address}/${a.prefixLen}`);
  const netem = i.netem && Object.keys(i.netem).length > 0 ? ({ ...i.netem } as Netem) : undefined;
  return {
    ...(addresses.length ? { addresses } : {}),
    ...(i.flags.includes('UP') ? {} : { up: false }),
    ...(netem ? { netem } : {}),
  };
}

/**
 * The named namespaces given, as a lab called `name` with no prefix (their names are kept);
 * `files` gives their /etc/netns files where read.
 */
export function exportLab(name: string, namespaces: Namespace[], files?: (netns: string) => Partial<Record<NetnsFile, string>> | undefined): ExportedLab {
  const spec: LabSpec = { name, prefix: '', namespaces: [] };
  const skipped: string[] = [];
  const chosen = namespaces.filter((n): n is Namespace & { name: string } => n.name !== null);
  const names = new Set(chosen.map((n) => n.name));
  const veths: LabVeth[] = [];
  const bridges: LabBridge[] = [];
  const dummies: LabDummy[] = [];
  const vlans: LabVlan[] = [];
  const seen = new Set<string>();
  for (const ns of chosen) {
    const entry: LabNamespace = { name: ns.name };
    if (ns.forwarding) {
      entry.forwarding = ns.forwarding.ipv4;
    }
    const routes = (ns.routes ?? [])
      .filter((r) => (r.protocol === undefined || r.protocol === 'static' || r.protocol === 'boot') && (r.type === undefined || r.type === 'unicast'))
      .map((r) => ({ to: r.destination, ...(r.gateway ? { via: r.gateway } : {}), ...(r.device ? { dev: r.device } : {}), ...(r.metric !== undefined && r.metric !== 0 && !(r.family === 6 && r.metric === 1024) ? { metric: r.metric } : {}) }));
    if (routes.length) {
      entry.routes = routes;
    }
    const f = files?.(ns.name);
    if (f && Object.keys(f).length) {
      entry.files = f;
    }
    spec.namespaces.push(entry);
    for (const i of ns.interfaces) {
      const s = settings(i);
      switch (i.kind) {
        case 'loopback':
          break;
        case 'veth': {
          const peer = i.peer;
          if (!peer?.name || typeof peer.netns !== 'string' || !names.has(peer.netns)) {
            skipped.push(msg('{0} in {1}: its peer is outside the exported namespaces.', i.name, ns.name));
            break;
          }
          const me = `${ns.name}/${i.name}`;
          if (seen.has(me)) {
            break;
          }
          seen.add(`${peer.netns}/${peer.name}`);
          const other = chosen.find((n) => n.name === peer.netns)?.interfaces.find((x) => x.name === peer.name);
          const a: LabEnd = { netns: ns.name, name: i.name, ...s };
          const b: LabEnd = { netns: peer.netns, name: peer.name, ...(other ? settings(other) : {}) };
          veths.push({ a, b });
          break;
        }
        case 'bridge': {
          const ports = ns.interfaces.filter((p) => p.master === i.name).map((p) => p.name);
          bridges.push({ netns: ns.name, name: i.name, ...(ports.length ? { ports } : {}), ...s });
          break;
        }
        case 'dummy':
          dummies.push({ netns: ns.name, name: i.name, ...s });
          break;
        case 'vlan': {
          const parent = ns.interfaces.find((p) => p.ifindex === i.linkIfindex);
          if (!parent || i.vlanId === undefined) {
            skipped.push(msg('{0} in {1}: its parent interface is in another namespace.', i.name, ns.name));
            break;
          }
          vlans.push({ netns: ns.name, name: i.name, parent: parent.name, id: i.vlanId, ...s });
          break;
        }
        default:
          skipped.push(msg('{0} in {1}: a lab holds no {2} interfaces.', i.name, ns.name, i.kind));
      }
    }
  }
  if (veths.length) {spec.veths = veths;}
  if (bridges.length) {spec.bridges = bridges;}
  if (dummies.length) {spec.dummies = dummies;}
  if (vlans.length) {spec.vlans = vlans;}
  return { spec, skipped };
}

/** A lab as the text of a lab file. */
export function labFileText(spec: LabSpec, header?: string[]): string {
  const head = (header ?? []).map((l) => `# ${l}\n`).join('');
  return head + stringify(spec, { lineWidth: 0, flowCollectionPadding: false });
}
