// rtnetlink messages as bytes: building requests and parsing the kernel's answers and
// notifications into the model, the way `ip -d -j address show` describes them (same flag names
// and order, same states, scopes and address formats), so that both readers agree.
//
// Pure: works on Buffers only. Malformed input throws NetlinkFormatError or is skipped; nothing
// here can loop forever (every step advances by at least one aligned header).

import { kindOf } from './ipJson';
import type { Address, Interface, Route } from '../../core/model';

// ---- constants (linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h, net_namespace.h) ----------

export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;

export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP = 0x300;

export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;
export const RTM_NEWNSID = 88;
export const RTM_DELNSID = 89;
export const RTM_GETNSID = 90;

export const RTMGRP_LINK = 0x1;
export const RTMGRP_IPV4_IFADDR = 0x10;
export const RTMGRP_IPV6_IFADDR = 0x100;
export const RTMGRP_IPV4_ROUTE = 0x40;
export const RTMGRP_IPV6_ROUTE = 0x400;
/** RTNLGRP_NSID (28): RTM_NEWNSID / RTM_DELNSID when the socket's namespace gives or drops an nsid. */
export const RTMGRP_NSID = 1 << (28 - 1);

export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;

export const IFLA_ADDRESS = 1;
export const IFLA_IFNAME = 3;
export const IFLA_MTU = 4;
export const IFLA_LINK = 5;
export const IFLA_QDISC = 6;
export const IFLA_MASTER = 10;
export const IFLA_OPERSTATE = 16;
export const IFLA_LINKINFO = 18;
export const IFLA_EXT_MASK = 29;
export const IFLA_LINK_NETNSID = 37;
export const IFLA_TARGET_NETNSID = 46;
export const IFLA_INFO_KIND = 1;
export const IFLA_INFO_DATA = 2;
/** In IFLA_INFO_DATA of a vlan: the VLAN id, a u16. */
export const IFLA_VLAN_ID = 1;
/** Leaves the statistics out of link messages: a fraction of the bytes to copy and parse. */
export const RTEXT_FILTER_SKIP_STATS = 1 << 3;

export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;

export const NETNSA_NSID = 1;
export const NETNSA_FD = 3;

const NLA_TYPE_MASK = 0x3fff; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
const IFINFOMSG_LEN = 16;
const IFADDRMSG_LEN = 8;
const RTGENMSG_LEN = 4; // one byte, padded
const RTMSG_LEN = 12;

export const RTA_DST = 1;
export const RTA_OIF = 4;
export const RTA_GATEWAY = 5;
export const RTA_PRIORITY = 6;
export const RTA_PREFSRC = 7;
export const RTA_TABLE = 15;
export const RTA_VIA = 18;
export const RT_TABLE_MAIN = 254;
/** rtm_flags of a cached (exception) route, which ip route show leaves out. */
export const RTM_F_CLONED = 0x200;

export class NetlinkFormatError extends Error {}

const align4 = (n: number) => (n + 3) & ~3;

// ---- encoding ---------------------------------------------------------------------------------

export interface Attr {
  type: number;
  data: Buffer;
}

export function u32Attr(type: number, value: number): Attr {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(value >>> 0);
  return { type, data };
}

export function s32Attr(type: number, value: number): Attr {
  const data = Buffer.alloc(4);
  data.writeInt32LE(value);
  return { type, data };
}

/** A NUL-terminated string attribute, as the kernel sends names. */
export function strAttr(type: number, value: string): Attr {
  return { type, data: Buffer.concat([Buffer.from(value, 'utf8'), Buffer.alloc(1)]) };
}

export function nestedAttr(type: number, attrs: Attr[]): Attr {
  return { type, data: encodeAttrs(attrs) };
}

export function encodeAttrs(attrs: Attr[]): Buffer {
  const out = Buffer.alloc(attrs.reduce((n, a) => n + align4(4 + a.data.length), 0));
  let off = 0;
  for (const a of attrs) {
    out.writeUInt16LE(4 + a.data.length, off);
    out.writeUInt16LE(a.type, off + 2);
    a.data.copy(out, off + 4);
    off += align4(4 + a.data.length);
  }
  return out;
}

export interface MessageSpec {
  type: number;
  flags: number;
  seq?: number;
  pid?: number;
  /** The fixed header after nlmsghdr (ifinfomsg, ifaddrmsg, rtgenmsg...). */
  header: Buffer;
  attrs?: Attr[];
}

export function encodeMessage(m: MessageSpec): Buffer {
  const attrs = encodeAttrs(m.attrs ?? []);
  const headerLen = align4(m.header.length);
  const len = NLMSG_HDRLEN + headerLen + attrs.length;
  const out = Buffer.alloc(len);
  out.writeUInt32LE(len, 0);
  out.writeUInt16LE(m.type, 4);
  out.writeUInt16LE(m.flags, 6);
  out.writeUInt32LE((m.seq ?? 0) >>> 0, 8);
  out.writeUInt32LE((m.pid ?? 0) >>> 0, 12);
  m.header.copy(out, NLMSG_HDRLEN);
  attrs.copy(out, NLMSG_HDRLEN + headerLen);
  return out;
}

export interface IfinfoSpec {
  family?: number;
  type?: number;
  index?: number;
  flags?: number;
  change?: number;
}

export function ifinfomsg(h: IfinfoSpec = {}): Buffer {
  const b = Buffer.alloc(IFINFOMSG_LEN);
  b.writeUInt8(h.family ?? AF_UNSPEC, 0);
  b.writeUInt16LE(h.type ?? 0, 2);
  b.writeInt32LE(h.index ?? 0, 4);
  b.writeUInt32LE((h.flags ?? 0) >>> 0, 8);
  b.writeUInt32LE((h.change ?? 0) >>> 0, 12);
  return b;
}

export interface IfaddrSpec {
  family: number;
  prefixLen?: number;
  flags?: number;
  scope?: number;
  index?: number;
}

export function ifaddrmsg(h: IfaddrSpec): Buffer {
  const b = Buffer.alloc(IFADDRMSG_LEN);
  b.writeUInt8(h.family, 0);
  b.writeUInt8(h.prefixLen ?? 0, 1);
  b.writeUInt8(h.flags ?? 0, 2);
  b.writeUInt8(h.scope ?? 0, 3);
  b.writeUInt32LE((h.index ?? 0) >>> 0, 4);
  return b;
}

export function rtgenmsg(family = AF_UNSPEC): Buffer {
  const b = Buffer.alloc(RTGENMSG_LEN);
  b.writeUInt8(family, 0);
  return b;
}

/** RTM_GETLINK dump of every link, without statistics. */
export function linkDumpRequest(seq = 0): Buffer {
  return encodeMessage({
    type: RTM_GETLINK,
    flags: NLM_F_REQUEST | NLM_F_DUMP,
    seq,
    header: ifinfomsg(),
    attrs: [u32Attr(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)],
  });
}

/** RTM_GETADDR dump of every address of every family. */
export function addrDumpRequest(seq = 0): Buffer {
  return encodeMessage({ type: RTM_GETADDR, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, header: ifaddrmsg({ family: AF_UNSPEC }) });
}

export interface RtmsgSpec {
  family: number;
  dstLen?: number;
  table?: number;
  protocol?: number;
  scope?: number;
  type?: number;
  flags?: number;
}

export function rtmsg(h: RtmsgSpec): Buffer {
  const b = Buffer.alloc(RTMSG_LEN);
  b.writeUInt8(h.family, 0);
  b.writeUInt8(h.dstLen ?? 0, 1);
  b.writeUInt8(h.table ?? 0, 4);
  b.writeUInt8(h.protocol ?? 0, 5);
  b.writeUInt8(h.scope ?? 0, 6);
  b.writeUInt8(h.type ?? 0, 7);
  b.writeUInt32LE((h.flags ?? 0) >>> 0, 8);
  return b;
}

/** RTM_GETROUTE dump of every table of every family, in one exchange (IPv4 comes before IPv6). */
export function routeDumpRequest(seq = 0): Buffer {
  return encodeMessage({ type: RTM_GETROUTE, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, header: rtmsg({ family: AF_UNSPEC }) });
}

/**
 * RTM_GETROUTE dump of the main table of every family: with strict checking on the socket
 * (NETLINK_GET_STRICT_CHK) the kernel walks that table alone, not the local table as well.
 */
export function mainRouteDumpRequest(seq = 0): Buffer {
  return encodeMessage({ type: RTM_GETROUTE, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, header: rtmsg({ family: AF_UNSPEC }), attrs: [u32Attr(RTA_TABLE, RT_TABLE_MAIN)] });
}

/** RTM_GETNSID for the namespace behind an open fd: asks, never assigns an id. */
export function nsidByFdRequest(fd: number, seq = 0): Buffer {
  return encodeMessage({ type: RTM_GETNSID, flags: NLM_F_REQUEST, seq, header: rtgenmsg(), attrs: [u32Attr(NETNSA_FD, fd)] });
}

/** RTM_NEWNSID: gives the namespace behind an open fd the id `nsid` in the socket's namespace (acked). */
export function newNsidRequest(fd: number, nsid: number, seq = 0): Buffer {
  return encodeMessage({ type: RTM_NEWNSID, flags: NLM_F_REQUEST | NLM_F_ACK, seq, header: rtgenmsg(), attrs: [s32Attr(NETNSA_NSID, nsid), u32Attr(NETNSA_FD, fd)] });
}

/** RTM_GETNSID dump: every nsid the socket's namespace has given (only the ids, not to whom). */
export function nsidDumpRequest(seq = 0): Buffer {
  return encodeMessage({ type: RTM_GETNSID, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, header: rtgenmsg() });
}

/** RTM_GETLINK of one link (by ifindex) in the namespace known here under `nsid`. */
export function linkInNsidRequest(ifindex: number, nsid: number, seq = 0): Buffer {
  return encodeMessage({
    type: RTM_GETLINK,
    flags: NLM_F_REQUEST,
    seq,
    header: ifinfomsg({ index: ifindex }),
    attrs: [s32Attr(IFLA_TARGET_NETNSID, nsid), u32Attr(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS)],
  });
}

/** Rewrites the sequence number of a prebuilt request in place (requests are reused). */
export function setSeq(req: Buffer, seq: number): void {
  req.writeUInt32LE(seq >>> 0, 8);
}

// ---- walking messages and attributes ------------------------------------------------------------

export interface NlMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  /** Payload (after nlmsghdr) as offsets into the buffer passed in. */
  start: number;
  end: number;
}

/**
 * The messages in the first `length` bytes of `buf`. A length field that is too small or runs past
 * the data throws: the rest of such a datagram cannot be trusted.
 */
export function splitMessages(buf: Buffer, length = buf.length): NlMessage[] {
  const out: NlMessage[] = [];
  const limit = Math.min(length, buf.length);
  let off = 0;
  while (off + NLMSG_HDRLEN <= limit) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > limit) {
      throw new NetlinkFormatError(`malformed netlink message at byte ${off} (length ${len}, ${limit - off} left)`);
    }
    out.push({
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      pid: buf.readUInt32LE(off + 12),
      start: off + NLMSG_HDRLEN,
      end: off + len,
    });
    off += align4(len);
  }
  if (off < limit && limit - off >= 4) {
    throw new NetlinkFormatError(`truncated netlink message at byte ${off}`);
  }
  return out;
}

/**
 * Calls fn(type, dataStart, dataEnd) for each attribute in [start, end). A bad length ends the walk
 * quietly: what was read before stays usable, as the kernel's own parsers do.
 */
export function forEachAttr(buf: Buffer, start: number, end: number, fn: (type: number, s: number, e: number) => void): void {
  let off = start;
  const limit = Math.min(end, buf.length);
  while (off + 4 <= limit) {
    const len = buf.readUInt16LE(off);
    if (len < 4 || off + len > limit) {
      return;
    }
    fn(buf.readUInt16LE(off + 2) & NLA_TYPE_MASK, off + 4, off + len);
    off += align4(len);
  }
}

/** The errno of an NLMSG_ERROR payload: 0 for an ack, a positive errno for a failure. */
export function parseErrorMessage(buf: Buffer, m: NlMessage): number {
  if (m.end - m.start < 4) {
    throw new NetlinkFormatError('truncated NLMSG_ERROR');
  }
  return -buf.readInt32LE(m.start) || 0; // an ack carries 0
}

function cString(buf: Buffer, s: number, e: number): string {
  let z = s;
  while (z < e && buf[z] !== 0) {
    z++;
  }
  return buf.toString('utf8', s, z);
}

// ---- links --------------------------------------------------------------------------------------

/** One RTM_NEWLINK as the kernel describes it, before turning it into an Interface. */
export interface RawLink {
  ifindex: number;
  /** ARPHRD_* */
  type: number;
  flags: number;
  name?: string;
  mtu?: number;
  operstate?: number;
  address?: string;
  master?: number;
  link?: number;
  linkNetnsid?: number;
  kind?: string;
  /** IFLA_QDISC: the kind of the root qdisc ("noqueue", "netem", ...). */
  qdisc?: string;
  /** IFLA_VLAN_ID of a vlan. */
  vlanId?: number;
}

export function parseLink(buf: Buffer, m: NlMessage): RawLink {
  if (m.end - m.start < IFINFOMSG_LEN) {
    throw new NetlinkFormatError('truncated ifinfomsg');
  }
  const link: RawLink = {
    type: buf.readUInt16LE(m.start + 2),
    ifindex: buf.readInt32LE(m.start + 4),
    flags: buf.readUInt32LE(m.start + 8),
  };
  let addr: [number, number] | undefined;
  forEachAttr(buf, m.start + IFINFOMSG_LEN, m.end, (type, s, e) => {
    const n = e - s;
    switch (type) {
      case IFLA_IFNAME:
        link.name = cString(buf, s, e);
        break;
      case IFLA_MTU:
        if (n >= 4) {
          link.mtu = buf.readUInt32LE(s);
        }
        break;
      case IFLA_OPERSTATE:
        if (n >= 1) {
          link.operstate = buf[s];
        }
        break;
      case IFLA_ADDRESS:
        addr = [s, e];
        break;
      case IFLA_QDISC:
        link.qdisc = cString(buf, s, e);
        break;
      case IFLA_MASTER:
        if (n >= 4) {
          link.master = buf.readUInt32LE(s);
        }
        break;
      case IFLA_LINK:
        if (n >= 4) {
          link.link = buf.readUInt32LE(s);
        }
        break;
      case IFLA_LINK_NETNSID:
        if (n >= 4) {
          link.linkNetnsid = buf.readInt32LE(s);
        }
        break;
      case IFLA_LINKINFO: {
        let data: [number, number] | undefined;
        forEachAttr(buf, s, e, (t, ks, ke) => {
          if (t === IFLA_INFO_KIND) {
            link.kind = cString(buf, ks, ke);
          } else if (t === IFLA_INFO_DATA) {
            data = [ks, ke];
          }
        });
        // The data's attributes are the kind's own: read once the kind is known.
        if (data && link.kind === 'vlan') {
          forEachAttr(buf, data[0], data[1], (t, vs, ve) => {
            if (t === IFLA_VLAN_ID && ve - vs >= 2) {
              link.vlanId = buf.readUInt16LE(vs);
            }
          });
        }
        break;
      }
    }
  });
  if (addr && addr[1] > addr[0]) {
    link.address = formatLinkAddress(buf.subarray(addr[0], addr[1]), link.type);
  }
  return link;
}

const IFF_NAMES: [number, string][] = [
  [0x8, 'LOOPBACK'],
  [0x2, 'BROADCAST'],
  [0x10, 'POINTOPOINT'],
  [0x1000, 'MULTICAST'],
  [0x80, 'NOARP'],
  [0x200, 'ALLMULTI'],
  [0x100, 'PROMISC'],
  [0x400, 'MASTER'],
  [0x800, 'SLAVE'],
  [0x4, 'DEBUG'],
  [0x8000, 'DYNAMIC'],
  [0x4000, 'AUTOMEDIA'],
  [0x2000, 'PORTSEL'],
  [0x20, 'NOTRAILERS'],
  [0x1, 'UP'],
  [0x10000, 'LOWER_UP'],
  [0x20000, 'DORMANT'],
  [0x40000, 'ECHO'],
];
const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;

/** Flag names in the order `ip` prints them (NO-CARRIER first, unknown bits last as hex). */
export function linkFlagNames(flags: number): string[] {
  const out: string[] = [];
  let rest = flags >>> 0;
  if (rest & IFF_UP && !(rest & IFF_RUNNING)) {
    out.push('NO-CARRIER');
  }
  rest &= ~IFF_RUNNING;
  for (const [bit, name] of IFF_NAMES) {
    if (rest & bit) {
      rest &= ~bit;
      out.push(name);
    }
  }
  if (rest) {
    out.push((rest >>> 0).toString(16));
  }
  return out;
}

const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];

/** IFLA_OPERSTATE as ip names it; values ip cannot name read as UNKNOWN, like the ip reader. */
export function operStateName(state: number | undefined): string {
  return (state !== undefined && OPER_STATES[state]) || 'UNKNOWN';
}

const ARPHRD_NAMES = new Map<number, string>([
  [0, 'generic'], [1, 'ether'], [2, 'eether'], [3, 'ax25'], [4, 'pronet'], [5, 'chaos'], [6, 'ieee802'],
  [7, 'arcnet'], [8, 'atalk'], [15, 'dlci'], [19, 'atm'], [23, 'metricom'], [24, 'ieee1394'],
  [32, 'infiniband'], [256, 'slip'], [257, 'cslip'], [258, 'slip6'], [259, 'cslip6'], [260, 'rsrvd'],
  [264, 'adapt'], [270, 'rose'], [271, 'x25'], [272, 'hwx25'], [280, 'can'], [512, 'ppp'], [513, 'hdlc'],
  [516, 'lapb'], [517, 'ddcmp'], [518, 'rawhdlc'], [768, 'ipip'], [769, 'tunnel6'], [770, 'frad'],
  [771, 'skip'], [772, 'loopback'], [773, 'ltalk'], [774, 'fddi'], [775, 'bif'], [776, 'sit'],
  [777, 'ip/ddp'], [778, 'gre'], [779, 'pimreg'], [780, 'hippi'], [781, 'ash'], [782, 'econet'],
  [783, 'irda'], [784, 'fcpp'], [785, 'fcal'], [786, 'fcpl'], [787, 'fcfb0'], [788, 'fcfb1'],
  [789, 'fcfb2'], [790, 'fcfb3'], [791, 'fcfb4'], [792, 'fcfb5'], [793, 'fcfb6'], [794, 'fcfb7'],
  [795, 'fcfb8'], [796, 'fcfb9'], [797, 'fcfb10'], [798, 'fcfb11'], [799, 'fcfb12'], [800, 'tr'],
  [801, 'ieee802.11'], [802, 'ieee802.11/prism'], [803, 'ieee802.11/radiotap'], [804, 'ieee802.15.4'],
  [805, 'ieee802.15.4/monitor'], [820, 'phonet'], [821, 'phonet_pipe'], [822, 'caif'], [823, 'gre6'],
  [824, 'netlink'], [825, '6lowpan'], [0xfffe, 'none'], [0xffff, 'void'],
]);

/** The link type the way ip's link_type field names an ARPHRD_* value. */
export function linkTypeName(type: number): string {
  return ARPHRD_NAMES.get(type) ?? `[${type}]`;
}

const ARPHRD_TUNNEL = 768;
const ARPHRD_TUNNEL6 = 769;
const ARPHRD_SIT = 776;
const ARPHRD_IPGRE = 778;
const ARPHRD_IP6GRE = 823;

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A link-layer address as ip prints it: colon hex, or an IP address for IP tunnels. */
export function formatLinkAddress(bytes: Uint8Array, type: number): string {
  if (bytes.length === 4 && (type === ARPHRD_TUNNEL || type === ARPHRD_SIT || type === ARPHRD_IPGRE)) {
    return formatIPv4(bytes);
  }
  if (bytes.length === 16 && (type === ARPHRD_TUNNEL6 || type === ARPHRD_IP6GRE)) {
    return formatIPv6(bytes);
  }
  let s = HEX2[bytes[0]];
  for (let i = 1; i < bytes.length; i++) {
    s += ':' + HEX2[bytes[i]];
  }
  return s;
}

export function formatIPv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** IPv6 text exactly as glibc's inet_ntop writes it (which is what ip prints). */
export function formatIPv6(b: Uint8Array, off = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) {
    w.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  }
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else {
        curLen++;
      }
    } else if (curBase !== -1) {
      if (bestBase === -1 || curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
      curBase = -1;
    }
  }
  if (curBase !== -1 && (bestBase === -1 || curLen > bestLen)) {
    bestBase = curBase;
    bestLen = curLen;
  }
  if (bestBase !== -1 && bestLen < 2) {
    bestBase = -1;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) {
        s += ':';
      }
      continue;
    }
    if (i !== 0) {
      s += ':';
    }
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      s += formatIPv4(b, off + 12);
      break;
    }
    s += w[i].toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) {
    s += ':';
  }
  return s;
}

// ---- addresses ------------------------------------------------------------------------------------

export interface RawAddr {
  family: number;
  prefixLen: number;
  scope: number;
  ifindex: number;
  /** IFA_LOCAL, else IFA_ADDRESS (as ip shows it as "local"). */
  local?: string;
}

/** An RTM_NEWADDR; undefined for families other than IPv4 and IPv6. */
export function parseAddr(buf: Buffer, m: NlMessage): RawAddr | undefined {
  if (m.end - m.start < IFADDRMSG_LEN) {
    throw new NetlinkFormatError('truncated ifaddrmsg');
  }
  const family = buf[m.start];
  if (family !== AF_INET && family !== AF_INET6) {
    return undefined;
  }
  const a: RawAddr = {
    family,
    prefixLen: buf[m.start + 1],
    scope: buf[m.start + 3],
    ifindex: buf.readUInt32LE(m.start + 4),
  };
  const size = family === AF_INET ? 4 : 16;
  let local = -1;
  let address = -1;
  forEachAttr(buf, m.start + IFADDRMSG_LEN, m.end, (type, s, e) => {
    if (e - s >= size) {
      if (type === IFA_LOCAL) {
        local = s;
      } else if (type === IFA_ADDRESS) {
        address = s;
      }
    }
  });
  const at = local >= 0 ? local : address;
  if (at >= 0) {
    a.local = family === AF_INET ? formatIPv4(buf, at) : formatIPv6(buf, at);
  }
  return a;
}

const SCOPES = new Map<number, string>([
  [0, 'global'],
  [200, 'site'],
  [253, 'link'],
  [254, 'host'],
  [255, 'nowhere'],
]);

export function scopeName(scope: number): string {
  return SCOPES.get(scope) ?? String(scope);
}

/** NETNSA_NSID of an RTM_NEWNSID answer; -1 when the namespace has no id there. */
export function parseNsid(buf: Buffer, m: NlMessage): number {
  if (m.end - m.start < RTGENMSG_LEN) {
    throw new NetlinkFormatError('truncated rtgenmsg');
  }
  let nsid = -1;
  forEachAttr(buf, m.start + RTGENMSG_LEN, m.end, (type, s, e) => {
    if (type === NETNSA_NSID && e - s >= 4) {
      nsid = buf.readInt32LE(s);
    }
  });
  return nsid;
}

// ---- routes -------------------------------------------------------------------------------------

/** One RTM_NEWROUTE of the main table, before its interface index is turned into a name. */
export interface RawRoute {
  family: 4 | 6;
  dstLen: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
  dst?: string;
  gateway?: string;
  oif?: number;
  priority?: number;
  prefsrc?: string;
}

const ipText = (buf: Buffer, family: number, s: number, e: number): string | undefined =>
  family === AF_INET ? (e - s >= 4 ? formatIPv4(buf, s) : undefined) : e - s >= 16 ? formatIPv6(buf, s) : undefined;

/**
 * An RTM_NEWROUTE that `ip route show` / `ip -6 route show` would print: IPv4 or IPv6, the main
 * table, not a cached entry. Everything else is skipped from the fixed header alone, before any
 * attribute is read (the local table holds several routes per address).
 */
export function parseRoute(buf: Buffer, m: NlMessage): RawRoute | undefined {
  if (m.end - m.start < RTMSG_LEN) {
    throw new NetlinkFormatError('truncated rtmsg');
  }
  const family = buf[m.start];
  if (family !== AF_INET && family !== AF_INET6) {
    return undefined;
  }
  const flags = buf.readUInt32LE(m.start + 8);
  // Tables above 255 carry RT_TABLE_COMPAT here and their id in RTA_TABLE: not main either way.
  if (buf[m.start + 4] !== RT_TABLE_MAIN || flags & RTM_F_CLONED) {
    return undefined;
  }
  const r: RawRoute = {
    family: family === AF_INET ? 4 : 6,
    dstLen: buf[m.start + 1],
    protocol: buf[m.start + 5],
    scope: buf[m.start + 6],
    type: buf[m.start + 7],
    flags,
  };
  forEachAttr(buf, m.start + RTMSG_LEN, m.end, (type, s, e) => {
    switch (type) {
      case RTA_DST:
        r.dst = ipText(buf, family, s, e);
        break;
      case RTA_GATEWAY:
        r.gateway = ipText(buf, family, s, e);
        break;
      case RTA_VIA:
        // struct rtvia: a family (u16) and the address (an IPv6 next hop of an IPv4 route).
        if (e - s >= 2) {
          r.gateway = ipText(buf, buf.readUInt16LE(s), s + 2, e);
        }
        break;
      case RTA_OIF:
        if (e - s >= 4) {
          r.oif = buf.readUInt32LE(s);
        }
        break;
      case RTA_PRIORITY:
        if (e - s >= 4) {
          r.priority = buf.readUInt32LE(s);
        }
        break;
      case RTA_PREFSRC:
        r.prefsrc = ipText(buf, family, s, e);
        break;
    }
  });
  return r;
}

const RT_PROTOCOLS = new Map<number, string>([
  [0, 'unspec'], [1, 'redirect'], [2, 'kernel'], [3, 'boot'], [4, 'static'], [8, 'gated'], [9, 'ra'],
  [10, 'mrt'], [11, 'zebra'], [12, 'bird'], [13, 'dnrouted'], [14, 'xorp'], [15, 'ntk'], [16, 'dhcp'],
  [17, 'mrouted'], [18, 'keepalived'], [42, 'babel'], [99, 'openr'], [186, 'bgp'], [187, 'isis'],
  [188, 'ospf'], [189, 'rip'], [192, 'eigrp'],
]);

/** rtm_protocol as ip names it (iproute2's built-in names; a number otherwise). */
export function routeProtocolName(p: number): string {
  return RT_PROTOCOLS.get(p) ?? String(p);
}

const RTN_UNICAST = 1;
const RTPROT_BOOT = 3;
const RT_TYPES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];

export function routeTypeName(t: number): string {
  return RT_TYPES[t] ?? String(t);
}

/** rtm_flags (RTNH_F_*) in the order and words ip prints them. */
const RTNH_FLAGS: [number, string][] = [
  [0x1, 'dead'],
  [0x4, 'onlink'],
  [0x2, 'pervasive'],
  [0x8, 'offload'],
  [0x40, 'trap'],
  [0x10, 'linkdown'],
  [0x20, 'unresolved'],
];

export function routeFlagNames(flags: number): string[] {
  return RTNH_FLAGS.filter(([bit]) => flags & bit).map(([, name]) => name);
}

/** Routes in the model: interface indexes become names (an unknown one reads "if<N>", as ip does). */
export function buildRoutes(raw: RawRoute[], ifName: (ifindex: number) => string | undefined): Route[] {
  const out: Route[] = [];
  for (const r of raw) {
    const host = r.family === 4 ? 32 : 128;
    const destination = r.dstLen === 0 && r.dst === undefined ? 'default' : r.dstLen === host ? (r.dst ?? '?') : `${r.dst ?? '0'}/${r.dstLen}`;
    const route: Route = { family: r.family, destination };
    // What ip -j leaves out, the model leaves out too: unicast, protocol boot, scope global.
    if (r.type !== RTN_UNICAST) {
      route.type = routeTypeName(r.type);
    }
    if (r.protocol !== RTPROT_BOOT) {
      route.protocol = routeProtocolName(r.protocol);
    }
    if (r.scope !== 0) {
      route.scope = scopeName(r.scope);
    }
    if (r.gateway !== undefined) {
      route.gateway = r.gateway;
    }
    if (r.oif !== undefined) {
      route.device = ifName(r.oif) ?? `if${r.oif}`;
    }
    if (r.priority !== undefined) {
      route.metric = r.priority;
    }
    if (r.prefsrc !== undefined) {
      route.prefsrc = r.prefsrc;
    }
    const flags = routeFlagNames(r.flags);
    if (flags.length > 0) {
      route.flags = flags;
    }
    out.push(route);
  }
  return out;
}

// ---- the model ------------------------------------------------------------------------------------

/**
 * Interfaces with their addresses, as core/ipJson.ts builds them from `ip -d -j address show`
 * (links without a name are left out; veth peers are resolved later by core/peers.ts).
 */
export function buildInterfaces(links: RawLink[], addrs: RawAddr[]): Interface[] {
  const byIndex = new Map<number, Interface>();
  const names = new Map<number, string>();
  for (const l of links) {
    if (l.name !== undefined) {
      names.set(l.ifindex, l.name);
    }
  }
  const nameOf = (i: number) => names.get(i) ?? `if${i}`;
  const out: Interface[] = [];
  for (const l of links) {
    if (l.name === undefined) {
      continue;
    }
    const flags = linkFlagNames(l.flags);
    const linkType = linkTypeName(l.type);
    const kind = kindOf(l.kind, linkType, flags);
    const iface: Interface = {
      ifindex: l.ifindex,
      name: l.name,
      kind,
      operState: operStateName(l.operstate),
      flags,
      mtu: l.mtu ?? 0,
      addresses: [],
    };
    if (l.address && linkType !== 'none') {
      iface.mac = l.address;
    }
    if (l.master !== undefined) {
      iface.master = nameOf(l.master);
    }
    if (l.vlanId !== undefined) {
      iface.vlanId = l.vlanId;
    }
    if (l.link) {
      if (l.linkNetnsid !== undefined) {
        if (kind === 'veth') {
          iface.peer = { ifindex: l.link, linkNetnsid: l.linkNetnsid };
        }
      } else if (kind === 'veth') {
        iface.peer = { ifindex: names.has(l.link) ? l.link : 0, name: nameOf(l.link) };
      } else if (names.has(l.link)) {
        iface.linkIfindex = l.link;
      }
    }
    byIndex.set(l.ifindex, iface);
    out.push(iface);
  }
  for (const a of addrs) {
    const iface = byIndex.get(a.ifindex);
    if (iface && a.local !== undefined) {
      const addr: Address = { family: a.family === AF_INET ? 4 : 6, address: a.local, prefixLen: a.prefixLen, scope: scopeName(a.scope) };
      iface.addresses.push(addr);
    }
  }
  return out;
}
