import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isIPv4, isIPv6, parseCidr, validateInterfaceName, validateNamespaceName, validatePid } from '../../src/core/validate';

describe('interface names (kernel dev_valid_name + iproute2 rules)', () => {
  for (const good of ['eth0', 'veth-a', 'v', 'a'.repeat(15), '-x', 'br_0.10', 'ünï', '$(id)']) {
    it(`accepts ${JSON.stringify(good)}`, () => assert.equal(validateInterfaceName(good), undefined));
  }
  const bad: [unknown, RegExp][] = [
    ['', /empty/],
    ['a'.repeat(16), /at most 15 bytes/],
    ['ééééééééé', /at most 15 bytes/], // 18 bytes in UTF-8
    ['.', /cannot be used/],
    ['..', /cannot be used/],
    ['a/b', /"\/"/],
    ['a:b', /":"/],
    ['a b', /whitespace/],
    ['a\tb', /whitespace/],
    ['a\u0000', /control/],
    ['veth%d', /%/],
    [7, /text/],
    [null, /text/],
  ];
  for (const [name, msg] of bad) {
    it(`refuses ${JSON.stringify(name)} saying why`, () => assert.match(validateInterfaceName(name) ?? '', msg));
  }
});

describe('namespace names', () => {
  for (const good of ['ns1', '-leading-dash', 'a b', 'x'.repeat(255), 'ünicode', "quo'te"]) {
    it(`accepts ${JSON.stringify(good.slice(0, 20))}`, () => assert.equal(validateNamespaceName(good), undefined));
  }
  const bad: [unknown, RegExp][] = [
    ['', /empty/],
    ['.', /cannot be used/],
    ['..', /cannot be used/],
    ['a/b', /"\/"/],
    ['x'.repeat(256), /at most 255 bytes/],
    ['a\nb', /control/],
    [{}, /text/],
  ];
  for (const [name, msg] of bad) {
    it(`refuses ${JSON.stringify(name).slice(0, 20)} saying why`, () => assert.match(validateNamespaceName(name) ?? '', msg));
  }
});

describe('PIDs and addresses', () => {
  it('accepts real PIDs only', () => {
    assert.equal(validatePid(1), undefined);
    for (const bad of [0, -1, 1.5, '12', NaN, 2 ** 40]) {
      assert.ok(validatePid(bad));
    }
  });
  it('parses CIDR addresses', () => {
    assert.deepEqual(parseCidr('10.0.0.1/24'), { family: 4, address: '10.0.0.1', prefixLen: 24 });
    assert.deepEqual(parseCidr('FD00::1/64'), { family: 6, address: 'fd00::1', prefixLen: 64 });
    assert.deepEqual(parseCidr('::ffff:1.2.3.4/128'), { family: 6, address: '::ffff:1.2.3.4', prefixLen: 128 });
    for (const bad of ['10.0.0.1', '10.0.0.256/24', '10.0.0.1/33', '::1/129', 'fd00:::1/64', 'abc/1', '1.2.3.4/24; rm', 5]) {
      assert.equal(typeof parseCidr(bad), 'string', String(bad));
    }
  });
  it('tells IPv4 from IPv6', () => {
    assert.ok(isIPv4('192.168.0.1'));
    assert.ok(!isIPv4('01.2.3.4'));
    assert.ok(isIPv6('fe80::1'));
    assert.ok(isIPv6('1:2:3:4:5:6:7:8'));
    assert.ok(!isIPv6('1:2:3:4:5:6:7:8:9'));
    assert.ok(!isIPv6('1::2::3'));
  });
});
