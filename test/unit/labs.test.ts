// The example labs as data: every request they make passes the helper's own checks, names stay
// within the kernel's limits, each veth's ends share a subnet, and every gateway is reachable
// from a subnet of its namespace.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labNamespaces } from '../../src/core/labs/lab';
import { labRequests } from '../../src/core/labs/labPlan';
import { EXAMPLES } from '../support/exampleLabs';
import { learnSteps } from '../../src/core/learnSteps';
import type { Interface, Namespace } from '../../src/core/model';
import { parseRequest } from '../../src/core/protocol';
import { parseCidr } from '../../src/core/validate';

const v4 = (s: string) => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const sameSubnet = (a: string, b: string) => {
  const [x, y] = [parseCidr(a), parseCidr(b)] as { address: string; prefixLen: number }[];
  const size = 2 ** (32 - x.prefixLen);
  return x.prefixLen === y.prefixLen && Math.floor(v4(x.address) / size) === Math.floor(v4(y.address) / size);
};

describe('example labs', () => {
  for (const lab of EXAMPLES) {
    it(`"${lab.id}" is one valid batch request`, () => {
      const requests = labRequests(lab.spec, 'x-');
      const parsed = parseRequest(JSON.stringify({ id: 1, op: 'batch', requests }));
      assert.equal(parsed.op, 'batch');
      assert.deepEqual(labNamespaces(lab.spec, 'x-'), lab.spec.namespaces.map((n) => `x-${n.name}`));
      for (const r of requests) {
        if ('netns' in r && typeof r.netns === 'string') {
          assert.ok(r.netns.startsWith('x-'), `${r.op} acts inside the lab only`);
        }
      }
    });

    it(`"${lab.id}": veth ends share a subnet and gateways are reachable`, () => {
      for (const { a, b } of lab.spec.veths ?? []) {
        if (a.addresses?.[0] && b.addresses?.[0]) {
          assert.ok(sameSubnet(a.addresses[0], b.addresses[0]), `${a.name} ${a.addresses[0]} / ${b.name} ${b.addresses[0]}`);
        }
      }
      for (const ns of lab.spec.namespaces) {
        const own = (lab.spec.veths ?? []).flatMap(({ a, b }) => [a, b]).filter((e) => e.netns === ns.name && e.addresses?.[0]);
        for (const route of ns.routes ?? []) {
          if (route.via) {
            const prefixLen = (e: { addresses?: string[] }) => (parseCidr(e.addresses?.[0]) as { prefixLen: number }).prefixLen;
            assert.ok(own.some((e) => sameSubnet(e.addresses![0], `${route.via}/${prefixLen(e)}`)), `${ns.name}: ${route.via}`);
          }
        }
      }
      const [from, to] = lab.check;
      assert.ok(lab.spec.namespaces.some((n) => n.name === from));
      assert.ok((lab.spec.veths ?? []).some(({ a, b }) => [a, b].some((e) => e.addresses?.[0]?.startsWith(`${to}/`))), `${to} is an address of the lab`);
    });
  }
});

describe('walkthrough steps from the model', () => {
  const iface = (name: string, extra: Partial<Interface> = {}): Interface => ({ ifindex: 1, name, kind: 'veth', operState: 'UP', flags: ['UP'], mtu: 1500, addresses: [], ...extra });
  const ns = (name: string | null, interfaces: Interface[], extra: Partial<Namespace> = {}): Namespace => ({
    name,
    path: '',
    inode: 1,
    id: 'net:[1]',
    isRoot: name === null,
    interfaces,
    ...extra,
  });
  const addr = (a: string) => ({ family: 4 as const, address: a.split('/')[0], prefixLen: Number(a.split('/')[1]) });

  it('follows the tutorial one step at a time', () => {
    assert.deepEqual(learnSteps([ns(null, [])]), { twoNamespaces: false, veth: false, vethAcross: false, addressed: false, bridge: false, router: false });
    const host = ns(null, [iface('veth-a', { peer: { ifindex: 2, name: 'veth-b', netns: null } }), iface('veth-b', { peer: { ifindex: 1, name: 'veth-a', netns: null } })]);
    let s = learnSteps([host, ns('ns1', []), ns('ns2', [])]);
    assert.ok(s.twoNamespaces && s.veth && !s.vethAcross);
    const a = iface('veth-a', { flags: [], peer: { ifindex: 2, name: 'veth-b', netns: 'ns2' } });
    const b = iface('veth-b', { flags: [], peer: { ifindex: 1, name: 'veth-a', netns: 'ns1' } });
    s = learnSteps([ns(null, []), ns('ns1', [a]), ns('ns2', [b])]);
    assert.ok(s.vethAcross && !s.addressed);
    s = learnSteps([ns(null, []), ns('ns1', [{ ...a, flags: ['UP'], addresses: [addr('10.0.0.1/24')] }]), ns('ns2', [{ ...b, flags: ['UP'], addresses: [addr('10.0.0.2/24')] }])]);
    assert.ok(s.addressed);
  });

  it('sees a bridge with two ports, and a router between two subnets', () => {
    const sw = ns('sw', [iface('br0', { kind: 'bridge' }), iface('p1', { master: 'br0' }), iface('p2', { master: 'br0' })]);
    assert.ok(learnSteps([sw]).bridge);
    const r = ns('r', [iface('eth-a', { addresses: [addr('10.0.1.1/24')] }), iface('eth-b', { addresses: [addr('10.0.2.1/24')] })], { forwarding: { ipv4: true, ipv6: false } });
    assert.ok(learnSteps([r]).router);
    assert.ok(!learnSteps([{ ...r, forwarding: { ipv4: false, ipv6: false } }]).router, 'not without forwarding');
  });
});
