// One line per packet, in tcpdump's words (`tcpdump -n`): what the live view of a capture shows
// when tcpdump is not installed for the user. It knows Ethernet (with 802.1Q tags), Linux cooked
// and raw IP frames; ARP; IPv4 and IPv6 (skipping IPv6 extension headers); ICMP and ICMPv6; TCP
// and UDP. Anything else is named by its type and length.

import { formatBits } from '../validate';
import type { PcapHeader, PcapRecord } from './pcap';

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

export function formatMac(b: Uint8Array, at: number): string {
  return Array.from(b.subarray(at, at + 6), hex2).join(':');
}

export function formatIpv4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** An IPv6 address in its shortest form (RFC 5952, as validate.ts writes every address). */
export function formatIpv6(b: Uint8Array, at: number): string {
  let bits = 0n;
  for (let i = 0; i < 16; i++) {
    bits = (bits << 8n) | BigInt(b[at + i]);
  }
  return formatBits(bits, 6);
}

/** "17:09:39.819508": the record's time of day (local time), as tcpdump prints it. */
export function formatTime(r: PcapRecord, header: PcapHeader): string {
  const d = new Date(r.seconds * 1000);
  const frac = header.nanos ? String(r.fraction).padStart(9, '0') : String(r.fraction).padStart(6, '0');
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${frac}`;
}

/** The record as one line: its time, then what it is. */
export function decodeRecord(r: PcapRecord, header: PcapHeader): string {
  return `${formatTime(r, header)} ${describeFrame(r.data, header.linkType, r.originalLength)}`;
}

/** What a captured frame of this link type is, without its time. */
export function describeFrame(b: Uint8Array, linkType: number, originalLength = b.length): string {
  try {
    switch (linkType) {
      case 1: // Ethernet
        return ethernet(b, originalLength);
      case 113: // Linux cooked v1: 16 bytes, the protocol at 14
        return b.length < 16 ? truncated('Linux cooked', originalLength) : byEtherType(u16(b, 14), b, 16, originalLength);
      case 276: // Linux cooked v2: 20 bytes, the protocol first
        return b.length < 20 ? truncated('Linux cooked', originalLength) : byEtherType(u16(b, 0), b, 20, originalLength);
      case 12:
      case 101: // raw IP
        return b.length > 0 && b[0] >> 4 === 6 ? ipv6(b, 0) : ipv4(b, 0);
      case 228:
        return ipv4(b, 0);
      case 229:
        return ipv6(b, 0);
      default:
        return `link type ${linkType}, length ${originalLength}`;
    }
  } catch {
    return `[|truncated], length ${originalLength}`;
  }
}

function u16(b: Uint8Array, at: number): number {
  if (at + 2 > b.length) {
    throw new RangeError('short');
  }
  return (b[at] << 8) | b[at + 1];
}

function u32(b: Uint8Array, at: number): number {
  if (at + 4 > b.length) {
    throw new RangeError('short');
  }
  return ((b[at] << 24) >>> 0) + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
}

function truncated(what: string, length: number): string {
  return `${what} [|truncated], length ${length}`;
}

function ethernet(b: Uint8Array, originalLength: number): string {
  if (b.length < 14) {
    return truncated('Ethernet', originalLength);
  }
  let at = 12;
  let type = u16(b, at);
  const tags: string[] = [];
  // 802.1Q and 802.1ad tags before the real type.
  while ((type === 0x8100 || type === 0x88a8) && at + 6 <= b.length) {
    tags.push(`vlan ${u16(b, at + 2) & 0x0fff}`);
    at += 4;
    type = u16(b, at);
  }
  const inner = byEtherType(type, b, at + 2, originalLength);
  return tags.length > 0 ? `${tags.join(', ')}: ${inner}` : inner;
}

function byEtherType(type: number, b: Uint8Array, at: number, originalLength: number): string {
  switch (type) {
    case 0x0800:
      return ipv4(b, at);
    case 0x86dd:
      return ipv6(b, at);
    case 0x0806:
      return arp(b, at, originalLength - at);
    default:
      return type < 0x0600 ? `802.3, length ${type}` : `ethertype 0x${type.toString(16).padStart(4, '0')}, length ${originalLength}`;
  }
}

function arp(b: Uint8Array, at: number, length: number): string {
  const hln = b[at + 4];
  const pln = b[at + 5];
  const op = u16(b, at + 6);
  if (u16(b, at) !== 1 || u16(b, at + 2) !== 0x0800 || hln !== 6 || pln !== 4 || at + 28 > b.length) {
    return `ARP, length ${length}`;
  }
  const sha = formatMac(b, at + 8);
  const spa = formatIpv4(b, at + 14);
  const tpa = formatIpv4(b, at + 24);
  const len = Math.min(length, 28);
  switch (op) {
    case 1:
      return `ARP, Request who-has ${tpa} tell ${spa}, length ${len}`;
    case 2:
      return `ARP, Reply ${spa} is-at ${sha}, length ${len}`;
    default:
      return `ARP, op ${op}, length ${len}`;
  }
}

function ipv4(b: Uint8Array, at: number): string {
  if (at + 20 > b.length || b[at] >> 4 !== 4) {
    return `IP [|truncated]`;
  }
  const ihl = (b[at] & 0x0f) * 4;
  const total = u16(b, at + 2);
  const proto = b[at + 9];
  const src = formatIpv4(b, at + 12);
  const dst = formatIpv4(b, at + 16);
  const payload = total - ihl;
  const fragOffset = u16(b, at + 6) & 0x1fff;
  if (fragOffset !== 0) {
    return `IP ${src} > ${dst}: ip-proto-${proto}`;
  }
  return transport('IP', proto, src, dst, b, at + ihl, payload, false);
}

const IPV6_EXTENSIONS = new Set([0, 43, 60]);

function ipv6(b: Uint8Array, at: number): string {
  if (at + 40 > b.length || b[at] >> 4 !== 6) {
    return `IP6 [|truncated]`;
  }
  let payload = u16(b, at + 4);
  let next = b[at + 6];
  const src = formatIpv6(b, at + 8);
  const dst = formatIpv6(b, at + 24);
  let p = at + 40;
  let prefix = '';
  while (IPV6_EXTENSIONS.has(next) && p + 2 <= b.length) {
    if (next === 0) {
      prefix = 'HBH ';
    }
    const len = (b[p + 1] + 1) * 8;
    next = b[p];
    p += len;
    payload -= len;
  }
  if (next === 44) {
    return `IP6 ${src} > ${dst}: frag`;
  }
  return transport('IP6', next, src, dst, b, p, payload, true, prefix);
}

function transport(ip: string, proto: number, src: string, dst: string, b: Uint8Array, at: number, length: number, v6: boolean, prefix = ''): string {
  const head = `${ip} `;
  switch (proto) {
    case 1:
      return `${head}${src} > ${dst}: ${prefix}${icmp(b, at, length)}`;
    case 58:
      return `${head}${src} > ${dst}: ${prefix}${icmp6(b, at, length)}`;
    case 6:
      return `${head}${tcp(b, at, length, src, dst)}`;
    case 17: {
      const sport = u16(b, at);
      const dport = u16(b, at + 2);
      return `${head}${src}.${sport} > ${dst}.${dport}: ${prefix}UDP, length ${u16(b, at + 4) - 8}`;
    }
    default:
      return `${head}${src} > ${dst}: ${prefix}${v6 ? `ip-proto-${proto} ${length}` : `ip-proto-${proto}`}`;
  }
}

const ICMP_UNREACH: Record<number, string> = { 0: 'net', 1: 'host', 2: 'protocol', 3: 'port' };

function icmp(b: Uint8Array, at: number, length: number): string {
  const type = b[at];
  const code = b[at + 1];
  switch (type) {
    case 0:
    case 8:
      return `ICMP echo ${type === 8 ? 'request' : 'reply'}, id ${u16(b, at + 4)}, seq ${u16(b, at + 6)}, length ${length}`;
    case 3: {
      // The packet that could not be delivered follows the 8-byte header.
      const inner = at + 8;
      const dst = inner + 20 <= b.length ? formatIpv4(b, inner + 16) : '?';
      const what = ICMP_UNREACH[code];
      if (code === 3 && inner + 28 <= b.length) {
        const ihl = (b[inner] & 0x0f) * 4;
        const p = b[inner + 9] === 17 ? 'udp' : b[inner + 9] === 6 ? 'tcp' : `proto ${b[inner + 9]}`;
        return `ICMP ${dst} ${p} port ${u16(b, inner + ihl + 2)} unreachable, length ${length}`;
      }
      return `ICMP ${dst} ${what ?? `code ${code}`} unreachable, length ${length}`;
    }
    case 11:
      return `ICMP time exceeded in-transit, length ${length}`;
    default:
      return `ICMP type ${type}, code ${code}, length ${length}`;
  }
}

function icmp6(b: Uint8Array, at: number, length: number): string {
  const type = b[at];
  switch (type) {
    case 128:
    case 129:
      return `ICMP6, echo ${type === 128 ? 'request' : 'reply'}, id ${u16(b, at + 4)}, seq ${u16(b, at + 6)}, length ${length}`;
    case 133:
      return `ICMP6, router solicitation, length ${length}`;
    case 134:
      return `ICMP6, router advertisement, length ${length}`;
    case 135:
      return `ICMP6, neighbor solicitation, who has ${formatIpv6(b, at + 8)}, length ${length}`;
    case 136:
      return `ICMP6, neighbor advertisement, tgt is ${formatIpv6(b, at + 8)}, length ${length}`;
    case 143:
      return `ICMP6, multicast listener report v2, ${u16(b, at + 6)} group record(s), length ${length}`;
    case 1:
      return `ICMP6, destination unreachable, length ${length}`;
    default:
      return `ICMP6, type ${type}, length ${length}`;
  }
}

const TCP_FLAGS: [number, string][] = [
  [0x01, 'F'],
  [0x02, 'S'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'W'],
];

function tcp(b: Uint8Array, at: number, length: number, src: string, dst: string): string {
  const sport = u16(b, at);
  const dport = u16(b, at + 2);
  const seq = u32(b, at + 4);
  const ack = u32(b, at + 8);
  const offset = (b[at + 12] >> 4) * 4;
  const flagBits = b[at + 13];
  let flags = TCP_FLAGS.filter(([bit]) => flagBits & bit)
    .map(([, c]) => c)
    .join('');
  if (flagBits & 0x10) {
    flags += '.';
  }
  const win = u16(b, at + 14);
  const data = length - offset;
  const parts = [`Flags [${flags || 'none'}]`];
  if (data > 0 || flagBits & 0x07) {
    parts.push(data > 0 ? `seq ${seq}:${seq + data >>> 0}` : `seq ${seq}`);
  }
  if (flagBits & 0x10) {
    parts.push(`ack ${ack}`);
  }
  parts.push(`win ${win}`, `length ${data}`);
  return `${src}.${sport} > ${dst}.${dport}: ${parts.join(', ')}`;
}
