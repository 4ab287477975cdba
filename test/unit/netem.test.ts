// Link impairments and forwarding: the rules tc applies to netem's values, the command lines, and
// both ways of reading a netem qdisc back (rtnetlink bytes as the kernel's netem_dump lays them
// out, and `tc -j qdisc show`).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DISPLAY_CONTEXT, formatCommand, runContext } from '../../src/core/ipCommand';
import { clearNetemArgv, formatRate, netemArgs, netemProblem, netemSummary, parseTcQdiscJson, setNetemArgv } from '../../src/core/netem';
import { ipEquivalent } from '../../src/extension/commands/ipEquivalent';
import { BATCH_OPS, commandOf, OPERATIONS, programOf, type Request } from '../../src/core/operations';
import { parseRequest } from '../../src/core/protocol';
import { encodeAttrs, encodeMessage, splitMessages, strAttr, u32Attr, type Attr } from '../../src/helper/pure/rtnetlink';
import {
  netconfAllRequest,
  parseNetconfForwarding,
  parseNetemQdisc,
  qdiscDumpRequest,
  RTM_GETNETCONF,
  RTM_GETQDISC,
  RTM_NEWNETCONF,
  RTM_NEWQDISC,
  TC_H_ROOT,
  TCA_KIND,
  TCA_OPTIONS,
  tcmsg,
} from '../../src/helper/pure/tcNetlink';

const display = (req: Request) => formatCommand(commandOf(req, DISPLAY_CONTEXT)!);

describe('netem values', () => {
  it('refuses what tc refuses, saying why', () => {
    const refused = (n: object, re: RegExp) => assert.match(netemProblem(n) ?? '', re, JSON.stringify(n));
    refused({ lossPct: 101 }, /percentage: 0 to 100/);
    refused({ duplicatePct: -1 }, /cannot be negative/);
    refused({ delayMs: -5 }, /cannot be negative/);
    refused({ delayMs: 60_001 }, /at most 60000 ms/);
    refused({ jitterMs: 10 }, /jitter needs a delay/i);
    refused({ reorderPct: 25 }, /reordering not possible without specifying some delay/);
    refused({ rateKbit: 0 }, /more than 0/);
    refused({ rateKbit: 1.5 }, /whole number/);
    refused({ delayMs: Number.NaN }, /must be a number/);
    refused({}, /at least one impairment/);
    refused({ lossPct: 0 }, /at least one impairment/);
    assert.equal(netemProblem({ delayMs: 100, jitterMs: 10, lossPct: 1, duplicatePct: 1, corruptPct: 0.1, reorderPct: 25, rateKbit: 1000 }), undefined);
  });

  it('builds tc command lines, names after keywords', () => {
    assert.deepEqual(netemArgs({ delayMs: 100, jitterMs: 10, lossPct: 1, duplicatePct: 1, corruptPct: 0.1, reorderPct: 25, rateKbit: 1000 }), [
      'delay', '100ms', '10ms', 'loss', '1%', 'duplicate', '1%', 'corrupt', '0.1%', 'reorder', '25%', 'rate', '1mbit',
    ]);
    assert.equal(
      display({ op: 'setNetem', netns: 'ns1', name: 'veth-a', delayMs: 100, jitterMs: 10, lossPct: 1, duplicatePct: 1, corruptPct: 0.1, reorderPct: 25, rateKbit: 1000 }),
      'tc -n ns1 qdisc replace dev veth-a root netem delay 100ms 10ms loss 1% duplicate 1% corrupt 0.1% reorder 25% rate 1mbit',
    );
    assert.equal(display({ op: 'clearNetem', netns: null, name: '-x' }), 'tc qdisc del dev -x root netem');
    // What the extension logs for each request, and "Copy ip Command" offers.
    assert.equal(ipEquivalent('setNetem', { netns: 'ns1', name: 'veth-a', delayMs: 100 }), 'tc -n ns1 qdisc replace dev veth-a root netem delay 100ms corrupt 0% reorder 0% rate 0bit');
    assert.equal(ipEquivalent('setForwarding', { netns: null, family: 4, on: true }), 'sysctl -w net.ipv4.ip_forward=1');
    assert.equal(ipEquivalent('delLink', { netns: 'n', name: 'a' }), 'ip -n n link delete dev a');
    assert.deepEqual(setNetemArgv({ netns: null, name: 'a', delayMs: 0.0001, lossPct: 0 }), ['qdisc', 'replace', 'dev', 'a', 'root', 'netem', 'corrupt', '0%', 'reorder', '0%', 'rate', '0bit']);
    assert.deepEqual(clearNetemArgv({ netns: 'n', name: 'a' }), ['-n', 'n', 'qdisc', 'del', 'dev', 'a', 'root', 'netem']);
    assert.equal(formatRate(1500), '1.5mbit');
    assert.equal(formatRate(64), '64kbit');
    assert.equal(formatRate(10_000_000), '10gbit');
  });

  it('runs forwarding as sysctl inside the namespace: ip netns exec NS /abs/sysctl, or sysctl in the host', () => {
    assert.equal(display({ op: 'setForwarding', netns: 'ns1', family: 4, on: true }), 'ip netns exec ns1 sysctl -w net.ipv4.ip_forward=1');
    assert.equal(display({ op: 'setForwarding', netns: null, family: 6, on: false }), 'sysctl -w net.ipv6.conf.all.forwarding=0');
    const run = runContext('/proc/1/ns/net', (p) => `/usr/sbin/${p}`);
    assert.deepEqual(commandOf({ op: 'setForwarding', netns: 'ns1', family: 6, on: true }, run), {
      program: 'ip',
      argv: ['netns', 'exec', 'ns1', '/usr/sbin/sysctl', '-w', 'net.ipv6.conf.all.forwarding=1'],
    });
    assert.equal(programOf('setForwarding', { netns: null, family: 4, on: true }), 'sysctl');
    assert.equal(programOf('setNetem', { netns: null, name: 'a', delayMs: 1 }), 'tc');
    assert.equal(programOf('delLink', { netns: null, name: 'a' }), 'ip');
    // Batch undo: forwarding back off, netem cleared.
    assert.deepEqual(OPERATIONS.setForwarding.batch!.undo({ netns: 'r', family: 4, on: true }), { op: 'setForwarding', netns: 'r', family: 4, on: false });
    assert.deepEqual(OPERATIONS.setNetem.batch!.undo({ netns: 'r', name: 'a', delayMs: 5 }), { op: 'clearNetem', netns: 'r', name: 'a' });
    assert.ok(BATCH_OPS.includes('setForwarding') && BATCH_OPS.includes('setNetem') && BATCH_OPS.includes('clearNetem'));
  });

  it('checks the fields of the requests', () => {
    const refuse = (req: object, re: RegExp) => assert.throws(() => parseRequest(JSON.stringify({ id: 1, ...req })), (e: Error) => re.test(e.message));
    refuse({ op: 'setForwarding', netns: 'a', family: 5, on: true }, /family must be 4/);
    refuse({ op: 'setForwarding', netns: 'a', family: 4, on: 'yes' }, /true or false/);
    refuse({ op: 'setNetem', netns: 'a', name: 'x', lossPct: 200 }, /0 to 100/);
    refuse({ op: 'setNetem', netns: 'a', name: 'x', delayMs: '100' }, /must be a number/);
    refuse({ op: 'setNetem', netns: 'a', name: 'x', reorderPct: 5 }, /needs a delay/);
    refuse({ op: 'setNetem', netns: 'a', name: 'x', bogus: 5 }, /bogus/);
    assert.equal(parseRequest(JSON.stringify({ id: 1, op: 'setNetem', netns: null, name: 'x', delayMs: 100, reorderPct: 5 })).op, 'setNetem');
  });

  it('summarizes a setting for the row', () => {
    const words = { loss: 'loss', duplicate: 'duplicate', corrupt: 'corrupt', reorder: 'reorder' };
    assert.equal(netemSummary({ delayMs: 100, jitterMs: 10, lossPct: 1 }, words), 'netem 100ms ±10ms 1% loss');
    assert.equal(netemSummary({ rateKbit: 1000, corruptPct: 0.1 }, words), 'netem 0.1% corrupt 1mbit');
  });
});

describe('reading netem back', () => {
  /**
   * An RTM_NEWQDISC as the kernel's netem_dump() writes it: TCA_KIND, then TCA_OPTIONS holding
   * struct tc_netem_qopt followed by netem's attributes (LATENCY64/JITTER64 in ns, CORR, REORDER,
   * CORRUPT, RATE). Values for delay 100ms 10ms loss 1% duplicate 1% corrupt 0.1% reorder 25%
   * rate 1mbit, as tc encodes them (percentages scaled to UINT32_MAX, rint).
   */
  function netemMessage(ifindex: number, parent = TC_H_ROOT): Buffer {
    const pct = (p: number) => Math.round((p / 100) * 0xffffffff);
    const qopt = Buffer.alloc(24);
    qopt.writeUInt32LE(Math.floor(100e6 / 64), 0); // latency, psched ticks (64 ns)
    qopt.writeUInt32LE(1000, 4); // limit
    qopt.writeUInt32LE(pct(1), 8); // loss
    qopt.writeUInt32LE(1, 12); // gap (reorder sets it to 1)
    qopt.writeUInt32LE(pct(1), 16); // duplicate
    qopt.writeUInt32LE(Math.floor(10e6 / 64), 20); // jitter, ticks
    const u64 = (type: number, v: bigint): Attr => {
      const data = Buffer.alloc(8);
      data.writeBigInt64LE(v);
      return { type, data };
    };
    const pair = (type: number, a: number, b: number): Attr => {
      const data = Buffer.alloc(8);
      data.writeUInt32LE(a, 0);
      data.writeUInt32LE(b, 4);
      return { type, data };
    };
    const rate = Buffer.alloc(16);
    rate.writeUInt32LE(125000, 0); // bytes per second
    const netemAttrs = encodeAttrs([
      u64(10, 100_000_000n), // TCA_NETEM_LATENCY64
      u64(11, 10_000_000n), // TCA_NETEM_JITTER64
      { type: 1, data: Buffer.alloc(12) }, // TCA_NETEM_CORR
      pair(3, pct(25), 0), // TCA_NETEM_REORDER
      pair(4, pct(0.1), 0), // TCA_NETEM_CORRUPT
      { type: 6, data: rate }, // TCA_NETEM_RATE
    ]);
    return encodeMessage({
      type: RTM_NEWQDISC,
      flags: 2,
      header: tcmsg({ ifindex, handle: 0x80010000, parent }),
      attrs: [strAttr(TCA_KIND, 'netem'), { type: TCA_OPTIONS, data: Buffer.concat([qopt, netemAttrs]) }, u32Attr(6 /* TCA_HW_OFFLOAD */, 0)],
    });
  }

  it('parses the kernel\'s netem dump: struct and attributes, 64-bit times preferred', () => {
    const buf = netemMessage(7);
    const [m] = splitMessages(buf);
    assert.deepEqual(parseNetemQdisc(buf, m), {
      ifindex: 7,
      netem: { delayMs: 100, jitterMs: 10, lossPct: 1, duplicatePct: 1, corruptPct: 0.1, reorderPct: 25, rateKbit: 1000 },
    });
  });

  it('falls back to the struct\'s ticks without LATENCY64, and skips other qdiscs', () => {
    const qopt = Buffer.alloc(24);
    qopt.writeUInt32LE(Math.floor(50e6 / 64), 0);
    const old = encodeMessage({ type: RTM_NEWQDISC, flags: 0, header: tcmsg({ ifindex: 3, parent: TC_H_ROOT }), attrs: [strAttr(TCA_KIND, 'netem'), { type: TCA_OPTIONS, data: qopt }] });
    assert.deepEqual(parseNetemQdisc(old, splitMessages(old)[0]), { ifindex: 3, netem: { delayMs: 50 } });
    const other = encodeMessage({ type: RTM_NEWQDISC, flags: 0, header: tcmsg({ ifindex: 3, parent: TC_H_ROOT }), attrs: [strAttr(TCA_KIND, 'noqueue')] });
    assert.equal(parseNetemQdisc(other, splitMessages(other)[0]), undefined);
    const child = netemMessage(4, 0x00010001);
    assert.equal(parseNetemQdisc(child, splitMessages(child)[0]), undefined, 'a netem below another qdisc is not the root one');
  });

  it('builds the dump and netconf requests', () => {
    const q = qdiscDumpRequest(9);
    assert.equal(q.readUInt16LE(4), RTM_GETQDISC);
    assert.equal(q.length, 16 + 20);
    const n = netconfAllRequest(6, 3);
    assert.equal(n.readUInt16LE(4), RTM_GETNETCONF);
    assert.equal(n[16], 10, 'AF_INET6');
    assert.equal(n.readInt32LE(16 + 4 + 4), -1, 'NETCONFA_IFINDEX_ALL');
    const answer = encodeMessage({ type: RTM_NEWNETCONF, flags: 0, header: Buffer.from([2, 0, 0, 0]), attrs: [{ type: 1, data: Buffer.from([0xff, 0xff, 0xff, 0xff]) }, u32Attr(2, 1)] });
    assert.equal(parseNetconfForwarding(answer, splitMessages(answer)[0]), true);
  });

  it('parses tc -j qdisc show (seconds, fractions, bytes per second), root netem only', () => {
    // As iproute2 6.1 prints `tc -j qdisc show` for the same setting on dev veth-a.
    const text = JSON.stringify([
      { kind: 'noqueue', handle: '0:', dev: 'lo', root: true, refcnt: 2, options: {} },
      {
        kind: 'netem', handle: '8001:', dev: 'veth-a', root: true, refcnt: 2,
        options: {
          limit: 1000, delay: { delay: 0.1, jitter: 0.01, correlation: 0 }, 'loss-random': { loss: 0.01, correlation: 0 },
          duplicate: { duplicate: 0.01, correlation: 0 }, reorder: { reorder: 0.25, correlation: 0 }, corrupt: { corrupt: 0.001, correlation: 0 },
          rate: { rate: 125000, packetoverhead: 0, cellsize: 0, celloverhead: 0 }, ecn: false, gap: 1,
        },
      },
    ]);
    assert.deepEqual([...parseTcQdiscJson(text)], [['veth-a', { delayMs: 100, jitterMs: 10, lossPct: 1, duplicatePct: 1, corruptPct: 0.1, reorderPct: 25, rateKbit: 1000 }]]);
  });
});
