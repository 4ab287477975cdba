import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addVethArgv,
  DISPLAY_CONTEXT,
  formatIpCommand,
  moveLinkArgv,
  netnsExecCommand,
  runContext,
  setLinkStateArgv,
} from '../../src/core/ipCommand';
import { freeVethNames } from '../../src/helper/pure/autoNames';

describe('ip commands', () => {
  it('places every name after a keyword', () => {
    assert.deepEqual(addVethArgv({ name: '-a', peer: '-b', netns: 'ns1', peerNetns: null }, DISPLAY_CONTEXT), [
      'link', 'add', 'name', '-a', 'netns', 'ns1', 'type', 'veth', 'peer', 'name', '-b',
    ]);
    assert.deepEqual(setLinkStateArgv({ netns: '-n1', name: '-x', up: true }), ['-n', '-n1', 'link', 'set', 'dev', '-x', 'up']);
  });
  it('moves by PID through /proc so a number is never read as a name', () => {
    const p = { name: 'veth-a', from: null, toPid: 1234 };
    assert.deepEqual(moveLinkArgv(p, runContext('/proc/1/ns/net')), ['link', 'set', 'dev', 'veth-a', 'netns', '/proc/1234/ns/net']);
    assert.equal(formatIpCommand(moveLinkArgv(p, DISPLAY_CONTEXT)), 'ip link set dev veth-a netns 1234');
    assert.equal(formatIpCommand(moveLinkArgv({ name: 'a', from: 'ns1', to: null }, DISPLAY_CONTEXT)), 'ip -n ns1 link set dev a netns 1');
  });
  it('quotes for a shell only when needed', () => {
    assert.equal(formatIpCommand(['netns', 'add', "it's $(x)"]), `ip netns add 'it'\\''s $(x)'`);
    assert.equal(netnsExecCommand('ns 1', ['bash']), "ip netns exec 'ns 1' bash");
    assert.equal(netnsExecCommand(null, ['bash']), 'bash');
  });
  it('numbers automatic veth names like the kernel', () => {
    assert.deepEqual(freeVethNames([], 2), ['veth0', 'veth1']);
    assert.deepEqual(freeVethNames(['veth0', 'veth2', 'veth01', 'vethx'], 2), ['veth1', 'veth3']);
  });
});
