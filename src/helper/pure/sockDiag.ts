// NETLINK_SOCK_DIAG, the interface `ss` reads sockets through: the dump request for TCP or UDP
// sockets of one family (struct inet_diag_req_v2) and the answer (struct inet_diag_msg). Pure:
// encoding and decoding only.

import { AF_INET, AF_INET6, encodeMessage, formatIPv4, formatIPv6, NLM_F_DUMP, NLM_F_REQUEST, NetlinkFormatError, type NlMessage } from './rtnetlink';

export const NETLINK_SOCK_DIAG = 4;
export const SOCK_DIAG_BY_FAMILY = 20;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** sizeof(struct inet_diag_req_v2) and sizeof(struct inet_diag_msg). */
export const INET_DIAG_REQ_V2_LEN = 56;
export const INET_DIAG_MSG_LEN = 72;

/** Every TCP state (bit n for state n), as ss asks for with -a. */
export const ALL_STATES = 0xffffffff;

/** The kernel's TCP states by number, named as ss names them. */
const STATE_NAMES: Record<number, string> = {
  1: 'ESTAB',
  2: 'SYN-SENT',
  3: 'SYN-RECV',
  4: 'FIN-WAIT-1',
  5: 'FIN-WAIT-2',
  6: 'TIME-WAIT',
  7: 'UNCONN',
  8: 'CLOSE-WAIT',
  9: 'LAST-ACK',
  10: 'LISTEN',
  11: 'CLOSING',
  12: 'SYN-RECV',
};

export function stateName(state: number, protocol: 'tcp' | 'udp'): string {
  if (state === 7 && protocol === 'tcp') {
    return 'CLOSE';
  }
  return STATE_NAMES[state] ?? `state ${state}`;
}

/** SOCK_DIAG_BY_FAMILY dump of the sockets of `protocol` and `family` in every state. */
export function inetDiagRequest(family: 4 | 6, protocol: number, states = ALL_STATES): Buffer {
  const header = Buffer.alloc(INET_DIAG_REQ_V2_LEN);
  header.writeUInt8(family === 4 ? AF_INET : AF_INET6, 0);
  header.writeUInt8(protocol, 1);
  header.writeUInt8(0, 2); // no extensions
  header.writeUInt32LE(states >>> 0, 4);
  // The socket id stays zero: a dump matches every socket.
  return encodeMessage({ type: SOCK_DIAG_BY_FAMILY, flags: NLM_F_REQUEST | NLM_F_DUMP, header });
}

export interface RawInetSocket {
  family: 4 | 6;
  state: number;
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  boundIfindex: number;
  recvQ: number;
  sendQ: number;
  uid: number;
  inode: number;
}

/** One struct inet_diag_msg; throws when it is too short. */
export function parseInetDiagMsg(buf: Buffer, m: NlMessage): RawInetSocket {
  const o = m.start;
  if (m.end - o < INET_DIAG_MSG_LEN) {
    throw new NetlinkFormatError(`inet_diag_msg of ${m.end - o} bytes`);
  }
  const fam = buf.readUInt8(o);
  const family = fam === AF_INET6 ? 6 : 4;
  const addr = (at: number) => (family === 4 ? formatIPv4(buf, at) : formatIPv6(buf, at));
  return {
    family,
    state: buf.readUInt8(o + 1),
    localPort: buf.readUInt16BE(o + 4),
    remotePort: buf.readUInt16BE(o + 6),
    local: addr(o + 8),
    remote: addr(o + 24),
    boundIfindex: buf.readUInt32LE(o + 40),
    recvQ: buf.readUInt32LE(o + 56),
    sendQ: buf.readUInt32LE(o + 60),
    uid: buf.readUInt32LE(o + 64),
    inode: buf.readUInt32LE(o + 68),
  };
}

/** The inode of a socket descriptor's link text, "socket:[12345]". */
export function socketInode(link: string): number | undefined {
  const m = /^socket:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : undefined;
}
