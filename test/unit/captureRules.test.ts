// What a capture request may ask for (interface names tcpdump reads as that interface, filters
// that can never be options, bounds), how the pcap stream is cut into whole records, and where
// the extension puts capture files.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePcapHeader, PcapFramer } from '../../src/core/capture/pcap';
import { formatIpv6 } from '../../src/core/capture/decode';
import { validateCaptureBytes, validateCaptureFilter, validateCaptureId, validateCaptureInterfaceName, validateCaptureSeconds } from '../../src/core/capture/rules';
import { captureFileName, captureFolder } from '../../src/extension/capture/captureFiles';
import { parseRequest } from '../../src/core/protocol';

describe('capture requests', () => {
  it('takes only interface names tcpdump reads as names', () => {
    for (const ok of ['veth-b', 'eth0', '-D', 'any0x', 'lo', 'a1']) {
      assert.equal(validateCaptureInterfaceName(ok), undefined, ok);
    }
    for (const bad of ['1', '42', 'any', 'nflog', 'nfqueue:3', 'usbmon1', 'bluetooth0', 'dbus-system', '', 'a/b', 'x'.repeat(16)]) {
      assert.ok(validateCaptureInterfaceName(bad), bad);
    }
  });

  it('takes filters of plain expression characters that cannot start an option', () => {
    for (const ok of ['icmp', 'icmp or arp', 'host 10.0.0.2 and port 80', 'ip6 and not (udp port 53)', 'tcp[13] & 2 != 0', 'ether host 02:00:00:00:00:01', 'net fd00::/64', 'icmp[icmptype] == icmp-echo']) {
      assert.equal(validateCaptureFilter(ok), undefined, ok);
    }
    for (const bad of ['-r /etc/shadow', ' -w x', '--version', 'a;b', 'host "x"', "host 'x'", 'a\\b', 'a\nb', 'port `id`', '$(id)', 'x'.repeat(513), 42]) {
      assert.ok(validateCaptureFilter(bad), String(bad));
    }
  });

  it('bounds size and time, and knows a capture id', () => {
    assert.equal(validateCaptureBytes(128, 'maxBytes'), undefined);
    assert.equal(validateCaptureBytes(2 ** 31, 'maxBytes'), undefined);
    for (const bad of [127, 2 ** 31 + 1, 1.5, '1000', -1]) {
      assert.ok(validateCaptureBytes(bad, 'maxBytes'));
    }
    assert.equal(validateCaptureSeconds(1, 'maxSeconds'), undefined);
    assert.ok(validateCaptureSeconds(86401, 'maxSeconds'));
    assert.ok(validateCaptureSeconds(0, 'maxSeconds'));
    assert.equal(validateCaptureId('4242.1', 'capture'), undefined);
    for (const bad of ['--all', '1', '1.1.1', 1, '']) {
      assert.ok(validateCaptureId(bad, 'capture'));
    }
  });

  it('parses startCapture and stopCapture with their schema', () => {
    const r = parseRequest(JSON.stringify({ id: 1, op: 'startCapture', netns: 'ns1', name: 'veth-b', filter: 'icmp', maxBytes: 1000, maxSeconds: 5 }));
    assert.equal(r.op, 'startCapture');
    assert.throws(() => parseRequest(JSON.stringify({ id: 2, op: 'startCapture', netns: 'ns1', name: 'veth-b', filter: '-w /tmp/x' })), /cannot start with "-"/);
    assert.throws(() => parseRequest(JSON.stringify({ id: 3, op: 'startCapture', netns: 'ns1', name: 'veth-b', output: '/tmp/x' })), /has no field "output"/);
    assert.throws(() => parseRequest(JSON.stringify({ id: 4, op: 'stopCapture' })), /needs the field "capture"/);
  });
});

describe('the pcap stream', () => {
  /** A pcap header and records built by hand (little-endian, microseconds, Ethernet). */
  function stream(records: number[]): Buffer {
    const head = Buffer.alloc(24);
    head.writeUInt32LE(0xa1b2c3d4, 0);
    head.writeUInt16LE(2, 4);
    head.writeUInt16LE(4, 6);
    head.writeUInt32LE(262144, 16);
    head.writeUInt32LE(1, 20);
    return Buffer.concat([
      head,
      ...records.map((len, i) => {
        const h = Buffer.alloc(16);
        h.writeUInt32LE(1_700_000_000 + i, 0);
        h.writeUInt32LE(i, 4);
        h.writeUInt32LE(len, 8);
        h.writeUInt32LE(len + 10, 12);
        return Buffer.concat([h, Buffer.alloc(len, i + 1)]);
      }),
    ]);
  }

  it('cuts whole records out of chunks of any size', () => {
    const bytes = stream([60, 0, 1514, 42]);
    for (const size of [1, 5, 16, 24, 100, bytes.length]) {
      const f = new PcapFramer();
      const units = [];
      for (let at = 0; at < bytes.length; at += size) {
        units.push(...f.push(bytes.subarray(at, at + size)));
      }
      assert.deepEqual(units.map((u) => (u.kind === 'record' ? u.record.capturedLength : 'header')), ['header', 60, 0, 1514, 42], `chunks of ${size}`);
      assert.equal(f.partialBytes, 0);
      const last = units[4];
      assert.ok(last.kind === 'record' && last.record.originalLength === 52 && last.record.seconds === 1_700_000_003 && last.record.data.every((b) => b === 4));
    }
  });

  it('refuses what is not pcap, and records larger than any capture', () => {
    assert.match(String(parsePcapHeader(Buffer.alloc(24))), /not a pcap file/);
    const big = stream([10]);
    big.writeUInt32LE(300_000, 24 + 8);
    assert.throws(() => new PcapFramer().push(big), /larger than any capture/);
  });

  it('writes IPv6 addresses in their shortest form', () => {
    const a = (hex: string) => Buffer.from(hex.replace(/:/g, ''), 'hex');
    assert.equal(formatIpv6(a('fe80:0000:0000:0000:cc02:d9ff:fe2f:cbe7'), 0), 'fe80::cc02:d9ff:fe2f:cbe7');
    assert.equal(formatIpv6(a('ff02:0000:0000:0000:0000:0000:0000:0016'), 0), 'ff02::16');
    assert.equal(formatIpv6(a('0000:0000:0000:0000:0000:0000:0000:0000'), 0), '::');
    assert.equal(formatIpv6(a('fd00:0001:0000:0001:0000:0000:0000:0001'), 0), 'fd00:1:0:1::1');
  });
});

describe('capture files', () => {
  it('go into the folder setting, under the workspace, or the extension\'s storage without one', () => {
    assert.equal(captureFolder('.netns-captures', '/w', '/s'), '/w/.netns-captures');
    assert.equal(captureFolder('', '/w', '/s'), '/w/.netns-captures');
    assert.equal(captureFolder('/var/tmp/caps', '/w', '/s'), '/var/tmp/caps');
    assert.equal(captureFolder('.netns-captures', undefined, '/s'), '/s/captures');
  });

  it('are named for the namespace, interface and time', () => {
    const at = new Date(2026, 11, 1, 17, 9, 38);
    assert.equal(captureFileName('ns1', 'veth-b', at), 'ns1-veth-b-20261201-170938.pcap');
    assert.equal(captureFileName(null, 'br0', at), 'host-br0-20261201-170938.pcap');
    assert.equal(captureFileName('a b', 'x@y', at), 'a_b-x_y-20261201-170938.pcap');
  });
});
