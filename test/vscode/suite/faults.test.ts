// Faults as the user meets them in the extension: the helper killed during an operation, and a
// namespace deleted behind the tree's back.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { Host } from '../../../src/extension/host';
import { cleanupOnExit, cleanupPrefix, ip, netnsNames, uniquePrefix } from '../../support/kernel';
import { childById, LIVE_MS, netnsApi, ScriptedHost, waitFor } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

describe('faults in the extension', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  let api: NetnsApi;
  const host = new ScriptedHost();
  let previous: Host;

  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
    previous = api.setHost(host);
    await api.client.start();
  });
  after(() => {
    api?.setHost(previous);
    cleanupPrefix(prefix);
  });
  beforeEach(() => host.reset());

  it('says so when the helper dies during an operation, restarts it on the next action, and the tree recovers', async () => {
    const state = api.client.state;
    assert.equal(state.kind, 'running');
    const oldPid = state.kind === 'running' ? state.hello.pid : 0;
    // Stopped first, so the request is surely in flight (written, unanswered) when it dies.
    process.kill(oldPid, 'SIGSTOP');
    const pending = Promise.resolve(run('netns.createNamespace', `${prefix}k1`)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    process.kill(oldPid, 'SIGKILL');
    await pending;
    await waitFor(() => host.errors().some((m) => /may or may not have taken effect/.test(m)), 5000, 'the lost-helper message');
    assert.ok(!netnsNames().includes(`${prefix}k1`), 'the stopped helper never ran it');

    assert.equal(await run<string>('netns.createNamespace', `${prefix}k2`), `${prefix}k2`, 'the next action works');
    const now = api.client.state;
    assert.equal(now.kind, 'running');
    assert.notEqual(now.kind === 'running' ? now.hello.pid : oldPid, oldPid, 'a new helper');
    assert.ok(netnsNames().includes(`${prefix}k2`));
    await waitFor(async () => (await childById(api, `ns:${prefix}k2`)) !== undefined, LIVE_MS, 'the tree shows it');

    // Live refresh came back with the new helper: a shell change shows without a refresh.
    ip(['netns', 'add', `${prefix}k3`]);
    await waitFor(async () => (await childById(api, `ns:${prefix}k3`)) !== undefined, LIVE_MS, 'a shell change after the restart');
  });

  it('starts a killed helper again by itself while the view is shown, and live updates resume without a refresh', async () => {
    await waitFor(() => api.client.state.kind === 'running', 10_000, 'a running helper');
    await new Promise((r) => setTimeout(r, 3500)); // it has run a while: not a helper that dies at start
    const state = api.client.state;
    const oldPid = state.kind === 'running' ? state.hello.pid : 0;
    assert.ok(api.treeView.visible, 'the view is shown');
    process.kill(oldPid, 'SIGKILL');
    await waitFor(() => api.client.state.kind === 'running' && api.client.state.hello.pid !== oldPid, 10_000, 'a new helper, with no request or refresh');
    // No command, no refresh: a shell change shows by itself.
    ip(['netns', 'add', `${prefix}k4`]);
    await waitFor(async () => (await childById(api, `ns:${prefix}k4`)) !== undefined, LIVE_MS, 'a shell change after the helper came back');
    assert.deepEqual(host.errors(), []);
  });

  it('says a namespace deleted behind the tree no longer exists, and the tree drops it', async () => {
    const gone = `${prefix}gone`;
    ip(['netns', 'add', gone]);
    await waitFor(async () => (await childById(api, `ns:${gone}`)) !== undefined, LIVE_MS, 'the namespace in the tree');
    ip(['netns', 'delete', gone]);
    await Promise.resolve(run('netns.setInterfaceUp', { netns: gone, name: 'lo' })).catch(() => undefined);
    assert.ok(host.errors().some((m) => m.includes(gone) && /does not exist|no longer exists/.test(m)), JSON.stringify(host.shown));
    await waitFor(async () => (await childById(api, `ns:${gone}`)) === undefined, LIVE_MS, 'the tree drops it');
  });
});
