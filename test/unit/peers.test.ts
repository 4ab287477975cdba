import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Interface, Namespace } from '../../src/core/model';
import { ambiguousNamespaces, resolvePeers } from '../../src/helper/pure/peers';

function veth(ifindex: number, name: string, peerIfindex: number, linkNetnsid?: number): Interface {
  return { ifindex, name, kind: 'veth', operState: 'DOWN', flags: [], mtu: 1500, addresses: [], peer: { ifindex: peerIfindex, linkNetnsid } };
}
function ns(name: string | null, inode: number, interfaces: Interface[]): Namespace {
  return { name, path: '', inode, id: `net:[${inode}]`, isRoot: name === null, interfaces };
}

describe('veth peer resolution', () => {
  it('pairs ends in the same namespace', () => {
    const host = ns(null, 1, [veth(5, 'a', 6), veth(6, 'b', 5)]);
    resolvePeers([host]);
    assert.deepEqual(host.interfaces[0].peer, { ifindex: 6, linkNetnsid: undefined, name: 'b', netns: null, netnsInode: 1 });
  });

  it('pairs ends across namespaces by matching both directions', () => {
    const a = ns('ns1', 10, [veth(2, 'veth-a', 2, 0)]);
    const b = ns('ns2', 20, [veth(2, 'veth-b', 2, 0), veth(3, 'other', 7, 1)]);
    const c = ns('ns3', 30, [veth(7, 'far', 3, 0)]);
    resolvePeers([a, b, c]);
    assert.equal(a.interfaces[0].peer?.netns, 'ns2');
    assert.equal(a.interfaces[0].peer?.name, 'veth-b');
    assert.equal(b.interfaces[1].peer?.netns, 'ns3');
    assert.equal(c.interfaces[0].peer?.name, 'other');
  });

  it('leaves a peer in an unread (container) namespace unresolved', () => {
    const a = ns('ns1', 10, [veth(2, 'eth0', 9, 0)]);
    resolvePeers([a]);
    assert.equal(a.interfaces[0].peer?.netns, undefined);
    assert.equal(a.interfaces[0].peer?.ifindex, 9);
  });

  it('settles ambiguous matches by elimination, then with nsid maps', () => {
    // x(5->7) in X could pair with y(7->5) in Y or z(7->5) in Z: only nsids tell.
    const X = ns('X', 1, [veth(5, 'x', 7, 0)]);
    const Y = ns('Y', 2, [veth(7, 'y', 5, 0)]);
    const Z = ns('Z', 3, [veth(7, 'z', 5, 0)]);
    assert.deepEqual(ambiguousNamespaces([X, Y, Z]).sort(), ['X']);
    resolvePeers([X, Y, Z], new Map([['X', new Map([[0, 'Z']])]]));
    assert.equal(X.interfaces[0].peer?.netns, 'Z');
    assert.equal(X.interfaces[0].peer?.name, 'z');
  });
});
