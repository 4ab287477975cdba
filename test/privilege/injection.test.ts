// Request injection by another process of the same user. The helper carries out whatever reaches
// its stdin, so what matters is who can write there:
// - a shell pipeline into the launcher (`sleep | sudo -n LAUNCHER`): the pipe's write end belongs
//   to a process of the user, so any process of the user opens /proc/PID/fd/1 and writes requests;
// - the real client: Node gives a child its stdio as socketpairs, and sudo passes them on to the
//   helper unchanged (no pty and no pipes in between when there is no terminal, even with
//   `Defaults use_pty`), and open() of a socket through /proc fails with ENXIO. The helper and
//   sudo run as root, so their /proc/PID/fd is closed to the user (EACCES).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INSTALL_LAUNCHER } from '../../src/core/install';
import { allowLauncher, attackSkip, installAsRoot, RUNUSER, SUDO } from '../support/attack';
import type { ClientScriptInput } from '../support/asUserClient';
import type { FdAttackInput, FdAttackOutput } from '../support/fdAttack';
import type { HeldClientReady } from '../support/heldClient';
import { cleanupOnExit, cleanupPrefix, netnsNames, uniquePrefix } from '../support/kernel';
import { groupAndDescendants, signal } from '../support/processTree';
import { createTestUser, registerCleanup, runAsUser, runCleanups, userReadableBuild, type TestUser } from '../support/testUser';

const skip = attackSkip();

const P = uniquePrefix();
cleanupOnExit(P);
const nodePath = process.execPath;

function procStat(pid: number): { comm: string; ppid: number; uid: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), uid };
  } catch {
    return undefined;
  }
}

/** The pids of every process holding `target` (e.g. "pipe:[123]") open, read by root. */
function holders(target: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      if (fs.readdirSync(`/proc/${name}/fd`).some((fd) => fs.readlinkSync(`/proc/${name}/fd/${fd}`) === target)) {
        out.push(Number(name));
      }
    } catch {
      // exited, or a kernel thread
    }
  }
  return out;
}

/** The inode of the other end of unix socket `ino`, from `ss -x`. */
function socketPeer(ino: string): string | undefined {
  const rows = spawnSync('ss', ['-xanH'], { encoding: 'utf8' }).stdout.split('\n');
  // Netid State Recv-Q Send-Q Local Port Peer Port
  return rows.map((r) => r.trim().split(/\s+/)).find((c) => c[5] === ino)?.[7];
}

async function waitFor(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A process the test started as the user in a process group of its own, ended with its whole tree. */
function startAsUser(user: TestUser, argv: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(RUNUSER, ['-u', user.name, '--', ...argv], {
    cwd: user.home,
    env: { PATH: '/usr/bin:/bin', HOME: user.home, USER: user.name, LOGNAME: user.name, LANG: 'C.UTF-8', LC_ALL: 'C' },
    stdio: 'pipe',
    detached: true,
  });
  const pgid = child.pid!;
  registerCleanup(`process group ${pgid}`, () => signal(groupAndDescendants(pgid), 'SIGKILL'));
  return child;
}

/** Collects a child's stdout as lines. */
function lineCollector(child: ChildProcessWithoutNullStreams): string[] {
  const lines: string[] = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  return lines;
}

describe('request injection by another process of the same user', { skip, timeout: 300_000 }, () => {
  let user: TestUser;
  let script: string;
  let attack: string;
  let helperPath: string;

  before(async () => {
    user = createTestUser();
    await installAsRoot();
    allowLauncher(user);
    ({ helperPath, script } = userReadableBuild(user, 'test/support/heldClient.js'));
    attack = path.join(path.dirname(script), 'fdAttack.js');
  });

  after(() => {
    cleanupPrefix(P);
    runCleanups();
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), [], 'no namespace of the test is left');
  });

  async function fdAttack(input: FdAttackInput): Promise<FdAttackOutput> {
    const r = await runAsUser(user, nodePath, attack, JSON.stringify(input));
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null') as FdAttackOutput | null;
    assert.ok(out, `the attack script failed (${r.code}): ${r.stderr}`);
    assert.equal(out.uid, user.uid, 'the attack ran as the user');
    return out;
  }

  it('a pipe into the launcher (sleep | sudo -n LAUNCHER): any process of the user writes requests into it', async () => {
    // The weak transport, for contrast with the client's: nothing but the user's own pipe stands
    // between another of their processes and the root helper.
    const pipeline = startAsUser(user, ['/bin/sh', '-c', `/bin/sleep 1000 | ${SUDO} -n -- ${INSTALL_LAUNCHER}`]);
    const answers = lineCollector(pipeline);
    let sleeper: number | undefined;
    await waitFor('the pipeline to start', () => {
      sleeper = groupAndDescendants(pipeline.pid!).find((p) => procStat(p)?.comm === 'sleep' && procStat(p)?.uid === user.uid);
      return sleeper !== undefined && groupAndDescendants(pipeline.pid!).some((p) => procStat(p)?.comm === 'node');
    });
    const ns = `${P}pipe`;
    const line = JSON.stringify({ id: 424242, op: 'addNetns', name: ns });
    const w = spawnSync(RUNUSER, ['-u', user.name, '--', '/bin/sh', '-c', 'printf "%s\\n" "$1" > "/proc/$2/fd/1"', 'sh', line, String(sleeper)], { encoding: 'utf8' });
    assert.equal(w.status, 0, `another process of the user opened the pipe's write end: ${w.stderr}`);
    await waitFor('the injected request to be carried out', () => netnsNames().includes(ns));
    await waitFor('its answer', () => answers.some((l) => l.includes('"id":424242')));
    const answer = JSON.parse(answers.find((l) => l.includes('"id":424242'))!) as { ok: boolean };
    assert.equal(answer.ok, true, 'the helper carried out a request the pipeline\'s owner never sent');
    process.stdout.write(`# a pipe into the launcher is writable by any process of the user: ${ns} was made through /proc/${sleeper}/fd/1\n`);
    signal(groupAndDescendants(pipeline.pid!), 'SIGKILL');
    cleanupPrefix(P);
  });

  describe('the real client, started as the user through the installed launcher', () => {
    let client: ChildProcessWithoutNullStreams;
    let lines: string[];
    let ready: HeldClientReady;
    let sudoPid: number;
    let helperPid: number;

    before(async () => {
      client = startAsUser(user, [nodePath, script]);
      lines = lineCollector(client);
      const input: ClientScriptInput = { helperPath, nodePath, method: 'sudo', installedLauncher: 'default', requests: [] };
      client.stdin.write(JSON.stringify(input) + '\n');
      await waitFor('the client to start', () => lines.length > 0, 30_000);
      ready = JSON.parse(lines.shift()!) as HeldClientReady;
      assert.equal(ready.started, true, ready.message);
      assert.equal(ready.uid, user.uid);
      assert.equal(ready.installed, INSTALL_LAUNCHER);
      assert.equal(ready.hello!.callerUid, user.uid);
      helperPid = ready.hello!.pid;
      sudoPid = procStat(helperPid)!.ppid;
      assert.equal(procStat(sudoPid)?.comm, 'sudo', 'the helper\'s parent is sudo');
      assert.equal(procStat(sudoPid)?.ppid, ready.pid, 'sudo is the client\'s child');
    });

    async function listNames(): Promise<{ ok: boolean; names?: string[]; message?: string }> {
      const n = lines.length;
      client.stdin.write('names\n');
      await waitFor('the client to answer', () => lines.slice(n).some((l) => l.startsWith('{"ok"')));
      return JSON.parse(lines.slice(n).find((l) => l.startsWith('{"ok"'))!) as { ok: boolean; names?: string[] };
    }

    it('the transport: socketpairs from the client through sudo to the helper, no pty or pipe in between', () => {
      const fd = (pid: number, n: number) => fs.readlinkSync(`/proc/${pid}/fd/${n}`);
      const kinds: string[] = [];
      for (const n of [0, 1, 2]) {
        assert.match(fd(helperPid, n), /^socket:\[\d+\]$/, `the helper's fd ${n} is a socket`);
        assert.equal(fd(helperPid, n), fd(sudoPid, n), `sudo hands its own fd ${n} to the helper`);
        // The other end of each is in the client, and nowhere else.
        const ino = /\d+/.exec(fd(helperPid, n))![0];
        const peer = socketPeer(ino);
        assert.ok(peer, `ss knows the peer of socket ${ino}`);
        assert.deepEqual(holders(`socket:[${peer}]`), [ready.pid], `the peer of the helper's fd ${n} is held by the client alone`);
        kinds.push(`${n}=${fd(helperPid, n)}`);
      }
      const ptys = fs.readdirSync(`/proc/${helperPid}/fd`).filter((n) => /^\/dev\/(pts|tty)/.test(fd(helperPid, Number(n))));
      assert.deepEqual(ptys, [], 'no terminal between sudo and the helper');
      process.stdout.write(`# transport: client socketpair -> sudo ${sudoPid} -> helper ${helperPid} (${kinds.join(', ')})\n`);
    });

    it('the helper\'s and sudo\'s fds are closed to the user; every socket of the client refuses open() with ENXIO', async () => {
      const out = await fdAttack({ pids: [helperPid, sudoPid, ready.pid], line: '', write: false });
      for (const pid of [helperPid, sudoPid]) {
        const e = out.byPid[pid];
        assert.ok(e.dirError === 'EACCES' || e.fds.every((f) => f.open === 'EACCES'), `root's process ${pid}: ${JSON.stringify(e)}`);
      }
      const mine = out.byPid[ready.pid];
      assert.equal(mine.dirError, undefined, 'the user lists the client\'s fds');
      const sockets = mine.fds.filter((f) => f.target?.startsWith('socket:'));
      assert.ok(sockets.length >= 3, 'the client holds the helper\'s stdio sockets');
      for (const f of sockets) {
        assert.equal(f.open, 'ENXIO', `fd ${f.fd} (${f.target})`);
      }
      // What does open is the client's own: Node's internal pipes (both ends in the client), /dev/null.
      for (const f of mine.fds.filter((x) => x.open === 'opened')) {
        if (f.target?.startsWith('pipe:')) {
          assert.deepEqual(holders(f.target), [ready.pid], `fd ${f.fd} (${f.target}) leads nowhere but the client itself`);
        } else {
          assert.equal(f.target, '/dev/null', `fd ${f.fd} opened: ${f.target}`);
        }
      }
      process.stdout.write(`# client fds: ${mine.fds.map((f) => `${f.fd}=${f.target}:${f.open}`).join(' ')}\n`);
      assert.equal((await listNames()).ok, true, 'the client still works');
    });

    it('a request line written into every fd of the client that opens reaches no helper', async () => {
      const ns = `${P}inj`;
      const line = JSON.stringify({ id: 1, op: 'addNetns', name: ns });
      const out = await fdAttack({ pids: [ready.pid], line, write: true });
      const wrote = out.byPid[ready.pid].fds.filter((f) => f.wrote);
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(!netnsNames().includes(ns), 'no namespace appeared');
      // Node's own pipes include libuv's signal pipe, which reads what arrives as pointers: the
      // client may die of it. Then its helper must end too (its stdin closed), not linger as root.
      const alive = procStat(ready.pid) !== undefined;
      if (alive) {
        assert.equal((await listNames()).ok, true, 'the client still works');
      } else {
        await waitFor('the helper to end with its client', () => procStat(helperPid) === undefined);
      }
      process.stdout.write(`# wrote a request into ${wrote.length} fds of the client (${wrote.map((f) => f.target).join(', ')}): no namespace; client ${alive ? 'still running' : 'died'}\n`);
      assert.ok(!netnsNames().includes(ns));
    });
  });
});
