import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isIPv4, isIPv6, kernelNameProblem, parseCidr, validateInterfaceName, validateNamespaceName, validatePid } from '../../src/core/validate';

describe('interface names (kernel dev_valid_name + iproute2 rules)', () => {
  // The kernel takes control bytes other than its isspace() ones, and "…" (E2 80 A6) or NEL (C2 85).
  for (const good of ['eth0', 'veth-a', 'v', 'a'.repeat(15), '-x', 'br_0.10', 'ünï', '$(id)', 'a\u0001b', 'a\u007f', 'a\u0085', 'a…', '...']) {
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
    ['a\u000bb', /whitespace/],
    ['a\rb', /whitespace/],
    ['a\u0000', /NUL/],
    // 0xA0 is a space to the kernel's isspace(): alone (C2 A0) and inside "à" (C3 A0).
    ['rp\u00e0', /"à": the kernel reads one of its bytes as a space/],
    ['a\u00a0b', /the kernel reads one of its bytes as a space/],
    ['\u0820x', /the kernel reads one of its bytes as a space/], // E0 A0 A0
    ['veth%d', /%/],
    [7, /text/],
    [null, /text/],
  ];
  for (const [name, msg] of bad) {
    it(`refuses ${JSON.stringify(name)} saying why`, () => assert.match(validateInterfaceName(name) ?? '', msg));
  }
});

describe('the kernel\'s dev_valid_name on raw bytes', () => {
  it('refuses exactly tab to carriage return, space, 0xA0, "/", ":", NUL and "%"', () => {
    const refused = [];
    for (let b = 0; b <= 0xff; b++) {
      if (kernelNameProblem(Uint8Array.of(0x71, b, 0x7a)) !== undefined) {
        refused.push(b);
      }
    }
    assert.deepEqual(refused, [0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x25, 0x2f, 0x3a, 0xa0]);
  });
  it('refuses empty, ".", ".." and 16 bytes, and takes 15', () => {
    assert.equal(kernelNameProblem(new Uint8Array()), 'empty');
    assert.equal(kernelNameProblem(Uint8Array.of(0x2e)), 'dots');
    assert.equal(kernelNameProblem(Uint8Array.of(0x2e, 0x2e)), 'dots');
    assert.equal(kernelNameProblem(Uint8Array.of(0x2e, 0x2e, 0x2e)), undefined);
    assert.equal(kernelNameProblem(new Uint8Array(16).fill(0x61)), 'long');
    assert.equal(kernelNameProblem(new Uint8Array(15).fill(0x61)), undefined);
  });
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
