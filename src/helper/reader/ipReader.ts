// The fallback reader: per namespace one `ip -d -j -batch -` (address show, route show, netconf
// show) and one `ip -d -j -6 route show` (and `tc -j qdisc show` where an interface has a netem
// qdisc). Slower (processes per namespace) but needs nothing beyond iproute2.

import { netnsId, type Namespace, type NetnsRef } from '../../core/model';
import { parseTcQdiscJson } from '../../core/netem';
import { toolWords } from '../pure/ipErrors';
import { parseIpAddrJson, parseIpRouteJson, parseNetnsListJson } from '../pure/ipJson';
import { ambiguousNamespaces, resolvePeers, type NsidMaps } from '../pure/peers';
import { IpRunner } from '../ipRunner';
import { listNetnsNames, netnsInode, netnsNameExists, netnsPath, rootNetnsInode, rootNetnsPath, unopenedName } from '../netnsDir';
import type { ReadOptions, Reader } from './types';

/** Two spawns at a time: more gains nothing on small machines (ip remounts /sys per call). */
const CONCURRENCY = 2;

export class IpReader implements Reader {
  readonly kind = 'ip';
  private readonly ip: IpRunner;
  private readonly tc: IpRunner;

  constructor(ipPath: string, tcPath = ipPath.replace(/ip$/, 'tc')) {
    this.ip = new IpRunner(ipPath);
    this.tc = new IpRunner(tcPath);
  }

  async read(options: ReadOptions): Promise<Namespace[]> {
    const names = options.names ?? listNetnsNames();
    const nsids = await this.rootNsids();
    const result: Namespace[] = [];
    if (options.includeRoot) {
      const inode = rootNetnsInode();
      result.push(await this.readOne(null, { name: null, path: rootNetnsPath(), inode, id: netnsId(inode), isRoot: true, interfaces: [] }));
    }
    const named: (Namespace | undefined)[] = new Array(names.length);
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const i = next++;
        const name = names[i];
        const inode = netnsInode(name);
        const base: Namespace = { name, path: netnsPath(name), inode: inode ?? 0, id: netnsId(inode ?? 0), isRoot: false, interfaces: [] };
        if (nsids.has(name)) {
          base.nsid = nsids.get(name);
        }
        if (inode === undefined) {
          const why = unopenedName(name);
          named[i] = why && { ...base, ...why };
          continue;
        }
        if (options.idsOnly) {
          named[i] = { ...base, unprivileged: true };
          continue;
        }
        const read = await this.readOne(name, base);
        named[i] = read.error !== undefined && !netnsNameExists(name) ? undefined : read; // deleted while read
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, names.length) }, worker));
    result.push(...named.filter((n) => n !== undefined));
    if (options.idsOnly) {
      return result; // peers are placed among the namespaces read inside: here only the host
    }
    resolvePeers(result);
    const ambiguous = ambiguousNamespaces(result);
    if (ambiguous.length > 0) {
      const maps: NsidMaps = new Map();
      for (const ns of ambiguous) {
        maps.set(ns, await this.nsidMap(ns));
      }
      resolvePeers(result, maps);
    }
    return result;
  }

  private async readOne(name: NetnsRef, base: Namespace): Promise<Namespace> {
    const pre = name === null ? [] : ['-n', name];
    // Two processes: one ip -batch for the addresses, the IPv4 routes and the forwarding switches
    // (one JSON list a line), and the IPv6 routes (a batch line cannot choose the family).
    const [b, r6] = await Promise.all([
      this.ip.run([...pre, '-d', '-j', '-batch', '-'], 'address show\nroute show\nnetconf show\n'),
      this.ip.run([...pre, '-d', '-j', '-6', 'route', 'show']),
    ]);
    if (!b.ok) {
      return { ...base, error: toolWords(b.stderr.replace(/Command failed -:\d+\s*/, '').trim()) || 'ip failed' };
    }
    const [addrs, routes4, netconf] = b.stdout.split('\n').filter((l) => l.trim() !== '');
    let ns: Namespace;
    try {
      ns = { ...base, interfaces: parseIpAddrJson(addrs ?? '[]') };
      // Without IPv6 routes (ip failed there alone), the namespace still shows the rest.
      if (routes4 !== undefined && r6.ok) {
        ns.routes = [...parseIpRouteJson(routes4, 4), ...parseIpRouteJson(r6.stdout, 6)];
      }
    } catch (e) {
      return { ...base, error: `Could not read ip's output: ${(e as Error).message}` };
    }
    ns.forwarding = parseForwarding(netconf);
    if ((addrs ?? '').includes('"qdisc":"netem"')) {
      const q = await this.tc.run([...pre, '-j', 'qdisc', 'show']);
      if (q.ok) {
        try {
          const byDev = parseTcQdiscJson(q.stdout);
          for (const i of ns.interfaces) {
            const n = byDev.get(i.name);
            if (n) {
              i.netem = n;
            }
          }
        } catch {
          // tc's output could not be read: the interfaces show without their impairment
        }
      }
    }
    return ns;
  }

  /** The "all" forwarding switches of `ip -j netconf show` (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding). */
  /** nsid -> namespace as seen from inside `ns` (`ip -n NS -j netns list`). */
  private async nsidMap(ns: NetnsRef): Promise<Map<number, NetnsRef>> {
    const map = new Map<number, NetnsRef>();
    const r = await this.ip.run([...(ns === null ? [] : ['-n', ns]), '-j', 'netns', 'list']);
    if (r.ok) {
      for (const [name, id] of parseNetnsListJson(r.stdout)) {
        map.set(id, name);
      }
    }
    return map;
  }

  private async rootNsids(): Promise<Map<string, number>> {
    const r = await this.ip.run(['-j', 'netns', 'list']);
    return r.ok ? parseNetnsListJson(r.stdout) : new Map();
  }

  dispose(): void {}
}

/** IPv4 and IPv6 forwarding from `ip -j netconf show` (the "all" settings); unreadable reads as off. */
function parseForwarding(text: string | undefined): { ipv4: boolean; ipv6: boolean } {
  const out = { ipv4: false, ipv6: false };
  try {
    for (const c of JSON.parse(text || '[]') as { family?: string; interface?: string; forwarding?: boolean }[]) {
      if (c.interface === 'all' && c.family === 'inet') {
        out.ipv4 = c.forwarding === true;
      } else if (c.interface === 'all' && c.family === 'inet6') {
        out.ipv6 = c.forwarding === true;
      }
    }
  } catch {
    // unreadable: shown as off
  }
  return out;
}
