// How the commands word what they ask and what they do, as the user reads it: one process inside
// a namespace to delete, the process whose namespace gets a name, a move into a process's
// namespace, and the palette titles of the interface commands.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { Host } from '../../../src/extension/host';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { cleanupOnExit, cleanupPrefix, ip, IP, linkNames, netnsNames, uniquePrefix } from '../../support/kernel';
import { EXTENSION_ID, killSleepers, netnsApi, ScriptedHost, sleeper } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

describe('command wording', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  let api: NetnsApi;
  const host = new ScriptedHost();
  let previous: Host;

  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
    previous = api.setHost(host);
  });
  after(() => {
    killSleepers();
    api?.setHost(previous);
    cleanupPrefix(prefix);
  });
  beforeEach(() => host.reset());
  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log(`shown: ${JSON.stringify(host.shown)}\nprogress: ${JSON.stringify([host.progressTitles, host.progressMessages])}`);
    }
  });

  it('says "1 process is still inside", not "1 processes"', async () => {
    const ns = `${prefix}p1`;
    ip(['netns', 'add', ns]);
    await sleeper(ns);
    let detail = '';
    host.warnings.push((_m, o) => {
      detail = o.detail ?? '';
      return undefined; // cancel: only the wording is under test
    });
    assert.equal(await run('netns.deleteNamespace', ns), undefined);
    assert.match(detail, /1 process is still inside \(.*sleep.*\)\. The namespace lives on without a name until it exits\.|프로세스 1개/);
    assert.doesNotMatch(detail, /1 processes/);
    assert.ok(netnsNames().includes(ns), 'cancelled: nothing deleted');
  });

  /** A namespace of this run with both ends of a veth in it, in the model: the end to move. */
  async function namespaceWithVeth(tag: string): Promise<{ ns: string; end: string }> {
    const ns = `${prefix}${tag}ns`;
    const end = `${prefix}${tag}1`;
    ip(['netns', 'add', ns]);
    ip(['link', 'add', end, 'netns', ns, 'type', 'veth', 'peer', 'name', `${prefix}${tag}2`, 'netns', ns]);
    await api.model.refreshNamespaces([ns], true);
    return { ns, end };
  }

  it('names the process (PID and command) when asking for its namespace\'s name', async () => {
    const pid = await sleeper(undefined);
    let prompt = '';
    host.inputs.push((o) => {
      prompt = o.prompt ?? '';
      return undefined;
    });
    assert.equal(await run('netns.attachProcessNamespace', { pid }), undefined);
    assert.match(prompt, new RegExp(`${pid} \\(/bin/sleep 600\\)`));
  });

  it('titles a move into a process\'s namespace by the process, and reports no item name for one move', async () => {
    const { ns, end } = await namespaceWithVeth('m');
    const pid = await sleeper(undefined);
    await run('netns.moveInterface', { netns: ns, name: end }, { toPid: pid });
    assert.ok(!linkNames(ns).includes(end), 'moved out');
    const inThere = execFileSync('/usr/bin/nsenter', [`--net=/proc/${pid}/ns/net`, IP, '-o', 'link', 'show'], { encoding: 'utf8' });
    assert.match(inThere, new RegExp(`: ${end}@`), 'now in the process\'s namespace');
    assert.equal(host.progressTitles.length, 1);
    assert.match(host.progressTitles[0], new RegExp(`${end}.*${pid} \\(/bin/sleep 600\\)`));
    assert.doesNotMatch(host.progressTitles[0], /: /);
    assert.deepEqual(host.progressMessages, [], 'one interface: its name is in the title already');
  });

  it('names a process by what it runs now, not by the process list read before its exec', async () => {
    const { ns, end } = await namespaceWithVeth('x');
    // A shell in a namespace of its own that waits for a line, then becomes sleep.
    const child = spawn('/usr/bin/unshare', ['--net', '/bin/sh', '-c', 'read x; exec /bin/sleep 600'], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      const comm = () => fs.readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim();
      for (let i = 0; i < 250 && comm() !== 'sh'; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await api.model.refreshProcesses(0); // the list now holds the shell
      child.stdin!.write('\n');
      for (let i = 0; i < 250 && comm() !== 'sleep'; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      host.progressTitles.length = 0;
      await run('netns.moveInterface', { netns: ns, name: end }, { toPid: child.pid });
      assert.match(host.progressTitles[0] ?? '', new RegExp(`${end}.*${child.pid} \\(/bin/sleep 600\\)`));
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('titles the interface state commands "Set Interface Up" and "Set Interface Down" in the palette', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const cmds = (ext.packageJSON as { contributes: { commands: { command: string; title: string }[] } }).contributes.commands;
    const title = (id: string) => cmds.find((c) => c.command === id)?.title;
    assert.match(String(title('netns.setInterfaceUp')), /^(Set Interface Up|인터페이스 활성화\(up\))$/);
    assert.match(String(title('netns.setInterfaceDown')), /^(Set Interface Down|인터페이스 비활성화\(down\))$/);
  });
});
