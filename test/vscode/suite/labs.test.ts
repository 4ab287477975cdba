// Example labs from the command: built in one batch with the namespaces named by the prefix the
// user gave (a taken prefix refused as it is typed), listed for removal, and removed in one action
// without touching a namespace that took one of the lab's names after the lab was built.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { LabRecord } from '../../../src/extension/labs/labRecords';
import { ip, linkNames, netnsNames, uniquePrefix } from '../../support/kernel';
import {useScriptedHost, waitFor } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

describe('example labs', function () {
  this.timeout(60_000);
  const P = uniquePrefix();
  let api: NetnsApi;

  const { host } = useScriptedHost(P, async (a) => {
    api = a;
  });

  it('builds the bridge lab under the prefix typed, refusing one whose names are taken', async () => {
    ip(['netns', 'add', `${P}x-h1`]);
    await waitFor(() => api.model.has(`${P}x-h1`), 10_000, `${P}x-h1 in the model`);
    let offered = '';
    host.picks.push((items) => items.find((i) => /bridge/.test(i.label)));
    host.inputs.push((o) => {
      offered = String(o.value);
      assert.match(String(o.validateInput!(`${P}x-`)), new RegExp(`${P}x-h1 already exists|이미 있습니다`));
      assert.equal(o.validateInput!(`${P}y-`), undefined);
      return `${P}y-`;
    });
    const lab = await run<LabRecord>('netns.createExampleLab');
    assert.ok(lab, JSON.stringify(host.shown));
    assert.equal(offered, 'br-', 'a free prefix is offered');
    assert.deepEqual(lab.namespaces.map((n) => n.name), ['h1', 'h2', 'h3', 'sw'].map((n) => `${P}y-${n}`));
    assert.ok(lab.namespaces.every((n) => n.inode === api.model.get(n.name)?.inode && n.inode > 0), 'recorded with their inodes');
    const ports = JSON.parse(ip(['-n', `${P}y-sw`, '-j', 'link', 'show', 'master', 'br0'])) as { ifname: string }[];
    assert.deepEqual(ports.map((p) => p.ifname).sort(), ['port1', 'port2', 'port3']);
    assert.deepEqual(host.unexpected, []);
  });

  it('removes only the namespaces the lab made, and leaves one that took a lab name later', async () => {
    const lab = (await run<LabRecord>('netns.createExampleLab', { lab: 'veth', prefix: `${P}v-` }))!;
    assert.ok(lab);
    // ns2 replaced by another namespace of the same name.
    ip(['netns', 'delete', `${P}v-ns2`]);
    ip(['netns', 'add', `${P}v-ns2`]);
    await api.model.refresh();
    let detail = '';
    host.warnings.push((_m, o, items) => {
      detail = String(o.detail);
      return items[0];
    });
    assert.equal(await run('netns.removeLab', `${P}v-`), true);
    assert.match(detail, new RegExp(`${P}v-ns1`));
    assert.match(detail, new RegExp(`(Left alone|그대로 둠).*${P}v-ns2`));
    assert.ok(!netnsNames().includes(`${P}v-ns1`), 'the lab namespace is gone');
    assert.ok(netnsNames().includes(`${P}v-ns2`), 'the namespace that is not the lab\'s stays');
    assert.deepEqual(linkNames(`${P}v-ns2`), ['lo']);
    host.picks.push((items) => items.find((i) => /bridge/.test(i.label)));
    host.warnings.push((_m, _o, items) => items[0]);
    assert.equal(await run('netns.removeLab'), true, 'the bridge lab, picked from the list');
    assert.deepEqual(netnsNames().filter((n) => n.startsWith(`${P}y-`)), []);
  });
});
