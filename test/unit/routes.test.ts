// Routes without the kernel: the field rules, the ip command lines, the gateway check against the
// model, and the kernel's answers in plain words.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIpCommand, routeArgv } from '../../src/core/ipCommand';
import type { Interface, Namespace } from '../../src/core/model';
import { parseRequest } from '../../src/core/protocol';
import { connectedPrefixes, gatewayProblem, suggestGateway } from '../../src/core/routeCheck';
import { addressBits, formatBits, inPrefix, parseAddress, parseRouteDestination, routeFamily, routeProblem, validateMetric } from '../../src/core/validate';
import { mapIpError } from '../../src/helper/pure/ipErrors';

const iface = (name: string, addresses: Interface['addresses'], kind = 'veth'): Interface => ({
  ifindex: 2,
  name,
  kind,
  operState: 'UP',
  flags: ['UP'],
  mtu: 1500,
  addresses,
});

const NS1: Namespace = {
  name: 'ns1',
  path: '/run/netns/ns1',
  inode: 1,
  id: 'net:[1]',
  isRoot: false,
  interfaces: [
    iface('lo', [{ family: 4, address: '127.0.0.1', prefixLen: 8, scope: 'host' }], 'loopback'),
    iface('veth-a', [
      { family: 4, address: '10.0.0.2', prefixLen: 24, scope: 'global' },
      { family: 6, address: 'fe80::1', prefixLen: 64, scope: 'link' },
    ]),
    iface('br0', []),
  ],
  routes: [
    { family: 4, destination: '10.0.0.0/24', device: 'veth-a', protocol: 'kernel', scope: 'link', prefsrc: '10.0.0.2' },
    { family: 4, destination: '10.5.0.0/16', device: 'br0', scope: 'link' },
    { family: 4, destination: 'default', gateway: '10.0.0.1', device: 'veth-a' },
  ],
};

describe('route fields', () => {
  it('reads destinations: default, networks, single addresses; refuses host bits', () => {
    assert.deepEqual(parseRouteDestination('default'), { prefix: 'default' });
    assert.deepEqual(parseRouteDestination('10.1.0.0/24'), { family: 4, prefix: '10.1.0.0/24' });
    assert.deepEqual(parseRouteDestination('10.1.0.7'), { family: 4, prefix: '10.1.0.7/32' });
    assert.deepEqual(parseRouteDestination('FD00:1::/64'), { family: 6, prefix: 'fd00:1::/64' });
    assert.deepEqual(parseRouteDestination('0.0.0.0/0'), { family: 4, prefix: '0.0.0.0/0' });
    assert.match(parseRouteDestination('10.1.0.7/24') as string, /the network is 10\.1\.0\.0\/24/);
    assert.match(parseRouteDestination('fd00:1::5/64') as string, /the network is fd00:1::\/64/);
    assert.match(parseRouteDestination('10.1.0.0/33') as string, /0 to 32/);
    assert.match(parseRouteDestination('somewhere') as string, /is not a destination/);
    assert.equal(typeof parseRouteDestination(5), 'string');
  });

  it('reads gateways as single addresses', () => {
    assert.deepEqual(parseAddress('10.0.0.1'), { family: 4, address: '10.0.0.1' });
    assert.deepEqual(parseAddress('FE80::1'), { family: 6, address: 'fe80::1' });
    assert.match(parseAddress('10.0.0.1/24') as string, /without a prefix length/);
  });

  it('keeps metrics to 0..2^32-1', () => {
    assert.equal(validateMetric(0), undefined);
    assert.equal(validateMetric(2 ** 32 - 1), undefined);
    for (const bad of [-1, 2 ** 32, 1.5, '5', NaN, null]) {
      assert.ok(validateMetric(bad), String(bad));
    }
  });

  it('wants one family across destination, gateway and family, and a way out for an add', () => {
    assert.equal(routeProblem({ destination: 'default', gateway: 'fd00::1' }, true), undefined);
    assert.equal(routeProblem({ destination: 'default', family: 6, device: 'eth0' }, true), undefined);
    assert.match(routeProblem({ destination: '10.0.0.0/8', gateway: 'fd00::1' }, true)!, /all be IPv4 or all be IPv6/);
    assert.match(routeProblem({ destination: 'default', family: 6, gateway: '10.0.0.1' }, true)!, /all be IPv4/);
    assert.match(routeProblem({ destination: '10.0.0.0/8' }, true)!, /needs a gateway/);
    assert.equal(routeProblem({ destination: '10.0.0.0/8' }, false), undefined, 'a delete may name the destination alone');
    assert.equal(routeFamily({ destination: 'default', gateway: 'fd00::1' }), 6);
    assert.equal(routeFamily({ destination: 'default' }), 4);
  });

  it('parses requests with the schema: each field, then the fields together', () => {
    assert.equal(parseRequest(JSON.stringify({ id: 1, op: 'addRoute', netns: 'ns1', destination: 'default', gateway: '10.0.0.1' })).op, 'addRoute');
    assert.throws(() => parseRequest(JSON.stringify({ id: 1, op: 'addRoute', netns: 'ns1', destination: '10.0.0.0/8', device: '-x y' })), /whitespace/);
    assert.throws(() => parseRequest(JSON.stringify({ id: 1, op: 'delRoute', netns: 'ns1', destination: '10.0.0.0/8', metric: -3 })), /metric/);
    assert.throws(() => parseRequest(JSON.stringify({ id: 1, op: 'addRoute', netns: 'ns1', destination: '10.0.0.0/8', gateway: 'fd00::1' })), /all be IPv4/);
  });

  it('does bit arithmetic on both families', () => {
    assert.equal(addressBits('10.0.0.1', 4), 0x0a000001n);
    assert.equal(addressBits('::ffff:1.2.3.4', 6), 0xffff01020304n);
    assert.equal(formatBits(addressBits('fd00:0:0:1::', 6), 6), 'fd00:0:0:1::');
    assert.equal(formatBits(0n, 6), '::');
    assert.equal(formatBits(addressBits('1:0:2:0:3:0:4:0', 6), 6), '1:0:2:0:3:0:4:0');
    assert.ok(inPrefix('10.0.0.200', '10.0.0.0', 24, 4));
    assert.ok(!inPrefix('10.0.1.1', '10.0.0.0', 24, 4));
    assert.ok(inPrefix('fd00::1:2', 'fd00::', 64, 6));
    assert.ok(inPrefix('1.2.3.4', '0.0.0.0', 0, 4));
  });
});

describe('route ip commands', () => {
  it('puts -6 before the object and every value after its keyword', () => {
    assert.equal(formatIpCommand(routeArgv({ netns: 'ns1', destination: 'default', gateway: '10.0.0.1', device: 'veth-a', metric: 5 }, 'add')), 'ip -n ns1 route add default via 10.0.0.1 dev veth-a metric 5');
    assert.equal(formatIpCommand(routeArgv({ netns: null, destination: 'default', family: 6, device: 'eth1' }, 'del')), 'ip -6 route del default dev eth1');
    assert.equal(formatIpCommand(routeArgv({ netns: 'ns 2', destination: 'fd00:1::/64', gateway: 'fe80::1', device: 'v' }, 'add')), "ip -n 'ns 2' -6 route add fd00:1::/64 via fe80::1 dev v");
  });
});

describe('the gateway check against the model', () => {
  it('knows the connected prefixes: address subnets and link routes, not loopback', () => {
    assert.deepEqual(
      connectedPrefixes(NS1, 4).map((p) => `${p.network}/${p.prefixLen} ${p.device}`),
      ['10.0.0.0/24 veth-a', '10.5.0.0/16 br0'],
    );
    assert.deepEqual(connectedPrefixes(NS1, 6).map((p) => `${p.network}/${p.prefixLen}`), ['fe80::/64']);
  });

  it('takes a gateway in a connected subnet and says which subnets there are otherwise', () => {
    assert.equal(gatewayProblem(NS1, '10.0.0.1'), undefined);
    assert.equal(gatewayProblem(NS1, '10.5.3.3'), undefined);
    assert.equal(gatewayProblem(NS1, 'fe80::2', 'veth-a'), undefined);
    assert.equal(
      gatewayProblem(NS1, '10.9.9.1'),
      '10.9.9.1 is not in any subnet of ns1 (10.0.0.0/24 on veth-a, 10.5.0.0/16 on br0); add an address in that subnet first.',
    );
    assert.equal(gatewayProblem(NS1, '10.5.3.3', 'veth-a'), '10.5.3.3 is not in any subnet of ns1 (10.0.0.0/24 on veth-a); add an address in that subnet first.');
    assert.match(gatewayProblem(NS1, '10.0.0.2')!, /is an address of ns1 itself/);
    assert.match(gatewayProblem(NS1, 'fd00::1', 'br0')!, /ns1 has no IPv6 subnet on br0/);
    assert.match(gatewayProblem({ ...NS1, name: null, routes: [] , interfaces: [] }, '10.0.0.1')!, /^the host namespace has no IPv4 subnet/);
  });

  it('suggests the first host that is not the namespace itself', () => {
    const [p] = connectedPrefixes(NS1, 4);
    assert.equal(suggestGateway(p), '10.0.0.1');
    assert.equal(suggestGateway({ ...p, own: '10.0.0.1' }), '10.0.0.2');
    assert.equal(suggestGateway(connectedPrefixes(NS1, 6)[0]), 'fe80::2');
  });
});

describe('the kernel\'s route answers in plain words', () => {
  const add = { op: 'addRoute' as const, netns: 'ns1', destination: '10.1.0.0/16', gateway: '10.9.9.1' };
  it('maps each answer to a code and a sentence without ip\'s words', () => {
    const cases: [Parameters<typeof mapIpError>[0], string, string, RegExp][] = [
      [add, 'Error: Nexthop has invalid gateway.', 'ENETUNREACH', /gateway 10\.9\.9\.1 is not in a subnet of namespace "ns1"/],
      [add, 'RTNETLINK answers: Network is unreachable', 'ENETUNREACH', /Add an address in that subnet/],
      [{ ...add, destination: 'fd01::/64', gateway: 'fd99::1' }, 'RTNETLINK answers: No route to host', 'ENETUNREACH', /fd99::1/],
      [add, 'RTNETLINK answers: File exists', 'EEXIST', /already has a route to 10\.1\.0\.0\/16/],
      [{ ...add, op: 'delRoute' }, 'RTNETLINK answers: No such process', 'ENOENT', /has no such route to 10\.1\.0\.0\/16/],
      [{ ...add, netns: null, op: 'delRoute' }, 'RTNETLINK answers: No such process', 'ENOENT', /^The host namespace has no such route/],
      [{ ...add, device: 'v1' }, 'Error: Device for nexthop is not up.', 'ENETDOWN', /"v1" is down/],
      [{ ...add, gateway: 'fd00::2', destination: 'fd01::/64' }, 'Error: Gateway can not be a local address.', 'EINVAL', /fd00::2 is an address of this namespace/],
      [{ ...add, device: 'nope' }, 'Cannot find device "nope"', 'ENODEV', /"nope" is not in namespace "ns1"/],
    ];
    for (const [req, stderr, code, re] of cases) {
      const e = mapIpError(req, stderr);
      assert.equal(e.code, code, stderr);
      assert.match(e.message, re, stderr);
      assert.doesNotMatch(e.message, /RTNETLINK|Error:/);
    }
  });
});
