// rtnetlink for what tc and sysctl show: the qdiscs of a namespace (RTM_GETQDISC, for netem's
// settings) and its forwarding switches (RTM_GETNETCONF, the same values as
// /proc/sys/net/ipv4/ip_forward and /proc/sys/net/ipv6/conf/all/forwarding). Pure: Buffers only.

import { netemFromValues } from '../../core/netem';
import type { Netem } from '../../core/model';
import { AF_INET, AF_INET6, AF_UNSPEC, encodeMessage, forEachAttr, NLM_F_DUMP, NLM_F_REQUEST, NetlinkFormatError, s32Attr, type NlMessage } from './rtnetlink';

// linux/rtnetlink.h, pkt_sched.h, netconf.h
export const RTM_NEWQDISC = 36;
export const RTM_DELQDISC = 37;
export const RTM_GETQDISC = 38;
export const RTM_NEWNETCONF = 80;
export const RTM_DELNETCONF = 81;
export const RTM_GETNETCONF = 82;

/** Multicast groups, as bits of sockaddr_nl.nl_groups (1 << (RTNLGRP_x - 1)). */
export const RTMGRP_TC = 1 << (4 - 1);
export const RTMGRP_IPV4_NETCONF = 1 << (24 - 1);
export const RTMGRP_IPV6_NETCONF = 1 << (25 - 1);

export const TCA_KIND = 1;
export const TCA_OPTIONS = 2;
export const TC_H_ROOT = 0xffffffff;

export const TCA_NETEM_REORDER = 3;
export const TCA_NETEM_CORRUPT = 4;
export const TCA_NETEM_RATE = 6;
export const TCA_NETEM_RATE64 = 8;
export const TCA_NETEM_LATENCY64 = 10;
export const TCA_NETEM_JITTER64 = 11;

export const NETCONFA_IFINDEX = 1;
export const NETCONFA_FORWARDING = 2;
/** NETCONFA_IFINDEX of the "all" settings (net.ipv4.conf.all, which net.ipv4.ip_forward is). */
export const NETCONFA_IFINDEX_ALL = -1;

const TCMSG_LEN = 20;
const NETCONFMSG_LEN = 4; // one byte, padded
/** struct tc_netem_qopt: latency, limit, loss, gap, duplicate, jitter (u32 each). */
const NETEM_QOPT_LEN = 24;
/** The kernel's psched tick (PSCHED_SHIFT 6): the unit of tc_netem_qopt's latency and jitter. */
const NS_PER_TICK = 64;

export function tcmsg(h: { family?: number; ifindex?: number; handle?: number; parent?: number } = {}): Buffer {
  const b = Buffer.alloc(TCMSG_LEN);
  b.writeUInt8(h.family ?? AF_UNSPEC, 0);
  b.writeInt32LE(h.ifindex ?? 0, 4);
  b.writeUInt32LE((h.handle ?? 0) >>> 0, 8);
  b.writeUInt32LE((h.parent ?? 0) >>> 0, 12);
  return b;
}

/** RTM_GETQDISC dump of every qdisc in the namespace. */
export function qdiscDumpRequest(seq = 0): Buffer {
  return encodeMessage({ type: RTM_GETQDISC, flags: NLM_F_REQUEST | NLM_F_DUMP, seq, header: tcmsg() });
}

/** RTM_GETNETCONF of a family's "all" settings (forwarding among them). */
export function netconfAllRequest(family: 4 | 6, seq = 0): Buffer {
  const header = Buffer.alloc(NETCONFMSG_LEN);
  header.writeUInt8(family === 4 ? AF_INET : AF_INET6, 0);
  return encodeMessage({ type: RTM_GETNETCONF, flags: NLM_F_REQUEST, seq, header, attrs: [s32Attr(NETCONFA_IFINDEX, NETCONFA_IFINDEX_ALL)] });
}

/** A root netem qdisc of an RTM_NEWQDISC message: its interface and settings; undefined for any other qdisc. */
export function parseNetemQdisc(buf: Buffer, m: NlMessage): { ifindex: number; netem: Netem } | undefined {
  if (m.end - m.start < TCMSG_LEN) {
    throw new NetlinkFormatError('truncated tcmsg');
  }
  const ifindex = buf.readInt32LE(m.start + 4);
  const parent = buf.readUInt32LE(m.start + 12);
  if (parent !== TC_H_ROOT) {
    return undefined;
  }
  let kind: string | undefined;
  let options: [number, number] | undefined;
  forEachAttr(buf, m.start + TCMSG_LEN, m.end, (type, s, e) => {
    if (type === TCA_KIND) {
      let z = s;
      while (z < e && buf[z] !== 0) {
        z++;
      }
      kind = buf.toString('utf8', s, z);
    } else if (type === TCA_OPTIONS) {
      options = [s, e];
    }
  });
  if (kind !== 'netem' || !options || options[1] - options[0] < NETEM_QOPT_LEN) {
    return kind === 'netem' ? { ifindex, netem: {} } : undefined;
  }
  const [s, e] = options;
  const v = {
    latencyNs: buf.readUInt32LE(s) * NS_PER_TICK,
    jitterNs: buf.readUInt32LE(s + 20) * NS_PER_TICK,
    loss: buf.readUInt32LE(s + 8),
    duplicate: buf.readUInt32LE(s + 16),
    corrupt: 0,
    reorder: 0,
    rateBytes: 0,
  };
  let rate64: number | undefined;
  // After the struct come netem's own attributes (the kernel's netem_dump, tc's parse_rtattr).
  forEachAttr(buf, s + NETEM_QOPT_LEN, e, (type, as, ae) => {
    const n = ae - as;
    switch (type) {
      case TCA_NETEM_LATENCY64:
        if (n >= 8) {
          v.latencyNs = Number(buf.readBigInt64LE(as)); // ns, exact (the struct's ticks are rounded)
        }
        break;
      case TCA_NETEM_JITTER64:
        if (n >= 8) {
          v.jitterNs = Number(buf.readBigInt64LE(as));
        }
        break;
      case TCA_NETEM_REORDER:
        if (n >= 4) {
          v.reorder = buf.readUInt32LE(as);
        }
        break;
      case TCA_NETEM_CORRUPT:
        if (n >= 4) {
          v.corrupt = buf.readUInt32LE(as);
        }
        break;
      case TCA_NETEM_RATE:
        if (n >= 4) {
          v.rateBytes = buf.readUInt32LE(as);
        }
        break;
      case TCA_NETEM_RATE64:
        if (n >= 8) {
          rate64 = Number(buf.readBigUInt64LE(as));
        }
        break;
    }
  });
  if (rate64 !== undefined && rate64 > 0) {
    v.rateBytes = rate64;
  }
  return { ifindex, netem: netemFromValues(v) };
}

/** NETCONFA_FORWARDING of an RTM_NEWNETCONF answer (undefined when absent). */
export function parseNetconfForwarding(buf: Buffer, m: NlMessage): boolean | undefined {
  if (m.end - m.start < NETCONFMSG_LEN) {
    throw new NetlinkFormatError('truncated netconfmsg');
  }
  let forwarding: boolean | undefined;
  forEachAttr(buf, m.start + NETCONFMSG_LEN, m.end, (type, s, e) => {
    if (type === NETCONFA_FORWARDING && e - s >= 4) {
      forwarding = buf.readInt32LE(s) !== 0;
    }
  });
  return forwarding;
}
