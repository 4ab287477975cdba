// Processes started and ended outside VS Code show in the view by themselves, from the kernel's
// process events: under their namespace, and as unnamed namespaces while only processes hold them.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { NetnsApi } from '../../../src/extension/api';
import { cleanupOnExit, cleanupPrefix, ip, uniquePrefix } from '../../support/kernel';
import { childById, children, item, LIVE_MS, netnsApi, netnsInodeOf, sleeper, waitFor } from './extensionFixture';

describe('live processes', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  const ns = `${prefix}p1`;
  let api: NetnsApi;

  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
    assert.ok(api.treeView.visible, 'the view is visible');
    ip(['netns', 'add', ns]);
    await waitFor(() => api.model.has(ns), LIVE_MS, `${ns} in the model`);
  });
  after(() => cleanupPrefix(prefix));

  const pidsIn = (inode: number) => api.model.processesOf(inode)?.processes.map((p) => p.pid) ?? [];

  it('lists a process started with ip netns exec under its namespace, and drops it when it ends, with no refresh', async () => {
    const inode = netnsInodeOf(`/run/netns/${ns}`);
    const node = await childById(api, `ns:${ns}`);
    assert.ok(node);
    await children(api, node); // expanded, as a user looking at its Processes row
    const start = Date.now();
    const pid = await sleeper(ns);
    const seen = await waitFor(() => pidsIn(inode).includes(pid), LIVE_MS, `process ${pid} under ${ns}`);
    console.log(`      process ${pid} listed ${Date.now() - start} ms after the start (${seen} ms after it was sleep)`);
    const processes = (await children(api, node)).find((c) => c.kind === 'processes');
    assert.ok(processes);
    assert.match(String((await item(api, processes)).description), /^1\b/);

    const end = Date.now();
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !pidsIn(inode).includes(pid), LIVE_MS, `process ${pid} to leave ${ns}`);
    console.log(`      and dropped ${Date.now() - end} ms after it was killed`);
  });

  it('shows a namespace made with unshare -n while its process lives, and drops it after', async () => {
    const pid = await sleeper(undefined);
    const inode = fs.statSync(`/proc/${pid}/ns/net`).ino;
    const start = Date.now();
    await waitFor(() => api.model.unnamed().some((p) => p.inode === inode), LIVE_MS, 'the unnamed namespace');
    console.log(`      unnamed namespace listed ${Date.now() - start} ms after its process was sleep`);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !api.model.unnamed().some((p) => p.inode === inode), LIVE_MS, 'the unnamed namespace to go');
  });
});
