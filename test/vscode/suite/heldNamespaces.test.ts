// A namespace that no process is in and that /run/netns does not name, kept only by a bind mount
// elsewhere (as Docker keeps its own in /var/run/docker/netns): the unnamed group lists it by the
// path it is mounted on.

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import { uniquePrefix } from '../../support/kernel';
import { childById, label, netnsApi } from './extensionFixture';

describe('namespaces held by a bind mount', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  let api: NetnsApi;
  let dir: string;
  let file: string;

  before(async () => {
    api = await netnsApi();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-held-`));
    file = path.join(dir, 'netns');
    fs.writeFileSync(file, '');
    execFileSync('/usr/bin/unshare', [`--net=${file}`, '/bin/true']);
  });

  after(() => {
    if (dir) {
      spawnSync('/usr/bin/umount', ['-l', file], { stdio: 'ignore' });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows it in the unnamed group by its mount path, as a bind mount, with its id', async () => {
    const inode = fs.statSync(file).ino;
    await api.model.refreshProcesses(0);
    const group = await childById(api, 'unnamed');
    assert.ok(group, 'no "Unnamed namespaces" group');
    const node = (await childById(api, `unnamed:${inode}`, group)) as TreeNode;
    assert.ok(node, `unnamed:${inode} missing`);
    const it = await api.treeProvider.getTreeItem(node);
    assert.equal(label(it), file);
    assert.match(String(it.description), new RegExp(`net:\\[${inode}\\]`));
    assert.equal(it.contextValue, 'heldNamespace', 'no process to name it by');
    assert.equal((it.iconPath as vscode.ThemeIcon).id, 'pin');
    const tip = it.tooltip as vscode.MarkdownString;
    assert.ok(tip.value.includes(file), 'the tooltip lists the mount');
  });
});
