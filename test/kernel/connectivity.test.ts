// The connectivity check on the real kernel: the model read by the helper, the reasoning of
// src/core/diagnose on it, and the helper's ping inside the namespaces agreeing with it. A veth
// pair in one subnet (reached), a router lab whose far end lacks its route back, an interface set
// down, and a router with forwarding off (each not reached, for the reason named).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { analyze } from '../../src/core/diagnose/path';
import { analyzeTarget, vethPairs } from '../../src/core/diagnose/targets';
import { labRequests } from '../../src/core/labs/labPlan';
import { loadedExample } from '../support/exampleLabs';
import { renderParts } from '../../src/core/messages';
import type { Namespace } from '../../src/core/model';
import type { PingResult } from '../../src/core/operations';
import { filledSince, neighbourTableFulls, readNeighbourTable } from '../../src/helper/neighbourTable';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);

describe('connectivity check on the real kernel', () => {
  let h: HelperProcess;
  const v = `${P}v-`;
  const r = `${P}r-`;

  /** The namespaces of a lab as the helper reads them, once every veth of theirs that is up has its carrier. */
  async function model(prefix: string): Promise<Namespace[]> {
    const start = Date.now();
    for (;;) {
      const snap = await h.call('snapshot', { includeRoot: false });
      assert.equal(snap.error, undefined, JSON.stringify(snap.error));
      const all = (snap.result as { namespaces: Namespace[] }).namespaces.filter((n) => n.name?.startsWith(prefix));
      const settling = all.some((n) => n.interfaces.some((i) => i.kind === 'veth' && i.flags.includes('UP') && i.flags.includes('LOWER_UP') && i.operState !== 'UP'));
      if (!settling || Date.now() - start > 3000) {
        return all;
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  const ping = async (netns: string, address: string, extra: Record<string, unknown> = {}) => {
    const res = await h.call('ping', { netns, address, count: 2, ...extra });
    assert.equal(res.error, undefined, JSON.stringify(res.error));
    return res.result as PingResult;
  };
  const texts = (a: ReturnType<typeof analyze>) => a.findings.map((f) => renderParts([f.text]));

  before(async () => {
    h = new HelperProcess();
    for (const [lab, prefix] of [['veth', v], ['router', r]] as const) {
      const res = await h.call('batch', { requests: labRequests(loadedExample(lab).spec, prefix) });
      assert.equal(res.error, undefined, JSON.stringify(res.error));
    }
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
  });

  it('two namespaces joined by a veth in one /24: reachable, and the ping is answered', async () => {
    const ns = await model(v);
    const a = analyze(ns, { source: { netns: `${v}ns1` }, address: '10.0.0.2' });
    assert.equal(a.reachable, true, texts(a).join('; '));
    assert.deepEqual(a.forward.hops, [{ netns: `${v}ns1`, out: 'veth-a', route: '10.0.0.0/24', to: { netns: `${v}ns2`, name: 'veth-b' } }]);
    assert.deepEqual(a.back.arrived, { netns: `${v}ns1`, name: 'veth-a' });
    const res = await ping(`${v}ns1`, '10.0.0.2');
    assert.ok(res.received >= 1, `replies: ${res.received} of ${res.transmitted}`);
    // From the interface's own address (ping -I), as "Check Connectivity" from an interface row sends.
    const from = await ping(`${v}ns2`, '10.0.0.1', { source: '10.0.0.2' });
    assert.ok(from.received >= 1);
    // A namespace as the target: its address that is reachable.
    assert.equal(analyzeTarget(ns, { netns: `${v}ns2`, name: 'veth-b' }, { kind: 'namespace', netns: `${v}ns1` })?.target.address, '10.0.0.1');
    assert.deepEqual(vethPairs(ns).map((p) => `${p.a.address}-${p.b.address}`), ['10.0.0.1-10.0.0.2']);
  });

  it('IPv6 across the same veth: reachable, answered, and its pair listed by its IPv4 addresses first', async () => {
    ip(['-n', `${v}ns1`, 'address', 'add', 'fd00:9::1/64', 'dev', 'veth-a', 'nodad']);
    ip(['-n', `${v}ns2`, 'address', 'add', 'fd00:9::2/64', 'dev', 'veth-b', 'nodad']);
    try {
      const ns = await model(v);
      const a = analyze(ns, { source: { netns: `${v}ns1` }, address: 'fd00:9::2' });
      assert.equal(a.reachable, true, texts(a).join('; '));
      assert.equal(a.family, 6);
      assert.equal(a.source.address, 'fd00:9::1');
      assert.deepEqual(a.forward.hops.map((x) => `${x.route} ${x.out}`), ['fd00:9::/64 veth-a']);
      assert.ok((await ping(`${v}ns1`, 'fd00:9::2')).received >= 1);
      assert.equal(vethPairs(ns)[0].family, 4);
    } finally {
      ip(['-n', `${v}ns1`, 'address', 'del', 'fd00:9::1/64', 'dev', 'veth-a']);
      ip(['-n', `${v}ns2`, 'address', 'del', 'fd00:9::2/64', 'dev', 'veth-b']);
    }
  });

  it('addressIn says where the address is, and decides nothing: a wrong or missing one is looked past, an outside address is still refused', async () => {
    const right = await ping(`${v}ns1`, '10.0.0.2', { addressIn: `${v}ns2`, count: 1 });
    assert.deepEqual(right.target, { netns: `${v}ns2`, name: 'veth-b' });
    assert.equal(right.received, 1);
    assert.equal(right.neighbourTableFull, undefined, 'the machine\'s neighbour table had room');
    // The address is not where the caller said (its own namespace, the host, a name that is no
    // namespace, one that reads like an option): every namespace is read.
    // (The first namespace found with it: another lab on the machine may have the same address.)
    const holds = (t: PingResult['target'], address: string) =>
      (JSON.parse(ip([...(t.netns === null ? [] : ['-n', t.netns]), '-j', 'address', 'show', 'dev', t.name])) as { addr_info: { local: string }[] }[])[0].addr_info.some((a) => a.local === address);
    for (const addressIn of [`${v}ns1`, null, `${P}none`, '-n']) {
      const res = await ping(`${v}ns1`, '10.0.0.2', { addressIn, count: 1 });
      assert.ok(holds(res.target, '10.0.0.2'), `addressIn ${addressIn}: ${JSON.stringify(res.target)}`);
    }
    const outside = await h.call('ping', { netns: `${v}ns1`, address: '192.0.2.78', count: 1, addressIn: `${v}ns2` });
    assert.equal(outside.error?.rule, 'local-addresses-only');
    assert.doesNotMatch(h.stderr, /ping: .*192\.0\.2\.78/, 'ping never ran');
    for (const addressIn of ['a/b', '..', 7]) {
      assert.equal((await h.call('ping', { netns: `${v}ns1`, address: '10.0.0.2', count: 1, addressIn })).error?.code, 'EINVAL', String(addressIn));
    }
  });

  it("reads the machine's neighbour table as the kernel counts it: its size, its limit, the times it was full", () => {
    for (const family of [4, 6] as const) {
      const table = readNeighbourTable(family);
      assert.ok(table, `IPv${family}: /proc/net/stat and gc_thresh3 read`);
      assert.equal(table.max, Number(execFileSync('/usr/sbin/sysctl', ['-n', `net.ipv${family}.neigh.default.gc_thresh3`], { encoding: 'utf8' }).trim()));
      assert.ok(table.entries >= 0 && table.entries <= table.max + 128 && table.tableFulls >= 0, JSON.stringify(table));
      assert.equal(neighbourTableFulls(family), table.tableFulls);
      assert.equal(filledSince(family, table.tableFulls), undefined, 'not full since, with nothing resolved meanwhile');
    }
  });

  it('refuses a source address that is not the namespace\'s own, before any ping', async () => {
    const res = await h.call('ping', { netns: `${v}ns1`, address: '10.0.0.2', count: 1, source: '10.0.0.2' });
    assert.equal(res.error?.code, 'EINVAL');
    assert.match(res.error!.message, /10\.0\.0\.2 is not an address of/);
    assert.equal((await h.call('ping', { netns: `${v}ns1`, address: '10.0.0.2', count: 1, source: '-I' })).error?.code, 'EINVAL');
  });

  it('through a router: reachable with both default routes, and the missing route back named', async () => {
    const ok = analyze(await model(r), { source: { netns: `${r}a` }, address: '10.0.2.2' });
    assert.equal(ok.reachable, true, texts(ok).join('; '));
    assert.deepEqual(ok.forward.hops.map((x) => x.netns), [`${r}a`, `${r}r`]);
    assert.deepEqual(ok.back.hops.map((x) => x.netns), [`${r}b`, `${r}r`]);
    assert.ok((await ping(`${r}a`, '10.0.2.2')).received >= 1);

    ip(['-n', `${r}b`, 'route', 'del', 'default']);
    const res = await ping(`${r}a`, '10.0.2.2');
    assert.equal(res.received, 0, 'no reply without the route back');
    const a = analyze(await model(r), { source: { netns: `${r}a` }, address: '10.0.2.2' });
    assert.equal(a.reachable, false);
    assert.deepEqual(a.forward.arrived, { netns: `${r}b`, name: 'eth0' }, 'the request gets there');
    assert.deepEqual(texts(a), [`${r}b has no route back to 10.0.1.2: add a route via 10.0.2.1 or a default route.`]);
    assert.equal(a.findings[0].back, true);
    ip(['-n', `${r}b`, 'route', 'add', 'default', 'via', '10.0.2.1']);
  });

  it('a router with forwarding off: not reached, and said so', async () => {
    ip(['netns', 'exec', `${r}r`, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
    try {
      assert.equal((await ping(`${r}a`, '10.0.2.2')).received, 0);
      const a = analyze(await model(r), { source: { netns: `${r}a` }, address: '10.0.2.2' });
      assert.deepEqual(texts(a), [`${r}r does not forward IPv4 (net.ipv4.ip_forward=0): enable forwarding in ${r}r.`]);
    } finally {
      ip(['netns', 'exec', `${r}r`, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    }
  });

  it('an interface set down: not reached, and the interface named, on either end', async () => {
    ip(['-n', `${v}ns2`, 'link', 'set', 'veth-b', 'down']);
    try {
      assert.equal((await ping(`${v}ns1`, '10.0.0.2')).received, 0);
      const ns = await model(v);
      const a = analyze(ns, { source: { netns: `${v}ns1` }, address: '10.0.0.2' });
      assert.equal(a.reachable, false);
      assert.deepEqual(texts(a), [`veth-a in ${v}ns1 has no carrier: its peer veth-b in ${v}ns2 is down; set it up.`]);
      // With no route at all, the kernel refuses to send, and the helper says so.
      const refused = await h.call('ping', { netns: `${v}ns2`, address: '10.0.0.1', count: 1 });
      assert.equal(refused.error?.code, 'ENETUNREACH');
      assert.equal(refused.error?.message, `${v}ns2 has no route to 10.0.0.1: the kernel sent nothing (Network is unreachable).`);
      const back = analyze(ns, { source: { netns: `${v}ns2` }, address: '10.0.0.1' });
      assert.deepEqual(texts(back), [`veth-b in ${v}ns2 is down, so ${v}ns2 has no route to 10.0.0.1 (its subnet): set it up.`]);
      assert.ok(a.involved.some((i) => i.netns === `${v}ns1` && i.name === 'veth-a' && i.problem));
    } finally {
      ip(['-n', `${v}ns2`, 'link', 'set', 'veth-b', 'up']);
    }
  });
});
