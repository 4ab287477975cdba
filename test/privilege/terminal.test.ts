// A namespace terminal really runs as the user: the options the extension builds (the pure
// terminalOptions, with the machine's real tools) are run as a throwaway user whose own sudo (or
// polkit) rights make the way in, and the shell reports who and where it is.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { terminalOptions, type NamespaceTerminalOptions, type TerminalRequest } from '../../src/extension/terminal/terminalOptions';
import { terminalTools } from '../../src/extension/terminal/terminalTools';
import { cleanupOnExit, cleanupPrefix, ip, kernelAvailable, linkNames, netnsNames, uniquePrefix } from '../support/kernel';
import { createTestUser, ensureSystemBus, installPolkitRule, installSudoers, runCleanups, type TestUser } from '../support/testUser';

const tools = terminalTools();
const skip =
  process.getuid?.() !== 0
    ? 'needs root (it creates a test user)'
    : kernelAvailable()
      ? `needs ${kernelAvailable()}`
      : !tools.sudo
        ? 'needs sudo'
        : !fs.existsSync(tools.setpriv)
          ? 'needs setpriv'
          : false;
const pkexecSkip = skip || (!tools.pkexec ? 'needs pkexec' : !fs.existsSync('/usr/bin/dbus-daemon') ? 'needs dbus-daemon' : false);

const P = uniquePrefix();
cleanupOnExit(P);
const NS = `${P}term`;

/** What the shell says about itself: `$$` is the shell, not a child it runs. */
const PROBE = [
  'echo "uid=$(id -u)"',
  'echo "gid=$(id -g)"',
  'sed -n "s/^CapEff:[[:space:]]*/capeff=/p; s/^CapPrm:[[:space:]]*/capprm=/p" /proc/$$/status',
  'echo "net=$(readlink /proc/$$/ns/net)"',
  'echo "netns=$NETNS"',
  'echo "home=$HOME"',
  'echo "links=$(ls /sys/class/net | tr "\\n" " ")"',
  'exit 0',
].join('\n');

interface Probe {
  code: number | null;
  stderr: string;
  values: Record<string, string>;
}

/** Runs the terminal's exact argv as the user, the shell's commands fed on stdin. */
function runTerminal(user: TestUser, o: NamespaceTerminalOptions): Promise<Probe> {
  return new Promise((resolve) => {
    const child = spawn('/usr/sbin/runuser', ['-u', user.name, '--', o.shellPath, ...o.shellArgs], {
      cwd: user.home,
      env: { PATH: '/usr/bin:/bin', HOME: user.home, USER: user.name, LOGNAME: user.name, LANG: 'C.UTF-8', ...o.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const values: Record<string, string> = {};
      for (const m of stdout.matchAll(/^(uid|gid|capeff|capprm|net|netns|home|links)=(.*)$/gm)) {
        values[m[1]] = m[2].trim();
      }
      resolve({ code, stderr, values });
    });
    child.stdin.end(PROBE + '\n');
  });
}

describe('a namespace terminal, as an ordinary user', { skip }, () => {
  let user: TestUser;
  let inode: string;

  before(() => {
    user = createTestUser();
    ip(['netns', 'add', NS]);
    ip(['link', 'add', `${P}tm0`, 'type', 'veth', 'peer', 'name', `${P}tm1`, 'netns', NS]);
    inode = `net:[${fs.statSync(`/run/netns/${NS}`).ino}]`;
  });
  after(() => {
    runCleanups();
    cleanupPrefix(P);
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), []);
    assert.deepEqual(linkNames(null).filter((n) => n.includes(P)), []);
  });

  const request = (over: Partial<TerminalRequest>): TerminalRequest => ({
    netns: NS,
    user: 'me',
    shell: '/bin/sh',
    uid: user.uid,
    gid: user.gid,
    method: 'sudo',
    tools,
    ...over,
  });

  function assertInside(p: Probe): void {
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.values.net, inode, 'the shell is in the namespace');
    assert.equal(p.values.netns, NS, 'NETNS names it');
    // `ip netns exec` mounted the namespace's own /sys: its interfaces, not the host's.
    assert.deepEqual(p.values.links.split(' ').filter(Boolean).sort(), ['lo', `${P}tm1`].sort());
  }

  describe('through the user\'s own sudo rights', () => {
    let remove: () => void;
    before(() => {
      // For this test only: the terminal uses whatever sudo allows the user, here everything.
      remove = installSudoers(`netns-test-${user.name}`, `${user.name} ALL=(ALL:ALL) NOPASSWD: ALL`);
    });
    after(() => remove());

    it('"me": the shell runs as the user, without capabilities, inside the namespace', async () => {
      const o = terminalOptions(request({ user: 'me' }));
      assert.equal(o.via, 'sudo');
      assert.equal(o.shellPath, tools.sudo);
      const p = await runTerminal(user, o);
      assertInside(p);
      assert.equal(p.values.uid, String(user.uid));
      assert.equal(p.values.gid, String(user.gid));
      assert.equal(p.values.capeff, '0000000000000000');
      assert.equal(p.values.capprm, '0000000000000000');
      assert.equal(p.values.home, user.home, 'the user\'s own environment');
    });

    it('"root": the shell runs as root inside the namespace', async () => {
      const o = terminalOptions(request({ user: 'root' }));
      const p = await runTerminal(user, o);
      assertInside(p);
      assert.equal(p.values.uid, '0');
      assert.notEqual(p.values.capeff, '0000000000000000');
    });
  });

  it('without sudo rights: the terminal does not get in', async () => {
    const o = terminalOptions(request({ user: 'me' }));
    // The exact argv: sudo has no terminal to ask a password on, so it gives up.
    const p = await runTerminal(user, o);
    assert.notEqual(p.code, 0);
    assert.equal(p.values.uid, undefined, 'no shell ran');
  });

  describe('through pkexec, with a polkit rule for the user', { skip: pkexecSkip }, () => {
    let remove: () => void;
    before(async () => {
      ensureSystemBus();
      remove = await installPolkitRule(
        `10-netns-test-${user.name}.rules`,
        `polkit.addRule(function(a, s) { if (a.id == "org.freedesktop.policykit.exec" && s.user == ${JSON.stringify(user.name)}) { return polkit.Result.YES; } });\n`,
      );
    });
    after(() => remove());

    it('"me": the shell runs as the user, without capabilities, inside the namespace', async () => {
      const o = terminalOptions(request({ user: 'me', method: 'pkexec' }));
      assert.equal(o.via, 'pkexec');
      const p = await runTerminal(user, o);
      assertInside(p);
      assert.equal(p.values.uid, String(user.uid));
      assert.equal(p.values.capeff, '0000000000000000');
    });
  });
});
