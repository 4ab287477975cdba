// The processes operation tells an ordinary user no more than /proc tells them. A test user starts
// the helper through sudo inside a private mount namespace whose /proc is a fresh proc mount
// (with hidepid, with hidepid and a gid exemption, without), then compares what the helper listed
// with what the same user reads in that /proc. The machine's own /proc is never touched.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { helperArgv, sudoersRule } from '../../src/client/launcher';
import type { ProcessInfo, ProcessNamespace } from '../../src/core/model';
import { HelperProcess } from '../support/helperProcess';
import { helperPath as builtHelper } from '../support/kernel';
import { mountNsToolsMissing, PrivateMountNs } from '../support/mountNs';
import { createTestUser, installSudoers, registerCleanup, runCleanups, userCanRead, userReadableBuild, type TestUser } from '../support/testUser';

const has = (p: string) => fs.existsSync(p);
const skip =
  process.getuid?.() !== 0
    ? 'needs root (it creates a test user and mounts proc in a private mount namespace)'
    : !has('/usr/bin/sudo')
      ? 'needs sudo'
      : !has(builtHelper)
        ? 'needs dist/helper.js (npm run build)'
        : (mountNsToolsMissing() ?? false);

const nodePath = process.execPath;
const RUNUSER = '/usr/sbin/runuser';

/** A sleeper whose command line carries a marker (sleep adds up its arguments). */
function sleeper(asUser?: TestUser): { child: ChildProcess; marker: string } {
  const marker = `0.000${crypto.randomInt(1e8, 1e9)}`;
  const argv = ['/usr/bin/sleep', '600', marker];
  const child = asUser ? spawn(RUNUSER, ['-u', asUser.name, '--', ...argv], { stdio: 'ignore' }) : spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
  registerCleanup(`sleeper ${child.pid}`, () => child.kill('SIGKILL'));
  return { child, marker };
}

/** The pid of the sleeper with `marker`, once it runs. */
async function pidWith(marker: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      try {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        // The sleeper itself, not the runuser above it (whose arguments hold the marker too).
        if (argv[0] === '/usr/bin/sleep' && argv.includes(marker)) {
          return Number(pid);
        }
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no process with ${marker} started`);
}

describe('processes as an ordinary user', { skip }, () => {
  let user: TestUser;
  let helperPath: string;
  let rootPid: number;
  let rootMarker: string;
  let userPid: number;
  let userMarker: string;
  const spaces: PrivateMountNs[] = [];

  before(async () => {
    user = createTestUser();
    ({ helperPath } = userReadableBuild(user, 'test/support/asUserClient.js'));
    assert.ok(userCanRead(user, helperPath));
    installSudoers(`netns-test-${user.name}`, sudoersRule(user.name, nodePath, helperPath));
    const r = sleeper();
    const u = sleeper(user);
    [rootMarker, userMarker] = [r.marker, u.marker];
    [rootPid, userPid] = await Promise.all([pidWith(rootMarker), pidWith(userMarker)]);
    assert.equal(fs.statSync(`/proc/${userPid}`).uid, user.uid, 'the user sleeper runs as the test user');
  });
  after(() => {
    for (const ns of spaces) {
      ns.stop();
    }
    runCleanups();
  });

  /** A private mount namespace with a fresh proc on /proc, mounted with `options`. */
  async function procWith(options: string): Promise<PrivateMountNs> {
    const ns = await PrivateMountNs.start(`mount -t proc ${options ? `-o ${options}` : ''} proc /proc`);
    spaces.push(ns);
    return ns;
  }

  /** The numeric entries the user reads in that namespace's /proc. */
  function userSees(ns: PrivateMountNs): Set<number> {
    const [cmd, ...args] = ns.enter([RUNUSER, '-u', user.name, '--', '/bin/ls', '/proc']);
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return new Set(r.stdout.split('\n').filter((n) => /^\d+$/.test(n)).map(Number));
  }

  /** The helper's processes, started by the user through sudo inside the namespace (or by root). */
  async function listed(ns: PrivateMountNs, by: 'user' | 'root'): Promise<ProcessInfo[]> {
    const argv = by === 'user' ? [RUNUSER, '-u', user.name, '--', '/usr/bin/sudo', '-n', '--', ...helperArgv(nodePath, helperPath)] : [nodePath, helperPath];
    const h = new HelperProcess({}, ns.enter(argv));
    try {
      const hello = await h.ok<{ uid: number; callerUid?: number }>('hello');
      assert.equal(hello.uid, 0);
      // Started by root directly there is no caller to name.
      assert.equal(hello.callerUid, by === 'user' ? user.uid : undefined, h.stderr);
      const r = await h.ok<{ namespaces: ProcessNamespace[] }>('processes');
      return r.namespaces.flatMap((n) => n.processes);
    } finally {
      await h.close();
    }
  }

  const find = (list: ProcessInfo[], pid: number) => list.find((p) => p.pid === pid);

  it('with hidepid=invisible: only the user\'s own processes, as the user sees them', async () => {
    const ns = await procWith('hidepid=invisible');
    const before = userSees(ns);
    const list = await listed(ns, 'user');
    const afterwards = userSees(ns);
    assert.ok(!before.has(rootPid), 'the user really cannot see root\'s sleeper here');
    assert.deepEqual(list.filter((p) => p.uid !== user.uid), [], 'no process of another user is listed');
    for (const p of list) {
      assert.ok(before.has(p.pid) || afterwards.has(p.pid), `${p.pid} (${p.command}) is one the user sees`);
    }
    for (const pid of [...before].filter((p) => afterwards.has(p))) {
      assert.ok(find(list, pid), `${pid}, which the user sees, is listed`);
    }
    assert.equal(find(list, userPid)?.command, `/usr/bin/sleep 600 ${userMarker}`, 'the user\'s own command line in full');
    assert.ok(!JSON.stringify(list).includes(rootMarker));
  });

  it('with hidepid=invisible and the user\'s group exempt (gid=): every process, others by name only', async () => {
    const ns = await procWith(`hidepid=invisible,gid=${user.gid}`);
    assert.ok(userSees(ns).has(rootPid), 'the exempt user sees root\'s sleeper');
    const list = await listed(ns, 'user');
    assert.equal(find(list, rootPid)?.command, '[sleep]');
    assert.equal(find(list, userPid)?.command, `/usr/bin/sleep 600 ${userMarker}`);
    assert.ok(!JSON.stringify(list).includes(rootMarker), 'root\'s command line is not shown');
  });

  it('without hidepid: every process, other users\' by command name only', async () => {
    const ns = await procWith('');
    const sees = userSees(ns);
    assert.ok(sees.has(rootPid));
    const list = await listed(ns, 'user');
    assert.ok(list.some((p) => p.uid === 0) && list.filter((p) => p.uid !== user.uid).every((p) => /^\[.*\]$|^\?$/.test(p.command)), 'other users\' processes by name only');
    assert.equal(find(list, rootPid)?.command, '[sleep]');
    assert.equal(find(list, userPid)?.command, `/usr/bin/sleep 600 ${userMarker}`);
    assert.ok(!JSON.stringify(list).includes(rootMarker));
  });

  it('root itself sees every process in full, with hidepid too', async () => {
    const ns = await procWith('hidepid=invisible');
    const list = await listed(ns, 'root');
    assert.equal(find(list, rootPid)?.command, `/usr/bin/sleep 600 ${rootMarker}`);
    assert.equal(find(list, userPid)?.command, `/usr/bin/sleep 600 ${userMarker}`);
  });
});
