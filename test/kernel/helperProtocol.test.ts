// Protocol robustness: every malformed request gets an error answer and the helper stays up.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HelperProcess, type RawResponse } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
let h: HelperProcess;

async function rawError(line: string): Promise<RawResponse> {
  await h.sendRaw(line);
  return (await h.waitUnsolicited((m) => (m as RawResponse).ok === false)) as RawResponse;
}

describe('helper protocol', () => {
  before(() => {
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
  });

  it('answers malformed JSON with EPROTO and no id', async () => {
    const r = await rawError('{"id":1,"op":');
    assert.equal(r.id, null);
    assert.equal(r.error?.code, 'EPROTO');
  });

  it('refuses requests that are not objects or lack an id', async () => {
    for (const line of ['[]', '42', '"hello"', 'null', '{"op":"hello"}', '{"id":-1,"op":"hello"}', '{"id":"1","op":"hello"}']) {
      const r = await rawError(line);
      assert.equal(r.error?.code, 'EPROTO', line);
    }
  });

  it('answers an unknown operation with its id', async () => {
    const r = await h.sendRaw('{"id":77,"op":"rm -rf /"}', 77);
    assert.equal(r.id, 77);
    assert.equal(r.error?.code, 'EPROTO');
    assert.match(r.error!.message, /Unknown operation/);
  });

  it('refuses missing fields, wrong types and unknown fields', async () => {
    assert.equal((await h.call('addNetns')).error?.code, 'EPROTO');
    assert.equal((await h.call('addNetns', { name: 5 })).error?.code, 'EINVAL');
    assert.equal((await h.call('addNetns', { name: `${P}x`, extra: 1 })).error?.code, 'EPROTO');
    assert.equal((await h.call('setLinkState', { netns: null, name: 'lo', up: 'yes' })).error?.code, 'EINVAL');
    assert.equal((await h.call('moveLink', { name: 'lo', from: null })).error?.code, 'EPROTO');
    assert.equal((await h.call('moveLink', { name: 'lo', from: null, to: null, toPid: 1 })).error?.code, 'EPROTO');
    assert.equal((await h.call('addAddress', { netns: null, name: 'lo', address: '10.0.0.1' })).error?.code, 'EINVAL');
    assert.equal((await h.call('snapshot', { names: [1, 2] })).error?.code, 'EINVAL');
  });

  it('validates names before anything runs', async () => {
    for (const name of ['', '.', '..', 'a/b', 'x\ny', '$(touch /tmp/pwned)'.padEnd(300, 'x')]) {
      const r = await h.call('addNetns', { name });
      assert.equal(r.error?.code, 'EINVAL', JSON.stringify(name));
    }
    for (const name of ['', 'a'.repeat(16), 'a b', 'a:b', 'a/b', '.', 'veth%d']) {
      const r = await h.call('delLink', { netns: null, name });
      assert.equal(r.error?.code, 'EINVAL', JSON.stringify(name));
    }
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), []);
  });

  it('treats shell metacharacters in a valid name as data', async () => {
    const name = `${P}$(id)\`;'"`;
    await h.ok('addNetns', { name });
    assert.ok(netnsNames().includes(name));
    await h.ok('delNetns', { name });
    assert.ok(!netnsNames().includes(name));
  });

  it('refuses an oversized line and keeps serving', async () => {
    const r = await rawError('{"id":5,"op":"hello","pad":"' + 'x'.repeat(2 * 1024 * 1024) + '"}');
    assert.equal(r.error?.code, 'EPROTO');
    assert.match(r.error!.message, /longer than/);
    const hello = await h.ok<{ name: string }>('hello');
    assert.equal(hello.name, 'vscode-netns-helper');
  });

  it('answers many requests in flight, each by its id', async () => {
    const calls = Array.from({ length: 200 }, (_, i) => (i % 2 ? h.call('listNames') : h.call('hello')));
    const answers = await Promise.all(calls);
    assert.equal(answers.length, 200);
    assert.ok(answers.every((a) => a.ok));
    assert.ok(answers.every((a, i) => (i % 2 ? 'names' in (a.result as object) : 'protocol' in (a.result as object))));
  });

  it('sends change events between watch and unwatch only', async () => {
    const w = await h.ok<{ watching: boolean; kernelEvents: boolean }>('watch');
    assert.deepEqual(w, { watching: true, kernelEvents: true });
    ip(['netns', 'add', `${P}w1`]);
    await h.waitUnsolicited((m) => (m as { event?: string; names?: boolean }).event === 'changed' && (m as { names: boolean }).names, 2000);
    assert.deepEqual(await h.ok('unwatch'), { watching: false });
    h.unsolicited.length = 0;
    ip(['netns', 'delete', `${P}w1`]);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(h.unsolicited, [], 'no events after unwatch');
  });

  it('is still alive after all of the above', async () => {
    assert.equal(h.child.exitCode, null);
  });
});
