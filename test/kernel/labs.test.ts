// The example labs built on the real kernel in one batch each, and proven to work by pings inside
// them: across a veth, across a bridge, and between two subnets through a router namespace (which
// needs its forwarding and both default routes). A lab whose last step fails leaves nothing.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { labNamespaces } from '../../src/core/labs/lab';
import { labRequests } from '../../src/core/labs/labPlan';
import { EXAMPLES, loadedExample } from '../support/exampleLabs';
import type { PingResult } from '../../src/core/operations';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, links, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);

const json = <T>(args: string[]) => JSON.parse(ip(['-j', ...args])) as T;

/**
 * Waits until the kernel has every link of these namespaces up and every bridge port forwarding:
 * it turns carriers on in its own time (the link watch), later on a busy machine, and a ping sent
 * before that is lost on the way. The batch has answered once every link is set up.
 */
async function settled(names: string[]): Promise<void> {
  let waiting: string[] = [];
  for (let i = 0; i < 100; i++) {
    waiting = names.flatMap((ns) =>
      links(ns)
        .filter((l) => l.ifname !== 'lo' && (l.operstate !== 'UP' || (l.linkinfo?.info_slave_kind === 'bridge' && l.linkinfo.info_slave_data?.state !== 'forwarding')))
        .map((l) => `${ns}/${l.ifname} ${l.operstate} ${l.linkinfo?.info_slave_data?.state ?? ''}`),
    );
    if (waiting.length === 0) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`links not up after 5 s: ${waiting.join(', ')}`);
}

describe('example labs', () => {
  let h: HelperProcess;
  before(() => {
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
  });

  for (const lab of EXAMPLES) {
    it(`builds "${lab.id}" in one batch, pings across it, and removes it by its namespaces`, async () => {
      const prefix = `${P}${lab.id[0]}-`;
      const names = labNamespaces(lab.spec, prefix);
      const r = await h.call('batch', { requests: labRequests(lab.spec, prefix) });
      assert.equal(r.error, undefined, JSON.stringify(r.error));
      assert.deepEqual(netnsNames().filter((n) => n.startsWith(prefix)).sort(), [...names].sort());
      await settled(names);
      const [from, to] = lab.check;
      const ping = await h.call('ping', { netns: `${prefix}${from}`, address: to, count: 3 });
      assert.equal(ping.error, undefined, JSON.stringify(ping.error));
      const result = ping.result as PingResult;
      // ping stops at 3 replies; those sent while the first answer was on its way are answered too.
      assert.ok(result.received >= 3 && result.received === result.transmitted, `replies from ${to}: ${result.received} of ${result.transmitted}`);
      assert.equal(result.rttMs.length, result.received);
      const removed = await h.call('batch', { requests: names.map((name) => ({ op: 'delNetns', name })) });
      assert.equal(removed.error, undefined);
      assert.deepEqual(netnsNames().filter((n) => n.startsWith(prefix)), []);
    });
  }

  it('wires the router lab as described: forwarding on in r only, default routes in a and b', async () => {
    const lab = loadedExample('router');
    const prefix = `${P}w-`;
    assert.equal((await h.call('batch', { requests: labRequests(lab.spec, prefix) })).error, undefined);
    const sysctl = (ns: string) => ip(['netns', 'exec', `${prefix}${ns}`, 'cat', '/proc/sys/net/ipv4/ip_forward']).trim();
    assert.deepEqual(['a', 'r', 'b'].map(sysctl), ['0', '1', '0']);
    const routes = json<{ dst: string; gateway?: string; dev: string }[]>(['-n', `${prefix}a`, 'route', 'show']);
    assert.ok(routes.some((x) => x.dst === 'default' && x.gateway === '10.0.1.1' && x.dev === 'eth0'), JSON.stringify(routes));
    // Set up (the operational state follows a moment later, when the kernel's link watch runs).
    const rLinks = json<{ ifname: string; flags: string[]; addr_info: { local: string; prefixlen: number }[] }[]>(['-n', `${prefix}r`, 'address', 'show']);
    assert.deepEqual(
      rLinks.filter((l) => l.ifname !== 'lo').map((l) => [l.ifname, l.flags.includes('UP') ? 'UP' : 'DOWN', l.addr_info.filter((a) => a.local.includes('.')).map((a) => `${a.local}/${a.prefixlen}`)]).sort(),
      [['eth-a', 'UP', ['10.0.1.1/24']], ['eth-b', 'UP', ['10.0.2.1/24']]],
    );
    // Without forwarding in r, a cannot reach b.
    ip(['netns', 'exec', `${prefix}r`, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=0']);
    const blocked = (await h.call('ping', { netns: `${prefix}a`, address: '10.0.2.2', count: 1 })).result as PingResult;
    assert.equal(blocked.received, 0, 'no replies with forwarding off');
  });

  it('undoes the whole lab when its last step fails in the kernel', async () => {
    const lab = loadedExample('router');
    const prefix = `${P}u-`;
    // A route through a gateway no subnet of b reaches: the kernel refuses it, last.
    const requests = [...labRequests(lab.spec, prefix), { op: 'addRoute', netns: `${prefix}b`, destination: '10.9.0.0/16', gateway: '10.99.0.1' }];
    const r = await h.call('batch', { requests });
    assert.ok(r.error, 'refused');
    assert.match(r.error!.message, new RegExp(`^Item ${requests.length} \\(addRoute`));
    assert.deepEqual(netnsNames().filter((n) => n.startsWith(prefix)), [], 'nothing of the lab is left');
  });

  it('pings only addresses of this host, and sends nothing otherwise', async () => {
    const r = await h.call('ping', { netns: null, address: '192.0.2.77', count: 1 });
    assert.equal(r.error?.code, 'EACCES');
    assert.equal(r.error?.rule, 'local-addresses-only');
    assert.doesNotMatch(h.stderr, /ping: .*192\.0\.2\.77/, 'ping never ran');
    for (const bad of [{ address: '10.0.0.1/24' }, { address: '-c' }, { address: '10.0.0.1', count: 0 }, { address: '10.0.0.1', count: 11 }]) {
      const e = await h.call('ping', { netns: null, count: 1, ...bad });
      assert.equal(e.error?.code, 'EINVAL', JSON.stringify(bad));
    }
  });
});
