// The launcher as an ordinary user: a throwaway user runs createClient (test/privilege/asUser.ts)
// through sudo and pkexec, with and without sudoers and polkit rules, with a password typed into
// the AskpassProvider, and cancelled. Each failure must come back as the right LaunchError.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { polkitCommandLine, sudoersRule } from '../../src/client/launcher';
import { INSTALL_LAUNCHER, launcherScript, POLKIT_ACTION_ID, polkitPolicy, polkitRule, sudoersLine } from '../../src/core/install';
import { helperPath as builtHelper } from '../support/kernel';
import {
  createTestUser,
  ensureSystemBus,
  installPolkitAction,
  installPolkitRule,
  installSudoers,
  runAsUser,
  runCleanups,
  setPassword,
  systemBusAnswers,
  tempDir,
  userCanRead,
  userReadableBuild,
  type TestUser,
} from '../support/testUser';
import type { AsUserInput, AsUserOutput } from './asUser';

const has = (p: string) => fs.existsSync(p);
const skip =
  process.getuid?.() !== 0
    ? 'needs root (it creates a test user)'
    : !has('/usr/bin/sudo')
      ? 'needs sudo'
      : !has(builtHelper)
        ? 'needs dist/helper.js (npm run build)'
        : false;
const pkexecSkip = skip || (!has('/usr/bin/pkexec') ? 'needs pkexec' : !has('/usr/bin/dbus-daemon') ? 'needs dbus-daemon' : false);

const nodePath = process.execPath;
const timings: string[] = [];

describe('launcher as an ordinary user', { skip }, () => {
  let user: TestUser;
  let helperPath: string;
  let askpassScript: string;
  let script: string;
  const password = crypto.randomBytes(12).toString('base64url');

  before(() => {
    user = createTestUser();
    setPassword(user, password);
    // The user must reach the helper and the client code.
    ({ helperPath, script } = userReadableBuild(user, 'test/privilege/asUser.js'));
    askpassScript = path.join(path.dirname(helperPath), 'askpass.js');
    assert.ok(has(askpassScript), 'dist/askpass.js is built');
    assert.ok(userCanRead(user, helperPath) && userCanRead(user, script));
  });
  after(() => {
    runCleanups();
    if (timings.length) {
      process.stdout.write(`# launch timings: ${timings.join('; ')}\n`);
    }
  });

  async function asUser(input: Partial<AsUserInput>): Promise<AsUserOutput> {
    const full: AsUserInput = { helperPath, nodePath, method: 'sudo', askpass: 'none', ...input };
    const r = await runAsUser(user, nodePath, script, JSON.stringify(full));
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let out: AsUserOutput;
    try {
      out = JSON.parse(line) as AsUserOutput;
    } catch {
      throw new Error(`the user script failed (code ${r.code}): ${r.stderr}\n${r.stdout}`);
    }
    // Whatever happened, the password is nowhere in the log, and no askpass folder is left.
    assert.ok(!JSON.stringify(out.logs).includes(password), 'the password never reaches the log');
    assert.deepEqual(out.askpassDirsLeft, []);
    assert.equal(out.uid, user.uid);
    return out;
  }

  function assertRunning(out: AsUserOutput, via: string): void {
    assert.equal(out.ok, true, `${out.failure}: ${out.message}\n${out.detail}\n${out.logs.join('\n')}`);
    assert.equal(out.via, via);
    assert.equal(out.hello!.uid, 0);
    assert.equal(out.hello!.callerUid, user.uid);
    assert.ok(Array.isArray(out.names));
  }

  const sudoCmd = () => sudoersRule(user.name, nodePath, helperPath).replace(/^.*NOPASSWD: /, '');

  describe('sudo', () => {
    it('without a sudoers rule and no password prompt: password-required', async () => {
      const out = await asUser({ method: 'sudo' });
      assert.equal(out.ok, false);
      assert.equal(out.failure, 'password-required', out.message);
      assert.match(out.message!, /sudo needs a password/);
      assert.deepEqual(out.prompts, []);
    });

    it('without a sudoers rule, with the right password: not-authorized', async () => {
      const out = await asUser({ method: 'sudo', askpass: 'password', password });
      assert.equal(out.ok, false);
      assert.equal(out.failure, 'not-authorized', out.message);
      assert.match(out.message!, /not in the sudoers file/);
      assert.equal(out.prompts.length, 1);
    });

    it('with a NOPASSWD rule for exactly the helper command: starts silently as root', async () => {
      const remove = installSudoers(`netns-test-${user.name}`, sudoersRule(user.name, nodePath, helperPath));
      try {
        const out = await asUser({ method: 'sudo' });
        assertRunning(out, 'sudo');
        assert.deepEqual(out.prompts, []);
        timings.push(`sudo -n (NOPASSWD rule) ${out.ms} ms`);
        // auto also takes the silent sudo path first.
        const auto = await asUser({ method: 'auto', askpass: 'cancel' });
        assertRunning(auto, 'sudo');
        assert.deepEqual(auto.prompts, []);
        // The rule allows that one command only.
        const other = spawnSync('/usr/sbin/runuser', ['-u', user.name, '--', 'sudo', '-n', '/usr/bin/id'], { encoding: 'utf8', env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' } });
        assert.notEqual(other.status, 0);
      } finally {
        remove();
      }
    });

    describe('with a rule that requires the password', () => {
      let remove: () => void;
      before(() => {
        remove = installSudoers(`netns-test-${user.name}`, `${user.name} ALL=(root) ${sudoCmd()}`);
      });
      after(() => remove());

      it('asks through the AskpassProvider and starts', async () => {
        const out = await asUser({ method: 'sudo', askpass: 'password', password });
        assertRunning(out, 'sudo');
        assert.equal(out.prompts.length, 1);
        assert.match(out.prompts[0], new RegExp(`password for ${user.name}`));
        timings.push(`sudo -n then sudo -A (askpass answers at once) ${out.ms} ms`);
      });

      it('reports a cancelled password prompt as cancelled', async () => {
        const out = await asUser({ method: 'sudo', askpass: 'cancel' });
        assert.equal(out.ok, false);
        assert.equal(out.failure, 'cancelled', `${out.message}\n${out.detail}`);
        assert.match(out.message!, /cancelled/);
        assert.equal(out.prompts.length, 1);
      });

      it('turning the password prompt on applies at the next start of the same client, without a reload', async () => {
        const out = await asUser({ method: 'sudo', askpass: 'password', password, promptAfterFailure: true });
        assert.equal(out.firstFailure, 'password-required');
        assertRunning(out, 'sudo');
        assert.equal(out.prompts.length, 1);
      });

      it('logs a failed sudo -n once, without an EPIPE from writing to it', async () => {
        const out = await asUser({ method: 'sudo' });
        assert.equal(out.failure, 'password-required', out.message);
        assert.deepEqual(out.logs.filter((l) => /EPIPE/.test(l)), []);
        assert.equal(out.logs.filter((l) => l.includes(out.message!)).length, 1, out.logs.join('\n'));
      });

      it('reports a wrong password (after sudo asked three times) as wrong-password', async () => {
        const out = await asUser({ method: 'sudo', askpass: 'password', password: password + 'x' });
        assert.equal(out.ok, false);
        assert.equal(out.failure, 'wrong-password', `${out.message}\n${out.detail}`);
        assert.match(out.message!, /did not accept the password/);
        assert.equal(out.prompts.length, 3);
        assert.match(out.prompts[1], /not accepted/);
      });

      it('without a password prompt: password-required', async () => {
        const out = await asUser({ method: 'sudo' });
        assert.equal(out.failure, 'password-required', out.message);
      });
    });
  });

  describe('pkexec', { skip: pkexecSkip }, () => {
    it('without polkit reachable: no-polkit, saying polkit cannot be reached', async (t) => {
      if (systemBusAnswers()) {
        t.skip('a system D-Bus is already running here');
        return;
      }
      const out = await asUser({ method: 'pkexec' });
      assert.equal(out.failure, 'no-polkit', out.message);
      assert.match(out.message!, /polkit cannot be reached/);
    });

    it('auto without polkit reachable and no password prompt: no-polkit, naming the prompt setting, not pkexec', async (t) => {
      if (systemBusAnswers()) {
        t.skip('a system D-Bus is already running here');
        return;
      }
      const out = await asUser({ method: 'auto' });
      assert.equal(out.failure, 'no-polkit', out.message);
      assert.match(out.message!, /polkit cannot be reached .*netns\.privilege\.askPassword/);
      assert.doesNotMatch(out.message!, /use pkexec/);
    });

    describe('with a system D-Bus', () => {
      before(() => {
        ensureSystemBus();
      });

      it('without a rule (no agent to ask): no-polkit-agent', async () => {
        const out = await asUser({ method: 'pkexec' });
        assert.equal(out.ok, false);
        assert.equal(out.failure, 'no-polkit-agent', `${out.message}\n${out.detail}`);
        assert.match(out.message!, /no authentication agent/);
      });

      it('with a rule refusing the user: not-authorized', async () => {
        const remove = await installPolkitRule(
          `10-netns-test-${user.name}.rules`,
          `polkit.addRule(function(a, s) { if (s.user == ${JSON.stringify(user.name)}) { return polkit.Result.NO; } });\n`,
        );
        try {
          const out = await asUser({ method: 'pkexec' });
          assert.equal(out.failure, 'not-authorized', `${out.message}\n${out.detail}`);
          assert.match(out.message!, /polkit did not authorize/);
        } finally {
          remove();
        }
      });

      it('with a rule allowing exactly the helper command: starts as root', async () => {
        const cmdline = polkitCommandLine(nodePath, helperPath);
        const remove = await installPolkitRule(
          `10-netns-test-${user.name}.rules`,
          `polkit.addRule(function(a, s) {
  if (a.id == "org.freedesktop.policykit.exec" && s.user == ${JSON.stringify(user.name)} &&
      a.lookup("command_line") == ${JSON.stringify(cmdline)}) { return polkit.Result.YES; }
});\n`,
        );
        try {
          const out = await asUser({ method: 'pkexec' });
          assertRunning(out, 'pkexec');
          timings.push(`pkexec (polkit rule) ${out.ms} ms`);
          // auto without a sudo rule goes to pkexec when polkit is reachable.
          const auto = await asUser({ method: 'auto', askpass: 'cancel' });
          assertRunning(auto, 'pkexec');
          assert.deepEqual(auto.prompts, []);
        } finally {
          remove();
        }
      });

      it('auto without an agent and no password prompt: no-polkit-agent, naming the prompt setting, not pkexec', async () => {
        const out = await asUser({ method: 'auto' });
        assert.equal(out.failure, 'no-polkit-agent', `${out.message}\n${out.logs.join('\n')}`);
        assert.match(out.message!, /no authentication agent.*netns\.privilege\.askPassword/);
        assert.doesNotMatch(out.message!, /use pkexec/);
      });

      it('auto: no polkit agent falls back to sudo with the password prompt', async () => {
        const remove = installSudoers(`netns-test-${user.name}`, `${user.name} ALL=(root) ${sudoCmd()}`);
        try {
          const out = await asUser({ method: 'auto', askpass: 'password', password });
          assertRunning(out, 'sudo');
          assert.equal(out.prompts.length, 1);
          assert.ok(out.logs.some((l) => /pkexec: .*no authentication agent/.test(l)), out.logs.join('\n'));
          timings.push(`auto (sudo -n, pkexec without agent, sudo -A) ${out.ms} ms`);
        } finally {
          remove();
        }
      });
    });
  });
  describe('installed launcher (root-owned, at a test path)', () => {
    let dir: string;
    let launcher: string;
    const lines = (...l: string[]) => l.join('\n');
    before(() => {
      // Under /run: root-owned all the way up, unlike /tmp.
      dir = tempDir(0o755, '/run');
      launcher = path.join(dir, 'netns-helper');
      fs.writeFileSync(launcher, launcherScript(nodePath, helperPath), { mode: 0o755 });
    });

    it('sudo: the sudoers line of the install starts it without a password', async () => {
      const remove = installSudoers(`netns-test-${user.name}`, sudoersLine(user.name).replace(INSTALL_LAUNCHER, launcher));
      try {
        const out = await asUser({ method: 'sudo', installedLauncher: launcher });
        assertRunning(out, 'sudo');
        assert.equal(out.installed, launcher);
        timings.push(`sudo -n (installed launcher) ${out.ms} ms`);
      } finally {
        remove();
      }
    });

    it('pkexec: maps to the extension polkit action, which a rule can allow', { skip: pkexecSkip }, async () => {
      ensureSystemBus();
      const id = `${POLKIT_ACTION_ID}.test${user.name}`;
      const removeAction = await installPolkitAction(id, polkitPolicy().replace(INSTALL_LAUNCHER, launcher).replace(POLKIT_ACTION_ID, id));
      try {
        // The action asks an administrator; with no agent that is a clear no-polkit-agent.
        const refused = await asUser({ method: 'pkexec', installedLauncher: launcher });
        assert.equal(refused.failure, 'no-polkit-agent', `${refused.message}\n${refused.detail}`);
        const removeRule = await installPolkitRule(`10-netns-test-${user.name}.rules`, polkitRule(user.name).replace(POLKIT_ACTION_ID, id));
        try {
          const out = await asUser({ method: 'pkexec', installedLauncher: launcher });
          assertRunning(out, 'pkexec');
          assert.equal(out.installed, launcher);
          timings.push(`pkexec (installed launcher, own action) ${out.ms} ms`);
        } finally {
          removeRule();
        }
      } finally {
        removeAction();
      }
    });

    it('an install of another protocol version is passed over for the bundled helper', async () => {
      const old = path.join(dir, 'old-helper.js');
      fs.writeFileSync(
        old,
        `process.stdin.on('data', (d) => { const r = JSON.parse(d); process.stdout.write(JSON.stringify({ id: r.id, ok: true, result: ` +
          `{ name: 'vscode-netns-helper', version: '0.0.1', protocol: 0, pid: process.pid, uid: process.getuid(), reader: 'ip', ip: '', rootInode: 1 } }) + '\\n'); });\n`,
        { mode: 0o644 },
      );
      const oldLauncher = path.join(dir, 'netns-helper-old');
      fs.writeFileSync(oldLauncher, launcherScript(nodePath, old), { mode: 0o755 });
      const remove = installSudoers(`netns-test-${user.name}`, lines(sudoersLine(user.name).replace(INSTALL_LAUNCHER, oldLauncher), sudoersRule(user.name, nodePath, helperPath)));
      try {
        const out = await asUser({ method: 'sudo', installedLauncher: oldLauncher });
        assertRunning(out, 'sudo');
        assert.equal(out.installed, undefined);
        assert.ok(out.logs.some((l) => l.includes('outdated or broken') && l.includes('protocol version 0')), out.logs.join('\n'));
      } finally {
        remove();
      }
    });

    it('an install someone other than root can change is not used', async () => {
      const userDir = tempDir(0o755, '/run');
      const unsafe = path.join(userDir, 'netns-helper');
      fs.writeFileSync(unsafe, launcherScript(nodePath, helperPath), { mode: 0o755 });
      fs.chownSync(unsafe, user.uid, user.gid);
      // Even with a sudoers line for it, the client does not run it.
      const remove = installSudoers(`netns-test-${user.name}`, sudoersLine(user.name).replace(INSTALL_LAUNCHER, unsafe));
      try {
        const out = await asUser({ method: 'sudo', installedLauncher: unsafe });
        assert.equal(out.failure, 'password-required', out.message);
        assert.ok(out.logs.some((l) => l.includes(`Not using the installed helper ${unsafe}`)), out.logs.join('\n'));
      } finally {
        remove();
      }
    });
  });
});
