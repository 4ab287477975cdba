// Run inside user-mode Linux only (umlKernel.test.ts runs it there): it fills the machine's
// neighbour table, which is one for the whole machine, shared by every namespace, so on the host
// it would take room from everything else. Namespace a pings 40 addresses of namespace b across
// one veth, each a neighbour of its own, with the table's limit lowered to 8 (that kernel's only):
// the pings that find no room say so, and with room again none does.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { PingResult } from '../../../src/core/operations';
import { HelperProcess } from '../../support/helperProcess';
import { cleanupPrefix, ip, uniquePrefix } from '../../support/kernel';

const P = uniquePrefix();
const a = `${P}a`;
const b = `${P}b`;
const TARGETS = Array.from({ length: 40 }, (_, i) => `10.9.0.${i + 2}`);

const limit = (thresh3: number) =>
  execFileSync('/usr/sbin/sysctl', ['-q', '-w', `net.ipv4.neigh.default.gc_thresh1=${thresh3 / 4}`, `net.ipv4.neigh.default.gc_thresh2=${thresh3 / 2}`, `net.ipv4.neigh.default.gc_thresh3=${thresh3}`]);

describe('a full neighbour table (in a kernel of its own)', () => {
  let h: HelperProcess;
  /** Every target, eight at a time (as Check All veth Links sends them): all within a second or two, while their entries are new. */
  const pingAll = async (): Promise<PingResult[]> => {
    const answers: PingResult[] = [];
    let next = 0;
    const worker = async () => {
      while (next < TARGETS.length) {
        const i = next++;
        const r = await h.call('ping', { netns: a, address: TARGETS[i], count: 1, addressIn: b });
        assert.equal(r.error, undefined, JSON.stringify(r.error));
        answers[i] = r.result as PingResult;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return answers;
  };

  before(() => {
    assert.equal(process.env.NETNS_IN_UML, '1', 'run by umlKernel.test.ts, in a kernel whose neighbour table is its own');
    ip(['netns', 'add', a]);
    ip(['netns', 'add', b]);
    ip(['link', 'add', 'v-a', 'netns', a, 'type', 'veth', 'peer', 'name', 'v-b', 'netns', b]);
    ip(['-n', a, 'address', 'add', '10.9.0.1/24', 'dev', 'v-a']);
    for (const t of TARGETS) {
      ip(['-n', b, 'address', 'add', `${t}/24`, 'dev', 'v-b']);
    }
    for (const [ns, dev] of [[a, 'v-a'], [b, 'v-b']]) {
      ip(['-n', ns, 'link', 'set', dev, 'up']);
    }
    h = new HelperProcess();
  });
  after(async () => {
    limit(1024);
    await h?.close();
    cleanupPrefix(P);
  });

  it('pings that find no room come back unanswered with neighbourTableFull, the table and its limit', async () => {
    limit(8);
    const answers = await pingAll();
    const full = answers.filter((r) => r.neighbourTableFull);
    assert.ok(full.length > 0, `some of the 40 neighbours found the table full: ${JSON.stringify(answers.map((r) => r.received))}`);
    for (const r of full) {
      assert.deepEqual({ family: r.neighbourTableFull!.family, max: r.neighbourTableFull!.max }, { family: 4, max: 8 });
    }
    assert.ok(answers.some((r) => r.received === 0 && r.neighbourTableFull), 'a ping lost for want of room says why');
  });

  it('with room again, every ping is answered and none says the table was full', async () => {
    limit(1024);
    ip(['-n', a, 'neigh', 'flush', 'all']);
    const answers = await pingAll();
    assert.deepEqual(answers.map((r) => r.received), TARGETS.map(() => 1));
    assert.deepEqual(answers.filter((r) => r.neighbourTableFull), []);
  });
});
