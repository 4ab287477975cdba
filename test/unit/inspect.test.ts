// The pure parts of a namespace inspection: ip's JSON into the results, sock_diag's binary answer,
// and the text each part is written as.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpoint, formatFirewall, formatNetnsFiles, formatRules, formatSockets, isListening, ownersText, renderDocument, sortSockets, table } from '../../src/core/inspect/format';
import { parseNeighbours, parseRules, parseTableRoutes, ruleText } from '../../src/core/inspect/ipJson';
import type { SocketEntry } from '../../src/core/inspect/types';
import { inetDiagRequest, INET_DIAG_MSG_LEN, INET_DIAG_REQ_V2_LEN, parseInetDiagMsg, socketInode, SOCK_DIAG_BY_FAMILY, stateName } from '../../src/helper/pure/sockDiag';
import { NLM_F_DUMP, NLM_F_REQUEST, splitMessages } from '../../src/helper/pure/rtnetlink';

const sock = (over: Partial<SocketEntry>): SocketEntry => ({
  protocol: 'tcp',
  family: 4,
  state: 'LISTEN',
  local: '0.0.0.0',
  localPort: 80,
  remote: '0.0.0.0',
  remotePort: 0,
  boundIfindex: 0,
  uid: 0,
  inode: 1,
  recvQ: 0,
  sendQ: 128,
  owners: [],
  ...over,
});

describe('ip JSON of an inspection', () => {
  it('writes ip rules as ip prints them', () => {
    assert.equal(ruleText({ priority: 0, src: 'all', table: 'local' }), 'from all lookup local');
    assert.equal(ruleText({ priority: 100, src: '10.1.0.0', srclen: 24, table: '100' }), 'from 10.1.0.0/24 lookup 100');
    assert.equal(ruleText({ priority: 5, src: 'all', dst: '10.9.0.0', dstlen: 16, iif: 'veth0', fwmark: '0x1', fwmask: '0xff', table: 'main' }), 'from all to 10.9.0.0/16 fwmark 0x1/0xff iif veth0 lookup main');
    assert.equal(ruleText({ priority: 7, not: null, src: 'all', action: 'unreachable' }), 'not from all unreachable');
    assert.equal(ruleText({ priority: 8, src: 'all', goto: 32766, action: 'goto' }), 'from all goto 32766');
    const rules = parseRules('[{"priority":0,"src":"all","table":"local"},{"priority":32766,"src":"all","table":"main"}]', 6);
    assert.deepEqual(rules, [
      { family: 6, priority: 0, text: 'from all lookup local' },
      { family: 6, priority: 32766, text: 'from all lookup main' },
    ]);
    assert.deepEqual(parseRules('', 4), []);
  });

  it('reads routes of every table, main when ip names none', () => {
    const text = JSON.stringify([
      { dst: 'default', gateway: '10.0.0.1', dev: 'eth0', flags: [] },
      { type: 'local', dst: '10.0.0.2', dev: 'eth0', table: 'local', protocol: 'kernel', scope: 'host', prefsrc: '10.0.0.2', flags: [] },
      { dst: '10.9.0.0/16', via: { family: 'inet', host: '10.0.0.9' }, dev: 'eth0', table: '100', metric: 5, flags: ['onlink'] },
      { type: 'unicast', dst: '10.8.0.0/16', dev: 'eth0' },
      { dev: 'broken' },
    ]);
    assert.deepEqual(parseTableRoutes(text, 4), [
      { family: 4, table: 'main', destination: 'default', gateway: '10.0.0.1', device: 'eth0' },
      { family: 4, table: 'local', destination: '10.0.0.2', type: 'local', device: 'eth0', protocol: 'kernel', scope: 'host', prefsrc: '10.0.0.2' },
      { family: 4, table: '100', destination: '10.9.0.0/16', gateway: '10.0.0.9', device: 'eth0', metric: 5, flags: ['onlink'] },
      { family: 4, table: 'main', destination: '10.8.0.0/16', device: 'eth0' },
    ]);
  });

  it('reads neighbours with their state, MAC and router flag', () => {
    const text = '[{"dst":"10.0.0.1","dev":"eth0","lladdr":"02:00:00:00:00:01","state":["REACHABLE"]},{"dst":"fe80::1","dev":"eth0","lladdr":"02:00:00:00:00:01","router":null,"state":["STALE"]},{"dst":"10.0.0.9","dev":"eth0","state":["FAILED"]}]';
    assert.deepEqual(parseNeighbours(text, 4)[0], { family: 4, address: '10.0.0.1', device: 'eth0', mac: '02:00:00:00:00:01', state: ['REACHABLE'] });
    assert.equal(parseNeighbours(text, 6)[1].router, true);
    assert.equal(parseNeighbours(text, 4)[2].mac, undefined);
  });
});

describe('sock_diag', () => {
  it('asks for every socket of one protocol and family', () => {
    const req = inetDiagRequest(6, 17);
    assert.equal(req.length, 16 + INET_DIAG_REQ_V2_LEN);
    assert.equal(req.readUInt32LE(0), req.length);
    assert.equal(req.readUInt16LE(4), SOCK_DIAG_BY_FAMILY);
    assert.equal(req.readUInt16LE(6), NLM_F_REQUEST | NLM_F_DUMP);
    assert.equal(req.readUInt8(16), 10); // AF_INET6
    assert.equal(req.readUInt8(17), 17); // UDP
    assert.equal(req.readUInt32LE(20), 0xffffffff);
    assert.ok(req.subarray(24).every((b) => b === 0), 'a zero socket id matches every socket');
  });

  it('reads an inet_diag_msg: addresses, ports in network order, queues, uid and inode', () => {
    const m = Buffer.alloc(16 + INET_DIAG_MSG_LEN);
    m.writeUInt32LE(m.length, 0);
    m.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
    const o = 16;
    m.writeUInt8(2, o); // AF_INET
    m.writeUInt8(10, o + 1); // LISTEN
    m.writeUInt16BE(4711, o + 4);
    m.writeUInt16BE(0, o + 6);
    Buffer.from([127, 0, 0, 1]).copy(m, o + 8);
    m.writeUInt32LE(3, o + 40);
    m.writeUInt32LE(5, o + 56);
    m.writeUInt32LE(511, o + 60);
    m.writeUInt32LE(1000, o + 64);
    m.writeUInt32LE(424242, o + 68);
    const [msg] = splitMessages(m);
    assert.deepEqual(parseInetDiagMsg(m, msg), {
      family: 4,
      state: 10,
      local: '127.0.0.1',
      localPort: 4711,
      remote: '0.0.0.0',
      remotePort: 0,
      boundIfindex: 3,
      recvQ: 5,
      sendQ: 511,
      uid: 1000,
      inode: 424242,
    });
    m.writeUInt8(10, o); // AF_INET6
    Buffer.alloc(16).copy(m, o + 8);
    m.writeUInt8(1, o + 8 + 15);
    assert.equal(parseInetDiagMsg(m, msg).local, '::1');
    assert.throws(() => parseInetDiagMsg(m, { ...msg, end: msg.start + 10 }), /inet_diag_msg of 10 bytes/);
  });

  it('names states as ss does, and finds a socket inode in a descriptor link', () => {
    assert.equal(stateName(10, 'tcp'), 'LISTEN');
    assert.equal(stateName(1, 'tcp'), 'ESTAB');
    assert.equal(stateName(7, 'udp'), 'UNCONN');
    assert.equal(stateName(7, 'tcp'), 'CLOSE');
    assert.equal(stateName(99, 'tcp'), 'state 99');
    assert.equal(socketInode('socket:[12345]'), 12345);
    assert.equal(socketInode('pipe:[12345]'), undefined);
    assert.equal(socketInode('/tmp/socket:[1]'), undefined);
  });
});

describe('the text of an inspection', () => {
  it('tells listening sockets from the others', () => {
    assert.ok(isListening(sock({})));
    assert.ok(isListening(sock({ protocol: 'udp', state: 'UNCONN', localPort: 53 })));
    assert.ok(!isListening(sock({ protocol: 'udp', state: 'UNCONN', localPort: 0 })));
    assert.ok(!isListening(sock({ protocol: 'udp', state: 'ESTAB', localPort: 53 })));
    assert.ok(!isListening(sock({ state: 'ESTAB' })));
  });

  it('writes endpoints and owners as ss does', () => {
    assert.equal(endpoint('127.0.0.1', 80, 4), '127.0.0.1:80');
    assert.equal(endpoint('::', 0, 6), '[::]:*');
    assert.equal(ownersText(sock({ owners: [{ pid: 12, command: 'nginx', user: 'root', fd: 6 }, { pid: 13, command: 'nginx', user: 'www-data' }] })), 'nginx (pid 12, fd 6, root), nginx (pid 13, www-data)');
  });

  it('lists listeners first, by protocol and port', () => {
    const list = [sock({ state: 'ESTAB', localPort: 1 }), sock({ protocol: 'udp', state: 'UNCONN', localPort: 53 }), sock({ localPort: 443 }), sock({ localPort: 22 })];
    assert.deepEqual(
      sortSockets(list).map((s) => `${s.protocol}:${s.localPort}:${s.state}`),
      ['tcp:22:LISTEN', 'tcp:443:LISTEN', 'udp:53:UNCONN', 'tcp:1:ESTAB'],
    );
  });

  it('writes the sockets as a table under a count', () => {
    const lines = formatSockets({
      sockets: [sock({ local: '127.0.0.1', localPort: 4711, owners: [{ pid: 99, command: 'node', user: 'root', fd: 19 }] }), sock({ protocol: 'udp', family: 6, state: 'UNCONN', local: '::', remote: '::', localPort: 5353, sendQ: 0, inode: 0 })],
      truncated: true,
      processes: 1,
      processesTruncated: false,
    });
    assert.deepEqual(lines, [
      '2 sockets, 2 listening.',
      'Netid  State   Local Address:Port  Peer Address:Port  Process                     Recv-Q  Send-Q',
      'tcp    LISTEN  127.0.0.1:4711      0.0.0.0:*          node (pid 99, fd 19, root)  0       128',
      'udp    UNCONN  [::]:5353           [::]:*             -                           0       0',
      '(more sockets than are shown: the list was cut short)',
    ]);
    assert.deepEqual(formatSockets({ sockets: [], truncated: false, processes: 0, processesTruncated: false }), ['No TCP or UDP sockets.']);
  });

  it('pads columns but the last', () => {
    assert.deepEqual(table([['a', 'bbb', 'c'], ['dd', 'e', '']]), ['a   bbb  c', 'dd  e']);
  });

  it('writes rules by family and routes by table, main first', () => {
    const lines = formatRules({
      rules: [{ family: 4, priority: 0, text: 'from all lookup local' }],
      routes: [
        { family: 4, table: '100', destination: '10.9.0.0/16', gateway: '10.0.0.9', device: 'eth0' },
        { family: 4, table: 'local', type: 'local', destination: '10.0.0.2', device: 'eth0', scope: 'host' },
        { family: 4, table: 'main', destination: 'default', gateway: '10.0.0.1', device: 'eth0', metric: 100 },
      ],
      truncated: false,
    });
    assert.deepEqual(lines, [
      'Policy rules (ip rule):',
      '  IPv4',
      '    0:\tfrom all lookup local',
      '  IPv6',
      '    none',
      '',
      'Routes of every table (ip route show table all):',
      '  table main',
      '    default via 10.0.0.1 dev eth0 metric 100',
      '  table local',
      '    local 10.0.0.2 dev eth0 scope host',
      '  table 100',
      '    10.9.0.0/16 via 10.0.0.9 dev eth0',
    ]);
  });

  it('says where the firewall comes from, and plainly when there is none', () => {
    const installed = { nft: true, iptablesLegacy: true };
    assert.deepEqual(formatFirewall({ tool: 'nft', text: 'table inet t {\n}\n', truncated: false, installed }), ['From nft list ruleset:', 'table inet t {', '}']);
    assert.match(formatFirewall({ tool: 'nft', text: '', truncated: false, installed })[0], /^No rules/);
    assert.match(formatFirewall({ tool: 'iptables-legacy', text: '*filter\nCOMMIT\n', truncated: true, installed })[0], /legacy/);
    assert.match(formatFirewall({ tool: null, text: '', truncated: false, installed: { nft: false, iptablesLegacy: false } })[0], /Neither nft nor iptables-save is installed/);
  });

  it('writes each /etc/netns file, and why one was not read', () => {
    const lines = formatNetnsFiles(
      { dir: '/etc/netns/ns1', exists: true, files: [{ name: 'resolv.conf', size: 20, text: 'nameserver 10.0.0.53\n' }, { name: 'evil', size: 0, skipped: 'symlink' }] },
      'ns1',
    );
    assert.deepEqual(lines, ['-- resolv.conf --', 'nameserver 10.0.0.53', '', '-- evil --', '; a symbolic link: not followed', '']);
    assert.match(formatNetnsFiles({ dir: '/etc/netns/ns1', exists: false, files: [] }, 'ns1')[0], /does not exist/);
    assert.match(formatNetnsFiles({ dir: '/etc/netns/ns1', exists: true, refused: 'symlink', files: [] }, 'ns1')[0], /symbolic link, so nothing in it is read/);
    assert.match(formatNetnsFiles(undefined, null)[0], /The host has no \/etc\/netns folder/);
  });

  it('puts each section under its heading, and a part that failed says why', () => {
    const text = renderDocument('ns1', [{ part: 'sysctls', lines: ['net.ipv4.ip_forward = 1'] }, { part: 'firewall', error: 'nft failed' }], new Date(2026, 0, 1, 12, 34, 56));
    assert.equal(text, ['== Namespace ns1 ==', '; read at 12:34:56; refreshed while open', '', '== Sysctls ==', '', 'net.ipv4.ip_forward = 1', '', '== Firewall ==', '', 'Could not be read: nft failed', ''].join('\n'));
    assert.match(renderDocument(null, [], new Date()), /^== Namespace host \(root namespace\) ==/);
  });
});
