// Routes through the helper on real namespaces: added and deleted routes read back with
// `ip -j route show` / `ip -j -6 route show`, snapshots that agree with ip, plain errors, batch
// rollback, and hostile route fields.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Namespace, Route } from '../../src/core/model';
import { parseIpRouteJson } from '../../src/helper/pure/ipJson';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
const A = `${P}ra`;
const B = `${P}rb`;
const VA = `${P}va`;
const VB = `${P}vb`;

interface IpRouteJson {
  dst: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  protocol?: string;
  scope?: string;
  type?: string;
}

function ipRoutes(netns: string, family: 4 | 6): IpRouteJson[] {
  return JSON.parse(ip(['-n', netns, '-d', '-j', ...(family === 6 ? ['-6'] : []), 'route', 'show']) || '[]') as IpRouteJson[];
}

function hasRoute(netns: string, family: 4 | 6, want: Partial<IpRouteJson>): boolean {
  return ipRoutes(netns, family).some((r) => Object.entries(want).every(([k, v]) => r[k as keyof IpRouteJson] === v));
}

/** What ip prints for the namespace's main table, as the model. */
function ipModel(netns: string): Route[] {
  const text = (f: 4 | 6) => ip(['-n', netns, '-d', '-j', ...(f === 6 ? ['-6'] : []), 'route', 'show']);
  return [...parseIpRouteJson(text(4), 4), ...parseIpRouteJson(text(6), 6)];
}

describe('routes on the real kernel', () => {
  let h: HelperProcess;

  before(() => {
    h = new HelperProcess();
    ip(['netns', 'add', A]);
    ip(['netns', 'add', B]);
    ip(['-n', A, 'link', 'add', VA, 'type', 'veth', 'peer', 'name', VB, 'netns', B]);
    ip(['-n', A, 'addr', 'add', '10.77.0.2/24', 'dev', VA]);
    ip(['-n', B, 'addr', 'add', '10.77.0.1/24', 'dev', VB]);
    ip(['-n', A, 'addr', 'add', 'fd77::2/64', 'dev', VA, 'nodad']);
    ip(['-n', B, 'addr', 'add', 'fd77::1/64', 'dev', VB, 'nodad']);
    ip(['-n', A, 'link', 'set', VA, 'up']);
    ip(['-n', B, 'link', 'set', VB, 'up']);
  });

  after(async () => {
    await h.close();
    cleanupPrefix(P);
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), [], 'every namespace made by the test is gone');
  });

  const cases: { what: string; req: Record<string, unknown>; family: 4 | 6; want: Partial<IpRouteJson> }[] = [
    { what: 'IPv4 via a gateway', req: { destination: '10.78.0.0/16', gateway: '10.77.0.1' }, family: 4, want: { dst: '10.78.0.0/16', gateway: '10.77.0.1', dev: VA } },
    { what: 'IPv4 default with a metric', req: { destination: 'default', gateway: '10.77.0.1', metric: 100 }, family: 4, want: { dst: 'default', gateway: '10.77.0.1', metric: 100 } },
    { what: 'IPv4 by device only', req: { destination: '10.79.0.0/24', device: VA }, family: 4, want: { dst: '10.79.0.0/24', dev: VA, scope: 'link' } },
    { what: 'an IPv4 host route', req: { destination: '10.80.0.5', device: VA, metric: 7 }, family: 4, want: { dst: '10.80.0.5', dev: VA, metric: 7 } },
    { what: 'IPv6 via a gateway', req: { destination: 'fd78::/64', gateway: 'fd77::1' }, family: 6, want: { dst: 'fd78::/64', gateway: 'fd77::1', dev: VA, metric: 1024 } },
    { what: 'IPv6 default by family, gateway, device and metric', req: { destination: 'default', family: 6, gateway: 'fd77::1', device: VA, metric: 2048 }, family: 6, want: { dst: 'default', gateway: 'fd77::1', dev: VA, metric: 2048 } },
    { what: 'IPv6 default by family and device', req: { destination: 'default', family: 6, device: VA, metric: 3000 }, family: 6, want: { dst: 'default', dev: VA, metric: 3000 } },
  ];

  for (const c of cases) {
    it(`adds ${c.what}`, async () => {
      await h.ok('addRoute', { netns: A, ...c.req });
      assert.ok(hasRoute(A, c.family, c.want), `${JSON.stringify(c.want)} in ${JSON.stringify(ipRoutes(A, c.family))}`);
    });
  }

  it('shows in the snapshot exactly the routes ip -j route shows, with both readers', async () => {
    const expected = ipModel(A);
    assert.ok(expected.length >= 9, JSON.stringify(expected));
    for (const reader of ['netlink', 'ip'] as const) {
      // IPv6 adds its link routes a moment after a link comes up: compare when ip read the same before and after.
      for (let attempt = 0; ; attempt++) {
        const before = [ipModel(A), ipModel(B)];
        const snap = await h.ok<{ namespaces: Namespace[] }>('snapshot', { names: [A, B], reader });
        const afterRead = [ipModel(A), ipModel(B)];
        if (JSON.stringify(before) !== JSON.stringify(afterRead) && attempt < 10) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        assert.deepEqual(snap.namespaces.find((n) => n.name === A)!.routes, afterRead[0], `${reader}: ${A}`);
        assert.deepEqual(snap.namespaces.find((n) => n.name === B)!.routes, afterRead[1], `${reader}: ${B}`);
        break;
      }
    }
    // The host's table may change meanwhile (other programs): compare when ip read the same before and after.
    const hostIp = () => [...parseIpRouteJson(ip(['-d', '-j', 'route', 'show']), 4), ...parseIpRouteJson(ip(['-d', '-j', '-6', 'route', 'show']), 6)];
    for (let attempt = 0; ; attempt++) {
      const before = hostIp();
      const withRoot = await h.ok<{ namespaces: Namespace[] }>('snapshot', { names: [], includeRoot: true });
      const afterRead = hostIp();
      if (JSON.stringify(before) !== JSON.stringify(afterRead) && attempt < 5) {
        continue;
      }
      assert.deepEqual(withRoot.namespaces.find((n) => n.isRoot)!.routes, afterRead, 'the host namespace');
      break;
    }
  });

  it('deletes each route it added, by the same fields', async () => {
    for (const c of cases) {
      await h.ok('delRoute', { netns: A, ...c.req });
      assert.ok(!hasRoute(A, c.family, c.want), `${c.what} is gone`);
    }
  });

  it('deletes by destination alone', async () => {
    await h.ok('addRoute', { netns: A, destination: '10.81.0.0/16', gateway: '10.77.0.1' });
    await h.ok('delRoute', { netns: A, destination: '10.81.0.0/16' });
    assert.ok(!hasRoute(A, 4, { dst: '10.81.0.0/16' }));
  });

  /** The error of a request that must fail, in plain words. */
  async function refused(params: Record<string, unknown>, op = 'addRoute'): Promise<{ code: string; message: string }> {
    const r = await h.call(op, { netns: A, ...params });
    assert.equal(r.ok, false, JSON.stringify(r));
    const e = r.error!;
    assert.doesNotMatch(e.message, /RTNETLINK|Error:|answers/, e.message);
    return e;
  }

  it('says plainly what is wrong: unreachable gateway, duplicates, missing routes, devices, local gateways', async () => {
    let e = await refused({ destination: '10.82.0.0/16', gateway: '10.9.9.1' });
    assert.equal(e.code, 'ENETUNREACH');
    assert.match(e.message, /10\.9\.9\.1 is not in a subnet of namespace ".*ra".*Add an address in that subnet/);
    e = await refused({ destination: 'fd82::/64', gateway: 'fd99::1' });
    assert.equal(e.code, 'ENETUNREACH');
    await h.ok('addRoute', { netns: A, destination: '10.83.0.0/16', gateway: '10.77.0.1' });
    e = await refused({ destination: '10.83.0.0/16', gateway: '10.77.0.1' });
    assert.equal(e.code, 'EEXIST');
    assert.match(e.message, /already has a route to 10\.83\.0\.0\/16/);
    await h.ok('delRoute', { netns: A, destination: '10.83.0.0/16' });
    e = await refused({ destination: '10.83.0.0/16' }, 'delRoute');
    assert.equal(e.code, 'ENOENT');
    assert.match(e.message, /has no such route to 10\.83\.0\.0\/16/);
    e = await refused({ destination: '10.84.0.0/16', device: `${P}nope` });
    assert.equal(e.code, 'ENODEV');
    assert.match(e.message, /is not in namespace/);
    e = await refused({ destination: 'fd84::/64', gateway: 'fd77::2' });
    assert.match(e.message, /fd77::2 is an address of this namespace itself/);
    ip(['-n', A, 'link', 'add', `${P}dn`, 'type', 'veth', 'peer', 'name', `${P}dm`]);
    e = await refused({ destination: '10.85.0.0/16', device: `${P}dn` });
    assert.equal(e.code, 'ENETDOWN');
    assert.match(e.message, /is down\. Set it up/);
  });

  it('checks the fields before anything runs', async () => {
    // A field on its own: EINVAL; fields that do not fit together: EPROTO (the table's cross-field check).
    const bad: [Record<string, unknown>, RegExp, string][] = [
      [{ destination: '10.86.0.5/24', device: VA }, /the network is 10\.86\.0\.0\/24/, 'EINVAL'],
      [{ destination: 'fd86::5/64', device: VA }, /the network is fd86::\/64/, 'EINVAL'],
      [{ destination: '10.86.0.0/16', gateway: 'fd77::1' }, /all be IPv4 or all be IPv6/, 'EPROTO'],
      [{ destination: 'default', family: 4, gateway: 'fd77::1' }, /all be IPv4 or all be IPv6/, 'EPROTO'],
      [{ destination: 'fd86::/64', family: 4, device: VA }, /all be IPv4 or all be IPv6/, 'EPROTO'],
      [{ destination: '10.86.0.0/16' }, /needs a gateway/, 'EPROTO'],
      [{ destination: '10.86.0.0/16', device: VA, metric: 2 ** 32 }, /metric must be a whole number from 0 to 4294967295/, 'EINVAL'],
      [{ destination: '10.86.0.0/16', device: VA, metric: -1 }, /metric/, 'EINVAL'],
      [{ destination: '10.86.0.0/16', gateway: '10.77.0.1/24' }, /without a prefix length/, 'EINVAL'],
      [{ destination: 'everywhere', device: VA }, /is not a destination/, 'EINVAL'],
      [{ destination: '10.86.0.0/16', device: 'a/b' }, /cannot contain "\/"/, 'EINVAL'],
      [{ destination: '10.86.0.0/16', device: VA, family: 5 }, /family must be 4/, 'EINVAL'],
    ];
    for (const [params, re, code] of bad) {
      const e = await refused(params);
      assert.equal(e.code, code, JSON.stringify(params));
      assert.match(e.message, re, JSON.stringify(params));
    }
    // A metric of 2^32-1 is the largest there is.
    await h.ok('addRoute', { netns: A, destination: '10.87.0.0/16', device: VA, metric: 2 ** 32 - 1 });
    assert.ok(hasRoute(A, 4, { dst: '10.87.0.0/16', metric: 2 ** 32 - 1 }));
    await h.ok('delRoute', { netns: A, destination: '10.87.0.0/16', metric: 2 ** 32 - 1 });
  });

  it('undoes the routes a failing batch added before the failure', async () => {
    const r = await h.call('batch', {
      requests: [
        { op: 'addRoute', netns: A, destination: '10.88.0.0/16', gateway: '10.77.0.1' },
        { op: 'addRoute', netns: A, destination: 'fd88::/64', gateway: 'fd77::1', metric: 5 },
        { op: 'addRoute', netns: A, destination: '10.89.0.0/16', gateway: '10.9.9.9' },
      ],
    });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'ENETUNREACH');
    assert.match(r.error!.message, /^Item 3 \(addRoute 10\.89\.0\.0\/16\) failed: The gateway 10\.9\.9\.9/);
    assert.ok(!hasRoute(A, 4, { dst: '10.88.0.0/16' }), 'the first route was taken back');
    assert.ok(!hasRoute(A, 6, { dst: 'fd88::/64' }), 'the second route was taken back');
    const ok = await h.ok<{ done: number }>('batch', {
      requests: [
        { op: 'addNetns', name: `${P}rc` },
        { op: 'addRoute', netns: B, destination: '10.90.0.0/16', gateway: '10.77.0.2' },
      ],
    });
    assert.equal(ok.done, 2);
    assert.ok(hasRoute(B, 4, { dst: '10.90.0.0/16', gateway: '10.77.0.2' }));
  });

  it('refuses a route in a namespace that does not exist', async () => {
    const r = await h.call('addRoute', { netns: `${P}none`, destination: '10.91.0.0/16', device: 'lo' });
    assert.equal(r.error?.code, 'ENOENT');
  });

  it('survives hostile route fields, changing nothing outside its namespaces', async () => {
    const hostDefaults = () => ip(['-j', 'route', 'show', 'default']) + ip(['-j', '-6', 'route', 'show', 'default']);
    const hostBefore = hostDefaults();
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const pick = <T>(a: T[]): T => a[rnd(a.length)];
    const values: unknown[] = ['default', '10.92.0.0/16', '10.92.0.1', 'fd92::/64', '0.0.0.0/0', '::/0', '10.92.0.0/33', '-default', '--help', 'via', ' ', '', '10.92.0.0/16 via 1.1.1.1', '\u0000', 'x'.repeat(5000), 1, -1, 2 ** 32, 1.5, null, true, [], {}, ['default'], 4, 6, 0];
    const answered: string[] = [];
    for (let i = 0; i < 400; i++) {
      const req: Record<string, unknown> = { netns: pick([A, B, `${P}zz`, 42, '', '../x']) };
      for (const f of ['destination', 'destination', 'gateway', 'device', 'metric', 'family', 'x']) {
        if (rnd(f === 'x' ? 12 : 2) === 0) {
          req[f] = f === 'device' ? pick([VA, 'lo', `-${P}`, 'a b', ...values]) : f === 'gateway' ? pick(['10.77.0.1', 'fd77::1', ...values]) : pick(values);
        }
      }
      const r = await h.call(pick(['addRoute', 'delRoute']), req);
      if (!r.ok) {
        assert.ok(r.error!.message.length > 10);
        assert.doesNotMatch(r.error!.message, /at Object\.|node:internal|TypeError|undefined|RTNETLINK/, r.error!.message);
      }
      answered.push(r.ok ? 'ok' : r.error!.code);
    }
    assert.equal(answered.length, 400);
    assert.equal(h.child.exitCode, null, 'the helper is still running');
    assert.equal(hostDefaults(), hostBefore, 'the host default routes are untouched');
    const counts: Record<string, number> = {};
    for (const a of answered) {
      counts[a] = (counts[a] ?? 0) + 1;
    }
    console.log(`route fuzz: ${JSON.stringify(counts)}`);
  });
});
