// Limits of the helper the ordinary user must not get past, through the installed launcher started
// without a password: work in flight (hundreds of pipelined reads once made hundreds of root `ip`
// processes), and `batch` items whose namespace is named by digits (ip reads a name it cannot find
// as a PID, which once put a veth end into the user's own user-namespace process).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { MAX_IN_FLIGHT } from '../../src/helper/server';
import type { RawResponse } from '../support/helperProcess';
import { allowLauncher, assertFailed, attackSkip, call, installAsRoot, launcherAsUser, linksOfPid, userNsProcess } from '../support/attack';
import type { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, ipTry, linkNames, netnsNames, uniquePrefix } from '../support/kernel';
import { createTestUser, registerCleanup, runCleanups, type TestUser } from '../support/testUser';

const skip = attackSkip();

const P = uniquePrefix();
cleanupOnExit(P);
/** Requests in flight beyond which the helper answers EBUSY (docs/policy.md). */
const IN_FLIGHT = MAX_IN_FLIGHT;

/** The `ip` processes among `pid`'s children right now. */
function ipChildren(pid: number): number {
  let n = 0;
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const t of tasks) {
    let kids: string[];
    try {
      kids = fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      continue;
    }
    for (const k of kids) {
      try {
        if (fs.readFileSync(`/proc/${k}/comm`, 'utf8').trim() === 'ip') {
          n++;
        }
      } catch {
        // exited while we looked
      }
    }
  }
  return n;
}

describe('limits an ordinary user cannot get past through the installed launcher', { skip, timeout: 300_000 }, () => {
  let user: TestUser;
  let h: HelperProcess;
  let helperPid: number;

  before(async () => {
    user = createTestUser();
    await installAsRoot();
    allowLauncher(user);
    h = launcherAsUser(user);
    const hello = await call(h, 'hello');
    assert.equal(hello.ok, true, h.stderr);
    helperPid = (hello.result as { pid: number }).pid;
  });

  after(async () => {
    await h?.close();
    cleanupPrefix(P);
    runCleanups();
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), [], 'no namespace of the test is left');
    assert.deepEqual(linkNames(null).filter((n) => n.includes(P)), [], 'no link of the test is left');
  });

  it(`${MAX_IN_FLIGHT + 300} pipelined ip snapshots: at most 8 ip processes at once, EBUSY beyond ${MAX_IN_FLIGHT} in flight, and the helper still answers`, async () => {
    // One namespace besides the host: each snapshot still runs several ip processes, and 1300 of
    // them stay within the time on a loaded machine.
    const names = [`${P}s0`];
    for (const n of names) {
      ip(['netns', 'add', n]);
    }
    let most = 0;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, ipChildren(helperPid));
        samples++;
        // A pause between scans of /proc: a scan without one takes a whole core from the helper it watches.
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const N = IN_FLIGHT + 300;
    const t0 = performance.now();
    // All sent in the same tick, without waiting for any answer, as a hostile client would.
    const answers: Promise<RawResponse>[] = [];
    for (let i = 0; i < N; i++) {
      const id = 500_000 + i;
      answers.push(h.sendRaw(JSON.stringify({ id, op: 'snapshot', reader: 'ip', names, includeRoot: true }), id));
    }
    let timer: NodeJS.Timeout | undefined;
    const all = await Promise.race([
      Promise.all(answers),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not all ${N} answered within 240 s: ${h.stderr.slice(-2000)}`)), 240_000))),
    ]).finally(() => {
      // Stopped whatever the outcome: a sampler left running keeps the test process busy forever.
      clearTimeout(timer);
      sampling = false;
    });
    await sampler;
    const ms = Math.round(performance.now() - t0);
    const ok = all.filter((r) => r.ok).length;
    const busy = all.filter((r) => !r.ok && r.error!.code === 'EBUSY');
    const other = all.filter((r) => !r.ok && r.error!.code !== 'EBUSY');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${helperPid}/status`, 'utf8'))?.[1] ?? 0);
    process.stdout.write(`# ${N} snapshots in ${ms} ms: ${ok} ok, ${busy.length} EBUSY; at most ${most} ip processes at once (${samples} samples); helper RSS ${Math.round(rss / 1024)} MB\n`);

    assert.deepEqual(other.map((r) => r.error), [], 'every answer is a snapshot or EBUSY');
    assert.ok(most >= 1, 'the sampling saw the helper\'s ip processes');
    assert.ok(most <= 8, `never more than 8 ip processes at once (saw ${most})`);
    for (const r of all.filter((x) => x.ok)) {
      const snap = r.result as { namespaces: { name: string | null }[] };
      assert.deepEqual(snap.namespaces.map((n) => n.name), [null, ...names]);
    }
    assert.equal((await call(h, 'hello')).ok, true, 'the helper still answers');
    assert.equal(ipChildren(helperPid), 0, 'no ip process left behind');
    for (const r of busy) {
      assert.ok(r.error!.message.length > 20, `EBUSY says why: ${r.error!.message}`);
    }
    assert.ok(ok >= IN_FLIGHT, `the first ${IN_FLIGHT} in flight were served (${ok})`);
    assert.ok(busy.length > 0, `requests beyond ${IN_FLIGHT} in flight are answered EBUSY (none of ${N} was)`);
    assert.ok(busy.length <= N - IN_FLIGHT, `no more than ${N - IN_FLIGHT} were turned away (${busy.length})`);
  });

  describe('batch items whose namespace is a PID\'s digits', () => {
    it('addVeth with netns or peerNetns the digits of the user\'s userns process: ENOENT, as a single request, nothing made', async () => {
      const u = await userNsProcess(user);
      const digits = String(u.pid);
      assert.ok(!fs.existsSync(`/run/netns/${digits}`), `no namespace is named ${digits}`);
      const [a, b] = [`${P}n0`, `${P}n1`];
      for (const field of ['netns', 'peerNetns']) {
        const item = { op: 'addVeth', name: a, peer: b, [field]: digits };
        const single = await call(h, 'addVeth', { name: a, peer: b, [field]: digits });
        assert.equal(assertFailed(single, `addVeth ${field}=${digits}`), 'ENOENT', JSON.stringify(single.error));
        const batched = await call(h, 'batch', { requests: [item] });
        assert.equal(assertFailed(batched, `batch addVeth ${field}=${digits}`), 'ENOENT', JSON.stringify(batched.error));
        assert.ok(batched.error!.message.includes(digits), `the message names ${digits}: ${batched.error!.message}`);
        // Before the namespace items, after a valid one: still refused, and the valid one is not made.
        const mixed = await call(h, 'batch', { requests: [{ op: 'addNetns', name: `${P}nx` }, item] });
        assert.equal(assertFailed(mixed, 'batch addNetns + addVeth'), 'ENOENT');
        assert.ok(!netnsNames().includes(`${P}nx`), 'the batch was refused as a whole');
      }
      assert.deepEqual(linksOfPid(u.pid).map((l) => l.ifname), ['lo'], 'nothing landed in the user\'s namespace');
      assert.ok(!linkNames(null).includes(a) && !linkNames(null).includes(b), 'nothing in the host');
    });

    it('a digits name deleted by an earlier item of the same batch: the addVeth does not fall through to the PID', async () => {
      const u = await userNsProcess(user);
      const digits = String(u.pid);
      assert.ok(!fs.existsSync(`/run/netns/${digits}`));
      // The name is the test's own (it carries no prefix, so it is removed by name).
      registerCleanup(`namespace ${digits}`, () => {
        if (fs.existsSync(`/run/netns/${digits}`)) {
          ipTry(['netns', 'delete', digits]);
        }
      });
      assert.equal((await call(h, 'addNetns', { name: digits })).ok, true, 'a namespace named by digits is the user\'s to make');
      const [a, b] = [`${P}t0`, `${P}t1`];
      for (const field of ['netns', 'peerNetns']) {
        if (!fs.existsSync(`/run/netns/${digits}`)) {
          assert.equal((await call(h, 'addNetns', { name: digits })).ok, true);
        }
        const r = await call(h, 'batch', {
          requests: [
            { op: 'delNetns', name: digits },
            { op: 'addVeth', name: a, peer: b, [field]: digits },
          ],
        });
        // Where the pair went first (the harm), then the answer.
        const inUserNs = linksOfPid(u.pid).map((l) => l.ifname);
        const inHost = linkNames(null).filter((n) => n === a || n === b);
        for (const n of inHost) {
          ipTry(['link', 'delete', 'dev', n]);
        }
        assert.deepEqual(inUserNs, ['lo'], `nothing landed in the user's namespace (${field}; answer ${JSON.stringify(r)})`);
        assert.deepEqual(inHost, [], `nothing in the host (${field})`);
        assertFailed(r, `batch delNetns ${digits} + addVeth ${field}=${digits}`);
      }
    });
  });
});
