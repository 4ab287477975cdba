// The read operations of a namespace inspection besides its sockets (sockets.ts): neighbours and
// routing (ip's JSON, run by absolute path in the bounded slots, with a time and size bound of
// their own), the firewall (nft, or the legacy iptables tables where only those are in use), key
// sysctls (read from /proc/sys/net with the thread inside the namespace) and the files of
// /etc/netns/NAME (regular files only, never through a symlink, size-bounded).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseNeighbours, parseRules, parseTableRoutes } from '../../core/inspect/ipJson';
import {
  INSPECT_LIMITS,
  type FirewallResult,
  type NeighboursResult,
  type NetnsFile,
  type NetnsFilesResult,
  type RulesResult,
  type SysctlsResult,
  type SysctlValue,
} from '../../core/inspect/types';
import { netnsExecCommand } from '../../core/ipCommand';
import { part } from '../../core/messages';
import { shellLine } from '../../core/shell';
import type { NetnsRef } from '../../core/model';
import type { Request } from '../../core/operations';
import { ProtocolError } from '../../core/protocol';
import { findProgram } from '../../platform/programs';
import { bound } from '../caller';
import type { HelperContext } from '../context';
import { IpRunner, type IpResult } from '../ipRunner';
import { checkHostFirewall } from '../policy/rules';
import { insideSync, openNetns } from './inspectNetns';

const BOUNDS = { timeoutMs: INSPECT_LIMITS.programMs, maxBytes: INSPECT_LIMITS.outputBytes };

/** `ip [-n NS] ARGS` within the bounds; a failure is an error in words, ip's own text as its detail. */
async function ipJson(ctx: HelperContext, netns: NetnsRef, args: string[]): Promise<string> {
  const argv = [...(netns === null ? [] : ['-n', netns]), '-j', ...args];
  const r = await ctx.ip.run(argv, undefined, BOUNDS);
  const line = shellLine(['ip', ...argv]);
  if (r.timedOut) {
    throw new ProtocolError('EIO', part('"{0}" took longer than {1} seconds and was stopped.', line, INSPECT_LIMITS.programMs / 1000));
  }
  if (r.truncated) {
    throw new ProtocolError('EIO', part('"{0}" printed more than {1} MiB; that is more than is shown.', line, INSPECT_LIMITS.outputBytes / 1024 / 1024));
  }
  if (!r.ok) {
    // IPv6 switched off in the namespace (or the kernel): nothing of that family to show.
    if (args.includes('-6') && /Address family not supported|not supported by protocol/i.test(r.stderr)) {
      return '[]';
    }
    throw new ProtocolError('EIO', part('"{0}" failed. See the log for what it said.', line), r.stderr.trim().slice(0, 500));
  }
  return r.stdout;
}

export async function readNeighbours(ctx: HelperContext, p: Request<'readNeighbours'>): Promise<NeighboursResult> {
  const [v4, v6] = await Promise.all([ipJson(ctx, p.netns, ['-4', 'neigh', 'show']), ipJson(ctx, p.netns, ['-6', 'neigh', 'show'])]);
  const all = [...parseNeighbours(v4, 4), ...parseNeighbours(v6, 6)];
  return { neighbours: all.slice(0, INSPECT_LIMITS.neighbours), truncated: all.length > INSPECT_LIMITS.neighbours };
}

export async function readRules(ctx: HelperContext, p: Request<'readRules'>): Promise<RulesResult> {
  const [r4, r6, t4, t6] = await Promise.all([
    ipJson(ctx, p.netns, ['-4', 'rule', 'show']),
    ipJson(ctx, p.netns, ['-6', 'rule', 'show']),
    ipJson(ctx, p.netns, ['-4', 'route', 'show', 'table', 'all']),
    ipJson(ctx, p.netns, ['-6', 'route', 'show', 'table', 'all']),
  ]);
  const routes = [...parseTableRoutes(t4, 4), ...parseTableRoutes(t6, 6)];
  return {
    rules: [...parseRules(r4, 4), ...parseRules(r6, 6)],
    routes: routes.slice(0, INSPECT_LIMITS.routes),
    truncated: routes.length > INSPECT_LIMITS.routes,
  };
}

// ---- firewall -----------------------------------------------------------------------------------

/** The legacy (not nf_tables) iptables-save for a family, if this machine has one. */
function legacySave(family: 4 | 6): string | undefined {
  const name = family === 4 ? 'iptables' : 'ip6tables';
  const explicit = findProgram(`${name}-legacy-save`);
  if (explicit) {
    return explicit;
  }
  const plain = findProgram(`${name}-save`);
  try {
    // Debian's alternatives: iptables-save -> xtables-legacy-multi or xtables-nft-multi.
    return plain && /legacy/.test(path.basename(fs.realpathSync(plain))) ? plain : undefined;
  } catch {
    return undefined;
  }
}

/** A program run inside the namespace: `ip netns exec NS PROGRAM ARGS` (ip enters it first), or directly in the host's. */
function runIn(ctx: HelperContext, netns: NetnsRef, program: string, args: string[]): Promise<IpResult> {
  return netns === null ? new IpRunner(program).run(args, undefined, BOUNDS) : ctx.ip.run(['netns', 'exec', netns, program, ...args], undefined, BOUNDS);
}

function checkRun(r: IpResult, program: string, args: string[], netns: NetnsRef): void {
  const line = netnsExecCommand(netns, [path.basename(program), ...args]);
  if (r.timedOut) {
    throw new ProtocolError('EIO', part('"{0}" took longer than {1} seconds and was stopped.', line, INSPECT_LIMITS.programMs / 1000));
  }
  if (!r.ok && !r.truncated) {
    throw new ProtocolError('EIO', part('"{0}" failed. See the log for what it said.', line), r.stderr.trim().slice(0, 500));
  }
}

export async function readFirewall(ctx: HelperContext, p: Request<'readFirewall'>): Promise<FirewallResult> {
  if (p.netns === null) {
    checkHostFirewall(ctx);
  }
  const nft = findProgram('nft');
  const legacy = { 4: legacySave(4), 6: legacySave(6) };
  const installed = { nft: nft !== undefined, iptablesLegacy: legacy[4] !== undefined || legacy[6] !== undefined };
  let nftText: string | undefined;
  if (nft) {
    const r = await runIn(ctx, p.netns, nft, ['list', 'ruleset']);
    checkRun(r, nft, ['list', 'ruleset'], p.netns);
    if (r.stdout.trim() !== '') {
      return { tool: 'nft', text: r.stdout, truncated: r.truncated === true, installed };
    }
    nftText = r.stdout;
  }
  // nftables shows nothing (or is not there): the legacy tables, if any are in use here.
  if (installed.iptablesLegacy) {
    const parts: string[] = [];
    let truncated = false;
    for (const family of [4, 6] as const) {
      const program = legacy[family];
      if (!program) {
        continue;
      }
      const r = await runIn(ctx, p.netns, program, []);
      checkRun(r, program, [], p.netns);
      truncated ||= r.truncated === true;
      if (/^\*/m.test(r.stdout)) {
        parts.push(r.stdout);
      }
    }
    if (parts.length > 0) {
      return { tool: 'iptables-legacy', text: parts.join('\n'), truncated, installed };
    }
  }
  return { tool: nft ? 'nft' : installed.iptablesLegacy ? 'iptables-legacy' : null, text: nftText ?? '', truncated: false, installed };
}

// ---- sysctls ------------------------------------------------------------------------------------

const GLOBAL_KEYS = ['net.ipv4.ip_forward', 'net.ipv4.ip_local_port_range', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const V4_CONF = ['forwarding', 'rp_filter', 'proxy_arp', 'arp_ignore', 'arp_announce', 'accept_local', 'route_localnet'];
const V6_CONF = ['forwarding', 'disable_ipv6', 'accept_ra', 'accept_dad'];

function readKey(key: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, 'utf8').trim().replace(/\s+/g, ' ');
  } catch {
    return undefined; // not in this kernel, or IPv6 off
  }
}

/** The interfaces of a conf folder: all, default, then up to the bound by name. */
function confNames(family: 'ipv4' | 'ipv6'): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(`/proc/sys/net/${family}/conf`);
  } catch {
    return [];
  }
  const own = names.filter((n) => n !== 'all' && n !== 'default' && !n.includes('.')).sort();
  return ['all', 'default', ...own.slice(0, INSPECT_LIMITS.sysctlInterfaces)];
}

export function readSysctls(_ctx: HelperContext, p: Request<'readSysctls'>): SysctlsResult {
  const ns = openNetns(p.netns);
  try {
    // /proc/sys/net shows the namespace of the thread that opens its files.
    const values = insideSync(ns, () => {
      const out: SysctlValue[] = [];
      const add = (key: string) => {
        const value = readKey(key);
        if (value !== undefined) {
          out.push({ key, value });
        }
      };
      GLOBAL_KEYS.forEach(add);
      for (const name of confNames('ipv4')) {
        V4_CONF.forEach((k) => add(`net.ipv4.conf.${name}.${k}`));
      }
      for (const name of confNames('ipv6')) {
        V6_CONF.forEach((k) => add(`net.ipv6.conf.${name}.${k}`));
      }
      return out;
    });
    return { values };
  } finally {
    ns.close();
  }
}

// ---- /etc/netns/NAME ----------------------------------------------------------------------------

export const NETNS_ETC_DIR = '/etc/netns';

const O_NOFOLLOW = fs.constants.O_NOFOLLOW;
const O_NONBLOCK = fs.constants.O_NONBLOCK;
const O_NOCTTY = fs.constants.O_NOCTTY;

/** One file, opened without following a symlink; what it holds, or why it was not read. */
function readNetnsFile(dir: string, name: string, callerUid: number, policyBinds: boolean, limits: typeof INSPECT_LIMITS): NetnsFile {
  const file = path.join(dir, name);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { name, size: 0, skipped: code === 'ELOOP' ? 'symlink' : 'notReadable' };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      return { name, size: 0, skipped: 'notRegular' };
    }
    // For an ordinary user, only what they could read themselves.
    const readable = !policyBinds || (st.mode & 0o004) !== 0 || (st.uid === callerUid && (st.mode & 0o400) !== 0);
    if (!readable) {
      return { name, size: st.size, skipped: 'notReadable' };
    }
    if (st.size > limits.fileBytes) {
      return { name, size: st.size, skipped: 'tooLarge' };
    }
    const buf = Buffer.alloc(limits.fileBytes + 1);
    let n = 0;
    while (n < buf.length) {
      const got = fs.readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) {
        break;
      }
      n += got;
    }
    if (n > limits.fileBytes) {
      return { name, size: n, skipped: 'tooLarge' }; // grew since fstat
    }
    const data = buf.subarray(0, n);
    if (data.includes(0)) {
      return { name, size: n, skipped: 'binary' };
    }
    return { name, size: n, text: data.toString('utf8') };
  } finally {
    fs.closeSync(fd);
  }
}

export function readNetnsFiles(ctx: HelperContext, p: Request<'readNetnsFiles'>, limits = INSPECT_LIMITS, root = NETNS_ETC_DIR): NetnsFilesResult {
  const dir = path.join(root, p.netns);
  const none = (refused?: NetnsFilesResult['refused']): NetnsFilesResult => ({ dir, exists: refused !== undefined, files: [], ...(refused ? { refused } : {}) });
  let st: fs.Stats;
  try {
    // Neither /etc/netns nor its NAME folder may be a symlink: nothing is read through one.
    if (!fs.lstatSync(root).isDirectory()) {
      return none(fs.lstatSync(root).isSymbolicLink() ? 'symlink' : 'notDirectory');
    }
    st = fs.lstatSync(dir);
  } catch {
    return none();
  }
  if (st.isSymbolicLink()) {
    return none('symlink');
  }
  if (!st.isDirectory()) {
    return none('notDirectory');
  }
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return none('notReadable');
  }
  const binds = bound(ctx.caller);
  const files = names.map((name, i) =>
    i < limits.files ? readNetnsFile(dir, name, ctx.caller.uid, binds, limits) : ({ name, size: 0, skipped: 'tooMany' } as NetnsFile),
  );
  // The folder must still be the one looked at (not swapped for a symlink meanwhile).
  try {
    const again = fs.lstatSync(dir);
    if (again.isSymbolicLink() || again.ino !== st.ino || again.dev !== st.dev) {
      return none('symlink');
    }
  } catch {
    return none();
  }
  return { dir, exists: true, files };
}
