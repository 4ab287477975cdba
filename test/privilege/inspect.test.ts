// Inspecting namespaces as an ordinary user through the installed launcher (the README's sudoers
// line): the host's firewall is refused under host-firewall; root's sockets show with their
// process by name, never with root's descriptor numbers; /etc/netns files only as the user could
// read them, a symlink there never followed; a namespace of the user's own user namespace refused.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { FirewallResult, NetnsFilesResult, SocketsResult } from '../../src/core/inspect/types';
import { findProgram } from '../../src/platform/programs';
import { allowLauncher, assertRefused, attackSkip, call, installAsRoot, launcherAsUser } from '../support/attack';
import type { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, IP, ip, netnsNames, uniquePrefix } from '../support/kernel';
import { createTestUser, runCleanups, type TestUser } from '../support/testUser';

const skip = attackSkip();
const P = uniquePrefix();
cleanupOnExit(P);
const NS = `${P}pi`;
const ETC = `/etc/netns/${NS}`;
const etcExisted = fs.existsSync('/etc/netns');

describe('inspection, asked for by an ordinary user through the installed launcher', { skip, timeout: 300_000 }, () => {
  let user: TestUser;
  let h: HelperProcess;
  let server: ChildProcess | undefined;

  before(async () => {
    ip(['netns', 'add', NS]);
    ip(['-n', NS, 'link', 'set', 'lo', 'up']);
    const script = `require('net').createServer().listen(4733, '127.0.0.1', () => process.stdout.write('ready\\n')); setInterval(() => {}, 1000);`;
    server = spawn(IP, ['netns', 'exec', NS, findProgram('node') ?? process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve, reject) => {
      server!.stdout!.once('data', () => resolve());
      server!.once('exit', (code) => reject(new Error(`the listener exited (${code})`)));
    });
    fs.mkdirSync(ETC, { recursive: true });
    fs.writeFileSync(`${ETC}/resolv.conf`, 'nameserver 10.73.0.53\n', { mode: 0o644 });
    fs.writeFileSync(`${ETC}/secret`, 'root only\n', { mode: 0o600 });
    fs.symlinkSync('/etc/shadow', `${ETC}/shadow`);
    user = createTestUser();
    await installAsRoot();
    allowLauncher(user);
    h = launcherAsUser(user);
  });

  after(async () => {
    server?.kill('SIGKILL');
    await h?.close();
    fs.rmSync(ETC, { recursive: true, force: true });
    if (!etcExisted && fs.existsSync('/etc/netns') && fs.readdirSync('/etc/netns').length === 0) {
      fs.rmdirSync('/etc/netns');
    }
    cleanupPrefix(P);
    runCleanups();
    assert.deepEqual(netnsNames().filter((n) => n.includes(P)), [], 'no namespace of the test is left');
  });

  it('the host\'s firewall: refused under host-firewall, saying where to read it', async () => {
    assertRefused(await call(h, 'readFirewall', { netns: null }), 'host-firewall', ['sudo nft list ruleset'], 'the host firewall');
    const ns = await call(h, 'readFirewall', { netns: NS });
    assert.ok(ns.ok, `a namespace's firewall is shown: ${JSON.stringify(ns.error)}`);
    assert.ok(['nft', 'iptables-legacy', null].includes((ns.result as FirewallResult).tool));
  });

  it("root's listener: by PID and command name, never root's descriptor number", async () => {
    const r = await call(h, 'readSockets', { netns: NS });
    assert.ok(r.ok, JSON.stringify(r.error));
    const s = (r.result as SocketsResult).sockets.find((x) => x.localPort === 4733);
    assert.ok(s, 'the listener is listed');
    assert.deepEqual(s.owners, [{ pid: server!.pid, command: 'node', user: 'root' }]);
  });

  it('/etc/netns files: only those the user could read, and never through a symlink', async () => {
    const r = await call(h, 'readNetnsFiles', { netns: NS });
    assert.ok(r.ok, JSON.stringify(r.error));
    const files = (r.result as NetnsFilesResult).files;
    assert.equal(files.find((f) => f.name === 'resolv.conf')?.text, 'nameserver 10.73.0.53\n');
    assert.deepEqual(files.find((f) => f.name === 'secret'), { name: 'secret', size: 10, skipped: 'notReadable' });
    assert.deepEqual(files.find((f) => f.name === 'shadow'), { name: 'shadow', size: 0, skipped: 'symlink' });
    assert.ok(!JSON.stringify(r.result).includes('root only') && !JSON.stringify(r.result).includes('root:'), 'nothing of either');
  });

  it('a name that is not a namespace, or hostile: refused before anything is read', async () => {
    for (const op of ['readSockets', 'readFirewall', 'readSysctls', 'readNeighbours', 'readRules', 'readNetnsFiles']) {
      assert.equal((await call(h, op, { netns: '../../etc/shadow' })).error?.code, 'EINVAL', `${op}: a path is not a name`);
      assert.equal((await call(h, op, { netns: `${P}none` })).error?.code, 'ENOENT', `${op}: a namespace that does not exist`);
    }
  });
});
