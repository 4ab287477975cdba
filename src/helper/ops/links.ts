// Interface operations that need more than their one ip command: veth pairs (automatic names) and
// moves (the destination's inode in the answer). The plain ones run through runIpOp.

import { part } from '../../core/messages';
import { freeVethNames } from '../pure/autoNames';
import type { NetnsRef } from '../../core/model';
import { ipArgvOf } from '../../core/operations';
import { ProtocolError, type Request, type Result } from '../../core/protocol';
import { runIp, type HelperContext } from '../context';
import type { Admitted } from '../handlers';
import { netnsInode } from '../netnsDir';
import { interfacesIn } from './interfacesIn';

async function namesIn(ctx: HelperContext, ns: NetnsRef): Promise<string[]> {
  return (await interfacesIn(ctx, ns)).map((i) => i.name);
}

/**
 * Creates both ends in one netlink request (ip link add ... netns A type veth peer ... netns B), so
 * the kernel makes both or neither: no half pair is ever left behind.
 */
export async function addVeth(ctx: HelperContext, p: Request<'addVeth'>): Promise<Result<'addVeth'>> {
  const netns = p.netns ?? null;
  const peerNetns = p.peerNetns ?? null;
  if (p.name !== undefined && p.name === p.peer && netns === peerNetns) {
    throw new ProtocolError('EINVAL', part('The two ends of a veth pair need different names in the same namespace.'));
  }
  for (let attempt = 0; ; attempt++) {
    let name = p.name;
    let peer = p.peer;
    if (name === undefined || peer === undefined) {
      const here = await namesIn(ctx, netns);
      if (netns === peerNetns) {
        const taken = [...here, ...(name ? [name] : []), ...(peer ? [peer] : [])];
        const free = freeVethNames(taken, 2);
        name ??= free.shift()!;
        peer ??= free.shift()!;
      } else {
        name ??= freeVethNames(here, 1)[0];
        peer ??= freeVethNames(await namesIn(ctx, peerNetns), 1)[0];
      }
    }
    const req = { op: 'addVeth' as const, name, peer, netns, peerNetns };
    try {
      await runIp(ctx, req, ipArgvOf(req, ctx.ipContext)!);
      return { name, peer, netns, peerNetns };
    } catch (e) {
      // Someone took an automatic name meanwhile: pick again.
      const auto = p.name === undefined || p.peer === undefined;
      if (auto && e instanceof ProtocolError && e.code === 'EEXIST' && attempt < 3) {
        continue;
      }
      throw e;
    }
  }
}

export async function moveLink(ctx: HelperContext, p: Request<'moveLink'>, { held }: Admitted): Promise<Result<'moveLink'>> {
  if (p.toPid === undefined) {
    const to = p.to ?? null;
    await runIp(ctx, p, ipArgvOf(p, ctx.ipContext)!);
    return { name: p.name, toInode: to === null ? ctx.rootInode : netnsInode(to)! };
  }
  // Into the namespace admit checked and holds open (ip opens the helper's descriptor), not
  // whatever the PID names by now.
  const target = held.pidNetns(p.toPid);
  const heldPath = `/proc/${process.pid}/fd/${target.fd}`;
  await runIp(ctx, p, ipArgvOf(p, { ...ctx.ipContext, pidNetnsPath: () => heldPath })!);
  return { name: p.name, toInode: target.inode };
}
