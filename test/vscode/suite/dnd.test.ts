// Drag and drop in the tree: interfaces dragged onto a namespace (or onto an interface in it)
// move there, through the controller VS Code calls.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { Host } from '../../../src/extension/host';
import { cleanupOnExit, cleanupPrefix, ip, links, uniquePrefix } from '../../support/kernel';
import { childById, netnsApi, ScriptedHost } from './extensionFixture';

const MIME = 'application/vnd.code.tree.netns.namespaces';

describe('drag and drop', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  const from = `${prefix}f`;
  const to = `${prefix}g`;
  const [a, b, c] = ['x1', 'x2', 'x3'].map((s) => prefix + s);
  let api: NetnsApi;
  const host = new ScriptedHost();
  let previous: Host;
  const names = (ns: string) => links(ns).map((l) => l.ifname);

  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
    previous = api.setHost(host);
    ip(['netns', 'add', from]);
    ip(['netns', 'add', to]);
    for (const d of [a, b, c]) {
      ip(['-n', from, 'link', 'add', 'name', d, 'type', 'veth', 'peer', 'name', `${d}p`]);
    }
    await api.model.refresh();
  });

  after(() => {
    api?.setHost(previous);
    cleanupPrefix(prefix);
  });

  it('declares the tree\'s mime type for drag and drop', () => {
    assert.deepEqual(api.dragAndDrop.dropMimeTypes, [MIME]);
    assert.deepEqual(api.dragAndDrop.dragMimeTypes, [MIME]);
  });

  it('moves two dragged interfaces onto a namespace node', async () => {
    const fromNode = (await childById(api, `ns:${from}`))!;
    const nodeA = (await childById(api, `ns:${from}/if:${a}`, fromNode))!;
    const nodeB = (await childById(api, `ns:${from}/if:${b}`, fromNode))!;
    const toNode = (await childById(api, `ns:${to}`))!;
    const transfer = new vscode.DataTransfer();
    await api.dragAndDrop.handleDrag!([nodeA, nodeB], transfer);
    assert.deepEqual(transfer.get(MIME)?.value, [
      { netns: from, name: a },
      { netns: from, name: b },
    ]);
    await api.dragAndDrop.handleDrop!(toNode, transfer);
    assert.ok(names(to).includes(a) && names(to).includes(b));
    assert.ok(!names(from).includes(a) && !names(from).includes(b));
    assert.deepEqual(host.errors(), []);
    // The tree shows them under the target.
    assert.ok(await childById(api, `ns:${to}/if:${a}`, toNode));
  });

  it('moves an interface dropped onto an interface into that interface\'s namespace', async () => {
    const toNode = (await childById(api, `ns:${to}`))!;
    const onto = (await childById(api, `ns:${to}/if:${a}`, toNode))!;
    const transfer = new vscode.DataTransfer();
    transfer.set(MIME, new vscode.DataTransferItem([{ netns: from, name: c }]));
    await api.dragAndDrop.handleDrop!(onto, transfer);
    assert.ok(names(to).includes(c));
  });

  it('does not drag the loopback device', async () => {
    const fromNode = (await childById(api, `ns:${from}`))!;
    const lo = (await childById(api, `ns:${from}/if:lo`, fromNode))!;
    const transfer = new vscode.DataTransfer();
    await api.dragAndDrop.handleDrag!([lo], transfer);
    assert.equal(transfer.get(MIME), undefined);
  });
});
