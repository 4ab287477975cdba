// Pure pieces of the extension: context values for menus, state colors, the ip commands offered
// for copying and logged for each request, and the order of namespace names.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Interface } from '../../src/core/model';
import { interfaceCommands, namespaceCommands, processNamespaceCommands } from '../../src/extension/commands/common/ipCommands';
import { ipEquivalent } from '../../src/extension/commands/ipEquivalent';
import { compareNames } from '../../src/extension/model/compareNames';
import { interfaceContextValue, linkState } from '../../src/extension/tree/interfaces/interfaceState';

const veth: Interface = {
  ifindex: 5,
  name: 'veth-a',
  kind: 'veth',
  operState: 'LOWERLAYERDOWN',
  flags: ['BROADCAST', 'MULTICAST', 'UP'],
  mtu: 1500,
  addresses: [{ family: 4, address: '10.0.0.1', prefixLen: 24 }],
  peer: { ifindex: 4, name: 'veth-b', netns: 'ns2' },
};

describe('extension pure helpers', () => {
  it('tells down, no carrier and up apart', () => {
    assert.equal(linkState(veth), 'no-carrier');
    assert.equal(linkState({ ...veth, flags: ['BROADCAST'], operState: 'DOWN' }), 'down');
    assert.equal(linkState({ ...veth, operState: 'UP', flags: ['UP', 'LOWER_UP'] }), 'up');
    assert.equal(linkState({ ...veth, kind: 'loopback', operState: 'UNKNOWN', flags: ['LOOPBACK', 'UP', 'LOWER_UP'] }), 'up');
  });

  it('builds context values the menus match with regular expressions', () => {
    const cv = interfaceContextValue(veth);
    assert.equal(cv, 'interface interface.veth interface.up interface.addresses interface.peer interface.canBePort');
    assert.match(cv, /\binterface\.up\b/);
    assert.doesNotMatch(cv, /\binterface\.down\b/);
    assert.match(cv, /\binterface\.(veth|other)\b/);
    const lo = interfaceContextValue({ ...veth, kind: 'loopback', flags: [], addresses: [], peer: undefined });
    assert.equal(lo, 'interface interface.loopback interface.down');
    assert.doesNotMatch(lo, /\binterface\.(veth|other)\b/);
    const bridge = { ...veth, kind: 'bridge', peer: undefined };
    assert.equal(interfaceContextValue(bridge), 'interface interface.other interface.up interface.addresses interface.bridge');
    assert.equal(interfaceContextValue(veth, true), 'interface interface.veth interface.up interface.addresses interface.peer interface.port');
    assert.match(interfaceContextValue({ ...veth, kind: 'vlan', peer: undefined }), /\binterface\.canBePort interface\.vlan$/);
  });

  it('offers ip commands for namespaces, interfaces and process namespaces', () => {
    assert.deepEqual(
      namespaceCommands('ns 1').map((c) => c.command),
      ["ip netns exec 'ns 1' bash", "ip -n 'ns 1' address show", "ip netns add 'ns 1'", "ip netns delete 'ns 1'", "ip netns exec 'ns 1' sysctl -w net.ipv4.ip_forward=1"],
    );
    assert.equal(namespaceCommands('r', { forwarding: { ipv4: true, ipv6: false } }).at(-1)?.command, 'ip netns exec r sysctl -w net.ipv4.ip_forward=0');
    assert.equal(namespaceCommands(null).at(-1)?.command, 'sysctl -w net.ipv4.ip_forward=1');
    assert.deepEqual(
      interfaceCommands('ns1', { name: 'veth-a', kind: 'veth', flags: [], netem: { delayMs: 100, lossPct: 1 } }).filter((c) => /netem/i.test(c.kind)).map((c) => c.command),
      ['tc -n ns1 qdisc replace dev veth-a root netem delay 100ms loss 1% corrupt 0% reorder 0% rate 0bit', 'tc -n ns1 qdisc del dev veth-a root netem'],
    );
    assert.equal(namespaceCommands(null)[0].command, 'ip address show');
    const cmds = interfaceCommands('ns1', veth);
    assert.deepEqual(cmds.map((c) => c.kind), ['link', 'address', 'down', 'veth', 'delete']);
    assert.equal(cmds[0].command, 'ip -n ns1 link show dev veth-a');
    assert.equal(cmds[2].command, 'ip -n ns1 link set dev veth-a down');
    assert.equal(cmds[3].command, 'ip link add name veth-a netns ns1 type veth peer name veth-b netns ns2');
    assert.equal(interfaceCommands(null, { name: 'lo', kind: 'loopback', flags: [] }).some((c) => c.kind === 'delete'), false);
    assert.equal(processNamespaceCommands(42)[0].command, 'nsenter --net=/proc/42/ns/net bash');
  });

  it('logs the ip command equivalent to each write request', () => {
    assert.equal(ipEquivalent('addNetns', { name: 'ns1' }), 'ip netns add ns1');
    assert.equal(ipEquivalent('moveLink', { name: 'a', from: 'ns1', toPid: 7 }), 'ip -n ns1 link set dev a netns 7');
    assert.equal(ipEquivalent('addVeth', { netns: 'x' }), "ip link add name '<automatic>' netns x type veth peer name '<automatic>'");
    assert.equal(
      ipEquivalent('addVeth', { netns: 'x' }, { name: 'veth0', peer: 'veth1', netns: 'x', peerNetns: null }),
      'ip link add name veth0 netns x type veth peer name veth1',
    );
    assert.equal(ipEquivalent('snapshot', {}), undefined);
  });

  it('sorts namespace names the way people count', () => {
    assert.deepEqual(['ns10', 'ns2', 'a', 'ns1'].sort(compareNames), ['a', 'ns1', 'ns2', 'ns10']);
  });
});
