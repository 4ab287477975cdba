// The helper's policy, attacked the way an ordinary user would: a throwaway user starts the real
// installed launcher without a password (the README's sudoers line) and asks it to reach into a
// network namespace of a user namespace of their own (`unshare -Urn`), to change the host's
// physical interfaces, and to reinstall itself. Each request must get the policy's refusal, and
// the kernel, read back with `ip -j`, must be as it was.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sudoersRule } from '../../src/client/launcher';
import { INSTALL_DIR, INSTALL_LAUNCHER, POLKIT_POLICY_PATH } from '../../src/core/install';
import type { HelloResult } from '../../src/core/protocol';
import {
  allowLauncher,
  assertFailed,
  assertRefused,
  attackSkip,
  call,
  deviceStandIn,
  installAsRoot,
  launcherAsUser,
  linksOfPid,
  physicalInterfaces,
  POLICY_FILE,
  policyDirIsOurs,
  removePolicyFile,
  rootAttach,
  userNsProcess,
  writePolicyFile,
} from '../support/attack';
import type { ClientScriptInput, ClientScriptOutput } from '../support/asUserClient';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, ipTry, links, linkNames, netnsNames, uniquePrefix } from '../support/kernel';
import { createTestUser, installSudoers, registerCleanup, runAsUser, runCleanups, userReadableBuild, type TestUser } from '../support/testUser';

const skip = attackSkip();

const P = uniquePrefix();
cleanupOnExit(P);
const nodePath = process.execPath;

/** hello as any helper may answer it: one from before the policy has no `policy`. */
type PolicyHello = Omit<HelloResult, 'policy'> & Partial<Pick<HelloResult, 'policy'>>;

const names = (pid: number) => linksOfPid(pid).map((l) => l.ifname).sort();
const hostHas = (name: string) => linkNames(null).includes(name);

describe('the policy, attacked by an ordinary user through the installed launcher', { skip, timeout: 300_000 }, () => {
  let user: TestUser;
  let h: HelperProcess;
  let hello: PolicyHello;

  before(async () => {
    user = createTestUser();
    await installAsRoot();
    allowLauncher(user);
    h = launcherAsUser(user);
    hello = (await call(h, 'hello')).result as PolicyHello;
  });

  after(async () => {
    await h?.close();
    cleanupPrefix(P);
    runCleanups();
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), [], 'no namespace of the test is left');
    assert.deepEqual(linkNames(null).filter((n) => n.includes(P)), [], 'no link of the test is left');
    assert.ok(!fs.existsSync(POLICY_FILE) || !fs.readFileSync(POLICY_FILE, 'utf8').includes(P), 'no allow file of the test is left');
  });

  it('hello: the installed launcher started by the user is bound by the policy; root itself is not', async () => {
    assert.equal(hello.uid, 0);
    assert.equal(hello.callerUid, user.uid);
    assert.deepEqual(hello.policy, { bound: true, installed: true });
    const root = new HelperProcess();
    try {
      assert.deepEqual((await root.ok<PolicyHello>('hello')).policy, { bound: false, installed: false });
    } finally {
      await root.close();
    }
  });

  describe('a network namespace of the user\'s own user namespace (rule foreign-userns)', () => {
    it('attach it, put a veth between it and the host, address the host end: refused at the attach, nothing made', async () => {
      const u = await userNsProcess(user);
      const ns = `${P}ua`;
      const [a, b] = [`${P}ua0`, `${P}ua1`];
      assertRefused(await call(h, 'attachNetns', { name: ns, pid: u.pid }), 'foreign-userns', [[ns, u.pid]], 'attachNetns of the user\'s userns process');
      // The rest of the attack, as it was carried out before: each step fails for want of the name.
      assertFailed(await call(h, 'addVeth', { name: a, peer: b, peerNetns: ns }), 'addVeth into the refused name');
      assertFailed(await call(h, 'addAddress', { netns: null, name: a, address: '203.0.113.1/24' }), 'addAddress on the host end');
      assertFailed(await call(h, 'setLinkState', { netns: null, name: a, up: true }), 'setting the host end up');

      assert.ok(!netnsNames().includes(ns), 'no name in /run/netns');
      assert.ok(!hostHas(a) && !hostHas(b), 'no veth in the host');
      assert.ok(!links(null).some((l) => l.addr_info?.some((x) => x.local === '203.0.113.1')), 'no host interface has 203.0.113.1');
      assert.deepEqual(names(u.pid), ['lo'], 'the user\'s namespace holds only lo');
    });

    it('moveLink of a host veth into the user-namespace process (toPid): refused; a move into a host namespace still works', async () => {
      const u = await userNsProcess(user);
      const [a, b] = [`${P}m0`, `${P}m1`];
      const own = `${P}mn`;
      assert.equal((await call(h, 'addVeth', { name: a, peer: b })).ok, true, 'a veth in the host is the user\'s to make');
      assert.equal((await call(h, 'addNetns', { name: own })).ok, true);
      assertRefused(await call(h, 'moveLink', { name: b, from: null, toPid: u.pid }), 'foreign-userns', [[String(u.pid), b]], 'moveLink toPid');
      assert.ok(hostHas(a) && hostHas(b), 'both ends stay in the host');
      assert.deepEqual(names(u.pid), ['lo']);

      // The control: the same move into a namespace of the initial user namespace is carried out.
      assert.equal((await call(h, 'moveLink', { name: b, from: null, to: own })).ok, true);
      assert.ok(linkNames(own).includes(b) && !hostHas(b));
      assert.equal((await call(h, 'delNetns', { name: own })).ok, true);
      // The kernel tears a deleted namespace down in the background.
      const until = Date.now() + 10_000;
      while (hostHas(a) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(!hostHas(a), 'deleting the namespace took the pair with it');
    });

    it('a name root attached from a user-namespace process: no veth end there, no move into it', async () => {
      const u = await userNsProcess(user);
      const ns = `${P}ra`;
      rootAttach(ns, u.pid);
      const [a, b] = [`${P}ra0`, `${P}ra1`];
      assertRefused(await call(h, 'addVeth', { name: a, peer: b, peerNetns: ns }), 'foreign-userns', [ns], 'addVeth peerNetns');
      assertRefused(await call(h, 'addVeth', { name: a, peer: b, netns: ns }), 'foreign-userns', [ns], 'addVeth netns');
      assertRefused(await call(h, 'addVeth', { name: a, peer: b, netns: ns, peerNetns: ns }), 'foreign-userns', [ns], 'addVeth with both ends there');
      const [c, d] = [`${P}rb0`, `${P}rb1`];
      assert.equal((await call(h, 'addVeth', { name: c, peer: d })).ok, true);
      assertRefused(await call(h, 'moveLink', { name: d, from: null, to: ns }), 'foreign-userns', [ns], 'moveLink into the name');

      assert.ok(!hostHas(a) && !hostHas(b), 'no end of the refused veths in the host');
      assert.ok(hostHas(c) && hostHas(d), 'the host veth stays');
      assert.deepEqual(names(u.pid), ['lo']);
      assert.deepEqual(linkNames(ns), ['lo'], 'ip -n reads the same namespace');
      assert.equal((await call(h, 'delLink', { netns: null, name: c })).ok, true);
    });

    it('a veth the user made inside their own namespace: neither end can be moved out, into the host or a host namespace', async () => {
      const [a, b] = [`${P}i0`, `${P}i1`];
      const u = await userNsProcess(user, `ip link add name ${a} type veth peer name ${b}`);
      const ns = `${P}rc`;
      rootAttach(ns, u.pid);
      const own = `${P}rd`;
      assert.equal((await call(h, 'addNetns', { name: own })).ok, true);
      assertRefused(await call(h, 'moveLink', { name: a, from: ns, to: null }), 'foreign-userns', [ns], 'moveLink into the host');
      assertRefused(await call(h, 'moveLink', { name: b, from: ns, to: own }), 'foreign-userns', [ns], 'moveLink into a host namespace');
      assertRefused(await call(h, 'moveLink', { name: b, from: ns, toPid: process.pid }), 'foreign-userns', [ns], 'moveLink toPid of a host process');

      assert.deepEqual(names(u.pid), [a, b, 'lo'].sort(), 'both ends stay inside');
      assert.ok(!hostHas(a) && !hostHas(b));
      assert.deepEqual(linkNames(own), ['lo']);
    });
  });

  describe('the host\'s physical interfaces (rule physical-interface)', () => {
    const nic = physicalInterfaces()[0];
    const probe = '198.51.100.77/32';

    it('the machine\'s own NIC: only harmless requests, each refused, the NIC unchanged', { skip: nic ? false : 'no device-backed interface on this machine' }, async () => {
      // If the policy were missing, these requests would reach the real NIC: never send them then.
      assert.ok(hello.policy, 'the helper reports a policy (hello.policy): without one no request is sent to the machine\'s NIC');
      const state = () => links(null).find((l) => l.ifname === nic)!;
      const before = state();
      assert.ok(!before.addr_info?.some((x) => x.local === '198.51.100.77'), `${probe} is not on ${nic} before the test`);
      registerCleanup(`${probe} on ${nic}`, () => {
        if (state().addr_info?.some((x) => x.local === '198.51.100.77')) {
          ipTry(['address', 'delete', probe, 'dev', nic]);
        }
      });
      assertRefused(await call(h, 'addAddress', { netns: null, name: nic, address: probe }), 'physical-interface', [nic], `addAddress on ${nic}`);
      // An address that is not there: had it been carried out, ip would only have failed.
      assertRefused(await call(h, 'delAddress', { netns: null, name: nic, address: '198.51.100.78/32' }), 'physical-interface', [nic], `delAddress on ${nic}`);
      const now = state();
      assert.deepEqual(now.addr_info, before.addr_info, `${nic}'s addresses are unchanged`);
      assert.deepEqual(now.flags, before.flags);
    });

    describe('a stand-in NIC: a veth of the test with a device link in sysfs, in a private mount namespace', () => {
      const dev = `${P}d0`;
      const peer = `${P}d1`;
      const dest = `${P}dn`;
      let setup: string;

      before(() => {
        ip(['link', 'add', 'name', dev, 'type', 'veth', 'peer', 'name', peer]);
        ip(['link', 'set', 'dev', dev, 'up']);
        ip(['netns', 'add', dest]);
        setup = deviceStandIn([dev]);
      });

      /** The stand-in as ip -j sees it: in the host, up, without an IPv4 address. */
      function assertUnchanged(): void {
        const l = links(null).find((x) => x.ifname === dev);
        assert.ok(l, `${dev} is still in the host`);
        assert.ok(l.flags.includes('UP'), `${dev} is still up`);
        assert.deepEqual(l.addr_info?.filter((a) => a.family === 'inet') ?? [], [], `${dev} has no IPv4 address`);
        assert.deepEqual(linkNames(dest), ['lo']);
      }

      async function standIn(): Promise<HelperProcess> {
        const c = launcherAsUser(user, setup);
        assert.equal((await call(c, 'hello')).ok, true, c.stderr);
        return c;
      }

      it('move, delete, set down, address add and delete, netem set and cleared, bridge port and VLAN parent: each refused, ip -j shows it unchanged', async () => {
        const c = await standIn();
        try {
          const refused: [string, Record<string, unknown>][] = [
            ['moveLink', { name: dev, from: null, to: dest }],
            ['moveLink', { name: dev, from: null, toPid: process.pid }],
            ['delLink', { netns: null, name: dev }],
            ['setLinkState', { netns: null, name: dev, up: false }],
            ['addAddress', { netns: null, name: dev, address: '198.51.100.7/32' }],
            ['delAddress', { netns: null, name: dev, address: '198.51.100.8/32' }],
            ['setNetem', { netns: null, name: dev, lossPct: 100 }],
            ['clearNetem', { netns: null, name: dev }],
            // As a bridge port, released from one, or a VLAN's parent.
            ['setMaster', { netns: null, name: dev, master: null }],
            ['setMaster', { netns: null, name: dev, master: `${P}nobr` }],
            ['addLink', { netns: null, name: `${P}d0.7`, kind: 'vlan', parent: dev, vlanId: 7 }],
          ];
          for (const [op, params] of refused) {
            assertRefused(await call(c, op, params), 'physical-interface', [dev], `${op} ${JSON.stringify(params)}`);
            assertUnchanged();
          }
          // Setting it up is no change of the kind the rule forbids.
          assert.equal((await call(c, 'setLinkState', { netns: null, name: dev, up: true })).ok, true);
          assertUnchanged();
        } finally {
          await c.close();
        }
      });

      it('the allow file: an exact name allows an address change, a trailing * a move', async () => {
        try {
          writePolicyFile({ allowPhysicalInterfaces: [dev] });
          let c = await standIn();
          assert.equal((await call(c, 'addAddress', { netns: null, name: dev, address: '198.51.100.7/32' })).ok, true, 'allowed by its exact name');
          assert.ok(links(null).find((l) => l.ifname === dev)!.addr_info!.some((a) => a.local === '198.51.100.7'));
          assert.equal((await call(c, 'delAddress', { netns: null, name: dev, address: '198.51.100.7/32' })).ok, true);
          await c.close();
          assertUnchanged();

          writePolicyFile({ allowPhysicalInterfaces: ['nothing-here', `${P}d*`] });
          c = await standIn();
          const moved = await call(c, 'moveLink', { name: dev, from: null, to: dest });
          assert.equal(moved.ok, true, `allowed by the prefix: ${JSON.stringify(moved.error)}`);
          assert.ok(linkNames(dest).includes(dev) && !hostHas(dev), 'the move was carried out');
          assert.equal((await call(c, 'moveLink', { name: dev, from: dest, to: null })).ok, true);
          assert.equal((await call(c, 'setLinkState', { netns: null, name: dev, up: true })).ok, true);
          await c.close();
          assertUnchanged();
        } finally {
          removePolicyFile();
        }
      });

      for (const which of ['file', 'folder'] as const) {
        it(`the allow file is ignored when its ${which} belongs to the user`, async (t) => {
          if (which === 'folder' && !policyDirIsOurs()) {
            t.skip(`${path.dirname(POLICY_FILE)} was there before: the test changes the owner only of a folder it made`);
            return;
          }
          try {
            writePolicyFile({ allowPhysicalInterfaces: [dev] }, { [which === 'file' ? 'file' : 'dir']: user });
            const c = await standIn();
            assertRefused(await call(c, 'addAddress', { netns: null, name: dev, address: '198.51.100.7/32' }), 'physical-interface', [dev], `with the ${which} the user's`);
            await c.close();
            assert.match(c.stderr, /policy\.json/, 'the helper logs that it ignored the file');
            assertUnchanged();
          } finally {
            removePolicyFile();
          }
        });
      }
    });
  });

  describe('install and uninstall (rule password-start)', () => {
    /** The install's files with their sizes and times: changed by any reinstall or removal. */
    const inventory = () =>
      [INSTALL_DIR, path.join(INSTALL_DIR, 'helper.js'), INSTALL_LAUNCHER, POLKIT_POLICY_PATH].map((p) => {
        const st = fs.statSync(p);
        return `${p} ${st.ino} ${st.size} ${st.mtimeMs}`;
      });

    it('sent to the installed launcher started without a password: both refused, the install untouched', async () => {
      const before = inventory();
      assertRefused(await call(h, 'installHelper'), 'password-start', [], 'installHelper');
      assertRefused(await call(h, 'uninstallHelper'), 'password-start', [], 'uninstallHelper');
      assert.deepEqual(inventory(), before);
    });

    it('from the bundled helper (a sudoers rule for exactly its command): uninstall and install are carried out', async () => {
      const { helperPath, script } = userReadableBuild(user, 'test/support/asUserClient.js');
      installSudoers(`netns-test-${user.name}-bundled`, sudoersRule(user.name, nodePath, helperPath));
      const input: ClientScriptInput = {
        helperPath,
        nodePath,
        method: 'sudo',
        installedLauncher: false,
        requests: [
          { op: 'uninstallHelper', params: {} },
          { op: 'installHelper', params: {} },
        ],
      };
      const r = await runAsUser(user, nodePath, script, JSON.stringify(input));
      const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null') as ClientScriptOutput;
      assert.equal(out?.started, true, `${r.stderr}\n${r.stdout}`);
      assert.equal(out.installed, undefined, 'the bundled helper, not the install');
      assert.deepEqual((out.hello as PolicyHello).policy, { bound: true, installed: false });
      for (const o of out.outcomes) {
        assert.equal(o.ok, true, `${o.op}: ${o.code}: ${o.message}`);
      }
      assert.ok(fs.existsSync(INSTALL_LAUNCHER), 'installed again');
      assert.equal(fs.statSync(INSTALL_LAUNCHER).uid, 0);
      // And the fresh install still serves the user without a password.
      const again = spawnSync('/usr/sbin/runuser', ['-u', user.name, '--', '/usr/bin/sudo', '-n', '-l', INSTALL_LAUNCHER], { encoding: 'utf8' });
      assert.equal(again.status, 0, again.stderr);
    });
  });
});
