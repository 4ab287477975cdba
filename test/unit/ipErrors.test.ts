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
});
