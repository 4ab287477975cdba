import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DISPLAY_CONTEXT, formatIpCommand } from '../../src/core/ipCommand';
import { BATCH_OPS, ipArgvOf, isReadOnly, OPERATIONS, OPS, type BatchOp, type Op, type Request } from '../../src/core/operations';
import { parseRequest } from '../../src/core/protocol';

const repo = path.resolve(__dirname, '../../..');
const source = (p: string) => fs.readFileSync(path.join(repo, p), 'utf8');

describe('the operation table', () => {
  it('has an entry and a handler for every operation of the protocol', () => {
    const handlers = source('src/helper/handlers.ts');
    const map = source('src/core/operations.ts');
    const declared = [...map.slice(map.indexOf('export interface RequestMap'), map.indexOf('export type Op =')).matchAll(/^ {2}(\w+): \{/gm)].map((m) => m[1]);
    assert.deepEqual([...OPS].sort(), [...declared].sort());
    for (const op of OPS) {
      assert.ok(OPERATIONS[op], `${op} has a table entry`);
      assert.match(handlers, new RegExp(`^  ${op}[,:]`, 'm'), `${op} has a handler`);
    }
  });

  it('says which operations only read', () => {
    assert.deepEqual(OPS.filter(isReadOnly).sort(), ['hello', 'listNames', 'ping', 'processes', 'readFirewall', 'readNeighbours', 'readNetnsFiles', 'readRules', 'readSockets', 'readSysctls', 'snapshot', 'startCapture', 'stopCapture', 'unwatch', 'watch']);
  });

  it('gives every write but batch and install its ip command, which quotes for a shell', () => {
    // batch runs others' commands; setNetnsFile writes its file itself.
    const noIp: Op[] = ['batch', 'installHelper', 'uninstallHelper', 'setNetnsFile'];
    for (const op of OPS.filter((o) => !isReadOnly(o) && !noIp.includes(o))) {
      assert.ok(OPERATIONS[op].ipArgv, `${op} has ipArgv`);
    }
    const line = (req: Request) => formatIpCommand(ipArgvOf(req, DISPLAY_CONTEXT)!);
    assert.equal(line({ op: 'delNetns', name: 'x netns delete y' }), "ip netns delete 'x netns delete y'");
    assert.equal(line({ op: 'moveLink', name: 'veth-a', from: null, toPid: 1234 }), 'ip link set dev veth-a netns 1234');
    assert.equal(line({ op: 'addVeth', netns: 'ns1' }), "ip link add name '<automatic>' netns ns1 type veth peer name '<automatic>'");
    assert.equal(
      formatIpCommand(ipArgvOf({ op: 'addVeth', netns: 'ns1' }, DISPLAY_CONTEXT, { name: 'veth0', peer: 'veth1', netns: 'ns1', peerNetns: null })!),
      'ip link add name veth0 netns ns1 type veth peer name veth1',
    );
    assert.equal(ipArgvOf({ op: 'snapshot' }, DISPLAY_CONTEXT), undefined);
  });

  it('lets a batch hold exactly the operations with an undo', () => {
    // The type BatchItem is written out; this keeps it equal to the table.
    const typed: Record<BatchOp, true> = { addNetns: true, delNetns: true, addVeth: true, moveLink: true, setLinkState: true, addAddress: true, delAddress: true, addRoute: true, delRoute: true, setForwarding: true, setNetem: true, clearNetem: true, addLink: true, setMaster: true, setNetnsFile: true };
    assert.deepEqual([...BATCH_OPS].sort(), Object.keys(typed).sort());
  });
});

describe('request parsing', () => {
  const refuse = (line: unknown, code: string, message: RegExp) => {
    assert.throws(() => parseRequest(typeof line === 'string' ? line : JSON.stringify(line)), (e: Error & { code?: string }) => {
      assert.equal(e.code, code);
      assert.match(e.message, message);
      return true;
    });
  };

  it('checks batch items as requests of their own', () => {
    refuse({ id: 1, op: 'batch', requests: [{ op: 'addNetns', name: 'a/b' }] }, 'EINVAL', /^Item 1: .*"\/"/);
    refuse({ id: 1, op: 'batch', requests: [{ op: 'attachNetns', name: 'x', pid: 1 }] }, 'EINVAL', /must be an addNetns, .* request/);
    refuse({ id: 1, op: 'batch', requests: [{ op: 'addVeth', name: 'a' }] }, 'EINVAL', /needs both "name" and "peer"/);
    refuse({ id: 1, op: 'batch', requests: [{ op: 'addNetns', name: 'a', id: 3 }] }, 'EINVAL', /must not have its own id/);
    refuse({ id: 1, op: 'batch', requests: [{ op: 'addVeth', name: 'a', peer: 'b', netns: 5 }] }, 'EINVAL', /^Item 1: /);
  });

  it('takes a snapshot of ids only as a boolean, nothing else', () => {
    assert.deepEqual(parseRequest(JSON.stringify({ id: 1, op: 'snapshot', idsOnly: true })), { id: 1, op: 'snapshot', idsOnly: true });
    for (const bad of ['true', 1, null, [], {}]) {
      refuse({ id: 1, op: 'snapshot', idsOnly: bad }, 'EINVAL', /idsOnly/);
    }
  });

  it('answers a deeply nested operation to its caller without walking it', () => {
    const deep = '['.repeat(200000) + ']'.repeat(200000);
    assert.throws(() => parseRequest(`{"id":5,"op":${deep}}`), (e: Error & { code?: string; id?: number }) => {
      assert.equal(e.id, 5);
      assert.equal(e.code, 'EPROTO');
      assert.match(e.message, /^Unknown operation \(a value of type array\)/);
      return true;
    });
  });

  it('runs the cross-field check of an entry', () => {
    refuse({ id: 2, op: 'moveLink', name: 'x', from: null }, 'EPROTO', /exactly one of "to"/);
    refuse({ id: 2, op: 'moveLink', name: 'x', from: null, to: 'a', toPid: 3 }, 'EPROTO', /exactly one of "to"/);
    assert.equal(parseRequest(JSON.stringify({ id: 2, op: 'moveLink', name: 'x', from: null, toPid: 3 })).op, 'moveLink');
  });
});
