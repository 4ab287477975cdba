// Captures asked for by an ordinary user through the installed launcher (rule host-capture): in
// the host's namespace only the host's software links are captured (a veth of the test), never
// its loopback, a NIC (a stand-in: a veth of the test with a device link in sysfs) or anything
// else, unless the administrator's allow file lists it; a namespace of the user's own user
// namespace is not captured either (foreign-userns); a named namespace's interfaces are. Each
// refusal comes before tcpdump runs.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allowLauncher, assertRefused, attackSkip, call, deviceStandIn, installAsRoot, launcherAsUser, removePolicyFile, rootAttach, userNsProcess, writePolicyFile } from '../support/attack';
import type { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, uniquePrefix } from '../support/kernel';
import { createTestUser, runCleanups, type TestUser } from '../support/testUser';
import { findProgram } from '../../src/platform/programs';

const skip = attackSkip() || (findProgram('tcpdump') ? false : 'needs tcpdump');
const P = uniquePrefix();
cleanupOnExit(P);

describe('captures for an ordinary user (rule host-capture)', { skip, timeout: 300_000 }, () => {
  let user: TestUser;
  let h: HelperProcess;
  const veth = `${P}c0`;
  const peer = `${P}c1`;
  const ns = `${P}cn`;

  before(async () => {
    user = createTestUser();
    await installAsRoot();
    allowLauncher(user);
    ip(['link', 'add', 'name', veth, 'type', 'veth', 'peer', 'name', peer]);
    ip(['link', 'set', 'dev', veth, 'up']);
    ip(['link', 'set', 'dev', peer, 'up']);
    ip(['netns', 'add', ns]);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    h = launcherAsUser(user);
    const hello = (await call(h, 'hello')).result as { policy?: { bound: boolean } };
    assert.equal(hello.policy?.bound, true, 'the policy binds this helper (else no refused request is sent)');
  });

  after(async () => {
    await h?.close();
    cleanupPrefix(P);
    runCleanups();
  });

  const started = async (c: HelperProcess, params: Record<string, unknown>) => {
    const r = await call(c, 'startCapture', { ...params, maxSeconds: 30 });
    assert.equal(r.ok, true, `${JSON.stringify(params)}: ${JSON.stringify(r.error)}`);
    const { capture } = r.result as { capture: string };
    assert.equal((await call(c, 'stopCapture', { capture })).ok, true);
  };

  it('the host\'s loopback: refused before tcpdump runs', async () => {
    assertRefused(await call(h, 'startCapture', { netns: null, name: 'lo' }), 'host-capture', ['lo'], 'a capture of the host\'s lo');
    assert.doesNotMatch(h.stderr, /capture \d+\.\d+: .*--interface=lo/, 'tcpdump never ran');
  });

  it('a host veth and a named namespace\'s loopback: captured', async () => {
    await started(h, { netns: null, name: veth });
    await started(h, { netns: ns, name: 'lo' });
  });

  it('a stand-in NIC: refused, unless the allow file lists it', async () => {
    const c = launcherAsUser(user, deviceStandIn([peer]));
    try {
      assert.equal((await call(c, 'hello')).ok, true, c.stderr);
      assertRefused(await call(c, 'startCapture', { netns: null, name: peer }), 'host-capture', [peer, 'physical'], 'a capture of the stand-in NIC');
      try {
        writePolicyFile({ allowCaptureInterfaces: [`${P}c*`] });
        await started(c, { netns: null, name: peer });
      } finally {
        removePolicyFile();
      }
      assertRefused(await call(c, 'startCapture', { netns: null, name: peer }), 'host-capture', [peer], 'again once the allow file is gone');
    } finally {
      await c.close();
    }
  });

  it('a namespace of the user\'s own user namespace, named by root: refused (foreign-userns)', async () => {
    const u = await userNsProcess(user);
    const foreign = `${P}cu`;
    rootAttach(foreign, u.pid);
    assertRefused(await call(h, 'startCapture', { netns: foreign, name: 'lo' }), 'foreign-userns', [foreign], 'a capture in the user\'s own user namespace');
  });
});
