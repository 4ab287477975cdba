// The tree with 1000 namespaces (500 veth pairs joining them): they all arrive through change
// events, the root lists quickly, and a change in one namespace reads and redraws only that one
// (and the namespace at the other end of its veth), not the whole tree.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NetnsApi } from '../../../src/extension/api';
import type { ModelChange } from '../../../src/extension/model/namespaceStore';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import { cleanupOnExit, cleanupPrefix, IP, ip, uniquePrefix } from '../../support/kernel';
import { childById, children, netnsApi, waitFor } from './extensionFixture';

const COUNT = 1000;

function batch(lines: string[]): void {
  const file = path.join(os.tmpdir(), `netns-batch-${process.pid}-${Date.now()}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  try {
    execFileSync(IP, ['-b', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    fs.rmSync(file, { force: true });
  }
}

describe('1000 namespaces', function () {
  this.timeout(180_000);
  const prefix = uniquePrefix();
  const name = (i: number) => `${prefix}s${String(i).padStart(4, '0')}`;
  let api: NetnsApi;

  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
  });

  after(async () => {
    const mine = fs.readdirSync('/run/netns').filter((n) => n.startsWith(prefix));
    if (mine.length > 0) {
      batch(mine.map((n) => `netns delete ${n}`));
    }
    cleanupPrefix(prefix);
    await waitFor(() => !api.model.names().some((n) => n.startsWith(prefix)), 30_000, 'the namespaces to leave the model').catch(() => 0);
  });

  it('picks up 1000 new namespaces from change events and lists them quickly', async () => {
    const lines: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      lines.push(`netns add ${name(i)}`);
    }
    for (let i = 0; i < COUNT; i += 2) {
      lines.push(`link add name ${prefix}v${i} netns ${name(i)} type veth peer name ${prefix}v${i + 1} netns ${name(i + 1)}`);
    }
    const start = Date.now();
    batch(lines);
    const made = Date.now() - start;
    await waitFor(
      () => api.model.names().filter((n) => n.startsWith(prefix)).length === COUNT,
      60_000,
      `${COUNT} namespaces in the model`,
    );
    // Settle: every namespace read with its veth.
    await waitFor(
      () => api.model.get(name(COUNT - 1))?.interfaces.some((i) => i.kind === 'veth') ?? false,
      30_000,
      'the last veth in the model',
    );
    console.log(`      made in ${made} ms; in the model ${Date.now() - start - made} ms later`);

    const t0 = Date.now();
    const roots = await children(api);
    await Promise.all(roots.map((r) => api.treeProvider.getTreeItem(r)));
    const listMs = Date.now() - t0;
    console.log(`      root children and their items: ${roots.length} in ${listMs} ms`);
    assert.ok(roots.length >= COUNT + 1);
    assert.ok(listMs < 500, `listing took ${listMs} ms`);

    const t1 = Date.now();
    await api.model.refresh();
    console.log(`      full refresh of ${api.model.all().length} namespaces: ${Date.now() - t1} ms`);
  });

  it('reads and redraws only the namespace that changed', async () => {
    const target = name(500);
    const n = (await childById(api, `ns:${target}`))!;
    const veth = (await children(api, n)).find((c) => c.kind === 'interface' && c.name.startsWith(`${prefix}v`));
    assert.ok(veth && veth.kind === 'interface');
    assert.equal(veth.iface.peer?.netns, name(501));

    const changes: ModelChange[] = [];
    const fired: (TreeNode | TreeNode[] | undefined)[] = [];
    const s1 = api.model.onDidChange((c) => changes.push(c));
    const s2 = api.treeProvider.onDidChangeTreeData((e) => fired.push(e ?? undefined));
    try {
      const start = Date.now();
      ip(['-n', target, 'address', 'add', '10.234.0.1/24', 'dev', veth.name]);
      await waitFor(
        () => api.model.get(target)?.interfaces.some((i) => i.addresses.some((a) => a.address === '10.234.0.1')) ?? false,
        1000,
        'the address in the model',
      );
      console.log(`      address shown after ${Date.now() - start} ms`);
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(changes.every((c) => !c.all && !c.names), 'no full read');
      const read = new Set(changes.flatMap((c) => c.namespaces));
      assert.ok(read.has(target));
      assert.ok([...read].every((ns) => ns === target), `only ${target} changed, not ${[...read].join(', ')}`);
      assert.ok(fired.length > 0 && fired.every((e) => e !== undefined), 'the whole tree was not redrawn');
      // Process rows (and the unnamed group) are redrawn whenever their processes change (any process on the machine,
      // the ip command above included, see liveProcesses.test.ts); every other redraw is the target's.
      // So is a namespace whose listening sockets changed (read in the background; the host's change
      // with whatever else runs on the machine): it comes with its Listening group.
      const all = fired.flatMap((e) => (Array.isArray(e) ? e : [e]));
      const socketsRedrawn = new Set(all.filter((x) => x?.kind === 'listening').map((x) => x!.id.replace(/\/listening$/, '')));
      const nodes = all.filter((x) => x?.kind !== 'processes' && x?.kind !== 'unnamedGroup' && x?.kind !== 'listening' && !(x && socketsRedrawn.has(x.id) && x.id !== `ns:${target}`));
      assert.ok(nodes.length > 0 && nodes.every((x) => x && x.kind === 'namespace' && x.netns === target), JSON.stringify(nodes.map((x) => x?.id)));
    } finally {
      s1.dispose();
      s2.dispose();
    }
  });
});
