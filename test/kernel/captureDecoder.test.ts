// The built-in one-line decoder of the capture view, against tcpdump on real packets: traffic of
// several kinds between two namespaces (ARP, ICMP and ICMPv6 echo, IPv6 neighbour discovery, UDP,
// TCP) captured by tcpdump into a pcap file, then each record decoded by both (tcpdump -n -S:
// absolute TCP sequence numbers, as the decoder prints them). Where the decoder
// knows the protocol, its line is tcpdump's; TCP lines agree up to the options it leaves out.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeFrame } from '../../src/core/capture/decode';
import { PcapFramer, readPcap } from '../../src/core/capture/pcap';
import { findProgram } from '../../src/platform/programs';
import { inNetns, vethLab, type VethLab } from '../support/captures';
import { cleanupOnExit, cleanupPrefix, IP, ip, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
const tcpdump = findProgram('tcpdump');

describe('built-in packet decoder', { skip: tcpdump ? false : 'needs tcpdump' }, () => {
  let lab: VethLab;
  let dir: string;
  let file: string;
  before(async () => {
    lab = vethLab(P, '10.234.1');
    ip(['-n', lab.a, 'address', 'add', 'fd00:234::1/64', 'dev', lab.va, 'nodad']);
    ip(['-n', lab.b, 'address', 'add', 'fd00:234::2/64', 'dev', lab.vb, 'nodad']);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-decoder-'));
    file = path.join(dir, 'real.pcap');
    // tcpdump writes the file as its own user once it dropped root: the folder must let it.
    fs.chmodSync(dir, 0o777);
    const child = spawn(IP, ['netns', 'exec', lab.b, tcpdump!, '-i', lab.vb, '-U', '-w', file, '--immediate-mode'], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (/listening on/.test(err)) {
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(err)));
    });
    inNetns(lab.a, ['ping', '-c', '2', '-i', '0.2', lab.addrB]);
    inNetns(lab.a, ['ping', '-6', '-c', '2', '-i', '0.2', 'fd00:234::2']);
    inNetns(lab.a, ['bash', '-c', `echo hello > /dev/udp/${lab.addrB}/9999; echo x > /dev/tcp/${lab.addrB}/9998 || true`]);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    await new Promise((r) => child.once('close', r));
  });
  after(() => {
    cleanupPrefix(P);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads what tcpdump wrote, record for record, also in chunks of any size', () => {
    const bytes = fs.readFileSync(file);
    const whole = readPcap(bytes);
    assert.equal(whole.trailing, 0);
    assert.equal(whole.header.linkType, 1);
    assert.ok(whole.records.length >= 12, `${whole.records.length} records`);
    // Cut into odd pieces, the framer gives the same records.
    const framer = new PcapFramer();
    const units = [];
    for (let at = 0; at < bytes.length; at += 7) {
      units.push(...framer.push(bytes.subarray(at, at + 7)));
    }
    const records = units.filter((u) => u.kind === 'record');
    assert.equal(records.length, whole.records.length);
    assert.deepEqual(Buffer.concat(units.map((u) => u.bytes)), bytes);
  });

  it('describes each packet as tcpdump -n does', () => {
    const { records } = readPcap(fs.readFileSync(file));
    const theirs = execFileSync(tcpdump!, ['-n', '-S', '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')
      .map((l) => l.replace(/^\S+ /, ''));
    assert.equal(theirs.length, records.length);
    const seen = new Set<string>();
    for (const [i, r] of records.entries()) {
      const mine = describeFrame(r.data, 1, r.originalLength);
      const t = theirs[i];
      if (/^IP6? \S+\.\d+ > \S+\.\d+: Flags/.test(t)) {
        seen.add('tcp');
        const head = (s: string) => /^(IP6? \S+ > \S+: Flags \[[^\]]*\], (seq \d+(:\d+)?, )?(ack \d+, )?win \d+)/.exec(s)?.[1];
        assert.equal(head(mine), head(t), `#${i + 1}: ${mine} | ${t}`);
        continue;
      }
      const kind = /ARP, Request|ARP, Reply|ICMP echo|ICMP6, echo|neighbor (solicitation|advertisement)|UDP, length/.exec(t)?.[0];
      if (kind) {
        seen.add(kind.replace(/ (request|reply)$/, ''));
        assert.equal(mine, t, `#${i + 1}`);
      } else {
        // Others: the same protocol and addresses at least.
        assert.equal(mine.split(':')[0].split(' ')[0], t.split(':')[0].split(' ')[0], `#${i + 1}: ${mine} | ${t}`);
      }
    }
    for (const k of ['tcp', 'ARP, Request', 'ARP, Reply', 'ICMP echo', 'ICMP6, echo', 'UDP, length']) {
      assert.ok(seen.has(k), `the capture had ${k}: ${[...seen].join(', ')}`);
    }
  });
});
