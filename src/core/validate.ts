// Name and value validation following the kernel's and iproute2's rules. Each check returns
// undefined when the value is good, or a message saying what is wrong and how to fix it.

import { msg } from './messages';

/** IFNAMSIZ is 16 bytes including the terminating NUL. */
export const IFNAME_MAX_BYTES = 15;
/** ip netns builds "/run/netns/NAME" in a PATH_MAX buffer and the file name is limited by NAME_MAX. */
export const NETNS_NAME_MAX_BYTES = 255;

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Bytes the kernel's isspace() counts as space (lib/ctype.c): tab, newline, vertical tab, form
 * feed, carriage return, space, and 0xA0 (Latin-1's no-break space), which in UTF-8 is also a
 * continuation byte of characters such as "à" (C3 A0).
 */
export function isKernelSpace(byte: number): boolean {
  return (byte >= 0x09 && byte <= 0x0d) || byte === 0x20 || byte === 0xa0;
}

/** Why the kernel's dev_valid_name() refuses these bytes as an interface name, if it does. */
export type KernelNameProblem = 'empty' | 'long' | 'dots' | 'slash' | 'colon' | 'nul' | 'space' | 'template';

/**
 * The kernel's rule for a name it takes as it is, byte by byte: dev_valid_name() (not empty,
 * shorter than IFNAMSIZ, not "." or "..", no "/", ":" or isspace() byte), and no "%", which
 * dev_get_valid_name() hands to dev_alloc_name() as a numbering template such as veth%d (refused
 * unless it is one "%d", and then the name is not the one asked for). NUL is refused too: the name
 * would end there.
 */
export function kernelNameProblem(bytes: Uint8Array): KernelNameProblem | undefined {
  if (bytes.length === 0) {
    return 'empty';
  }
  if (bytes.length > IFNAME_MAX_BYTES) {
    return 'long';
  }
  if ((bytes.length === 1 && bytes[0] === 0x2e) || (bytes.length === 2 && bytes[0] === 0x2e && bytes[1] === 0x2e)) {
    return 'dots';
  }
  for (const b of bytes) {
    if (b === 0x2f) {
      return 'slash';
    }
    if (b === 0x3a) {
      return 'colon';
    }
    if (b === 0) {
      return 'nul';
    }
    if (isKernelSpace(b)) {
      return 'space';
    }
  }
  return bytes.includes(0x25) ? 'template' : undefined;
}

/** An interface name the kernel takes as it is: kernelNameProblem() on its UTF-8 bytes. */
export function validateInterfaceName(name: unknown): string | undefined {
  if (typeof name !== 'string') {
    return msg('An interface name must be text.');
  }
  const bytes = Buffer.from(name, 'utf8');
  switch (kernelNameProblem(bytes)) {
    case 'empty':
      return msg('An interface name cannot be empty.');
    case 'long':
      return msg('"{0}" is {1} bytes long; interface names are at most {2} bytes. Choose a shorter name.', name, bytes.length, IFNAME_MAX_BYTES);
    case 'dots':
      return msg('"{0}" cannot be used as an interface name. Choose another name.', name);
    case 'slash':
      return msg('An interface name cannot contain "/". Remove it.');
    case 'colon':
      return msg('An interface name cannot contain ":" (it is reserved for alias labels). Remove it.');
    case 'nul':
      return msg('An interface name cannot contain a NUL character.');
    case 'space': {
      const ch = [...name].find((c) => [...Buffer.from(c, 'utf8')].some(isKernelSpace)) ?? ' ';
      return ch.charCodeAt(0) < 0x80
        ? msg('An interface name cannot contain spaces, tabs, line breaks or other whitespace.')
        : msg('An interface name cannot contain "{0}": the kernel reads one of its bytes as a space. Choose another character.', ch);
    }
    case 'template':
      return msg('An interface name cannot contain "%" (the kernel treats it as a numbering template such as veth%d).');
  }
  return undefined;
}

/** The VLAN ids a VLAN sub-interface may have (0 and 4095 are reserved by 802.1Q). */
export const VLAN_ID_MIN = 1;
export const VLAN_ID_MAX = 4094;

export function validateVlanId(id: unknown): string | undefined {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < VLAN_ID_MIN || id > VLAN_ID_MAX) {
    return msg('A VLAN id is a whole number from {0} to {1}.', VLAN_ID_MIN, VLAN_ID_MAX);
  }
  return undefined;
}

export function validateNamespaceName(name: unknown): string | undefined {
  if (typeof name !== 'string') {
    return msg('A namespace name must be text.');
  }
  if (name.length === 0) {
    return msg('A namespace name cannot be empty.');
  }
  if (byteLength(name) > NETNS_NAME_MAX_BYTES) {
    return msg('The name is {0} bytes long; namespace names are at most {1} bytes. Choose a shorter name.', byteLength(name), NETNS_NAME_MAX_BYTES);
  }
  if (name === '.' || name === '..') {
    return msg('"{0}" cannot be used as a namespace name. Choose another name.', name);
  }
  if (name.includes('/')) {
    return msg('A namespace name cannot contain "/" (it becomes a file name in /run/netns). Remove it.');
  }
  if (CONTROL.test(name)) {
    return msg('A namespace name cannot contain control characters such as newlines or tabs.');
  }
  return undefined;
}

export function validatePid(pid: unknown): string | undefined {
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 1 || pid > 4194304) {
    return msg('A process ID must be a whole number between 1 and 4194304.');
  }
  return undefined;
}

/** Parses "10.0.0.1/24" or "fd00::1/64". Returns the parts, or a message. */
export function parseCidr(text: unknown): { family: 4 | 6; address: string; prefixLen: number } | string {
  if (typeof text !== 'string') {
    return msg('An address must be text such as 10.0.0.1/24 or fd00::1/64.');
  }
  const m = /^([0-9A-Fa-f:.]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) {
    return msg('"{0}" is not an address with a prefix length. Write it as 10.0.0.1/24 or fd00::1/64.', text);
  }
  const address = m[1];
  const prefixLen = Number(m[2]);
  if (isIPv4(address)) {
    if (prefixLen > 32) {
      return msg('An IPv4 prefix length is 0 to 32, not {0}.', prefixLen);
    }
    return { family: 4, address, prefixLen };
  }
  if (isIPv6(address)) {
    if (prefixLen > 128) {
      return msg('An IPv6 prefix length is 0 to 128, not {0}.', prefixLen);
    }
    return { family: 6, address: address.toLowerCase(), prefixLen };
  }
  return msg('"{0}" is not a valid IPv4 or IPv6 address.', address);
}

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === '0' || !p.startsWith('0')));
}

export function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || s.length > 45) {
    return false;
  }
  let head = s;
  let tailGroups = 0;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    if (!isIPv4(s.slice(lastColon + 1))) {
      return false;
    }
    head = s.slice(0, lastColon + 1) + '0';
    tailGroups = 1;
  }
  const halves = head.split('::');
  if (halves.length > 2) {
    return false;
  }
  const groups = (h: string): string[] | null => {
    if (h === '') {
      return [];
    }
    const g = h.split(':');
    return g.every((x) => /^[0-9A-Fa-f]{1,4}$/.test(x)) ? g : null;
  };
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (!left || !right) {
    return false;
  }
  const count = left.length + right.length + tailGroups;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** The address as a number (IPv4: 32 bits, IPv6: 128 bits); the text must be valid already. */
export function addressBits(address: string, family: 4 | 6): bigint {
  if (family === 4) {
    return address.split('.').reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
  }
  let text = address;
  if (text.includes('.')) {
    // An IPv4 tail is two groups.
    const i = text.lastIndexOf(':');
    const v4 = addressBits(text.slice(i + 1), 4);
    text = `${text.slice(0, i + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Whether `address` lies in `network`/`prefixLen` (both of `family`). */
export function inPrefix(address: string, network: string, prefixLen: number, family: 4 | 6): boolean {
  const width = family === 4 ? 32 : 128;
  const shift = BigInt(width - prefixLen);
  return addressBits(address, family) >> shift === addressBits(network, family) >> shift;
}

/** A single address (no prefix length): a route's gateway. */
export function parseAddress(text: unknown): { family: 4 | 6; address: string } | string {
  if (typeof text !== 'string') {
    return msg('A gateway must be an address such as 10.0.0.1 or fd00::1.');
  }
  const t = text.trim();
  if (isIPv4(t)) {
    return { family: 4, address: t };
  }
  if (isIPv6(t)) {
    return { family: 6, address: t.toLowerCase() };
  }
  return msg('"{0}" is not an IPv4 or IPv6 address. Write it as 10.0.0.1 or fd00::1, without a prefix length.', text);
}

export interface RouteDestination {
  /** Undefined for "default", which is either family. */
  family?: 4 | 6;
  /** "default", or the network with its prefix length ("10.1.0.0/24"; a host as "10.1.0.5/32"). */
  prefix: string;
}

/**
 * A route's destination: "default", a network with its prefix length (no host bits set, as the
 * kernel requires), or a single address (a host route, which ip prints without "/32").
 */
export function parseRouteDestination(text: unknown): RouteDestination | string {
  if (typeof text !== 'string') {
    return msg('A destination must be "default" or a network such as 10.1.0.0/24.');
  }
  const t = text.trim();
  if (t === 'default') {
    return { prefix: 'default' };
  }
  if (!t.includes('/')) {
    const a = parseAddress(t);
    if (typeof a === 'string') {
      return msg('"{0}" is not a destination. Write "default", a network such as 10.1.0.0/24 or fd00:1::/64, or a single address.', text);
    }
    return { family: a.family, prefix: `${a.address}/${a.family === 4 ? 32 : 128}` };
  }
  const c = parseCidr(t);
  if (typeof c === 'string') {
    return c;
  }
  const width = c.family === 4 ? 32 : 128;
  const bits = addressBits(c.address, c.family);
  const hostBits = (1n << BigInt(width - c.prefixLen)) - 1n;
  if ((bits & hostBits) !== 0n) {
    const network = formatBits(bits & ~hostBits, c.family);
    return msg('{0} has bits set after the first {1}; the network is {2}/{1}. Write that instead.', t, c.prefixLen, network);
  }
  return { family: c.family, prefix: `${c.address}/${c.prefixLen}` };
}

/** An address number as text (IPv6 in its shortest form). */
export function formatBits(bits: bigint, family: 4 | 6): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((bits >> s) & 0xffn)).join('.');
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((bits >> s) & 0xffffn));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) {
      j++;
    }
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) {
    return hex.join(':');
  }
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export const METRIC_MAX = 0xffffffff;

export function validateMetric(v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > METRIC_MAX) {
    return msg('A metric must be a whole number from 0 to {0}.', METRIC_MAX);
  }
  return undefined;
}

/** What is wrong with a route's parts together: families that differ, no way out for an add. */
export function routeProblem(p: { destination: unknown; family?: unknown; gateway?: unknown; device?: unknown }, add: boolean): string | undefined {
  const d = parseRouteDestination(p.destination);
  if (typeof d === 'string') {
    return d;
  }
  if (p.family !== undefined && p.family !== 4 && p.family !== 6) {
    return msg('The family must be 4 (IPv4) or 6 (IPv6).');
  }
  const g = p.gateway === undefined ? undefined : parseAddress(p.gateway);
  if (typeof g === 'string') {
    return g;
  }
  const families = [d.family, p.family as 4 | 6 | undefined, g?.family].filter((f): f is 4 | 6 => f !== undefined);
  if (families.some((f) => f !== families[0])) {
    return msg('The destination, the gateway and the family must all be IPv4 or all be IPv6.');
  }
  if (add && p.gateway === undefined && p.device === undefined) {
    return msg('A route needs a gateway ("via") or an interface ("dev") to send the traffic to.');
  }
  return undefined;
}

/** The family of a route: given, else that of its destination or gateway, else IPv4. */
export function routeFamily(p: { destination: string; family?: 4 | 6; gateway?: string }): 4 | 6 {
  if (p.family) {
    return p.family;
  }
  const d = parseRouteDestination(p.destination);
  if (typeof d !== 'string' && d.family) {
    return d.family;
  }
  const g = p.gateway === undefined ? undefined : parseAddress(p.gateway);
  return typeof g === 'object' ? g.family : 4;
}
