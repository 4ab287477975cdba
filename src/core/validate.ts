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

export function validateInterfaceName(name: unknown): string | undefined {
  if (typeof name !== 'string') {
    return msg('An interface name must be text.');
  }
  if (name.length === 0) {
    return msg('An interface name cannot be empty.');
  }
  if (byteLength(name) > IFNAME_MAX_BYTES) {
    return msg('"{0}" is {1} bytes long; interface names are at most {2} bytes. Choose a shorter name.', name, byteLength(name), IFNAME_MAX_BYTES);
  }
  if (name === '.' || name === '..') {
    return msg('"{0}" cannot be used as an interface name. Choose another name.', name);
  }
  if (name.includes('/')) {
    return msg('An interface name cannot contain "/". Remove it.');
  }
  if (name.includes(':')) {
    return msg('An interface name cannot contain ":" (it is reserved for alias labels). Remove it.');
  }
  if (/\s/.test(name) || CONTROL.test(name)) {
    return msg('An interface name cannot contain spaces, tabs or other whitespace or control characters.');
  }
  if (name.includes('%')) {
    return msg('An interface name cannot contain "%" (the kernel treats it as a numbering template such as veth%d).');
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
