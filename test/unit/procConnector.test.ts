// What the process connector's events add up to: processes that started and ended between two
// reports are no change; one still running, one that ended after being there, or an exec is.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROC_EVENT_EXEC, PROC_EVENT_EXIT, PROC_EVENT_FORK, ProcessChanges } from '../../src/helper/pure/procConnector';

/** One netlink message holding one proc_event: nlmsghdr, cn_msg, what/cpu/timestamp, then `data`. */
function event(what: number, data: number[], atMs = 0): Buffer {
  const b = Buffer.alloc(16 + 20 + 16 + Math.max(16, data.length * 4));
  b.writeUInt32LE(b.length, 0);
  b.writeUInt32LE(what, 36);
  b.writeBigUInt64LE(BigInt(atMs) * 1_000_000n, 44);
  data.forEach((v, i) => b.writeUInt32LE(v, 52 + i * 4));
  return b;
}
const fork = (parent: number, child: number, childTgid = child, atMs = 0) => event(PROC_EVENT_FORK, [parent, parent, child, childTgid], atMs);
/** Looked at 100 ms after the events, processes counting from 40 ms of age. */
const look = (c: ProcessChanges, atMs = 100) => c.take(BigInt(atMs) * 1_000_000n, 40);
const exec = (pid: number) => event(PROC_EVENT_EXEC, [pid, pid]);
const exit = (pid: number, tgid = pid) => event(PROC_EVENT_EXIT, [pid, tgid, 0, 17]);

function changes(...messages: Buffer[]): ProcessChanges {
  const c = new ProcessChanges();
  const all = Buffer.concat(messages);
  c.add(all, all.length);
  return c;
}

describe('process connector events', () => {
  it('does not count threads: one started and ended in a process there before is no change', () => {
    assert.deepEqual(look(changes(fork(100, 101, 100), exit(101, 100))), { changed: false });
  });

  it('finds no change in processes that started and ended between two reports', () => {
    // A shell loop: each /bin/true forked, exec'd and gone.
    const c = changes(fork(50, 200), exec(200), exit(200), fork(50, 201), exec(201), exit(201), fork(201, 202, 201), exit(202, 201));
    assert.deepEqual(look(c), { changed: false });
  });

  it('finds a change in a process still running, in an exec or exit of one there before, and in lost events', () => {
    assert.equal(look(changes(fork(50, 300), exec(300))).changed, true, 'still running');
    assert.equal(look(changes(exec(7))).changed, true, 'an older process runs another program');
    assert.equal(look(changes(exit(7))).changed, true, 'an older process ended');
    const c = new ProcessChanges();
    c.lost();
    assert.equal(look(c).changed, true, 'events lost');
    assert.equal(look(c).changed, false, 'counted anew after a report');
  });

  it('counts a process reported as running as there before once the report is taken', () => {
    const c = changes(fork(50, 400));
    assert.equal(look(c).changed, true);
    const buf = exit(400);
    c.add(buf, buf.length);
    assert.equal(look(c).changed, true, 'its end is a change');
  });

  it('looks again later at a process too young to tell whether it stays', () => {
    const c = changes(fork(50, 500, 500, 90));
    assert.deepEqual(look(c), { changed: false, retryMs: 30 }, 'born 10 ms before the look: 30 ms more');
    assert.deepEqual(look(c, 130), { changed: true }, 'still there at 40 ms of age');
    const d = changes(fork(50, 501, 501, 90));
    look(d);
    const buf = exit(501);
    d.add(buf, buf.length);
    assert.deepEqual(look(d, 130), { changed: false }, 'it ended meanwhile: nothing to report');
  });
});
