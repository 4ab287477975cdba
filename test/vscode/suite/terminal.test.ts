// Terminals inside a namespace: from the command (with a name, or asking), the contributed terminal
// profile, and the host's plain shell. VS Code runs as root here, so the shell runs as root
// directly (`ip netns exec NS SHELL -l`), and its process is really in the namespace.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { Host } from '../../../src/extension/host';
import { cleanupOnExit, cleanupPrefix, ip, IP, uniquePrefix } from '../../support/kernel';
import { netnsApi, netnsInodeOf, pickLabel, ScriptedHost, waitFor } from './extensionFixture';

describe('namespace terminals', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  const ns = `${prefix}term`;
  let api: NetnsApi;
  const host = new ScriptedHost();
  let previous: Host;
  const opened: vscode.Terminal[] = [];

  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
    previous = api.setHost(host);
    ip(['netns', 'add', ns]);
    await api.model.refresh();
  });

  after(async () => {
    for (const t of opened) {
      t.dispose();
    }
    api?.setHost(previous);
    await new Promise((r) => setTimeout(r, 300));
    cleanupPrefix(prefix);
  });

  beforeEach(() => host.reset());

  it('opens a shell inside the namespace, named after it, with NETNS set', async () => {
    const t = await vscode.commands.executeCommand<vscode.Terminal>('netns.openTerminal', ns);
    assert.ok(t);
    opened.push(t);
    assert.equal(t.name, `netns: ${ns}`);
    const o = t.creationOptions as vscode.TerminalOptions;
    assert.equal(o.shellPath, IP);
    assert.deepEqual(o.shellArgs?.slice(0, 3), ['netns', 'exec', ns]);
    assert.equal((o.shellArgs as string[]).at(-1), '-l');
    assert.deepEqual(o.env, { NETNS: ns });
    assert.ok(o.iconPath instanceof vscode.ThemeIcon);

    const pid = await t.processId;
    assert.ok(pid);
    // ip netns exec replaces itself with the shell, inside the namespace.
    await waitFor(() => {
      try {
        return netnsInodeOf(`/proc/${pid}/ns/net`) === netnsInodeOf(`/run/netns/${ns}`);
      } catch {
        return false;
      }
    }, 5000, 'the terminal process to enter the namespace');
    const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    assert.ok(env.includes(`NETNS=${ns}`));
  });

  it('asks which namespace when called without one', async () => {
    host.picks.push(pickLabel(ns));
    const t = await vscode.commands.executeCommand<vscode.Terminal>('netns.openTerminal');
    assert.ok(t);
    opened.push(t);
    assert.equal(t.name, `netns: ${ns}`);
  });

  it('opens a normal shell for the host', async () => {
    const t = await vscode.commands.executeCommand<vscode.Terminal>('netns.openTerminal', null);
    assert.ok(t);
    opened.push(t);
    const o = t.creationOptions as vscode.TerminalOptions;
    assert.notEqual(o.shellPath, IP);
    assert.deepEqual(o.shellArgs, []);
  });

  it('offers a terminal profile that asks for the namespace', async () => {
    host.picks.push((items) => {
      assert.ok(items.some((i) => i.label === ns));
      return items.find((i) => i.label === ns);
    });
    const profile = await api.terminalProfileProvider.provideTerminalProfile(new vscode.CancellationTokenSource().token);
    assert.ok(profile);
    const o = profile.options as vscode.TerminalOptions;
    assert.equal(o.name, `netns: ${ns}`);
    assert.deepEqual(o.shellArgs?.slice(0, 3), ['netns', 'exec', ns]);
    const pkg = vscode.extensions.getExtension('vscode-netns.vscode-netns')!.packageJSON as {
      contributes: { terminal: { profiles: { id: string }[] } };
    };
    assert.deepEqual(pkg.contributes.terminal.profiles.map((p) => p.id), ['netns.terminalProfile']);
  });
});
