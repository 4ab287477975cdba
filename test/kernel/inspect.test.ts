// Inspecting namespaces on the real kernel: sockets of processes started inside a namespace are
// listed with their PIDs (over sock_diag), an nftables rule added there appears, neighbours show
// after a ping across a veth, policy rules and routes of other tables, sysctls as set, and the
// files of /etc/netns/NAME: read when regular, never through a symlink, within their bounds.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { FirewallResult, NeighboursResult, NetnsFilesResult, RulesResult, SocketsResult, SysctlsResult } from '../../src/core/inspect/types';
import { findProgram } from '../../src/platform/programs';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, IP, ip, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
const A = `${P}ia`;
const B = `${P}ib`;
const VA = `${P}va`;
const VB = `${P}vb`;
const ETC = `/etc/netns/${A}`;
const ETC_LINKED = `/etc/netns/${B}`;
const NFT = findProgram('nft');
const ETC_EXISTED = fs.existsSync('/etc/netns');

/** A node process inside the namespace (ip netns exec execs it: its PID is the child's). */
function inNamespace(netns: string, script: string): Promise<ChildProcess> {
  const child = spawn(IP, ['netns', 'exec', netns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the process in ${netns} exited (${code})`)));
  });
}

describe('inspecting a namespace on the real kernel', () => {
  let h: HelperProcess;
  const children: ChildProcess[] = [];

  before(() => {
    h = new HelperProcess();
    ip(['netns', 'add', A]);
    ip(['netns', 'add', B]);
    ip(['-n', A, 'link', 'set', 'lo', 'up']);
    ip(['-n', A, 'link', 'add', VA, 'type', 'veth', 'peer', 'name', VB, 'netns', B]);
    ip(['-n', A, 'addr', 'add', '10.66.0.1/24', 'dev', VA]);
    ip(['-n', B, 'addr', 'add', '10.66.0.2/24', 'dev', VB]);
    ip(['-n', A, 'link', 'set', VA, 'up']);
    ip(['-n', B, 'link', 'set', VB, 'up']);
  });

  after(async () => {
    for (const c of children) {
      c.kill();
    }
    await h.close();
    fs.rmSync(ETC, { recursive: true, force: true });
    fs.rmSync(ETC_LINKED, { force: true });
    if (!ETC_EXISTED && fs.existsSync('/etc/netns') && fs.readdirSync('/etc/netns').length === 0) {
      fs.rmdirSync('/etc/netns');
    }
    cleanupPrefix(P);
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), [], 'every namespace made by the test is gone');
    assert.ok(!fs.existsSync(ETC) && !fs.existsSync(ETC_LINKED), 'the /etc/netns folders made by the test are gone');
  });

  async function ok<T>(op: string, params: Record<string, unknown>): Promise<T> {
    const r = await h.call(op, params);
    assert.ok(r.ok, `${op} ${JSON.stringify(params)}: ${JSON.stringify(r.error)}`);
    return r.result as T;
  }

  it('lists a TCP listener, a UDP socket and a connection with the PID of the process holding each', async () => {
    const server = await inNamespace(
      A,
      `const net = require('net'), dgram = require('dgram');
       const s = net.createServer((c) => c.on('data', () => {})).listen(4711, '127.0.0.1', () => {
         dgram.createSocket('udp6').bind(5353, '::', () => {
           net.connect(4711, '127.0.0.1', () => process.stdout.write('ready\\n'));
         });
       });
       setInterval(() => {}, 1000);`,
    );
    children.push(server);
    const r = await ok<SocketsResult>('readSockets', { netns: A });
    const mine = r.sockets.filter((s) => s.owners.some((o) => o.pid === server.pid));
    const listen = mine.find((s) => s.protocol === 'tcp' && s.state === 'LISTEN' && s.localPort === 4711);
    assert.ok(listen, `a TCP listener on 4711 held by ${server.pid}: ${JSON.stringify(r.sockets)}`);
    assert.equal(listen.local, '127.0.0.1');
    assert.equal(listen.family, 4);
    const owner = listen.owners.find((o) => o.pid === server.pid)!;
    assert.equal(owner.command, 'node');
    assert.equal(owner.user, 'root');
    assert.equal(typeof owner.fd, 'number', 'root sees the descriptor number');
    const udp = mine.find((s) => s.protocol === 'udp' && s.localPort === 5353);
    assert.ok(udp, 'the UDP socket on 5353');
    assert.equal(udp.family, 6);
    assert.equal(udp.state, 'UNCONN');
    const estab = mine.filter((s) => s.protocol === 'tcp' && s.state === 'ESTAB');
    assert.equal(estab.length, 2, 'both ends of the connection, held by the same process');
    assert.ok(estab.some((s) => s.remotePort === 4711) && estab.some((s) => s.localPort === 4711));
    assert.ok(r.processes >= 1 && !r.processesTruncated && !r.truncated);

    // The same sockets are not in the other namespace, and what ss -tuanp says in A agrees.
    const other = await ok<SocketsResult>('readSockets', { netns: B });
    assert.ok(!other.sockets.some((s) => s.localPort === 4711 || s.localPort === 5353), 'nothing of A in B');
    const ss = findProgram('ss');
    if (ss) {
      const { execFileSync } = await import('node:child_process');
      const text = execFileSync(IP, ['netns', 'exec', A, ss, '-tuanp'], { encoding: 'utf8' });
      assert.match(text, new RegExp(`127\\.0\\.0\\.1:4711.*pid=${server.pid}`));
    }
  });

  it('shows an nftables rule added inside the namespace, and nothing of it elsewhere', { skip: NFT ? false : 'nft is not installed (apt-get install nftables)' }, async () => {
    const empty = await ok<FirewallResult>('readFirewall', { netns: B });
    assert.equal(empty.tool, 'nft');
    assert.equal(empty.text.trim(), '', 'a new namespace has no ruleset');
    const { execFileSync } = await import('node:child_process');
    const nft = (args: string[]) => execFileSync(IP, ['netns', 'exec', A, NFT!, ...args], { encoding: 'utf8' });
    nft(['add', 'table', 'inet', `${P}t`]);
    nft(['add', 'chain', 'inet', `${P}t`, 'input', '{ type filter hook input priority 0; policy accept; }']);
    nft(['add', 'rule', 'inet', `${P}t`, 'input', 'tcp', 'dport', '4712', 'counter', 'drop']);
    const r = await ok<FirewallResult>('readFirewall', { netns: A });
    assert.equal(r.tool, 'nft');
    assert.match(r.text, new RegExp(`table inet ${P}t \\{`));
    assert.match(r.text, /tcp dport 4712 counter packets 0 bytes 0 drop/);
    assert.deepEqual(r.installed.nft, true);
    assert.equal((await ok<FirewallResult>('readFirewall', { netns: B })).text.trim(), '', 'B still has none');
  });

  const LEGACY = findProgram('iptables-legacy');
  it('falls back to the legacy iptables tables where nftables shows nothing', { skip: LEGACY ? false : 'iptables-legacy is not installed' }, async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync(IP, ['netns', 'exec', B, LEGACY!, '-A', 'INPUT', '-p', 'tcp', '--dport', '4713', '-j', 'DROP']);
    const r = await ok<FirewallResult>('readFirewall', { netns: B });
    assert.equal(r.tool, 'iptables-legacy');
    assert.match(r.text, /^\*filter$/m);
    assert.match(r.text, /-A INPUT -p tcp -m tcp --dport 4713 -j DROP/);
    assert.equal(r.installed.iptablesLegacy, true);
    // Where nftables has rules, they are what is shown.
    assert.equal((await ok<FirewallResult>('readFirewall', { netns: A })).tool, NFT ? 'nft' : 'iptables-legacy');
  });

  it('lists the neighbour learnt by a ping across the veth', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync(IP, ['netns', 'exec', A, findProgram('ping') ?? '/usr/bin/ping', '-c', '1', '-W', '2', '10.66.0.2'], { stdio: 'ignore' });
    const r = await ok<NeighboursResult>('readNeighbours', { netns: A });
    const n = r.neighbours.find((x) => x.address === '10.66.0.2');
    assert.ok(n, `10.66.0.2 among ${JSON.stringify(r.neighbours)}`);
    assert.equal(n.device, VA);
    assert.equal(n.family, 4);
    const mac = JSON.parse(ip(['-n', B, '-j', 'link', 'show', 'dev', VB]))[0].address as string;
    assert.equal(n.mac, mac, "the peer's MAC");
    assert.ok(n.state.length > 0);
  });

  it('lists policy rules and the routes of every table', async () => {
    ip(['-n', A, 'rule', 'add', 'from', '10.66.9.0/24', 'lookup', '100', 'priority', '100']);
    ip(['-n', A, 'route', 'add', '10.67.0.0/16', 'via', '10.66.0.2', 'table', '100']);
    const r = await ok<RulesResult>('readRules', { netns: A });
    assert.ok(r.rules.some((x) => x.priority === 100 && x.text === 'from 10.66.9.0/24 lookup 100'), JSON.stringify(r.rules));
    assert.ok(r.rules.some((x) => x.family === 6 && x.text === 'from all lookup main'));
    assert.ok(r.routes.some((x) => x.table === '100' && x.destination === '10.67.0.0/16' && x.gateway === '10.66.0.2' && x.device === VA));
    assert.ok(r.routes.some((x) => x.table === 'main' && x.destination === '10.66.0.0/24' && x.device === VA));
    assert.ok(r.routes.some((x) => x.table === 'local' && x.type === 'local' && x.destination === '10.66.0.1'));
  });

  it('reads forwarding and rp_filter as set inside the namespace', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync(IP, ['netns', 'exec', A, findProgram('sysctl')!, '-qw', `net.ipv4.conf.${VA}.rp_filter=2`, 'net.ipv6.conf.all.forwarding=1']);
    const r = await ok<SysctlsResult>('readSysctls', { netns: A });
    const get = (key: string) => r.values.find((v) => v.key === key)?.value;
    assert.equal(get(`net.ipv4.conf.${VA}.rp_filter`), '2');
    assert.equal(get('net.ipv6.conf.all.forwarding'), '1');
    const rb = await ok<SysctlsResult>('readSysctls', { netns: B });
    assert.equal(rb.values.find((v) => v.key === 'net.ipv6.conf.all.forwarding')?.value, '0', 'B keeps its own');
    assert.equal(rb.values.find((v) => v.key === `net.ipv4.conf.${VA}.rp_filter`), undefined, "A's interface is not in B");
    // The helper's own thread is back home: the host's values are the host's.
    const host = await ok<SysctlsResult>('readSysctls', { netns: null });
    assert.equal(host.values.find((v) => v.key === 'net.ipv6.conf.all.forwarding')?.value, fs.readFileSync('/proc/sys/net/ipv6/conf/all/forwarding', 'utf8').trim());
  });

  it('reads /etc/netns/NAME files, never through a symlink, within the bounds', async () => {
    assert.deepEqual(await ok<NetnsFilesResult>('readNetnsFiles', { netns: A }), { dir: ETC, exists: false, files: [] });
    fs.mkdirSync(ETC, { recursive: true });
    fs.writeFileSync(`${ETC}/resolv.conf`, 'nameserver 10.66.0.53\n');
    fs.writeFileSync(`${ETC}/hosts`, '10.66.0.2 peer\n');
    fs.symlinkSync('/etc/shadow', `${ETC}/shadow-link`);
    fs.writeFileSync(`${ETC}/big`, Buffer.alloc(64 * 1024 + 1, 'x'));
    fs.writeFileSync(`${ETC}/binary`, Buffer.from([1, 0, 2]));
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [`${ETC}/fifo`]);
    const r = await ok<NetnsFilesResult>('readNetnsFiles', { netns: A });
    const file = (name: string) => r.files.find((f) => f.name === name);
    assert.equal(r.exists, true);
    assert.equal(file('resolv.conf')?.text, 'nameserver 10.66.0.53\n');
    assert.equal(file('hosts')?.text, '10.66.0.2 peer\n');
    assert.deepEqual(file('shadow-link'), { name: 'shadow-link', size: 0, skipped: 'symlink' }, 'the symlink is not followed');
    assert.ok(!JSON.stringify(r).includes('root:'), 'nothing of /etc/shadow');
    assert.equal(file('big')?.skipped, 'tooLarge');
    assert.equal(file('big')?.text, undefined);
    assert.equal(file('binary')?.skipped, 'binary');
    assert.equal(file('fifo')?.skipped, 'notRegular', 'a FIFO is not opened for reading (and does not block)');

    for (let i = 0; i < 20; i++) {
      fs.writeFileSync(`${ETC}/extra${String(i).padStart(2, '0')}`, 'x\n');
    }
    const many = await ok<NetnsFilesResult>('readNetnsFiles', { netns: A });
    assert.equal(many.files.filter((f) => f.text !== undefined || (f.skipped && f.skipped !== 'tooMany')).length, 16, 'at most 16 files read');
    assert.ok(many.files.some((f) => f.skipped === 'tooMany'));
    for (let i = 0; i < 20; i++) {
      fs.rmSync(`${ETC}/extra${String(i).padStart(2, '0')}`);
    }

    // A NAME folder that is a symlink (to /etc) is not read at all.
    fs.symlinkSync('/etc', ETC_LINKED);
    assert.deepEqual(await ok<NetnsFilesResult>('readNetnsFiles', { netns: B }), { dir: ETC_LINKED, exists: true, refused: 'symlink', files: [] });
  });

  it('refuses what is not an existing namespace, and a bound caller the host firewall', async () => {
    const gone = await h.call('readSockets', { netns: `${P}gone` });
    assert.equal(gone.error?.code, 'ENOENT');
    for (const op of ['readNeighbours', 'readRules', 'readSockets', 'readFirewall', 'readSysctls', 'readNetnsFiles']) {
      const bad = await h.call(op, { netns: '../../etc' });
      assert.equal(bad.error?.code, 'EINVAL', `${op} validates the name`);
      const missing = await h.call(op, {});
      assert.equal(missing.ok, false, `${op} needs a namespace`);
    }
    assert.equal((await h.call('readNetnsFiles', { netns: null })).error?.code, 'EINVAL', 'the host has no /etc/netns folder');
    const bound = new HelperProcess({ SUDO_UID: '65534' });
    try {
      const host = await bound.call('readFirewall', { netns: null });
      assert.equal(host.error?.code, 'EACCES');
      assert.equal(host.error?.rule, 'host-firewall');
      assert.match(host.error!.message, /sudo nft list ruleset/);
      const ns = await bound.call('readFirewall', { netns: A });
      assert.ok(ns.ok, 'a namespace in /run/netns is shown');
      // Another user's sockets: the process by name, never its descriptor numbers.
      const socks = await bound.call('readSockets', { netns: A });
      assert.ok(socks.ok);
      const owners = (socks.result as SocketsResult).sockets.flatMap((s) => s.owners);
      assert.ok(owners.length > 0 && owners.every((o) => o.fd === undefined && o.command === 'node'), JSON.stringify(owners));
      // Files only when others may read them.
      fs.chmodSync(`${ETC}/hosts`, 0o600);
      const files = (await bound.call('readNetnsFiles', { netns: A })).result as NetnsFilesResult;
      assert.equal(files.files.find((f) => f.name === 'hosts')?.skipped, 'notReadable');
      assert.equal(files.files.find((f) => f.name === 'resolv.conf')?.text, 'nameserver 10.66.0.53\n');
    } finally {
      await bound.close();
    }
  });
});
