// Launcher failures that need the machine changed around an ordinary user: no sudo or pkexec at
// all (hidden in a private mount namespace), a polkit prompt the user dismisses (a real agent
// answering polkitd), and an installed launcher the user could have changed (the fixed install
// path, made in a private mount namespace so the machine's own /usr/local/lib is never touched).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { polkitCommandLine, sudoersRule } from '../../src/client/launcher';
import { findProgram, PROGRAM_DIRS } from '../../src/platform/programs';
import { INSTALL_DIR, INSTALL_LAUNCHER, launcherScript, sudoersLine } from '../../src/core/install';
import { helperPath as builtHelper } from '../support/kernel';
import { mountNsToolsMissing } from '../support/mountNs';
import { dismissingAgentMissing, startDismissingAgent, type DismissingAgent } from '../support/polkitAgent';
import { createTestUser, ensureSystemBus, installPolkitRule, installSudoers, runCleanups, tempDir, userCanRead, userReadableBuild, type TestUser } from '../support/testUser';
import type { ClientScriptInput, ClientScriptOutput } from '../support/asUserClient';

const has = (p: string) => fs.existsSync(p);
const UNSHARE = '/usr/bin/unshare';
const RUNUSER = '/usr/sbin/runuser';

const skip =
  process.getuid?.() !== 0
    ? 'needs root (it creates a test user)'
    : !has(builtHelper)
      ? 'needs dist/helper.js (npm run build)'
      : mountNsToolsMissing()
        ? `needs ${mountNsToolsMissing()}`
        : false;
const pkexecSkip =
  skip || (!has('/usr/bin/pkexec') ? 'needs pkexec' : !has('/usr/bin/dbus-daemon') ? 'needs dbus-daemon' : dismissingAgentMissing() ?? false);
const sudoSkip = skip || (!has('/usr/bin/sudo') ? 'needs sudo' : !has('/usr/local/lib') ? 'needs /usr/local/lib' : false);

const nodePath = process.execPath;

/** A path safe to put into a /bin/sh script unquoted. */
function plain(p: string): string {
  assert.match(p, /^\/[\w./-]+$/);
  return p;
}

describe('launcher failures as an ordinary user', { skip }, () => {
  let user: TestUser;
  let helperPath: string;
  let script: string;

  before(() => {
    user = createTestUser();
    // The user must reach the helper and the client code.
    ({ helperPath, script } = userReadableBuild(user, 'test/support/asUserClient.js'));
    assert.ok(userCanRead(user, helperPath) && userCanRead(user, script));
  });
  after(() => runCleanups());

  interface RunOptions {
    /** Root's /bin/sh commands run first in a private mount namespace the client then runs in. */
    mountSetup?: string;
    /** Called with the pid the client will have, before it starts; it starts once this resolves. */
    beforeStart?: (pid: number) => Promise<void>;
  }

  /** Runs asUserClient.js as the user and returns its outcome. */
  async function runClient(input: Partial<ClientScriptInput>, o: RunOptions = {}): Promise<ClientScriptOutput> {
    const full: ClientScriptInput = { helperPath, nodePath, method: 'auto', installedLauncher: false, requests: [], ...input };
    const gateDir = tempDir(0o755);
    const pidFile = path.join(gateDir, 'pid');
    const gate = path.join(gateDir, 'go');
    if (!o.beforeStart) {
      fs.writeFileSync(gate, '');
    }
    // The user's shell writes its pid, waits for the gate, then becomes the client (same pid).
    const wait = 'echo $$ > "$1.tmp" && mv "$1.tmp" "$1"; while [ ! -e "$2" ]; do sleep 0.02; done; exec "$3" "$4"';
    fs.chownSync(gateDir, user.uid, user.gid);
    let argv = [RUNUSER, '-u', user.name, '--', '/bin/sh', '-c', wait, 'sh', pidFile, gate, nodePath, script];
    if (o.mountSetup) {
      argv = [UNSHARE, '--mount', '--propagation', 'private', '--', '/bin/sh', '-ec', `${o.mountSetup}\nexec "$@"`, 'sh', ...argv];
    }
    const child = spawn(argv[0], argv.slice(1), {
      cwd: user.home,
      env: { PATH: '/usr/bin:/bin', HOME: user.home, USER: user.name, LOGNAME: user.name, LANG: 'C.UTF-8' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdin.end(JSON.stringify(full));
    try {
      if (o.beforeStart) {
        const pid = await waitForPid(pidFile, closed);
        await o.beforeStart(pid);
        fs.writeFileSync(gate, '');
      }
      const code = await closed;
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        const out = JSON.parse(line) as ClientScriptOutput;
        assert.equal(out.uid, user.uid);
        return out;
      } catch {
        throw new Error(`the user script failed (code ${String(code)}): ${stderr}\n${stdout}`);
      }
    } finally {
      clearTimeout(timer);
      child.kill('SIGKILL');
    }
  }

  async function waitForPid(file: string, closed: Promise<unknown>): Promise<number> {
    let ended = false;
    void closed.then(() => (ended = true));
    const deadline = Date.now() + 10_000;
    while (!ended && Date.now() < deadline) {
      if (has(file)) {
        return Number(fs.readFileSync(file, 'utf8').trim());
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the user shell did not start');
  }

  describe('neither sudo nor pkexec installed', () => {
    let hide: string;
    let present: string[];
    before(() => {
      const candidates = PROGRAM_DIRS.flatMap((d) => ['sudo', 'pkexec'].map((t) => path.join(d, t)));
      present = [...new Set(candidates.filter(has).map((p) => fs.realpathSync(p)))];
      // /dev/null is not executable and not a file, so findProgram passes over each of them.
      hide = [
        ...present.map((p) => `mount --bind /dev/null ${plain(p)}`),
        `for p in ${candidates.map(plain).join(' ')}; do if [ -f "$p" ]; then echo "$p is still there" >&2; exit 3; fi; done`,
      ].join('\n');
    });

    it('auto: no-escalation, naming sudo and pkexec', async () => {
      const out = await runClient({ method: 'auto' }, { mountSetup: hide });
      assert.equal(out.started, false);
      assert.equal(out.failure, 'no-escalation', `${out.message}\n${out.logs.join('\n')}`);
      assert.match(out.message!, /pkexec/);
      assert.match(out.message!, /sudo/);
      // Nothing was started: the failure is known before any attempt.
      assert.ok(!out.logs.some((l) => l.includes('starting helper')), out.logs.join('\n'));
    });

    for (const [method, other] of [
      ['sudo', 'pkexec'],
      ['pkexec', 'sudo'],
    ] as const) {
      it(`${method}: no-escalation, naming ${method} as missing`, async () => {
        const out = await runClient({ method }, { mountSetup: hide });
        assert.equal(out.failure, 'no-escalation', `${out.message}\n${out.logs.join('\n')}`);
        assert.match(out.message!, new RegExp(`^${method} is not installed`));
        // It suggests the other method rather than calling it missing.
        assert.match(out.message!, new RegExp(`switch the privilege method to ${other}`));
      });
    }

    it('outside that namespace the tools are still there', () => {
      // The hiding stayed inside the private mount namespace.
      for (const p of present) {
        assert.ok(fs.statSync(p).isFile(), p);
      }
      assert.equal(findProgram('sudo') !== undefined, present.some((p) => p.endsWith('/sudo')));
    });
  });

  describe('pkexec, an administrator password asked for, the prompt dismissed', { skip: pkexecSkip }, () => {
    before(() => {
      ensureSystemBus();
    });

    it('cancelled: pkexec says "Request dismissed"', async () => {
      const cmdline = polkitCommandLine(nodePath, helperPath);
      const remove = await installPolkitRule(
        `10-netns-test-${user.name}.rules`,
        `polkit.addRule(function(a, s) {
  if (a.id == "org.freedesktop.policykit.exec" && s.user == ${JSON.stringify(user.name)} &&
      a.lookup("command_line") == ${JSON.stringify(cmdline)}) { return polkit.Result.AUTH_ADMIN; }
});\n`,
      );
      let agent: DismissingAgent | undefined;
      let clientPid = 0;
      try {
        const out = await runClient(
          { method: 'pkexec' },
          {
            beforeStart: async (pid) => {
              clientPid = pid;
              agent = await startDismissingAgent(user, pid);
            },
          },
        );
        assert.equal(out.started, false);
        assert.equal(out.failure, 'cancelled', `${out.message}\n${out.detail}\n${out.logs.join('\n')}`);
        assert.match(out.message!, /authentication was cancelled/i);
        assert.match(out.detail ?? '', /Request dismissed/);
        // polkitd asked the agent once, for pkexec's action on behalf of the client process.
        const asked = agent!.asked;
        for (let i = 0; i < 100 && asked.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(asked.length, 1, JSON.stringify(asked));
        assert.equal(asked[0].action, 'org.freedesktop.policykit.exec');
        assert.match(asked[0].message, /`\/usr\/bin\/env'/);
        assert.equal(asked[0].details['polkit.subject-pid'], String(clientPid));
      } finally {
        agent?.stop();
        remove();
      }
    });
  });

  describe('an installed launcher the user owns, at the fixed install path', { skip: sudoSkip }, () => {
    it('is not used: the log warns, the bundled helper starts through its sudoers rule', async () => {
      const src = path.join(tempDir(0o755), 'netns-helper');
      fs.writeFileSync(src, launcherScript(nodePath, helperPath), { mode: 0o755 });
      // A fresh root-owned /usr/local/lib in a private mount namespace, holding a launcher owned
      // by the user (as if it had been replaced); the machine's install path stays as it is.
      const setup = [
        `mount -t tmpfs -o mode=0755 netns-test ${plain(path.dirname(INSTALL_DIR))}`,
        `mkdir -m 0755 ${plain(INSTALL_DIR)}`,
        `cp ${plain(src)} ${plain(INSTALL_LAUNCHER)}`,
        `chown ${user.uid}:${user.gid} ${plain(INSTALL_LAUNCHER)}`,
        `chmod 0755 ${plain(INSTALL_LAUNCHER)}`,
      ].join('\n');
      // sudo would run the launcher (the install's own sudoers line): only the client refuses it.
      const remove = installSudoers(`netns-test-${user.name}`, [sudoersLine(user.name), sudoersRule(user.name, nodePath, helperPath)].join('\n'));
      try {
        const out = await runClient({ method: 'sudo', installedLauncher: 'default', requests: [{ op: 'listNames', params: {} }] }, { mountSetup: setup });
        assert.equal(out.started, true, `${out.failure}: ${out.message}\n${out.detail}\n${out.logs.join('\n')}`);
        assert.equal(out.via, 'sudo');
        assert.equal(out.installed, undefined);
        assert.equal(out.hello?.uid, 0);
        assert.ok(out.logs.some((l) => l.startsWith('warn: ') && l.includes(`Not using the installed helper ${INSTALL_LAUNCHER}`)), out.logs.join('\n'));
        assert.ok(out.logs.some((l) => l.includes('starting helper (sudo-n)') && l.includes(helperPath) && !l.includes(INSTALL_LAUNCHER)), out.logs.join('\n'));
        assert.equal(out.outcomes[0]?.ok, true);
      } finally {
        remove();
      }
    });
  });
});
