// Packet captures through the real helper on real namespaces: a ping between two namespaces
// joined by a veth, captured on one end, arrives as a pcap stream whose records are the ICMP
// echo requests and replies between the right addresses; the size and time bounds end a capture
// with their reason; filters and names that could be read as options, or that name no interface,
// are refused in words.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readPcap } from '../../src/core/capture/pcap';
import { describeFrame } from '../../src/core/capture/decode';
import { MAX_CAPTURES } from '../../src/core/capture/rules';
import { captureEnd, inNetns, takeCaptureData, vethLab, type VethLab } from '../support/captures';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, uniquePrefix } from '../support/kernel';
import { findProgram } from '../../src/platform/programs';
import { execFileSync } from 'node:child_process';

const P = uniquePrefix();
cleanupOnExit(P);

const skip = findProgram('tcpdump') ? false : 'needs tcpdump (apt install tcpdump)';

/** The running tcpdump processes of this test's interfaces. */
function tcpdumps(): string[] {
  const out = execFileSync('/usr/bin/ps', ['-eo', 'pid,user,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('tcpdump') && l.includes(P) && !l.includes('ps -eo'));
}

/** An IPv4 ICMP packet's fields, from an Ethernet frame. */
function icmp(frame: Uint8Array): { src: string; dst: string; type: number } | undefined {
  if (frame.length < 34 || frame[12] !== 0x08 || frame[13] !== 0x00 || frame[23] !== 1) {
    return undefined;
  }
  const ihl = (frame[14] & 0x0f) * 4;
  const a = (at: number) => Array.from(frame.subarray(at, at + 4)).join('.');
  return { src: a(26), dst: a(30), type: frame[14 + ihl] };
}

describe('packet capture', { skip }, () => {
  let h: HelperProcess;
  let lab: VethLab;
  before(() => {
    lab = vethLab(P, '10.231.7');
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
  });

  it('captures a ping between two namespaces on the veth: ICMP echo requests and replies between their addresses', async () => {
    const started = Date.now();
    const { capture } = await h.ok<{ capture: string }>('startCapture', { netns: lab.b, name: lab.vb });
    assert.match(capture, /^\d+\.\d+$/);
    // tcpdump writes to its stdout only (the helper never writes a file), entered by nsenter, all by absolute path.
    const logged = new RegExp(`capture ${capture.replace('.', '\\.')}: (.*)`).exec(h.stderr)?.[1] ?? '';
    assert.match(logged, new RegExp(`^/\\S+/nsenter --net=/run/netns/${lab.b} -- /\\S+/timeout -k 5 610 /\\S+/tcpdump --interface=${lab.vb} -w - -U -s 262144 --immediate-mode$`), logged);
    assert.equal(tcpdumps().length > 0, true, 'tcpdump runs');
    // It runs as tcpdump's own user, not root, once the interface is open.
    assert.ok(tcpdumps().some((l) => /^\s*\d+\s+tcpdump\s/.test(l)), tcpdumps().join('\n'));
    inNetns(lab.a, ['ping', '-c', '3', '-i', '0.2', '-W', '1', lab.addrB]);
    const stopped = await h.ok<{ bytes: number; packets: number }>('stopCapture', { capture });
    const end = await captureEnd(h, capture);
    assert.equal(end.reason, 'stopped');
    assert.equal(end.bytes, stopped.bytes);
    assert.equal(end.packets, stopped.packets);
    const bytes = takeCaptureData(h, capture);
    assert.equal(bytes.length, end.bytes, 'every byte counted was sent');
    const pcap = readPcap(bytes);
    assert.equal(pcap.trailing, 0, 'whole records only');
    assert.equal(pcap.header.linkType, 1, 'Ethernet');
    assert.equal(pcap.records.length, end.packets);
    const icmps = pcap.records.map((r) => icmp(r.data)).filter((x) => x !== undefined);
    const requests = icmps.filter((x) => x.type === 8 && x.src === lab.addrA && x.dst === lab.addrB);
    const replies = icmps.filter((x) => x.type === 0 && x.src === lab.addrB && x.dst === lab.addrA);
    assert.equal(requests.length, 3, JSON.stringify(icmps));
    assert.equal(replies.length, 3, JSON.stringify(icmps));
    // Timestamps are of this run.
    for (const r of pcap.records) {
      assert.ok(r.seconds * 1000 >= started - 2000 && r.seconds * 1000 <= Date.now() + 2000);
    }
    // The pure decoder reads the same packets.
    assert.ok(pcap.records.some((r) => describeFrame(r.data, 1).startsWith(`IP ${lab.addrA} > ${lab.addrB}: ICMP echo request`)));
    // tcpdump reads the file back too.
    const text = execFileSync(findProgram('tcpdump')!, ['-n', '-r', '-'], { input: bytes, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    assert.equal((text.match(/ICMP echo request/g) ?? []).length, 3, text);
    assert.deepEqual(tcpdumps(), [], 'tcpdump is gone');
  });

  it('takes a filter: only what it matches is captured', async () => {
    const { capture } = await h.ok<{ capture: string }>('startCapture', { netns: lab.a, name: lab.va, filter: `icmp and host ${lab.addrB}` });
    inNetns(lab.a, ['ping', '-c', '2', '-i', '0.2', '-W', '1', lab.addrB]);
    // UDP that the filter leaves out.
    inNetns(lab.a, ['sh', '-c', `echo hello > /dev/udp/${lab.addrB}/9999 || true`]);
    await h.ok('stopCapture', { capture });
    const end = await captureEnd(h, capture);
    const pcap = readPcap(takeCaptureData(h, capture));
    assert.equal(end.packets, 4);
    assert.ok(pcap.records.every((r) => icmp(r.data) !== undefined), 'ICMP only');
  });

  it('ends at maxBytes with whole records, the file no larger than the bound', async () => {
    const maxBytes = 24 + 2 * (16 + 98) + 50; // the header, two echo packets, less than a third
    const { capture } = await h.ok<{ capture: string }>('startCapture', { netns: lab.b, name: lab.vb, maxBytes, filter: 'icmp' });
    const pinging = inNetns(lab.a, ['ping', '-c', '4', '-i', '0.2', '-W', '1', lab.addrB]);
    assert.match(pinging, /4 received/);
    const end = await captureEnd(h, capture);
    assert.equal(end.reason, 'maxBytes');
    assert.equal(end.packets, 2);
    assert.ok(end.bytes <= maxBytes);
    const pcap = readPcap(takeCaptureData(h, capture));
    assert.equal(pcap.records.length, 2);
    assert.equal(pcap.trailing, 0);
    const again = await h.call('stopCapture', { capture });
    assert.equal(again.error?.code, 'ENOENT', 'an ended capture cannot be stopped');
  });

  it('ends at maxSeconds', async () => {
    const t0 = Date.now();
    const { capture } = await h.ok<{ capture: string }>('startCapture', { netns: lab.b, name: lab.vb, maxSeconds: 1 });
    const end = await captureEnd(h, capture, 10000);
    const took = Date.now() - t0;
    assert.equal(end.reason, 'maxSeconds');
    assert.ok(took >= 1000 && took < 5000, `${took} ms`);
    // The header is there even when no packet came.
    const pcap = readPcap(takeCaptureData(h, capture));
    assert.equal(pcap.records.length, end.packets);
  });

  it('refuses filters that could be read as options, and names that are not interfaces there', async () => {
    for (const filter of ['-r /etc/shadow', ' -w /tmp/x', 'icmp; rm -rf /', 'host "a"', 'icmp\nudp', 'port `id`']) {
      const r = await h.call('startCapture', { netns: lab.b, name: lab.vb, filter });
      assert.equal(r.error?.code, 'EINVAL', `${JSON.stringify(filter)}: ${JSON.stringify(r.error)}`);
    }
    const syntax = await h.call('startCapture', { netns: lab.b, name: lab.vb, filter: 'icmp and (' });
    assert.equal(syntax.error?.code, 'EINVAL', JSON.stringify(syntax.error));
    assert.match(syntax.error!.message, /tcpdump does not accept the filter "icmp and \(": syntax error/);
    // A name starting with "-" is a name, never an option: here there is no such interface.
    for (const name of ['-D', '--version', 'nosuch0']) {
      const r = await h.call('startCapture', { netns: lab.b, name });
      assert.equal(r.error?.code, 'ENODEV', `${name}: ${JSON.stringify(r.error)}`);
      assert.match(r.error!.message, new RegExp(`Interface "${name.replace(/-/g, '\\-')}" does not exist in namespace "${lab.b}"`));
    }
    // Names tcpdump would read as something else.
    for (const name of ['1', 'any', 'nflog']) {
      const r = await h.call('startCapture', { netns: lab.b, name });
      assert.equal(r.error?.code, 'EINVAL', `${name}: ${JSON.stringify(r.error)}`);
    }
    const missing = await h.call('startCapture', { netns: `${P}nosuch`, name: 'lo' });
    assert.equal(missing.error?.code, 'ENOENT');
    for (const params of [{ maxBytes: 10 }, { maxBytes: 2 ** 40 }, { maxSeconds: 0 }, { maxSeconds: 1.5 }]) {
      const r = await h.call('startCapture', { netns: lab.b, name: lab.vb, ...params });
      assert.equal(r.error?.code, 'EINVAL', JSON.stringify(params));
    }
    assert.equal((await h.call('stopCapture', { capture: '--all' })).error?.code, 'EINVAL');
    assert.deepEqual(tcpdumps(), []);
  });

  it('says so when the interface is down', async () => {
    inNetns(lab.b, ['/usr/sbin/ip', 'link', 'set', lab.vb, 'down']);
    try {
      const r = await h.call('startCapture', { netns: lab.b, name: lab.vb });
      assert.equal(r.error?.code, 'ENETDOWN', JSON.stringify(r.error));
      assert.match(r.error!.message, /is down, so nothing can be captured on it\. Set it up first\./);
    } finally {
      inNetns(lab.b, ['/usr/sbin/ip', 'link', 'set', lab.vb, 'up']);
    }
  });

  it(`runs at most ${MAX_CAPTURES} captures at once, several at a time, and stops them all when the client goes`, async () => {
    const other = new HelperProcess();
    try {
      const ids: string[] = [];
      for (let i = 0; i < MAX_CAPTURES; i++) {
        ids.push((await other.ok<{ capture: string }>('startCapture', { netns: i % 2 ? lab.a : lab.b, name: i % 2 ? lab.va : lab.vb })).capture);
      }
      assert.equal(new Set(ids).size, MAX_CAPTURES);
      const ninth = await other.call('startCapture', { netns: lab.b, name: lab.vb });
      assert.equal(ninth.error?.code, 'EBUSY');
      assert.equal(tcpdumps().filter((l) => /\/tcpdump /.test(l) && !/timeout/.test(l)).length, MAX_CAPTURES);
      // One stops; the rest go on.
      await other.ok('stopCapture', { capture: ids[0] });
      assert.equal(tcpdumps().filter((l) => /\/tcpdump /.test(l) && !/timeout/.test(l)).length, MAX_CAPTURES - 1);
    } finally {
      await other.close();
    }
    for (let i = 0; i < 50 && tcpdumps().length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(tcpdumps(), [], 'no tcpdump outlives its client');
  });
});
