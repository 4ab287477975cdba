// A plain file in /run/netns, as the user meets it: its own row ("not a namespace", a file icon, no
// children), creating that name says the file is in the way, moving into it is refused in the
// helper's words, and deleting it asks about a file, not a namespace, then removes only the file.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { Host } from '../../../src/extension/host';
import { cleanupOnExit, cleanupPrefix, ip, linkNames, netnsNames, uniquePrefix } from '../../support/kernel';
import { childById, children, item, label, netnsApi, ScriptedHost, waitFor } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

describe('a plain file in /run/netns', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  const file = `${prefix}f`;
  const real = `${prefix}n`;
  const veth = `${prefix}v`;
  const filePath = `/run/netns/${file}`;
  let api: NetnsApi;
  const host = new ScriptedHost();
  let previous: Host;

  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
    previous = api.setHost(host);
    ip(['netns', 'add', real]);
    ip(['link', 'add', veth, 'netns', real, 'type', 'veth', 'peer', 'name', `${prefix}w`, 'netns', real]);
    fs.writeFileSync(filePath, '');
    await waitFor(() => api.model.get(file)?.notNamespace === 'file', 10_000, `${file} to be in the model as a file`);
  });

  after(() => {
    api?.setHost(previous);
    fs.rmSync(filePath, { force: true });
    cleanupPrefix(prefix);
  });

  beforeEach(() => host.reset());
  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log(`shown: ${JSON.stringify(host.shown)}\nunexpected prompts: ${JSON.stringify(host.unexpected)}`);
    }
  });

  it('shows as not a namespace, with its own contextValue and icon, and no children', async () => {
    const node = await childById(api, `ns:${file}`);
    assert.ok(node, `${file} is listed`);
    const it = await item(api, node);
    assert.equal(label(it), file);
    assert.equal(it.contextValue, 'notNamespace.file');
    assert.match(String(it.description), /^(not a namespace|네임스페이스 아님)$/);
    assert.doesNotMatch(String(it.description), /cannot be read|net:\[0\]/);
    assert.equal((it.iconPath as vscode.ThemeIcon).id, 'file');
    assert.equal(it.collapsibleState, vscode.TreeItemCollapsibleState.None);
    assert.deepEqual(await children(api, node), []);
    const tip = (it.tooltip as vscode.MarkdownString).value;
    assert.match(tip, /a file, not a namespace|네임스페이스가 아닌 파일/);
    assert.doesNotMatch(tip, /net:\\?\[0\\?\]/);
  });

  it('is in the way of a namespace of that name, and the input box says it is a file', async () => {
    host.inputs.push((o) => {
      const problem = o.validateInput!(file);
      assert.match(String(problem), /A file named .* is in the way|파일이 있어/);
      return undefined;
    });
    assert.equal(await run('netns.createNamespace'), undefined);
    assert.deepEqual(host.unexpected, []);
    // Asked without the input box, the helper says the same.
    assert.equal(await run('netns.createNamespace', file), undefined);
    assert.match(host.errors()[0] ?? '', /is in the way|파일이 있어/);
    assert.ok(fs.statSync(filePath).isFile());
  });

  it('is not offered as a destination, and a move into it is refused in the helper\'s words', async () => {
    host.picks.push((items) => {
      assert.ok(!items.some((i) => i.label === file), 'the file is not offered as a namespace');
      return undefined;
    });
    assert.equal(await run('netns.moveInterface', { netns: real, name: veth }), undefined);
    assert.equal(await run('netns.moveInterface', { netns: real, name: veth }, { to: file }), undefined);
    assert.match(host.errors()[0] ?? '', /is not a namespace|네임스페이스가 아니므로/);
    assert.ok(linkNames(real).includes(veth), 'the interface stayed where it was');
  });

  it('is deleted only after a prompt that says it is a file, and only the file goes', async () => {
    const node = (await childById(api, `ns:${file}`))!;
    let asked: { message: string; detail?: string; items: string[] } | undefined;
    host.warnings.push((message, options, items) => {
      asked = { message, detail: options.detail, items };
      return items[0];
    });
    assert.deepEqual(await run('netns.deleteNamespace', node), [file]);
    assert.ok(asked);
    assert.match(asked.message, new RegExp(`${filePath}.*(It is not a namespace|네임스페이스가 아닙니다)`));
    assert.match(asked.detail ?? '', /Only that file is removed|그 파일만 삭제됩니다/);
    assert.equal(asked.items.length, 1);
    assert.match(asked.items[0], /^(Delete File|파일 삭제)$/);
    assert.equal(fs.existsSync(filePath), false, 'the file is gone');
    assert.ok(netnsNames().includes(real), 'the namespace next to it is untouched');
    await waitFor(async () => (await childById(api, `ns:${file}`)) === undefined, 10_000, `${file} to leave the view`);
  });
});
