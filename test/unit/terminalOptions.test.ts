// How namespace terminals are started, for every combination of who runs VS Code, the
// netns.terminal.user setting and the escalation tool.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveShell, TerminalSetupError, terminalOptions, type TerminalRequest } from '../../src/extension/terminal/terminalOptions';

const tools = { ip: '/usr/sbin/ip', sudo: '/usr/bin/sudo', pkexec: '/usr/bin/pkexec', setpriv: '/usr/bin/setpriv', env: '/usr/bin/env' };
const base: TerminalRequest = { netns: 'ns1', user: 'me', shell: '', envShell: '/bin/zsh', uid: 1000, gid: 1000, method: 'auto', tools };

describe('terminalOptions', () => {
  it('opens a plain shell for the host namespace', () => {
    const o = terminalOptions({ ...base, netns: null });
    assert.equal(o.shellPath, '/bin/zsh');
    assert.deepEqual(o.shellArgs, []);
    assert.deepEqual(o.env, {});
    assert.equal(o.via, 'none');
    assert.equal(o.name, 'netns: host');
  });

  it('runs ip netns exec directly when VS Code is root, whatever the user setting says', () => {
    for (const user of ['me', 'root'] as const) {
      const o = terminalOptions({ ...base, uid: 0, gid: 0, user });
      assert.equal(o.shellPath, '/usr/sbin/ip');
      assert.deepEqual(o.shellArgs, ['netns', 'exec', 'ns1', '/bin/zsh', '-l']);
      assert.deepEqual(o.env, { NETNS: 'ns1' });
      assert.equal(o.via, 'none');
      assert.equal(o.name, 'netns: ns1');
    }
  });

  it('drops back to the user through setpriv under sudo by default', () => {
    const o = terminalOptions({ ...base, uid: 1001, gid: 1002 });
    assert.equal(o.shellPath, '/usr/bin/sudo');
    assert.deepEqual(o.shellArgs, [
      '/usr/sbin/ip', 'netns', 'exec', 'ns1',
      '/usr/bin/setpriv', '--reuid=1001', '--regid=1002', '--init-groups', '--reset-env', '--',
      '/usr/bin/env', 'NETNS=ns1', '/bin/zsh', '-l',
    ]);
    assert.equal(o.via, 'sudo');
    assert.equal(o.env.NETNS, 'ns1');
    assert.equal(
      o.commandLine,
      '/usr/bin/sudo /usr/sbin/ip netns exec ns1 /usr/bin/setpriv --reuid=1001 --regid=1002 --init-groups --reset-env -- /usr/bin/env NETNS=ns1 /bin/zsh -l',
    );
  });

  it('stays root under sudo when netns.terminal.user is root', () => {
    const o = terminalOptions({ ...base, user: 'root' });
    assert.equal(o.shellPath, '/usr/bin/sudo');
    assert.deepEqual(o.shellArgs, ['/usr/sbin/ip', 'netns', 'exec', 'ns1', '/usr/bin/env', 'NETNS=ns1', '/bin/zsh', '-l']);
    assert.ok(!o.shellArgs.some((a) => a.includes('setpriv')));
  });

  it('uses pkexec when asked to, or when sudo is missing', () => {
    const asked = terminalOptions({ ...base, method: 'pkexec' });
    assert.equal(asked.shellPath, '/usr/bin/pkexec');
    assert.equal(asked.via, 'pkexec');
    const fallback = terminalOptions({ ...base, tools: { ...tools, sudo: undefined } });
    assert.equal(fallback.shellPath, '/usr/bin/pkexec');
    assert.deepEqual(fallback.shellArgs.slice(0, 4), ['/usr/sbin/ip', 'netns', 'exec', 'ns1']);
  });

  it('says what is missing when no escalation tool exists', () => {
    assert.throws(
      () => terminalOptions({ ...base, tools: { ...tools, sudo: undefined, pkexec: undefined } }),
      (e: unknown) => e instanceof TerminalSetupError && e.reason === 'no-escalation',
    );
    assert.throws(
      () => terminalOptions({ ...base, method: 'pkexec', tools: { ...tools, pkexec: undefined } }),
      (e: unknown) => e instanceof TerminalSetupError && e.reason === 'no-pkexec',
    );
  });

  it('keeps a name that looks like an option as one data argument after "exec"', () => {
    const o = terminalOptions({ ...base, netns: '-n weird' });
    const i = o.shellArgs.indexOf('exec');
    assert.equal(o.shellArgs[i + 1], '-n weird');
    assert.ok(o.shellArgs.includes('NETNS=-n weird'));
    assert.match(o.commandLine, /exec '-n weird' /);
  });

  it('prefers the shell setting, then $SHELL, then /bin/bash', () => {
    assert.equal(resolveShell('/usr/bin/fish', '/bin/zsh'), '/usr/bin/fish');
    assert.equal(resolveShell('', '/bin/zsh'), '/bin/zsh');
    assert.equal(resolveShell('', undefined), '/bin/bash');
    assert.deepEqual(terminalOptions({ ...base, uid: 0, shell: '/bin/sh' }).shellArgs.slice(-2), ['/bin/sh', '-l']);
  });
});
