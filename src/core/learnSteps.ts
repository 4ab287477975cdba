// When the steps of the "Learn Network Namespaces" walkthrough are done, read from the model: the
// walkthrough completes a step when the kernel shows it, whether the learner used its button, the
// tree or a terminal of their own.

import type { Namespace } from './model';

export interface LearnSteps {
  /** At least two named namespaces. */
  twoNamespaces: boolean;
  /** A veth pair anywhere. */
  veth: boolean;
  /** A veth pair whose ends are in two different named namespaces. */
  vethAcross: boolean;
  /** Such a pair with an IPv4 address on each end and both ends up. */
  addressed: boolean;
  /** A bridge with at least two ports, in a named namespace. */
  bridge: boolean;
  /** A named namespace with IPv4 forwarding on and IPv4 addresses in two subnets (the host, which often forwards for containers, does not count). */
  router: boolean;
}

const isUp = (flags: string[]) => flags.includes('UP');

export function learnSteps(namespaces: readonly Namespace[]): LearnSteps {
  const named = namespaces.filter((ns) => !ns.isRoot && !ns.notNamespace);
  const veths = namespaces.flatMap((ns) => ns.interfaces.filter((i) => i.kind === 'veth').map((i) => ({ ns, i })));
  const across = veths.filter(({ ns, i }) => !ns.isRoot && typeof i.peer?.netns === 'string' && i.peer.netns !== ns.name);
  // By name once: the model may hold thousands of namespaces, and this runs on each change.
  const byName = new Map(namespaces.map((ns) => [ns.name, ns]));
  const addressed = across.some(({ i }) => {
    const peer = byName.get(i.peer?.netns ?? null)?.interfaces.find((p) => p.name === i.peer?.name);
    return !!peer && [i, peer].every((end) => isUp(end.flags) && end.addresses.some((a) => a.family === 4));
  });
  const bridge = named.some((ns) => ns.interfaces.some((br) => br.kind === 'bridge' && ns.interfaces.filter((p) => p.master === br.name).length >= 2));
  const router = named.some((ns) => {
    if (!ns.forwarding?.ipv4) {
      return false;
    }
    const subnets = new Set(ns.interfaces.flatMap((i) => i.addresses.filter((a) => a.family === 4 && !a.address.startsWith('127.')).map((a) => subnetOf(a.address, a.prefixLen))));
    return subnets.size >= 2;
  });
  return { twoNamespaces: named.length >= 2, veth: veths.length > 0, vethAcross: across.length > 0, addressed, bridge, router };
}

/** "10.0.1.0/24" for 10.0.1.7/24. */
function subnetOf(address: string, prefixLen: number): string {
  const n = address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - prefixLen);
  const net = Math.floor(n / size) * size;
  return `${[24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.')}/${prefixLen}`;
}
