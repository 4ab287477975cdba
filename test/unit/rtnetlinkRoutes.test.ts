// Route messages captured from a real kernel (6.x) and what ip printed for the same namespace: the
// netlink reader and the ip reader must agree on the main table, and skip the local table.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIpRouteJson } from '../../src/helper/pure/ipJson';
import {
  buildRoutes,
  NetlinkFormatError,
  parseRoute,
  routeDumpRequest,
  mainRouteDumpRequest,
  nsidDumpRequest,
  RTM_GETNSID,
  RTA_TABLE,
  RT_TABLE_MAIN,
  routeFlagNames,
  RTM_GETROUTE,
  RTM_NEWROUTE,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  splitMessages,
} from '../../src/helper/pure/rtnetlink';

/**
 * One RTM_GETROUTE dump of a namespace with lo (1), vb (2) and va (3): va has 10.0.0.2/24 and
 * fd00::2/64, plus 'default via 10.0.0.1', '10.9.0.0/16 dev vb metric 50', '10.8.8.8 via 10.0.0.7
 * proto static', 'blackhole 10.7.0.0/16', '10.6.0.0/16 via inet6 fd00::9 dev va' and
 * '-6 default via fd00::1 metric 77'; the local table entries come along (and must be skipped).
 */
const DUMP = Buffer.from(
  [
    '3400000018000200010000005f62000002000000fe0300010000000008000f00fe000000080005000a0000010800040003000000',
    '3c00000018000200010000005f62000002180000fe02fd010000000008000f00fe000000080001000a000000080007000a0000020800040003000000',
    '4c00000018000200010000005f62000002100000fe0300010000000008000f00fe000000080001000a060000160012000a00fd00000000000000000000000000000900000800040003000000',
    '2c00000018000200010000005f62000002100000fe0300060000000008000f00fe000000080001000a070000',
    '3c00000018000200010000005f62000002200000fe0400010000000008000f00fe000000080001000a080808080005000a0000070800040003000000',
    '3c00000018000200010000005f62000002100000fe03fd010000000008000f00fe000000080001000a09000008000600320000000800040002000000',
    '3c00000018000200010000005f62000002200000ff02fe020000000008000f00ff000000080001000a000002080007000a0000020800040003000000',
    '3c00000018000200010000005f62000002200000ff02fd030000000008000f00ff000000080001000a0000ff080007000a0000020800040003000000',
    '3c00000018000200010000005f62000002080000ff02fe020000000008000f00ff000000080001007f000000080007007f0000010800040001000000',
    '3c00000018000200010000005f62000002200000ff02fe020000000008000f00ff000000080001007f000001080007007f0000010800040001000000',
    '3c00000018000200010000005f62000002200000ff02fd030000000008000f00ff000000080001007fffffff080007007f0000010800040001000000',
    '7400000018000200010000005f6200000a400000fe0200010000000008000f00fe00000014000100fd0000000000000000000000000000000800060000010000080004000300000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    '7400000018000200010000005f6200000a400000fe0200010000000008000f00fe00000014000100fe8000000000000000000000000000000800060000010000080004000200000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    '7400000018000200010000005f6200000a400000fe0200010000000008000f00fe00000014000100fe8000000000000000000000000000000800060000010000080004000300000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    '7400000018000200010000005f6200000a000000fe0300010000000008000f00fe000000080006004d00000014000500fd000000000000000000000000000001080004000300000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    '7400000018000200010000005f6200000a800000ff0200020000000008000f00ff00000014000100000000000000000000000000000000010800060000000000080004000100000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    '7400000018000200010000005f6200000a800000ff0200020000000008000f00ff00000014000100fd0000000000000000000000000000020800060000000000080004000300000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    '7400000018000200010000005f6200000a080000ff0200050000000008000f00ff00000014000100ff0000000000000000000000000000000800060000010000080004000200000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
    '7400000018000200010000005f6200000a080000ff0200050000000008000f00ff00000014000100ff0000000000000000000000000000000800060000010000080004000300000024000c0000000000000000000000000000000000000000000000000000000000000000000500140000000000',
  ].join(''),
  'hex',
);

const IP_V4 = `[{"type":"unicast","dst":"default","gateway":"10.0.0.1","dev":"va","protocol":"boot","scope":"global","flags":[]},{"type":"unicast","dst":"10.0.0.0/24","dev":"va","protocol":"kernel","scope":"link","prefsrc":"10.0.0.2","flags":[]},{"type":"unicast","dst":"10.6.0.0/16","via":{"family":"inet6","host":"fd00::9"},"dev":"va","protocol":"boot","scope":"global","flags":[]},{"type":"blackhole","dst":"10.7.0.0/16","protocol":"boot","scope":"global","flags":[]},{"type":"unicast","dst":"10.8.8.8","gateway":"10.0.0.7","dev":"va","protocol":"static","scope":"global","flags":[]},{"type":"unicast","dst":"10.9.0.0/16","dev":"vb","protocol":"boot","scope":"link","metric":50,"flags":[]}]`;
const IP_V6 = `[{"type":"unicast","dst":"fd00::/64","dev":"va","protocol":"kernel","scope":"global","metric":256,"flags":[],"pref":"medium"},{"type":"unicast","dst":"fe80::/64","dev":"vb","protocol":"kernel","scope":"global","metric":256,"flags":[],"pref":"medium"},{"type":"unicast","dst":"fe80::/64","dev":"va","protocol":"kernel","scope":"global","metric":256,"flags":[],"pref":"medium"},{"type":"unicast","dst":"default","gateway":"fd00::1","dev":"va","protocol":"boot","scope":"global","metric":77,"flags":[],"pref":"medium"}]`;

const NAMES = new Map([
  [1, 'lo'],
  [2, 'vb'],
  [3, 'va'],
]);

function netlinkRoutes(buf: Buffer) {
  const raw = splitMessages(buf)
    .filter((m) => m.type === RTM_NEWROUTE)
    .map((m) => parseRoute(buf, m))
    .filter((r) => r !== undefined);
  return buildRoutes(raw, (i) => NAMES.get(i));
}

describe('rtnetlink route messages', () => {
  it('encodes the route dump as one request for every family', () => {
    const req = routeDumpRequest(7);
    const [m] = splitMessages(req);
    assert.equal(m.type, RTM_GETROUTE);
    assert.equal(m.flags, NLM_F_REQUEST | NLM_F_DUMP);
    assert.equal(m.seq, 7);
    assert.equal(m.end - m.start, 12, 'an rtmsg');
    assert.equal(req[16], 0, 'AF_UNSPEC');
  });

  it('encodes the main-table dump with RTA_TABLE (filtered by a kernel checking dumps strictly)', () => {
    const req = mainRouteDumpRequest(8);
    const [m] = splitMessages(req);
    assert.equal(m.type, RTM_GETROUTE);
    assert.equal(m.flags, NLM_F_REQUEST | NLM_F_DUMP);
    assert.equal(m.seq, 8);
    assert.equal(req[16], 0, 'AF_UNSPEC');
    assert.deepEqual([req.readUInt16LE(28), req.readUInt16LE(30), req.readUInt32LE(32)], [8, RTA_TABLE, RT_TABLE_MAIN]);
  });

  it('encodes the nsid dump as a bare rtgenmsg', () => {
    const [m] = splitMessages(nsidDumpRequest(9));
    assert.deepEqual([m.type, m.flags, m.seq, m.end - m.start], [RTM_GETNSID, NLM_F_REQUEST | NLM_F_DUMP, 9, 4]);
  });

  it('reads the main table of a real dump exactly as ip -d -j route show prints it', () => {
    const routes = netlinkRoutes(DUMP);
    const fromIp = [...parseIpRouteJson(IP_V4, 4), ...parseIpRouteJson(IP_V6, 6)];
    assert.deepEqual(routes, fromIp);
    assert.equal(routes.length, 10, 'six IPv4 and four IPv6 routes; the local table is skipped');
  });

  it('names destinations, gateways, devices, metrics, protocols, scopes and types', () => {
    const routes = netlinkRoutes(DUMP);
    assert.deepEqual(routes[0], { family: 4, destination: 'default', gateway: '10.0.0.1', device: 'va' });
    assert.deepEqual(routes[1], { family: 4, destination: '10.0.0.0/24', device: 'va', protocol: 'kernel', scope: 'link', prefsrc: '10.0.0.2' });
    assert.equal(routes[2].gateway, 'fd00::9', 'an IPv6 next hop of an IPv4 route (RTA_VIA)');
    assert.deepEqual(routes[3], { family: 4, destination: '10.7.0.0/16', type: 'blackhole' });
    assert.equal(routes[4].destination, '10.8.8.8', 'a /32 without its prefix length, as ip prints it');
    assert.equal(routes[4].protocol, 'static');
    assert.equal(routes[5].metric, 50);
    assert.deepEqual(routes[9], { family: 6, destination: 'default', gateway: 'fd00::1', device: 'va', metric: 77 });
    assert.deepEqual(
      routes.filter((r) => r.family === 6).map((r) => `${r.destination} ${r.device}`),
      ['fd00::/64 va', 'fe80::/64 vb', 'fe80::/64 va', 'default va'],
    );
  });

  it('skips cached entries and other tables from the header alone', () => {
    const one = Buffer.from(DUMP.subarray(0, DUMP.readUInt32LE(0)));
    const [m] = splitMessages(one);
    assert.ok(parseRoute(one, m));
    one.writeUInt32LE(0x200, 16 + 8); // RTM_F_CLONED
    assert.equal(parseRoute(one, m), undefined);
    one.writeUInt32LE(0, 16 + 8);
    one[16 + 4] = 255; // the local table
    assert.equal(parseRoute(one, m), undefined);
    one[16 + 4] = 254;
    one[16] = 128; // RTNL_FAMILY_IPMR
    assert.equal(parseRoute(one, m), undefined);
  });

  it('names an interface it does not know if<N>, like ip', () => {
    const one = Buffer.from(DUMP.subarray(0, DUMP.readUInt32LE(0)));
    const raw = parseRoute(one, splitMessages(one)[0])!;
    assert.equal(buildRoutes([raw], () => undefined)[0].device, 'if3');
  });

  it('names route flags like ip', () => {
    assert.deepEqual(routeFlagNames(0x10 | 0x4), ['onlink', 'linkdown']);
    assert.deepEqual(routeFlagNames(0), []);
  });

  it('throws on a truncated rtmsg and survives random corruption', () => {
    const short = Buffer.from('1400000018000200010000000000000002000000', 'hex');
    assert.throws(() => parseRoute(short, splitMessages(short)[0]), NetlinkFormatError);
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 2000; round++) {
      const buf = Buffer.from(DUMP);
      for (let k = 0; k < 4; k++) {
        buf[Math.floor(rand() * buf.length)] = Math.floor(rand() * 256);
      }
      try {
        netlinkRoutes(buf);
      } catch (e) {
        assert.ok(e instanceof NetlinkFormatError, String(e));
      }
    }
  });
});

describe('ip route JSON', () => {
  it('reads ip without -d the same way (the usual values left out)', () => {
    const r = parseIpRouteJson('[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]},{"dst":"10.88.0.0/16","dev":"br0","protocol":"kernel","scope":"link","prefsrc":"10.88.0.1","flags":["linkdown"]}]', 4);
    assert.deepEqual(r, [
      { family: 4, destination: 'default', gateway: '192.0.2.1', device: 'eth0' },
      { family: 4, destination: '10.88.0.0/16', device: 'br0', protocol: 'kernel', scope: 'link', prefsrc: '10.88.0.1', flags: ['linkdown'] },
    ]);
    assert.deepEqual(parseIpRouteJson('', 6), []);
    assert.throws(() => parseIpRouteJson('{}', 6));
  });
});
