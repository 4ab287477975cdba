// What the reader learnt of nsids survives a partial read: a read of two namespaces among ten
// thousand must not forget what it knew of the rest (it had to ask the kernel again for each).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NsidKnowledge } from '../../src/helper/reader/nsidKnowledge';

describe('nsid knowledge', () => {
  const many = (k: NsidKnowledge, n: number) => {
    for (let i = 0n; i < BigInt(n); i++) {
      k.learn(i, 0, i + 1n);
      k.learnRootNsid(i, -1);
    }
  };

  it('keeps what it knows of namespaces a partial read did not see, while that many namespaces exist', () => {
    const k = new NsidKnowledge();
    many(k, 10_000);
    k.prune(new Set([1n, 2n]), false, 10_000);
    assert.equal(k.peerNamespace(9999n, 0), 10_000n);
    assert.equal(k.rootNsid(5000n), -1);
  });

  it('forgets namespaces a complete read did not see, and bounds what a partial read keeps', () => {
    const k = new NsidKnowledge();
    many(k, 3000);
    k.prune(new Set([1n, 2n]), false, 2);
    assert.equal(k.peerNamespace(2999n, 0), undefined, 'far more than the namespaces there are: pruned');
    assert.equal(k.peerNamespace(1n, 0), 2n);
    many(k, 10);
    k.prune(new Set([3n]), true, 10);
    assert.equal(k.peerNamespace(1n, 0), undefined);
    assert.equal(k.peerNamespace(3n, 0), 4n);
  });
});
