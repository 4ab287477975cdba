import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapIpError } from '../../src/helper/pure/ipErrors';

describe('ip error messages', () => {
  it('says where a moved interface is now', () => {
    const e = mapIpError({ op: 'moveLink', name: 'veth-b', from: null, to: 'ns1' }, 'Cannot find device "veth-b"\n', () => 'ns2');
    assert.equal(e.code, 'ENODEV');
    assert.equal(e.message, '"veth-b" is not in the host namespace (it may have been moved or deleted). It is now in namespace "ns2". Refresh the view and try again.');
    assert.equal(e.detail, 'Cannot find device "veth-b"');
  });
  it('says root is needed for EPERM', () => {
    const e = mapIpError({ op: 'addNetns', name: 'ns1' }, 'mount --make-shared /run/netns failed: Operation not permitted');
    assert.equal(e.code, 'EPERM');
    assert.match(e.message, /root privileges/);
  });
  it('says a name is in use', () => {
    assert.equal(mapIpError({ op: 'addNetns', name: 'ns1' }, 'Cannot create namespace file "/run/netns/ns1": File exists').code, 'EEXIST');
    assert.equal(mapIpError({ op: 'addVeth', name: 'a', peer: 'b' }, 'RTNETLINK answers: File exists').code, 'EEXIST');
  });
  it('says an address is not there, in the words ip uses for IPv4 and for IPv6', () => {
    for (const stderr of ['Error: ipv4: Address not found.', 'Error: ipv6: address not found.']) {
      assert.equal(mapIpError({ op: 'delAddress', netns: 'ns1', name: 'veth-a', address: 'fd00::9/64' }, stderr).code, 'EADDRNOTAVAIL', stderr);
    }
  });
  it('keeps unknown failures with the tool words', () => {
    const e = mapIpError({ op: 'delLink', netns: null, name: 'x' }, 'Something odd');
    assert.equal(e.code, 'EIO');
    assert.match(e.message, /Something odd/);
  });
  it('names the field the kernel found invalid', () => {
    const e = mapIpError({ op: 'addVeth', name: 'rp\u00e0', peer: 'rq' }, 'RTNETLINK answers: Invalid argument\n');
    assert.equal(e.code, 'EINVAL');
    assert.equal(e.message, 'The kernel refused the interface names ("rp\u00e0", "rq"). Choose other names.');
    assert.match(mapIpError({ op: 'addAddress', netns: null, name: 'x', address: '10.0.0.1/24' }, 'RTNETLINK answers: Invalid argument').message, /address 10\.0\.0\.1\/24 on "x"/);
    assert.match(mapIpError({ op: 'setLinkState', netns: 'n', name: 'x', up: true }, 'RTNETLINK answers: Invalid argument').message, /interface "x"/);
  });
  it('never shows "RTNETLINK answers:" or "Error:" to the user', () => {
    const reqs = [
      { op: 'addNetns', name: 'n' },
      { op: 'addVeth', name: 'a', peer: 'b' },
      { op: 'moveLink', name: 'a', from: null, to: 'n' },
      { op: 'setLinkState', netns: 'n', name: 'a', up: true },
      { op: 'addAddress', netns: 'n', name: 'a', address: '10.0.0.1/24' },
      { op: 'delAddress', netns: 'n', name: 'a', address: '10.0.0.1/24' },
      { op: 'delLink', netns: 'n', name: 'a' },
    ] as const;
    const errors = ['Invalid argument', 'Numerical result out of range', 'No buffer space available', 'Message too long', 'Address family not supported by protocol', 'Some new error'];
    for (const req of reqs) {
      for (const err of errors) {
        for (const stderr of [`RTNETLINK answers: ${err}`, `Error: ${err}.`]) {
          const e = mapIpError(req, stderr + '\n');
          assert.doesNotMatch(e.message, /RTNETLINK|Error:/, `${req.op}: ${stderr} -> ${e.message}`);
          assert.equal(e.detail, stderr, 'the log keeps the tool\'s words');
        }
      }
    }
  });
});
