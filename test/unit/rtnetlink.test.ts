import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addrDumpRequest,
  AF_INET,
  AF_INET6,
  buildInterfaces,
  encodeMessage,
  forEachAttr,
  formatIPv6,
  formatLinkAddress,
  IFA_ADDRESS,
  IFA_LOCAL,
  ifaddrmsg,
  IFLA_ADDRESS,
  IFLA_IFNAME,
  IFLA_INFO_KIND,
  IFLA_LINK,
  IFLA_LINK_NETNSID,
  IFLA_LINKINFO,
  IFLA_MASTER,
  IFLA_MTU,
  IFLA_OPERSTATE,
  ifinfomsg,
  linkDumpRequest,
  linkFlagNames,
  linkInNsidRequest,
  linkTypeName,
  nestedAttr,
  NETNSA_FD,
  NETNSA_NSID,
  NetlinkFormatError,
  NLM_F_DUMP,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  nsidByFdRequest,
  operStateName,
  parseAddr,
  parseErrorMessage,
  parseLink,
  parseNsid,
  RTM_GETADDR,
  RTM_GETLINK,
  RTM_GETNSID,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWNSID,
  rtgenmsg,
  s32Attr,
  scopeName,
  setSeq,
  splitMessages,
  strAttr,
  u32Attr,
  type Attr,
  type RawAddr,
  type RawLink,
} from '../../src/helper/pure/rtnetlink';

const IFF_UP = 0x1;
const IFF_BROADCAST = 0x2;
const IFF_LOOPBACK = 0x8;
const IFF_POINTOPOINT = 0x10;
const IFF_RUNNING = 0x40;
const IFF_NOARP = 0x80;
const IFF_MULTICAST = 0x1000;
const IFF_LOWER_UP = 0x10000;
const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;
const ARPHRD_NONE = 0xfffe;

function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
}

interface LinkSpec {
  index: number;
  name?: string;
  type?: number;
  flags?: number;
  mtu?: number;
  oper?: number;
  mac?: string;
  master?: number;
  link?: number;
  netnsid?: number;
  kind?: string;
}

/** An RTM_NEWLINK the way the kernel sends it. */
function linkMessage(l: LinkSpec, seq = 1): Buffer {
  const attrs: Attr[] = [];
  if (l.name !== undefined) {attrs.push(strAttr(IFLA_IFNAME, l.name));}
  if (l.mtu !== undefined) {attrs.push(u32Attr(IFLA_MTU, l.mtu));}
  if (l.oper !== undefined) {attrs.push({ type: IFLA_OPERSTATE, data: Buffer.from([l.oper]) });}
  if (l.mac !== undefined) {attrs.push({ type: IFLA_ADDRESS, data: macBytes(l.mac) });}
  if (l.master !== undefined) {attrs.push(u32Attr(IFLA_MASTER, l.master));}
  if (l.link !== undefined) {attrs.push(u32Attr(IFLA_LINK, l.link));}
  if (l.netnsid !== undefined) {attrs.push(s32Attr(IFLA_LINK_NETNSID, l.netnsid));}
  if (l.kind !== undefined) {attrs.push(nestedAttr(IFLA_LINKINFO | 0x8000, [strAttr(IFLA_INFO_KIND, l.kind)]));}
  return encodeMessage({
    type: RTM_NEWLINK,
    flags: NLM_F_MULTI,
    seq,
    header: ifinfomsg({ index: l.index, type: l.type ?? ARPHRD_ETHER, flags: l.flags ?? 0 }),
    attrs,
  });
}

function addrMessage(family: number, ifindex: number, prefixLen: number, scope: number, local?: Buffer, address?: Buffer): Buffer {
  const attrs: Attr[] = [];
  if (address) {attrs.push({ type: IFA_ADDRESS, data: address });}
  if (local) {attrs.push({ type: IFA_LOCAL, data: local });}
  return encodeMessage({ type: RTM_NEWADDR, flags: NLM_F_MULTI, header: ifaddrmsg({ family, prefixLen, scope, index: ifindex }), attrs });
}

function v6(text: string): Buffer {
  // Expands "a:b::c" into 16 bytes (test helper; no embedded IPv4 here).
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const words = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((w) => parseInt(w, 16));
  const b = Buffer.alloc(16);
  words.forEach((w, i) => b.writeUInt16BE(w, 2 * i));
  return b;
}

function parseOne<T>(buf: Buffer, fn: (b: Buffer, m: ReturnType<typeof splitMessages>[number]) => T): T {
  const msgs = splitMessages(buf);
  assert.equal(msgs.length, 1);
  return fn(buf, msgs[0]);
}

describe('rtnetlink requests', () => {
  it('encodes the link dump as nlmsghdr + ifinfomsg + IFLA_EXT_MASK', () => {
    const req = linkDumpRequest(7);
    assert.equal(req.length, 40);
    assert.equal(req.readUInt32LE(0), 40);
    assert.equal(req.readUInt16LE(4), RTM_GETLINK);
    assert.equal(req.readUInt16LE(6), NLM_F_REQUEST | NLM_F_DUMP);
    assert.equal(req.readUInt32LE(8), 7);
    setSeq(req, 99);
    assert.equal(splitMessages(req)[0].seq, 99);
  });

  it('encodes the address dump for every family', () => {
    const req = addrDumpRequest();
    assert.equal(req.length, 24);
    assert.equal(req.readUInt16LE(4), RTM_GETADDR);
    assert.equal(req[16], 0);
  });

  it('asks for an nsid by fd without asking to create one', () => {
    const req = nsidByFdRequest(42);
    const [m] = splitMessages(req);
    assert.equal(m.type, RTM_GETNSID);
    assert.equal(m.flags, NLM_F_REQUEST);
    const seen: [number, number][] = [];
    forEachAttr(req, m.start + 4, m.end, (t, s) => seen.push([t, req.readUInt32LE(s)]));
    assert.deepEqual(seen, [[NETNSA_FD, 42]]);
    // The reader rewrites the fd in place at this offset.
    assert.equal(req.readUInt32LE(24), 42);
  });

  it('targets another namespace by nsid for a single link', () => {
    const req = linkInNsidRequest(5, 3);
    const [m] = splitMessages(req);
    assert.equal(m.type, RTM_GETLINK);
    assert.equal(m.flags & NLM_F_DUMP, 0);
    assert.equal(req.readInt32LE(m.start + 4), 5);
  });
});

describe('rtnetlink link messages', () => {
  it('round-trips every field the model uses', () => {
    const buf = linkMessage({ index: 7, name: 'veth-a', flags: IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_RUNNING | IFF_LOWER_UP, mtu: 9000, oper: 6, mac: '02:ab:cd:00:11:ff', master: 3, link: 9, netnsid: 4, kind: 'veth' });
    const l = parseOne(buf, parseLink);
    assert.deepEqual(l, {
      type: ARPHRD_ETHER,
      ifindex: 7,
      flags: IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_RUNNING | IFF_LOWER_UP,
      name: 'veth-a',
      mtu: 9000,
      operstate: 6,
      address: '02:ab:cd:00:11:ff',
      master: 3,
      link: 9,
      linkNetnsid: 4,
      kind: 'veth',
    });
  });

  it('reads several messages from one datagram, with padding between them', () => {
    const buf = Buffer.concat([linkMessage({ index: 1, name: 'lo' }), linkMessage({ index: 2, name: 'abcde' }), encodeMessage({ type: NLMSG_DONE, flags: NLM_F_MULTI, header: Buffer.alloc(4) })]);
    const msgs = splitMessages(buf);
    assert.deepEqual(
      msgs.map((m) => m.type),
      [RTM_NEWLINK, RTM_NEWLINK, NLMSG_DONE],
    );
    assert.deepEqual(
      msgs.slice(0, 2).map((m) => parseLink(buf, m).name),
      ['lo', 'abcde'],
    );
  });

  it('names flags in the order ip prints them, NO-CARRIER for up without carrier', () => {
    assert.deepEqual(linkFlagNames(IFF_UP | IFF_BROADCAST | IFF_MULTICAST | IFF_RUNNING | IFF_LOWER_UP), ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']);
    assert.deepEqual(linkFlagNames(IFF_UP | IFF_BROADCAST | IFF_MULTICAST), ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP']);
    assert.deepEqual(linkFlagNames(IFF_LOOPBACK | IFF_UP | IFF_RUNNING | IFF_LOWER_UP), ['LOOPBACK', 'UP', 'LOWER_UP']);
    assert.deepEqual(linkFlagNames(IFF_POINTOPOINT | IFF_MULTICAST | IFF_NOARP), ['POINTOPOINT', 'MULTICAST', 'NOARP']);
    assert.deepEqual(linkFlagNames(IFF_BROADCAST | 0x100000), ['BROADCAST', '100000']);
    assert.deepEqual(linkFlagNames(0), []);
  });

  it('names operational states, scopes and link types like ip', () => {
    assert.equal(operStateName(6), 'UP');
    assert.equal(operStateName(2), 'DOWN');
    assert.equal(operStateName(3), 'LOWERLAYERDOWN');
    assert.equal(operStateName(0), 'UNKNOWN');
    assert.equal(operStateName(undefined), 'UNKNOWN');
    assert.equal(operStateName(42), 'UNKNOWN');
    assert.deepEqual([0, 253, 254, 200, 255, 17].map(scopeName), ['global', 'link', 'host', 'site', 'nowhere', '17']);
    assert.deepEqual([ARPHRD_ETHER, ARPHRD_LOOPBACK, ARPHRD_NONE, 768, 4242].map(linkTypeName), ['ether', 'loopback', 'none', 'ipip', '[4242]']);
  });

  it('formats link-layer addresses as hex, or as IP for IP tunnels', () => {
    assert.equal(formatLinkAddress(macBytes('00:00:00:00:00:00'), ARPHRD_LOOPBACK), '00:00:00:00:00:00');
    assert.equal(formatLinkAddress(Buffer.from([10, 0, 0, 1]), 768), '10.0.0.1');
    assert.equal(formatLinkAddress(v6('fe80::1'), 769), 'fe80::1');
    assert.equal(formatLinkAddress(Buffer.from([0xab]), 0), 'ab');
  });
});

describe('IPv6 text like glibc inet_ntop', () => {
  const cases: [string, string][] = [
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['fe80:0:0:0:1c2b:3cff:fe4d:5e6f', 'fe80::1c2b:3cff:fe4d:5e6f'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero word is not compressed
    ['fd00:0:0:0:0:0:0:0', 'fd00::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], // the longest run wins
    ['ABCD:EF01:0:0:0:0:0:0', 'abcd:ef01::'],
  ];
  for (const [full, want] of cases) {
    it(`${full} -> ${want}`, () => assert.equal(formatIPv6(v6(full)), want));
  }
  it('writes IPv4-mapped and IPv4-compatible addresses with a dotted tail', () => {
    const mapped = Buffer.alloc(16);
    mapped.writeUInt16BE(0xffff, 10);
    mapped.set([192, 0, 2, 1], 12);
    assert.equal(formatIPv6(mapped), '::ffff:192.0.2.1');
    const compat = Buffer.alloc(16);
    compat.set([10, 1, 2, 3], 12);
    assert.equal(formatIPv6(compat), '::10.1.2.3');
  });
});

describe('rtnetlink address messages', () => {
  it('prefers IFA_LOCAL over IFA_ADDRESS (point-to-point peers)', () => {
    const a = parseOne(addrMessage(AF_INET, 3, 32, 0, Buffer.from([10, 0, 0, 1]), Buffer.from([10, 0, 0, 2])), parseAddr);
    assert.deepEqual(a, { family: AF_INET, prefixLen: 32, scope: 0, ifindex: 3, local: '10.0.0.1' });
  });

  it('falls back to IFA_ADDRESS (IPv6 sends only that)', () => {
    const a = parseOne(addrMessage(AF_INET6, 2, 64, 253, undefined, v6('fe80::1')), parseAddr);
    assert.deepEqual(a, { family: AF_INET6, prefixLen: 64, scope: 253, ifindex: 2, local: 'fe80::1' });
  });

  it('skips families other than IPv4 and IPv6', () => {
    assert.equal(parseOne(addrMessage(17, 2, 0, 0), parseAddr), undefined);
  });

  it('leaves out an address attribute that is too short', () => {
    const a = parseOne(addrMessage(AF_INET6, 2, 64, 0, undefined, Buffer.from([1, 2, 3, 4])), parseAddr);
    assert.equal(a?.local, undefined);
  });
});

describe('nsid answers and errors', () => {
  it('reads NETNSA_NSID, -1 when the namespace has no id', () => {
    const msg = (id: number) => encodeMessage({ type: RTM_NEWNSID, flags: 0, header: rtgenmsg(), attrs: [s32Attr(NETNSA_NSID, id)] });
    assert.equal(parseOne(msg(5), parseNsid), 5);
    assert.equal(parseOne(msg(-1), parseNsid), -1);
  });

  it('reads the errno of NLMSG_ERROR', () => {
    const body = Buffer.alloc(20);
    body.writeInt32LE(-19, 0);
    assert.equal(parseOne(encodeMessage({ type: NLMSG_ERROR, flags: 0, header: body }), parseErrorMessage), 19);
    const ack = Buffer.alloc(20);
    assert.equal(parseOne(encodeMessage({ type: NLMSG_ERROR, flags: 0, header: ack }), parseErrorMessage), 0);
  });
});

describe('malformed input never loops and never reads past the data', () => {
  it('throws on a message length shorter than the header (would not advance)', () => {
    const buf = linkMessage({ index: 1, name: 'lo' });
    buf.writeUInt32LE(0, 0);
    assert.throws(() => splitMessages(buf), NetlinkFormatError);
    buf.writeUInt32LE(8, 0);
    assert.throws(() => splitMessages(buf), NetlinkFormatError);
  });

  it('throws on a message that claims more bytes than were received', () => {
    const buf = linkMessage({ index: 1, name: 'lo' });
    assert.throws(() => splitMessages(buf, buf.length - 4), NetlinkFormatError);
    assert.throws(() => splitMessages(buf.subarray(0, 20)), NetlinkFormatError);
  });

  it('returns nothing for an empty or tiny datagram', () => {
    assert.deepEqual(splitMessages(Buffer.alloc(0)), []);
    assert.deepEqual(splitMessages(Buffer.alloc(3)), []);
  });

  it('throws on a payload shorter than its fixed header', () => {
    const short = encodeMessage({ type: RTM_NEWLINK, flags: 0, header: Buffer.alloc(8) });
    assert.throws(() => parseOne(short, parseLink), NetlinkFormatError);
    const shortAddr = encodeMessage({ type: RTM_NEWADDR, flags: 0, header: Buffer.alloc(4) });
    assert.throws(() => parseOne(shortAddr, parseAddr), NetlinkFormatError);
  });

  it('stops at an attribute with a zero or oversized length, keeping what came before', () => {
    const buf = linkMessage({ index: 4, name: 'eth9', mtu: 1500 });
    const [m] = splitMessages(buf);
    // The second attribute (IFLA_MTU) starts after the 16-byte ifinfomsg and the aligned name.
    const second = m.start + 16 + 12;
    assert.equal(buf.readUInt16LE(second + 2), IFLA_MTU);
    buf.writeUInt16LE(0, second);
    assert.deepEqual(parseLink(buf, m), { type: ARPHRD_ETHER, ifindex: 4, flags: 0, name: 'eth9' });
    buf.writeUInt16LE(0xfff0, second);
    assert.deepEqual(parseLink(buf, m), { type: ARPHRD_ETHER, ifindex: 4, flags: 0, name: 'eth9' });
  });

  it('ignores attributes too short for their type', () => {
    const buf = encodeMessage({
      type: RTM_NEWLINK,
      flags: 0,
      header: ifinfomsg({ index: 2 }),
      attrs: [strAttr(IFLA_IFNAME, 'x'), { type: IFLA_MTU, data: Buffer.from([1]) }, { type: IFLA_MASTER, data: Buffer.alloc(0) }],
    });
    assert.deepEqual(parseOne(buf, parseLink), { type: 0, ifindex: 2, flags: 0, name: 'x' });
  });

  it('survives random corruption of real messages', () => {
    const base = Buffer.concat([
      linkMessage({ index: 1, name: 'lo', type: ARPHRD_LOOPBACK, flags: IFF_LOOPBACK, mac: '00:00:00:00:00:00' }),
      linkMessage({ index: 2, name: 'veth0', kind: 'veth', link: 3, netnsid: 0, mac: '02:00:00:00:00:01' }),
      addrMessage(AF_INET6, 2, 64, 253, undefined, v6('fe80::1')),
    ]);
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 3000; i++) {
      const buf = Buffer.from(base);
      for (let k = 0; k < 1 + rnd(4); k++) {
        buf[rnd(buf.length)] = rnd(256);
      }
      const len = rnd(4) === 0 ? rnd(buf.length) : buf.length;
      try {
        for (const m of splitMessages(buf, len)) {
          if (m.type === RTM_NEWLINK) {parseLink(buf, m);}
          if (m.type === RTM_NEWADDR) {parseAddr(buf, m);}
        }
      } catch (e) {
        assert.ok(e instanceof NetlinkFormatError, String(e));
      }
    }
  });
});

describe('building interfaces like the ip reader', () => {
  const links: RawLink[] = [
    { ifindex: 1, type: ARPHRD_LOOPBACK, flags: IFF_LOOPBACK | IFF_UP | IFF_RUNNING | IFF_LOWER_UP, name: 'lo', mtu: 65536, operstate: 0, address: '00:00:00:00:00:00' },
    { ifindex: 2, type: ARPHRD_ETHER, flags: IFF_BROADCAST | IFF_MULTICAST, name: 'va', mtu: 1500, operstate: 2, address: '02:00:00:00:00:02', link: 3, kind: 'veth', master: 5 },
    { ifindex: 3, type: ARPHRD_ETHER, flags: IFF_BROADCAST | IFF_MULTICAST, name: 'vb', mtu: 1500, operstate: 2, address: '02:00:00:00:00:03', link: 2, kind: 'veth' },
    { ifindex: 4, type: ARPHRD_ETHER, flags: IFF_BROADCAST, name: 'far', mtu: 1500, operstate: 2, address: '02:00:00:00:00:04', link: 7, linkNetnsid: 1, kind: 'veth' },
    { ifindex: 5, type: ARPHRD_ETHER, flags: IFF_BROADCAST, name: 'br0', mtu: 1500, address: '02:00:00:00:00:02', kind: 'bridge' },
    { ifindex: 6, type: ARPHRD_ETHER, flags: IFF_BROADCAST, name: 'mv', mtu: 1500, operstate: 2, address: '02:00:00:00:00:06', link: 3, kind: 'macvlan' },
    { ifindex: 8, type: ARPHRD_NONE, flags: IFF_POINTOPOINT | IFF_NOARP, name: 'tun0', mtu: 1500, operstate: 2, kind: 'tun' },
    { ifindex: 9, type: ARPHRD_ETHER, flags: 0, name: 'eth0', mtu: 1500, operstate: 6, address: '02:00:00:00:00:09', master: 77 },
    { ifindex: 10, type: ARPHRD_ETHER, flags: 0 }, // no name: left out, as ip prints {} for it
  ];
  const addrs: RawAddr[] = [
    { family: AF_INET, prefixLen: 8, scope: 254, ifindex: 1, local: '127.0.0.1' },
    { family: AF_INET6, prefixLen: 128, scope: 254, ifindex: 1, local: '::1' },
    { family: AF_INET, prefixLen: 24, scope: 0, ifindex: 2, local: '10.0.0.2' },
    { family: AF_INET, prefixLen: 24, scope: 0, ifindex: 99, local: '10.9.9.9' }, // link gone meanwhile
    { family: AF_INET, prefixLen: 24, scope: 0, ifindex: 2 }, // no address attribute
  ];
  const ifs = buildInterfaces(links, addrs);
  const by = (n: string) => ifs.find((i) => i.name === n)!;

  it('keeps named links in kernel order', () => {
    assert.deepEqual(
      ifs.map((i) => i.name),
      ['lo', 'va', 'vb', 'far', 'br0', 'mv', 'tun0', 'eth0'],
    );
  });

  it('derives the kind like core/ipJson kindOf', () => {
    assert.deepEqual(
      ifs.map((i) => i.kind),
      ['loopback', 'veth', 'veth', 'veth', 'bridge', 'macvlan', 'tun', 'ether'],
    );
  });

  it('attaches addresses to their link with ip scope names', () => {
    assert.deepEqual(by('lo').addresses, [
      { family: 4, address: '127.0.0.1', prefixLen: 8, scope: 'host' },
      { family: 6, address: '::1', prefixLen: 128, scope: 'host' },
    ]);
    assert.deepEqual(by('va').addresses, [{ family: 4, address: '10.0.0.2', prefixLen: 24, scope: 'global' }]);
  });

  it('describes same-namespace and remote veth peers the way ip -j does', () => {
    assert.deepEqual(by('va').peer, { ifindex: 3, name: 'vb' });
    assert.deepEqual(by('far').peer, { ifindex: 7, linkNetnsid: 1 });
    assert.equal(by('far').linkIfindex, undefined);
  });

  it('names masters (if<N> when unknown) and keeps a same-namespace parent index', () => {
    assert.equal(by('va').master, 'br0');
    assert.equal(by('eth0').master, 'if77');
    assert.equal(by('mv').linkIfindex, 3);
    assert.equal(by('mv').peer, undefined);
  });

  it('omits the mac of links without a link-layer address', () => {
    assert.equal(by('tun0').mac, undefined);
    assert.equal(by('lo').mac, '00:00:00:00:00:00');
    assert.equal(by('br0').operState, 'UNKNOWN');
    assert.deepEqual(by('lo').flags, ['LOOPBACK', 'UP', 'LOWER_UP']);
  });

  it('turns real-looking messages into the same interfaces end to end', () => {
    const buf = Buffer.concat([
      linkMessage({ index: 1, name: 'lo', type: ARPHRD_LOOPBACK, flags: IFF_LOOPBACK, mtu: 65536, oper: 2, mac: '00:00:00:00:00:00' }),
      addrMessage(AF_INET, 1, 8, 254, Buffer.from([127, 0, 0, 1]), Buffer.from([127, 0, 0, 1])),
    ]);
    const msgs = splitMessages(buf);
    const [iface] = buildInterfaces([parseLink(buf, msgs[0])], [parseAddr(buf, msgs[1])!]);
    assert.deepEqual(iface, {
      ifindex: 1,
      name: 'lo',
      kind: 'loopback',
      operState: 'DOWN',
      flags: ['LOOPBACK'],
      mtu: 65536,
      addresses: [{ family: 4, address: '127.0.0.1', prefixLen: 8, scope: 'host' }],
      mac: '00:00:00:00:00:00',
    });
  });
});
