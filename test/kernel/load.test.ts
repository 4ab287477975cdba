// Load: 500 requests in flight at once through one helper (create, veth, move, delete over 200
// namespaces). Every one must be answered and the kernel's final state must be exactly the one
// the requests describe, in the order they were sent.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { HelperProcess, type RawResponse } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, linkNames, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
const N = 200;
const ns = (i: number) => `${P}L${i}`;

describe('load through one helper', () => {
  const h = new HelperProcess();
  after(async () => {
    await h.close();
    cleanupPrefix(P);
  });

  it('answers 500 concurrent requests and leaves exactly the expected state', async () => {
    const requests: [string, Record<string, unknown>][] = [];
    for (let i = 0; i < N; i++) {
      requests.push(['addNetns', { name: ns(i) }]);
    }
    for (let i = 0; i < 100; i++) {
      requests.push(['addVeth', { name: `${P}v${i}`, peer: `${P}w${i}`, netns: ns(i), peerNetns: ns(i + 100) }]);
    }
    for (let i = 0; i < 100; i++) {
      requests.push(['moveLink', { name: `${P}w${i}`, from: ns(i + 100), to: ns((i + 150) % N) }]);
    }
    for (let i = 100; i < N; i++) {
      requests.push(['delNetns', { name: ns(i) }]);
    }
    assert.equal(requests.length, 500);

    const start = process.hrtime.bigint();
    const answers: RawResponse[] = await Promise.all(requests.map(([op, p]) => h.call(op, p)));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(`load: 500 requests in ${ms.toFixed(0)} ms, ${(500 / (ms / 1000)).toFixed(0)} requests/s`);

    assert.equal(answers.length, 500);
    const failed = answers.filter((a) => !a.ok);
    assert.deepEqual(failed.map((a) => a.error), [], 'every request succeeded');

    // Expected: namespaces 0..99 remain. Deleting 100..199 destroyed the w ends moved to 150..199
    // (for i < 50) and, with them, their v peers in 0..49; the other w ends went to 0..49.
    const mine = netnsNames().filter((n) => n.startsWith(`${P}L`));
    assert.deepEqual(mine.sort(), Array.from({ length: 100 }, (_, i) => ns(i)).sort());
    for (let i = 0; i < 100; i++) {
      const expected = i < 50 ? [`${P}w${i + 50}`] : [`${P}v${i}`];
      assert.deepEqual(linkNames(ns(i)).filter((n) => n !== 'lo').sort(), expected, ns(i));
    }
  });
});
