// Echo requests from inside a namespace, to an address that an interface of one of this host's
// namespaces has (nothing leaves the machine's own namespaces). ping runs by absolute path,
// entered into the namespace by nsenter (a path, never a name ip could read as an option), with a
// bounded count, a reply wait of one second and a deadline. The answer says when the machine's
// neighbour table ran out of room meanwhile (see neighbourTable.ts): a lost echo is then no broken link.

import { part } from '../../core/messages';
import type { Namespace, NetnsRef } from '../../core/model';
import type { Request, Result } from '../../core/operations';
import { ProtocolError } from '../../core/protocol';
import { findProgram } from '../../platform/programs';
import type { HelperContext } from '../context';
import { childProcess } from '../lazyModules';
import { filledSince, neighbourTableFulls } from '../neighbourTable';
import { netnsPath } from '../netnsDir';
import { checkLocalAddress } from '../policy/rules';

const DEFAULT_COUNT = 3;

export async function ping(ctx: HelperContext, p: Request<'ping'>): Promise<Result<'ping'>> {
  const { all, owner } = await findOwner(ctx, p);
  checkLocalAddress(p.address, owner !== undefined);
  const pingPath = findProgram('ping');
  if (!pingPath) {
    throw new ProtocolError('ENOENT', part('ping is not installed (Debian: apt-get install iputils-ping).'));
  }
  const count = p.count ?? DEFAULT_COUNT;
  const from = p.source === undefined ? [] : ['-I', sourceAddress(all, p.netns, p.source)];
  const pingArgv = [pingPath, '-n', '-c', String(count), '-i', '0.2', '-W', '1', '-w', String(count + 1), ...from, p.address];
  const argv = p.netns === null ? pingArgv : [nsenterPath(), `--net=${netnsPath(p.netns)}`, '--', ...pingArgv];
  ctx.log(`ping: ${argv.join(' ')}`);
  const family = p.address.includes(':') ? 6 : 4;
  const fulls = neighbourTableFulls(family);
  const timeoutS = count + 3;
  const { out, timedOut } = await run(argv, timeoutS * 1000);
  const full = filledSince(family, fulls);
  const summary = /(\d+) packets transmitted, (\d+) received/.exec(out);
  if (!summary && timedOut) {
    throw new ProtocolError('EBUSY', part('ping did not finish within {0} seconds: the machine is busy. Try again.', timeoutS));
  }
  if (!summary && /Network is unreachable/.test(out)) {
    throw new ProtocolError('ENETUNREACH', part('{0} has no route to {1}: the kernel sent nothing (Network is unreachable).', p.netns ?? 'the host namespace', p.address));
  }
  if (!summary) {
    throw new ProtocolError('EIO', part('ping gave no summary: {0}', out.trim().split('\n').slice(-1)[0] ?? ''));
  }
  return {
    transmitted: Number(summary[1]),
    received: Number(summary[2]),
    rttMs: [...out.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1])),
    target: owner as NonNullable<typeof owner>,
    ...(full ? { neighbourTableFull: { family: full.family, entries: full.entries, max: full.max } } : {}),
  };
}

/**
 * The namespaces read for the ping and the interface that has its address. With `addressIn` only
 * that namespace and the sending one are read (Check All veth Links sends one ping per veth end:
 * a whole read for each made it quadratic); when the address is not there, every namespace is.
 */
async function findOwner(ctx: HelperContext, p: Request<'ping'>): Promise<{ all: Namespace[]; owner?: { netns: NetnsRef; name: string } }> {
  const ownerIn = (all: Namespace[]) =>
    all.flatMap((ns) => ns.interfaces.filter((i) => i.addresses.some((a) => a.address === p.address)).map((i) => ({ netns: ns.name, name: i.name })))[0];
  if (p.addressIn !== undefined) {
    const refs = [p.netns, p.addressIn];
    const some = await ctx.reader.read({ names: [...new Set(refs.filter((r): r is string => r !== null))], includeRoot: refs.includes(null) });
    const owner = ownerIn(some);
    if (owner) {
      return { all: some, owner };
    }
  }
  const all = await ctx.reader.read({ includeRoot: true });
  return { all, owner: ownerIn(all) };
}

/** `source` as it stands on an interface of the namespace it is sent from (else refused). */
function sourceAddress(all: Namespace[], netns: NetnsRef, source: string): string {
  const ns = all.find((n) => n.name === netns);
  const own = ns?.interfaces.flatMap((i) => i.addresses).find((a) => a.address === source.toLowerCase() || a.address === source);
  if (!own) {
    throw new ProtocolError('EINVAL', part('{0} is not an address of {1}: a ping is sent from an address of its own namespace.', source, netns ?? 'the host namespace'));
  }
  return own.address;
}

function nsenterPath(): string {
  const path = findProgram('nsenter');
  if (!path) {
    throw new ProtocolError('ENOENT', part('nsenter is not installed (Debian: apt-get install util-linux).'));
  }
  return path;
}

/** Its output whatever the exit status (ping exits 1 when no reply came), and whether it was killed after `timeoutMs`. */
function run(argv: string[], timeoutMs: number): Promise<{ out: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    childProcess().execFile(argv[0], argv.slice(1), { timeout: timeoutMs, maxBuffer: 64 * 1024, env: { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } }, (e, stdout, stderr) =>
      resolve({ out: `${stdout}\n${stderr}`, timedOut: e?.killed === true }),
    );
  });
}
