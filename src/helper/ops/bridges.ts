// Bridges, dummy interfaces and VLAN sub-interfaces (addLink), and bridge ports (setMaster). Each is
// one ip command; before it, the namespace is read so that what the kernel would refuse with a bare
// errno (a master that is not a bridge, a port in another namespace, a missing VLAN parent) is
// refused in words that say what to do. What slips past (a change meanwhile) is mapped from the
// kernel's answer (pure/ipErrors.ts).

import { part } from '../../core/messages';
import type { NetnsRef } from '../../core/model';
import { ipArgvOf } from '../../core/operations';
import { ProtocolError, type Request, type Result } from '../../core/protocol';
import { runIp, type HelperContext } from '../context';
import { interfacesIn } from './interfacesIn';

/** Where else an interface of that name is, for "it is in ns2" (undefined: nowhere found). */
async function elsewhere(ctx: HelperContext, name: string, not: NetnsRef): Promise<NetnsRef | undefined> {
  try {
    const all = await ctx.reader.read({ includeRoot: true });
    return all.find((ns) => ns.name !== not && ns.interfaces.some((i) => i.name === name))?.name;
  } catch {
    return undefined;
  }
}

function missing(name: string, netns: NetnsRef, role: 'port' | 'bridge' | 'parent', now: NetnsRef | undefined): ProtocolError {
  const parts = [
    netns === null
      ? part('"{0}" is not in the host namespace.', name)
      : part('"{0}" is not in namespace "{1}".', name, netns),
  ];
  if (now !== undefined) {
    parts.push(now === null ? part('It is in the host namespace.') : part('It is in namespace "{0}".', now));
  }
  if (role === 'bridge') {
    parts.push(part('A port and its bridge must be in the same namespace: move the interface to the bridge\'s namespace first, or choose a bridge there.'));
  } else if (role === 'parent') {
    parts.push(part('A VLAN interface is made in its parent\'s namespace: choose an interface there as the parent.'));
  } else {
    parts.push(part('Refresh the view and try again.'));
  }
  return new ProtocolError('ENODEV', parts);
}

export async function addLink(ctx: HelperContext, p: Request<'addLink'>): Promise<Result<'addLink'>> {
  const here = await interfacesIn(ctx, p.netns);
  if (here.some((i) => i.name === p.name)) {
    throw new ProtocolError(
      'EEXIST',
      p.netns === null
        ? part('An interface named "{0}" already exists in the host namespace. Choose another name.', p.name)
        : part('An interface named "{0}" already exists in namespace "{1}". Choose another name.', p.name, p.netns),
    );
  }
  if (p.kind === 'vlan') {
    const parent = here.find((i) => i.name === p.parent);
    if (!parent) {
      throw missing(p.parent!, p.netns, 'parent', await elsewhere(ctx, p.parent!, p.netns));
    }
    if (parent.kind === 'loopback') {
      throw new ProtocolError('EINVAL', part('"{0}" is the loopback device, which carries no VLANs. Choose an Ethernet-like interface (veth, bridge, dummy...) as the parent.', parent.name));
    }
    const same = here.find((i) => i.kind === 'vlan' && i.linkIfindex === parent.ifindex && i.vlanId === p.vlanId);
    if (same) {
      throw new ProtocolError('EEXIST', part('"{0}" already has VLAN {1}: "{2}". Choose another VLAN id, or use "{2}".', parent.name, p.vlanId!, same.name));
    }
  }
  await runIp(ctx, p, ipArgvOf(p, ctx.ipContext)!);
  return {};
}

export async function setMaster(ctx: HelperContext, p: Request<'setMaster'>): Promise<Result<'setMaster'>> {
  const here = await interfacesIn(ctx, p.netns);
  const port = here.find((i) => i.name === p.name);
  if (!port) {
    throw missing(p.name, p.netns, 'port', await elsewhere(ctx, p.name, p.netns));
  }
  if (p.master !== null) {
    if (p.master === p.name) {
      throw new ProtocolError('EINVAL', part('"{0}" cannot be a port of itself. Choose another bridge.', p.name));
    }
    const master = here.find((i) => i.name === p.master);
    if (!master) {
      throw missing(p.master, p.netns, 'bridge', await elsewhere(ctx, p.master, p.netns));
    }
    if (master.kind !== 'bridge') {
      throw new ProtocolError('EINVAL', part('"{0}" is not a bridge (it is a {1} interface): only a bridge takes ports. Choose a bridge.', master.name, master.kind));
    }
    if (port.kind === 'bridge') {
      throw new ProtocolError('EINVAL', part('"{0}" is a bridge itself, and the kernel does not make a bridge a port of another bridge. Connect them with a veth pair instead.', port.name));
    }
    if (port.kind === 'loopback') {
      throw new ProtocolError('EINVAL', part('"{0}" is the loopback device, which cannot be a bridge port.', port.name));
    }
  }
  await runIp(ctx, p, ipArgvOf(p, ctx.ipContext)!);
  return { previousMaster: port.master ?? null };
}
