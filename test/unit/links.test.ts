// Bridges, dummy and VLAN interfaces in the pure parts: the request schema, the ip commands, both
// readers' VLAN id and parent, the undo of a port change, and the kernel's answers in plain words.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addLinkArgv, DISPLAY_CONTEXT, formatIpCommand, setMasterArgv } from '../../src/core/ipCommand';
import { ipArgvOf, OPERATIONS } from '../../src/core/operations';
import { parseRequest } from '../../src/core/protocol';
import { parseIpAddrJson } from '../../src/helper/pure/ipJson';
import { mapIpError } from '../../src/helper/pure/ipErrors';
import {
  buildInterfaces,
  encodeMessage,
  IFLA_IFNAME,
  IFLA_INFO_DATA,
  IFLA_INFO_KIND,
  IFLA_LINK,
  IFLA_LINKINFO,
  IFLA_MASTER,
  IFLA_VLAN_ID,
  ifinfomsg,
  nestedAttr,
  NLM_F_MULTI,
  parseLink,
  RTM_NEWLINK,
  splitMessages,
  strAttr,
  u32Attr,
  type Attr,
} from '../../src/helper/pure/rtnetlink';

const parse = (req: Record<string, unknown>) => parseRequest(JSON.stringify({ id: 1, ...req }));
const refuse = (req: Record<string, unknown>, code: string, message: RegExp) =>
  assert.throws(() => parse(req), (e: Error & { code?: string }) => {
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });

describe('addLink and setMaster requests', () => {
  it('take a bridge, a dummy, and a vlan with its parent and an id from 1 to 4094', () => {
    assert.equal(parse({ op: 'addLink', netns: 'ns1', name: 'br0', kind: 'bridge' }).op, 'addLink');
    assert.equal(parse({ op: 'addLink', netns: null, name: 'd0', kind: 'dummy' }).op, 'addLink');
    assert.equal(parse({ op: 'addLink', netns: 'ns1', name: 'eth0.10', kind: 'vlan', parent: 'eth0', vlanId: 4094 }).op, 'addLink');
    assert.equal(parse({ op: 'setMaster', netns: 'ns1', name: 'veth0', master: 'br0' }).op, 'setMaster');
    assert.equal(parse({ op: 'setMaster', netns: null, name: 'veth0', master: null }).op, 'setMaster');
  });

  it('refuse what ip or the kernel would: names, kinds, ids, a vlan without its parent', () => {
    refuse({ op: 'addLink', netns: 'ns1', name: 'a-very-long-vlan0', kind: 'bridge' }, 'EINVAL', /at most 15 bytes/);
    refuse({ op: 'addLink', netns: 'ns1', name: 'x', kind: 'bond' }, 'EINVAL', /"bridge", "dummy" or "vlan"/);
    for (const id of [0, 4095, -1, 1.5, '10', null]) {
      refuse({ op: 'addLink', netns: 'ns1', name: 'v', kind: 'vlan', parent: 'eth0', vlanId: id }, 'EINVAL', /from 1 to 4094/);
    }
    refuse({ op: 'addLink', netns: 'ns1', name: 'v', kind: 'vlan', vlanId: 5 }, 'EPROTO', /needs "parent"/);
    refuse({ op: 'addLink', netns: 'ns1', name: 'v', kind: 'vlan', parent: 'eth0' }, 'EPROTO', /"vlanId"/);
    refuse({ op: 'addLink', netns: 'ns1', name: 'v', kind: 'dummy', parent: 'eth0' }, 'EPROTO', /takes no "parent"/);
    refuse({ op: 'addLink', netns: 'ns1', name: 'v', kind: 'vlan', parent: 'a/b', vlanId: 5 }, 'EINVAL', /"\/"/);
    refuse({ op: 'setMaster', netns: 'ns1', name: 'v' }, 'EPROTO', /needs the field "master"/);
    refuse({ op: 'setMaster', netns: 'ns1', name: 'v', master: 'b r' }, 'EINVAL', /whitespace/);
    refuse({ op: 'setMaster', netns: 'ns1', name: 'v', master: false }, 'EINVAL', /must be text/);
  });

  it('may be items of a batch', () => {
    const r = parse({ op: 'batch', requests: [{ op: 'addLink', netns: 'ns1', name: 'br0', kind: 'bridge' }, { op: 'setMaster', netns: 'ns1', name: 'v', master: 'br0' }] });
    assert.equal(r.op, 'batch');
  });

  it('name their targets: the namespace, the port and its bridge, the VLAN parent', () => {
    assert.deepEqual(OPERATIONS.setMaster.targets!({ netns: 'ns1', name: 'v', master: 'br0' }), [
      { kind: 'link', netns: 'ns1', name: 'v', change: 'master' },
      { kind: 'link', netns: 'ns1', name: 'br0', change: 'port' },
    ]);
    assert.deepEqual(OPERATIONS.setMaster.targets!({ netns: null, name: 'v', master: null }), [{ kind: 'link', netns: null, name: 'v', change: 'master' }]);
    assert.deepEqual(OPERATIONS.addLink.targets!({ netns: 'ns1', name: 'e.5', kind: 'vlan', parent: 'e', vlanId: 5 }), [
      { kind: 'netns', netns: 'ns1' },
      { kind: 'link', netns: 'ns1', name: 'e', change: 'vlan' },
    ]);
  });
});

describe('the ip commands of bridges, ports and VLANs', () => {
  it('put every name after a keyword', () => {
    assert.deepEqual(addLinkArgv({ netns: '-n1', name: '-br', kind: 'bridge' }), ['-n', '-n1', 'link', 'add', 'name', '-br', 'type', 'bridge']);
    assert.deepEqual(addLinkArgv({ netns: null, name: '-v', kind: 'vlan', parent: '-p', vlanId: 7 }), ['link', 'add', 'link', '-p', 'name', '-v', 'type', 'vlan', 'id', '7']);
    assert.deepEqual(setMasterArgv({ netns: null, name: '-x', master: '-b' }), ['link', 'set', 'dev', '-x', 'master', '-b']);
  });

  it('read as a user would type them', () => {
    const line = (req: Parameters<typeof ipArgvOf>[0]) => formatIpCommand(ipArgvOf(req, DISPLAY_CONTEXT)!);
    assert.equal(line({ op: 'addLink', netns: 'ns1', name: 'br0', kind: 'bridge' }), 'ip -n ns1 link add name br0 type bridge');
    assert.equal(line({ op: 'addLink', netns: null, name: 'd0', kind: 'dummy' }), 'ip link add name d0 type dummy');
    assert.equal(line({ op: 'addLink', netns: 'ns1', name: 'veth-a.10', kind: 'vlan', parent: 'veth-a', vlanId: 10 }), 'ip -n ns1 link add link veth-a name veth-a.10 type vlan id 10');
    assert.equal(line({ op: 'setMaster', netns: 'ns1', name: 'veth-a', master: 'br0' }), 'ip -n ns1 link set dev veth-a master br0');
    assert.equal(line({ op: 'setMaster', netns: 'ns1', name: 'veth-a', master: null }), 'ip -n ns1 link set dev veth-a nomaster');
  });

  it('undo: delete what addLink made; a port back to its former master, or released', () => {
    assert.deepEqual(OPERATIONS.addLink.batch!.undo({ netns: 'ns1', name: 'br0', kind: 'bridge' }), { op: 'delLink', netns: 'ns1', name: 'br0' });
    const p = { netns: 'ns1', name: 'v', master: 'br1' };
    assert.deepEqual(OPERATIONS.setMaster.batch!.undo(p, { previousMaster: 'br0' }), { op: 'setMaster', netns: 'ns1', name: 'v', master: 'br0' });
    assert.deepEqual(OPERATIONS.setMaster.batch!.undo(p, { previousMaster: null }), { op: 'setMaster', netns: 'ns1', name: 'v', master: null });
    assert.deepEqual(OPERATIONS.setMaster.batch!.undo(p), { op: 'setMaster', netns: 'ns1', name: 'v', master: null });
    assert.equal(OPERATIONS.setMaster.batch!.undo({ ...p, master: null }), undefined, 'a release with no known master is not undone');
  });
});

/** An RTM_NEWLINK with a kind and its IFLA_INFO_DATA. */
function link(index: number, name: string, kind?: string, extra: Attr[] = [], data?: Attr[]): Buffer {
  const info: Attr[] = kind ? [strAttr(IFLA_INFO_KIND, kind)] : [];
  if (data) {
    info.push(nestedAttr(IFLA_INFO_DATA | 0x8000, data));
  }
  const attrs = [strAttr(IFLA_IFNAME, name), ...extra, ...(info.length ? [nestedAttr(IFLA_LINKINFO | 0x8000, info)] : [])];
  return encodeMessage({ type: RTM_NEWLINK, flags: NLM_F_MULTI, header: ifinfomsg({ index, type: 1 }), attrs });
}
const u16 = (type: number, v: number): Attr => {
  const data = Buffer.alloc(2);
  data.writeUInt16LE(v);
  return { type, data };
};

describe('both readers: VLAN id and parent, bridge ports and their master', () => {
  it('netlink: IFLA_VLAN_ID of a vlan, IFLA_LINK as the parent, IFLA_MASTER as the bridge', () => {
    const buf = Buffer.concat([
      link(2, 'br0', 'bridge'),
      link(3, 'veth-a', 'veth', [u32Attr(IFLA_MASTER, 2)]),
      link(4, 'veth-a.10', 'vlan', [u32Attr(IFLA_LINK, 3)], [u16(IFLA_VLAN_ID, 10), u16(5, 0x8100)]),
      // Another kind's data with the same attribute number is not a VLAN id.
      link(5, 'mv0', 'macvlan', [u32Attr(IFLA_LINK, 3)], [u16(IFLA_VLAN_ID, 3)]),
    ]);
    const ifs = buildInterfaces(splitMessages(buf).map((m) => parseLink(buf, m)), []);
    const by = (n: string) => ifs.find((i) => i.name === n)!;
    assert.equal(by('veth-a').master, 'br0');
    assert.equal(by('veth-a.10').vlanId, 10);
    assert.equal(by('veth-a.10').linkIfindex, 3);
    assert.equal(by('mv0').vlanId, undefined);
    assert.equal(by('mv0').linkIfindex, 3);
    assert.equal(by('br0').vlanId, undefined);
  });

  it('ip -d -j: linkinfo.info_data.id, the parent by name, master', () => {
    const json = JSON.stringify([
      { ifindex: 2, ifname: 'br0', flags: [], mtu: 1500, operstate: 'DOWN', link_type: 'ether', linkinfo: { info_kind: 'bridge', info_data: { forward_delay: 1500 } } },
      { ifindex: 3, ifname: 'veth-a', link: 'veth-b', master: 'br0', flags: [], mtu: 1500, operstate: 'DOWN', link_type: 'ether', linkinfo: { info_kind: 'veth', info_slave_kind: 'bridge' } },
      { ifindex: 4, ifname: 'veth-b', link: 'veth-a', flags: [], mtu: 1500, operstate: 'DOWN', link_type: 'ether', linkinfo: { info_kind: 'veth' } },
      { ifindex: 5, ifname: 'veth-a.10', link: 'veth-a', flags: [], mtu: 1500, operstate: 'DOWN', link_type: 'ether', linkinfo: { info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 10, flags: ['REORDER_HDR'] } } },
    ]);
    const ifs = parseIpAddrJson(json);
    const by = (n: string) => ifs.find((i) => i.name === n)!;
    assert.equal(by('veth-a').master, 'br0');
    assert.equal(by('veth-a.10').vlanId, 10);
    assert.equal(by('veth-a.10').linkIfindex, 3);
    assert.equal(by('br0').vlanId, undefined);
  });
});

describe('the kernel\'s answers to bridges, ports and VLANs, in plain words', () => {
  const vlan = { op: 'addLink' as const, netns: 'ns1', name: 'a.10', kind: 'vlan' as const, parent: 'a', vlanId: 10 };
  const port = { op: 'setMaster' as const, netns: 'ns1', name: 'veth-a', master: 'br0' };
  const cases: [Parameters<typeof mapIpError>[0], string, string, RegExp][] = [
    [vlan, 'Error: Unknown device type.', 'ENOTSUP', /no VLAN support \(the 8021q module/],
    [{ op: 'addLink', netns: null, name: 'd0', kind: 'dummy' }, 'Error: Unknown device type.', 'ENOTSUP', /modprobe dummy/],
    [{ op: 'addLink', netns: null, name: 'br0', kind: 'bridge' }, 'RTNETLINK answers: File exists', 'EEXIST', /"br0" already exists there/],
    [vlan, 'RTNETLINK answers: File exists', 'EEXIST', /or "a" already has VLAN 10/],
    [vlan, 'Cannot find device "a"', 'ENODEV', /The parent "a" is not there/],
    [port, 'RTNETLINK answers: Operation not supported', 'EINVAL', /"br0" is not a bridge: only a bridge takes ports/],
    [port, 'Error: Can not enslave a bridge to a bridge.', 'EINVAL', /"veth-a" is a bridge itself/],
    [port, 'Error: argument "br0" is wrong: Device does not exist', 'ENODEV', /There is no bridge "br0" in that namespace/],
    [port, 'RTNETLINK answers: Invalid argument', 'EINVAL', /cannot be a port of "br0": the kernel refused it/],
    [port, 'Cannot find device "veth-a"', 'ENODEV', /"veth-a" is not in namespace "ns1"/],
  ];
  for (const [req, stderr, code, message] of cases) {
    it(`${req.op} ${JSON.stringify(stderr)} -> ${code}`, () => {
      const e = mapIpError(req, stderr);
      assert.equal(e.code, code);
      assert.match(e.message, message);
      assert.doesNotMatch(e.message, /RTNETLINK|Error:/);
    });
  }
});

describe('Copy ip Command for bridges, ports and VLANs', () => {
  it('offers to recreate the interface, list a bridge\'s ports, release a port', async () => {
    const { interfaceCommands } = await import('../../src/extension/commands/common/ipCommands');
    const cmds = (...a: Parameters<typeof interfaceCommands>) => Object.fromEntries(interfaceCommands(...a).map((c) => [c.kind, c.command]));
    const br = cmds('ns1', { name: 'br0', kind: 'bridge', flags: [] });
    assert.equal(br.recreate, 'ip -n ns1 link add name br0 type bridge');
    assert.equal(br.ports, 'bridge -n ns1 link show master br0');
    const port = cmds(null, { name: 'veth-a', kind: 'veth', flags: ['UP'], master: 'br0' });
    assert.equal(port.nomaster, 'ip link set dev veth-a nomaster');
    const vlan = cmds('ns1', { name: 'veth-a.10', kind: 'vlan', flags: [], vlanId: 10 }, 'veth-a');
    assert.equal(vlan.recreate, 'ip -n ns1 link add link veth-a name veth-a.10 type vlan id 10');
    assert.equal(cmds('ns1', { name: 'd0', kind: 'dummy', flags: [] }).recreate, 'ip -n ns1 link add name d0 type dummy');
  });
});
