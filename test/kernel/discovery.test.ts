// Namespaces that no process is in and that /run/netns does not name, found as lxkns finds them:
// a bind mount elsewhere, a descriptor, a thread; and a real Podman container named by its runtime.
// Each namespace here is made so that only the holder under test keeps it alive.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProcessNamespace } from '../../src/core/model';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, repoRoot, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);

const children: ChildProcess[] = [];
let dir: string;

function umount(file: string): void {
  spawnSync('/usr/bin/umount', ['-l', file], { stdio: 'ignore' });
}

/** Removes the test's folder with every mount made inside it. */
function removeDir(): void {
  if (!dir) {
    return;
  }
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    umount(path.join(dir, f));
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A new network namespace bind-mounted on a file of the test's folder, held by that mount alone. */
function mountedNamespace(file: string): { dev: number; ino: number } {
  const p = path.join(dir, file);
  fs.writeFileSync(p, '');
  execFileSync('/usr/bin/unshare', [`--net=${p}`, '/bin/true']);
  const st = fs.statSync(p);
  return { dev: st.dev, ino: st.ino };
}

async function waitFor<T>(what: string, fn: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const v = fn();
      if (v !== undefined) {
        return v;
      }
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function list(h: HelperProcess): Promise<ProcessNamespace[]> {
  return (await h.ok<{ namespaces: ProcessNamespace[] }>('processes')).namespaces;
}

const find = (all: ProcessNamespace[], ns: { dev: number; ino: number }) => all.find((g) => g.inode === ns.ino && g.dev === ns.dev);

describe('finding namespaces by what holds them', () => {
  let h: HelperProcess;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `${P}-disc-`));
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    for (const c of children) {
      c.kill('SIGKILL');
    }
    removeDir();
    cleanupPrefix(P);
  });

  it('finds a namespace held only by a bind mount outside /run/netns, by its path (device and inode)', async () => {
    const ns = mountedNamespace('bound');
    const g = find(await list(h), ns);
    assert.ok(g, 'the bind-mounted namespace is listed');
    assert.equal(g.name, undefined, 'it has no name in /run/netns');
    assert.equal(g.id, `net:[${ns.ino}]`);
    assert.deepEqual(g.processes, []);
    assert.deepEqual(g.holders, [{ kind: 'mount', path: path.join(dir, 'bound') }]);
  });

  it('lists a named namespace once more where it is also mounted elsewhere, not at its own name', async () => {
    const name = `${P}named`;
    execFileSync('/usr/sbin/ip', ['netns', 'add', name]);
    const also = path.join(dir, 'also');
    fs.writeFileSync(also, '');
    execFileSync('/usr/bin/mount', ['--bind', `/run/netns/${name}`, also]);
    const st = fs.statSync(also);
    const g = find(await list(h), { dev: st.dev, ino: st.ino });
    assert.equal(g?.name, name);
    assert.deepEqual(g?.holders, [{ kind: 'mount', path: also }]);
    umount(also);
    execFileSync('/usr/sbin/ip', ['netns', 'delete', name]);
  });

  it('finds a namespace held only by an open descriptor, with the process that holds it', async () => {
    const ns = mountedNamespace('byfd');
    const file = path.join(dir, 'byfd');
    // The shell opens the namespace file as descriptor 7 and becomes sleep, which keeps it; the
    // mount is then detached, so the descriptor (which now reads as "/") is all that is left.
    const child = spawn('/bin/sh', ['-c', 'exec 7< "$1"; exec /bin/sleep 120', 'sh', file], { stdio: 'ignore' });
    children.push(child);
    await waitFor('the descriptor', () => (fs.readlinkSync(`/proc/${child.pid}/fd/7`) === file ? true : undefined));
    umount(file);
    assert.equal(fs.readlinkSync(`/proc/${child.pid}/fd/7`), '/');
    const g = find(await list(h), ns);
    assert.ok(g, 'the descriptor-held namespace is listed');
    assert.deepEqual(g.processes, []);
    assert.deepEqual(g.holders, [{ kind: 'fd', pid: child.pid, command: '/bin/sleep 120', user: 'root', fds: [7] }]);
  });

  it("shows another user's descriptor by process and command name, without its number", async () => {
    // This time through /proc/PID/ns/net of a process that then ends (the descriptor reads net:[INODE]).
    const inside = spawn('/usr/bin/unshare', ['--net', '/bin/sleep', '120'], { stdio: 'ignore' });
    children.push(inside);
    const link = await waitFor('the new namespace', () => {
      const l = fs.readlinkSync(`/proc/${inside.pid}/ns/net`);
      return l !== fs.readlinkSync('/proc/self/ns/net') ? l : undefined;
    });
    const st = fs.statSync(`/proc/${inside.pid}/ns/net`);
    const ns = { dev: st.dev, ino: st.ino };
    const child = spawn('/bin/sh', ['-c', 'exec 5< "/proc/$1/ns/net"; exec /bin/sleep 121', 'sh', String(inside.pid)], { stdio: 'ignore' });
    children.push(child);
    await waitFor('the descriptor', () => (fs.readlinkSync(`/proc/${child.pid}/fd/5`) === link ? true : undefined));
    inside.kill('SIGKILL');
    await waitFor('the process to end', () => (fs.existsSync(`/proc/${inside.pid}`) ? undefined : true));
    // The helper acting for nobody (as sudo would start it for that user).
    const forUser = new HelperProcess({ SUDO_UID: '65534' });
    try {
      const g = find(await list(forUser), ns);
      assert.ok(g, 'the namespace itself is listed');
      const holder = g.holders?.find((x) => x.kind === 'fd' && x.pid === child.pid);
      assert.deepEqual(holder, { kind: 'fd', pid: child.pid, command: '[sleep]', user: 'root' });
    } finally {
      await forUser.close();
    }
  });

  it('finds a namespace held only by a thread, with the process and thread', async () => {
    const ns = mountedNamespace('bythread');
    const file = path.join(dir, 'bythread');
    // A worker thread joins the namespace (setns changes only the calling thread) and closes the file.
    const worker = `
      const koffi = require(${JSON.stringify(path.join(repoRoot, 'node_modules', 'koffi'))});
      const fs = require('node:fs');
      const setns = koffi.load('libc.so.6').func('int setns(int fd, int nstype)');
      const fd = fs.openSync(${JSON.stringify(file)}, 'r');
      const rc = setns(fd, 0x40000000);
      fs.closeSync(fd);
      const tid = fs.readlinkSync('/proc/thread-self').split('/').pop();
      require('node:worker_threads').parentPort.postMessage(rc === 0 ? tid : 'failed');
      setInterval(() => {}, 1e6);`;
    const main = `const { Worker } = require('node:worker_threads');
      new Worker(${JSON.stringify(worker)}, { eval: true }).on('message', (m) => process.stdout.write(m + '\\n'));`;
    const child = spawn(process.execPath, ['-e', main], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const tid = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
      child.once('exit', (code) => reject(new Error(`the thread holder exited (${code})`)));
    });
    assert.match(tid, /^\d+$/, 'setns in the worker thread');
    umount(file);
    assert.equal(fs.readlinkSync(`/proc/${child.pid}/task/${tid}/ns/net`), `net:[${ns.ino}]`);
    const g = find(await list(h), ns);
    assert.ok(g, 'the thread-held namespace is listed');
    assert.deepEqual(g.processes, []);
    const threads = (g.holders ?? []).filter((x) => x.kind === 'thread');
    assert.deepEqual(threads, [{ kind: 'thread', pid: child.pid, tid: Number(tid), command: `${process.execPath} -e ${main}`.slice(0, 200), user: 'root' }]);
  });
});

// ---- a real container ---------------------------------------------------------------------------

const PODMAN = '/usr/bin/podman';

/** What is missing to run a Podman container here, or undefined. */
function podmanMissing(): string | undefined {
  for (const [file, what] of [
    [PODMAN, 'podman (apt install podman)'],
    ['/usr/sbin/runc', 'runc (apt install runc)'],
    ['/bin/busybox', 'busybox (apt install busybox-static)'],
  ]) {
    if (!fs.existsSync(file)) {
      return what;
    }
  }
  return undefined;
}

const missing = podmanMissing();

describe('naming a container namespace by its runtime', { skip: missing ? `needs ${missing}` : false }, () => {
  const image = `localhost/${P}-bb:1`;
  const name = `${P}-ctr`;
  let h: HelperProcess;
  let imageDir: string;
  const podman = (args: string[]) => execFileSync(PODMAN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  before(() => {
    imageDir = fs.mkdtempSync(path.join(os.tmpdir(), `${P}-img-`));
    fs.mkdirSync(path.join(imageDir, 'root', 'bin'), { recursive: true });
    fs.copyFileSync('/bin/busybox', path.join(imageDir, 'root', 'bin', 'busybox'));
    fs.chmodSync(path.join(imageDir, 'root', 'bin', 'busybox'), 0o755);
    for (const c of ['sh', 'sleep']) {
      fs.symlinkSync('busybox', path.join(imageDir, 'root', 'bin', c));
    }
    execFileSync('/bin/tar', ['-C', path.join(imageDir, 'root'), '-cf', path.join(imageDir, 'bb.tar'), '.']);
    podman(['import', path.join(imageDir, 'bb.tar'), image]);
    h = new HelperProcess();
  });
  after(async () => {
    await h?.close();
    spawnSync(PODMAN, ['rm', '-f', '-t', '0', name], { stdio: 'ignore' });
    spawnSync(PODMAN, ['rmi', '-f', image], { stdio: 'ignore' });
    fs.rmSync(imageDir, { recursive: true, force: true });
  });

  it("names the container's namespace (a name podman made in /run/netns) with the container and runtime", async () => {
    const id = podman([
      '--runtime', 'runc', 'run', '-d', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '--name', name, image, '/bin/sleep', '120',
    ]);
    const pid = Number(podman(['inspect', '-f', '{{.State.Pid}}', name]));
    assert.ok(pid > 0, 'the container runs');
    const st = fs.statSync(`/proc/${pid}/ns/net`);
    const g = find(await list(h), { dev: st.dev, ino: st.ino });
    assert.ok(g, "the container's namespace is listed");
    assert.ok(g.processes.some((p) => p.pid === pid), 'with its process');
    assert.deepEqual(g.container, { runtime: 'podman', id, name });
    // Podman 4 names the namespace itself (/run/netns/netns-<uuid>); older ones leave it unnamed.
    if (g.name !== undefined) {
      assert.match(String(g.name), /^netns-/);
    }
  });
});
