// The helper's policy on the real kernel, for a helper that acts for an ordinary user (as sudo
// starts it: SUDO_UID set) and for root itself. The privilege suite runs the same attacks as a real
// user through real sudo; this suite covers each rule's edges quickly.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { HelperProcess, type RawResponse } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, ipTry, linkNames, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
const CONFIG_DIR = '/etc/vscode-netns';
const CONFIG = `${CONFIG_DIR}/policy.json`;

/** A host interface backed by a device, if this machine has one (never changed by these tests). */
const physical = fs.readdirSync('/sys/class/net').find((n) => fs.existsSync(`/sys/class/net/${n}/device`));

function refused(r: RawResponse, rule: string, message: RegExp): void {
  assert.equal(r.ok, false, JSON.stringify(r));
  assert.equal(r.error?.code, 'EACCES', JSON.stringify(r.error));
  assert.equal((r.error as { rule?: string }).rule, rule);
  assert.match(r.error!.message, message);
}

/** A process in a network namespace owned by a new user namespace, as `unshare -Urn` makes. */
function userNamespaceProcess(): Promise<ChildProcess> {
  const child = spawn('/usr/bin/unshare', ['-Urn', '/bin/sleep', '600'], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 5000;
    const poll = () => {
      try {
        const mine = fs.readlinkSync(`/proc/${child.pid}/ns/net`);
        if (mine !== fs.readlinkSync('/proc/self/ns/net') && fs.readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === 'sleep') {
          return resolve(child);
        }
      } catch {
        // not there yet
      }
      if (Date.now() > deadline) {
        return reject(new Error('unshare did not start'));
      }
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('the policy for a helper acting for a user', () => {
  let h: HelperProcess;
  let userns: ChildProcess;
  let madeConfigDir = false;
  before(async () => {
    h = new HelperProcess({ SUDO_UID: '65534' });
    userns = await userNamespaceProcess();
    ip(['netns', 'add', `${P}a`]);
    // What root may do: name the user's namespace. The user must still not put anything into it.
    ip(['netns', 'attach', `${P}u`, String(userns.pid)]);
    ip(['link', 'add', 'name', `${P}h1`, 'type', 'veth', 'peer', 'name', `${P}h2`]);
  });
  after(async () => {
    userns.kill('SIGKILL');
    await h.close();
    cleanupPrefix(P);
    if (madeConfigDir) {
      fs.rmSync(CONFIG_DIR, { recursive: true, force: true });
    }
  });

  it('says in hello that it is bound', async () => {
    const r = await h.ok<{ policy: { bound: boolean; installed: boolean }; callerUid: number }>('hello');
    assert.deepEqual(r.policy, { bound: true, installed: false });
    assert.equal(r.callerUid, 65534);
  });

  it('never names, fills or empties a namespace owned by another user namespace', async () => {
    const before = { names: netnsNames(), host: linkNames(null) };
    refused(await h.call('attachNetns', { name: `${P}x`, pid: userns.pid }), 'foreign-userns', new RegExp(`^The namespace of process ${userns.pid} belongs to a user namespace of its own`));
    refused(await h.call('moveLink', { name: `${P}h2`, from: null, toPid: userns.pid }), 'foreign-userns', /does not put interfaces into it/);
    refused(await h.call('moveLink', { name: `${P}h2`, from: null, to: `${P}u` }), 'foreign-userns', new RegExp(`^Namespace "${P}u" belongs`));
    refused(await h.call('addVeth', { name: `${P}v1`, peer: `${P}v2`, netns: null, peerNetns: `${P}u` }), 'foreign-userns', /belongs to a user namespace/);
    refused(await h.call('addVeth', { name: `${P}v1`, peer: `${P}v2`, netns: `${P}u`, peerNetns: `${P}a` }), 'foreign-userns', /belongs to a user namespace/);
    const batch = await h.call('batch', { requests: [{ op: 'addNetns', name: `${P}b` }, { op: 'addVeth', name: `${P}v1`, peer: `${P}v2`, netns: `${P}b`, peerNetns: `${P}u` }] });
    refused(batch, 'foreign-userns', /^Item 2 \(addVeth .*\) failed: Namespace/);
    // Taking an interface out of it (one the user made there, being root inside) is refused too.
    ipTry(['-n', `${P}u`, 'link', 'add', 'name', `${P}in`, 'type', 'dummy']);
    refused(await h.call('moveLink', { name: `${P}in`, from: `${P}u`, to: null }), 'foreign-userns', /take them out of it/);
    assert.deepEqual(netnsNames(), before.names, 'no name was added');
    assert.deepEqual(linkNames(null), before.host, 'the host has the same interfaces');
    assert.deepEqual(linkNames(`${P}a`), ['lo'], 'nothing landed in the other namespace');
  });

  it('still manages namespaces of the host user namespace, also by process', async () => {
    await h.ok('moveLink', { name: `${P}h2`, from: null, toPid: process.pid });
    await h.ok('moveLink', { name: `${P}h2`, from: null, to: `${P}a` });
    assert.ok(linkNames(`${P}a`).includes(`${P}h2`));
    // ip netns exec enters the namespace and execs sleep in the same process.
    const sleeper = spawn('/usr/sbin/ip', ['netns', 'exec', `${P}a`, '/bin/sleep', '30'], { stdio: 'ignore' });
    try {
      const inode = fs.statSync(`/run/netns/${P}a`).ino;
      for (let i = 0; i < 100 && fs.statSync(`/proc/${sleeper.pid}/ns/net`).ino !== inode; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const named = await h.ok<{ inode: number }>('attachNetns', { name: `${P}byPid`, pid: sleeper.pid });
      assert.equal(named.inode, inode);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('refuses a batch item naming a namespace by digits that is not in /run/netns', async () => {
    // ip would read a bare number as a PID: the user's own namespace.
    const r = await h.call('batch', { requests: [{ op: 'addVeth', name: `${P}d1`, peer: `${P}d2`, netns: String(userns.pid) }] });
    assert.equal(r.error?.code, 'ENOENT');
    assert.match(r.error!.message, /^Item 1 \(addVeth .*\) failed: Namespace "\d+" does not exist/);
    assert.ok(!linkNames(null).includes(`${P}d2`));
  });

  it('does not change a physical interface of the host unless an administrator allows it', { skip: physical ? false : 'needs a device-backed interface' }, async () => {
    // Only requests that would do no harm if the rule failed go to the machine's real interface
    // (the address is removed again below in any case); moving, deleting and setting down are
    // tried on a stand-in device in the privilege suite (test/privilege/policy.test.ts).
    const name = physical!;
    const before = JSON.stringify(JSON.parse(ip(['-j', 'address', 'show', 'dev', name])));
    try {
      refused(await h.call('addAddress', { netns: null, name, address: '198.51.100.77/32' }), 'physical-interface', new RegExp(`^"${name}" is a physical interface`));
      refused(await h.call('delAddress', { netns: null, name, address: '198.51.100.77/32' }), 'physical-interface', /allowPhysicalInterfaces/);
      // A route through it is a change to it too.
      refused(await h.call('addRoute', { netns: null, destination: '198.51.100.78', device: name }), 'physical-interface', /is a physical interface/);
      refused(await h.call('delRoute', { netns: null, destination: '198.51.100.78', device: name }), 'physical-interface', /is a physical interface/);
    } finally {
      ipTry(['address', 'delete', '198.51.100.77/32', 'dev', name]);
      ipTry(['route', 'delete', '198.51.100.78', 'dev', name]);
    }
    assert.equal(JSON.stringify(JSON.parse(ip(['-j', 'address', 'show', 'dev', name]))), before, 'the interface is unchanged');

    // Allowed by the administrator's file: the request reaches ip. Removing an address the
    // interface does not have proves that without changing anything.
    madeConfigDir = !fs.existsSync(CONFIG_DIR);
    fs.mkdirSync(CONFIG_DIR, { recursive: true, mode: 0o755 });
    fs.writeFileSync(CONFIG, JSON.stringify({ allowPhysicalInterfaces: [`${name.slice(0, -1)}*`] }), { mode: 0o644 });
    try {
      const r = await h.call('delAddress', { netns: null, name, address: '198.51.100.77/32' });
      assert.equal(r.error?.code, 'EADDRNOTAVAIL', JSON.stringify(r));
      // A file someone else can change is ignored.
      fs.chownSync(CONFIG, 65534, 65534);
      refused(await h.call('delAddress', { netns: null, name, address: '198.51.100.77/32' }), 'physical-interface', /is a physical interface/);
      for (let i = 0; i < 50 && !h.stderr.includes('policy: ignoring'); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.match(h.stderr, /policy: ignoring \/etc\/vscode-netns\/policy.json: it or a folder above it can be changed/);
    } finally {
      fs.rmSync(CONFIG, { force: true });
    }
    // Setting it up is not a risk: allowed (only tried when it is up already, so nothing changes).
    if ((JSON.parse(ip(['-j', 'link', 'show', 'dev', name])) as { flags: string[] }[])[0].flags.includes('UP')) {
      await h.ok('setLinkState', { netns: null, name, up: true });
    }
  });

  it('bounds the work in flight and stays up', async () => {
    const fast = new HelperProcess({ SUDO_UID: '65534', NETNS_HELPER_READER: 'ip' });
    try {
      let peak = 0;
      const sample = setInterval(() => {
        try {
          const kids = fs.readFileSync(`/proc/${fast.child.pid}/task/${fast.child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
          peak = Math.max(peak, kids.length);
        } catch {
          // between reads
        }
      }, 2);
      const answers = await Promise.all(Array.from({ length: 1300 }, () => fast.call('snapshot', { names: [`${P}a`], includeRoot: true, reader: 'ip' })));
      clearInterval(sample);
      const busy = answers.filter((a) => a.error?.code === 'EBUSY');
      assert.ok(busy.length >= 200, `${busy.length} refused as busy`);
      assert.match(busy[0].error!.message, /busy/);
      assert.ok(answers.filter((a) => a.ok).length >= 1);
      assert.ok(peak <= 8, `at most 8 ip processes at once (saw ${peak})`);
      assert.equal((await fast.ok<{ name: string }>('hello')).name, 'vscode-netns-helper');
    } finally {
      await fast.close();
    }
  });
});

describe('the policy for root itself', () => {
  it('binds nothing: root may name a namespace of another user namespace', async () => {
    const h = new HelperProcess();
    const userns = await userNamespaceProcess();
    try {
      const hello = await h.ok<{ policy: { bound: boolean } }>('hello');
      assert.equal(hello.policy.bound, false);
      await h.ok('attachNetns', { name: `${P}root`, pid: userns.pid });
      assert.ok(netnsNames().includes(`${P}root`));
    } finally {
      userns.kill('SIGKILL');
      await h.close();
      cleanupPrefix(P);
    }
  });
});
