// Test fixture for real-kernel tests: a unique name prefix per run, `ip -j` read-backs, and a
// cleanup that removes every namespace and root-namespace link carrying the prefix (and only
// those), also when a test fails.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => fs.existsSync(p)) ?? '/usr/sbin/ip';

/** True when the kernel tests can run here: root and iproute2 present. */
export function kernelAvailable(): string | undefined {
  if (process.getuid?.() !== 0) {
    return 'root (the kernel suite creates real namespaces)';
  }
  if (!fs.existsSync(IP)) {
    return 'iproute2 (ip)';
  }
  return undefined;
}

let counter = 0;

/**
 * A short prefix unique to this process: interface names have only 15 bytes, so it stays at 5
 * characters ("t" + 4 base-36 digits from the pid and time) and leaves 10 for the test's own part.
 */
export function uniquePrefix(): string {
  const n = (process.pid * 7919 + Date.now() + counter++ * 104729) % 36 ** 4;
  return 't' + n.toString(36).padStart(4, '0');
}

export function ip(args: string[]): string {
  return execFileSync(IP, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function ipTry(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(IP, args, { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface IpLinkJson {
  ifindex: number;
  ifname: string;
  flags: string[];
  operstate: string;
  link?: string;
  link_index?: number;
  link_netnsid?: number;
  address?: string;
  mtu: number;
  linkinfo?: { info_kind?: string; info_slave_kind?: string; info_slave_data?: { state?: string } };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

/** `ip -d -j addr` in a namespace (null = root). */
export function links(netns: string | null): IpLinkJson[] {
  const pre = netns === null ? [] : ['-n', netns];
  return JSON.parse(ip([...pre, '-d', '-j', 'address', 'show']) || '[]') as IpLinkJson[];
}

export function linkNames(netns: string | null): string[] {
  return links(netns).map((l) => l.ifname);
}

export function netnsNames(): string[] {
  try {
    return fs.readdirSync('/run/netns').sort();
  } catch {
    return [];
  }
}

/** Removes everything carrying the prefix: namespaces in /run/netns and links in the root namespace. */
export function cleanupPrefix(prefix: string): void {
  for (const name of netnsNames()) {
    if (name.includes(prefix)) {
      ipTry(['netns', 'delete', name]);
    }
  }
  for (const l of links(null)) {
    if (l.ifname.includes(prefix)) {
      ipTry(['link', 'delete', 'dev', l.ifname]);
    }
  }
}

/** Registers cleanup on process exit and signals, in addition to the test's own after(). */
export function cleanupOnExit(prefix: string): void {
  const run = () => {
    try {
      cleanupPrefix(prefix);
    } catch {
      // best effort at exit
    }
  };
  process.once('exit', run);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      run();
      process.exit(130);
    });
  }
}

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const helperPath = path.join(repoRoot, 'dist', 'helper.js');
