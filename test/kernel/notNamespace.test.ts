// A plain file in /run/netns is not a namespace: the helper reports it as such in snapshots, refuses
// it as the target of every request that needs a namespace (saying so), says it is in the way of
// a new namespace of that name, and deletes it only when the request says it deletes a file.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Namespace } from '../../src/core/model';
import { HelperProcess, type RawResponse } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, linkNames, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
const FILE = `${P}file`;
const REAL = `${P}real`;
const path = (n: string) => `/run/netns/${n}`;

let h: HelperProcess;

function refusal(r: RawResponse): { code: string; message: string } {
  assert.equal(r.ok, false, `expected a refusal, got ${JSON.stringify(r)}`);
  return (r as { error: { code: string; message: string } }).error;
}

describe('a plain file in /run/netns', () => {
  before(() => {
    cleanupOnExit(P);
    h = new HelperProcess();
    ip(['netns', 'add', REAL]);
    ip(['link', 'add', `${P}a`, 'netns', REAL, 'type', 'veth', 'peer', 'name', `${P}b`, 'netns', REAL]);
    fs.writeFileSync(path(FILE), '');
  });
  after(async () => {
    await h.close();
    fs.rmSync(path(FILE), { force: true });
    cleanupPrefix(P);
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), []);
  });

  it('is reported as not a namespace, not as one that cannot be read', async () => {
    const snap = await h.ok<{ namespaces: Namespace[] }>('snapshot', { names: [FILE, REAL] });
    const file = snap.namespaces.find((n) => n.name === FILE)!;
    assert.equal(file.notNamespace, 'file');
    assert.equal(file.error, undefined);
    assert.deepEqual(file.interfaces, []);
    assert.equal(snap.namespaces.find((n) => n.name === REAL)!.notNamespace, undefined);
    const viaIp = await h.ok<{ namespaces: Namespace[] }>('snapshot', { names: [FILE], reader: 'ip' });
    assert.equal(viaIp.namespaces[0].notNamespace, 'file');
  });

  it('is refused as the place for a veth end or a moved interface, saying it is not a namespace', async () => {
    const veth = refusal(await h.call('addVeth', { name: `${P}x`, peer: `${P}y`, netns: FILE }));
    assert.equal(veth.code, 'ENOTNS');
    assert.match(veth.message, new RegExp(`"${FILE}" in /run/netns is not a namespace .*no interface can be put into it`));
    const move = refusal(await h.call('moveLink', { name: `${P}a`, from: REAL, to: FILE }));
    assert.equal(move.code, 'ENOTNS');
    assert.match(move.message, /no interface can be put into it/);
    // Nothing happened in the kernel.
    assert.ok(linkNames(REAL).includes(`${P}a`));
    assert.ok(!linkNames(null).some((n) => n === `${P}x` || n === `${P}y`));
  });

  it('is refused for addresses, link state and deletes of interfaces "in" it', async () => {
    for (const [op, params] of [
      ['addAddress', { netns: FILE, name: `${P}a`, address: '10.77.0.1/24' }],
      ['delAddress', { netns: FILE, name: `${P}a`, address: '10.77.0.1/24' }],
      ['setLinkState', { netns: FILE, name: `${P}a`, up: true }],
      ['delLink', { netns: FILE, name: `${P}a` }],
    ] as const) {
      const e = refusal(await h.call(op, params));
      assert.equal(e.code, 'ENOTNS', op);
      assert.match(e.message, /is not a namespace .*it has no interfaces to change/, op);
    }
  });

  it('is in the way of a namespace of that name, and says it is a file', async () => {
    for (const r of [await h.call('addNetns', { name: FILE }), await h.call('attachNetns', { name: FILE, pid: process.pid })]) {
      const e = refusal(r);
      assert.equal(e.code, 'EEXIST');
      assert.match(e.message, new RegExp(`A file named "${FILE}" is in the way in /run/netns \\(it is not a namespace\\)`));
    }
    const inBatch = refusal(await h.call('batch', { requests: [{ op: 'addNetns', name: FILE }] }));
    assert.match(inBatch.message, /is in the way/);
    assert.equal(fs.statSync(path(FILE)).size, 0, 'the file is untouched');
    assert.ok(fs.statSync(path(FILE)).isFile());
  });

  it('is deleted only by a request that says it deletes a file', async () => {
    const asNamespace = refusal(await h.call('delNetns', { name: FILE }));
    assert.equal(asNamespace.code, 'ENOTNS');
    assert.match(asNamespace.message, /not a namespace but a plain file/);
    assert.ok(fs.existsSync(path(FILE)));
    // A real namespace is never removed as a "file".
    const notAFile = refusal(await h.call('delNetns', { name: REAL, file: true }));
    assert.equal(notAFile.code, 'EEXIST');
    assert.ok(netnsNames().includes(REAL));
    await h.ok('delNetns', { name: FILE, file: true });
    assert.equal(fs.existsSync(path(FILE)), false);
    assert.equal(refusal(await h.call('delNetns', { name: FILE, file: true })).code, 'ENOENT');
  });
});
