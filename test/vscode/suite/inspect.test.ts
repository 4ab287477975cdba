// Inspecting a namespace from VS Code: the Inspect Namespace document (every part, read from the
// kernel: a listening process with its PID, an nftables rule, /etc/netns files), read again while
// it is open; one part from the palette with the namespace picker; the socket count and the
// "Listening" group in the tree.

import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import { findProgram } from '../../../src/platform/programs';
import { IP, ip, uniquePrefix } from '../../support/kernel';
import { childById, children, item, label, pickLabel, useScriptedHost, waitFor } from './extensionFixture';

const prefix = uniquePrefix();
const ns = `${prefix}in`;
const peer = `${prefix}ip`;
const va = `${prefix}va`;
const vb = `${prefix}vb`;
const etc = `/etc/netns/${ns}`;
const NFT = findProgram('nft');
const etcExisted = fs.existsSync('/etc/netns');

/** A node process listening inside the namespace; resolves once it listens. */
function listener(port: number): Promise<ChildProcess> {
  const script = `require('net').createServer().listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n')); setInterval(() => {}, 1000);`;
  const child = spawn(IP, ['netns', 'exec', ns, findProgram('node') ?? process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the listener exited (${code})`)));
  });
}

describe('inspecting a namespace', function () {
  this.timeout(60_000);
  const started: ChildProcess[] = [];
  let server: ChildProcess;

  const { host, api } = useScriptedHost(prefix, async (a) => {
    ip(['netns', 'add', ns]);
    ip(['netns', 'add', peer]);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    ip(['-n', ns, 'link', 'add', va, 'type', 'veth', 'peer', 'name', vb, 'netns', peer]);
    ip(['-n', ns, 'addr', 'add', '10.71.0.1/24', 'dev', va]);
    ip(['-n', ns, 'link', 'set', va, 'up']);
    ip(['-n', peer, 'link', 'set', vb, 'up']);
    fs.mkdirSync(etc, { recursive: true });
    fs.writeFileSync(`${etc}/resolv.conf`, 'nameserver 10.71.0.53\n');
    if (NFT) {
      execFileSync(IP, ['netns', 'exec', ns, NFT, 'add', 'table', 'inet', `${prefix}t`]);
      execFileSync(IP, ['netns', 'exec', ns, NFT, 'add', 'chain', 'inet', `${prefix}t`, 'input', '{ type filter hook input priority 0; policy accept; }']);
      execFileSync(IP, ['netns', 'exec', ns, NFT, 'add', 'rule', 'inet', `${prefix}t`, 'input', 'tcp', 'dport', '4799', 'drop']);
    }
    server = await listener(4711);
    started.push(server);
    await waitFor(() => a.model.has(ns) && a.model.has(peer), 5000, `${ns} in the model`);
  });

  after(async () => {
    for (const c of started) {
      c.kill('SIGKILL');
    }
    await vscode.workspace.getConfiguration('netns').update('inspect.refreshSeconds', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(etc, { recursive: true, force: true });
    if (!etcExisted && fs.existsSync('/etc/netns') && fs.readdirSync('/etc/netns').length === 0) {
      fs.rmdirSync('/etc/netns');
    }
  });

  it('opens every part of a namespace in one read-only, coloured document', async () => {
    const doc = (await vscode.commands.executeCommand('netns.inspectNamespace', ns)) as vscode.TextDocument;
    assert.ok(doc, 'the command returns the document');
    assert.equal(doc.uri.scheme, 'netns-inspect');
    assert.equal(doc.languageId, 'netns-inspect');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), doc.uri.toString(), 'it is shown');
    const text = doc.getText();
    for (const heading of ['Interfaces', 'Routing rules and tables', 'Neighbours (ARP, NDP)', 'Sockets', 'Firewall', 'Sysctls', `/etc/netns/${ns}`]) {
      assert.ok(text.includes(`== ${heading} ==`), `the ${heading} section in:\n${text}`);
    }
    assert.match(text, new RegExp(`^== Namespace ${ns} ==$`, 'm'));
    assert.match(text, new RegExp(`\\d+: ${va}  UP  veth`));
    assert.match(text, /^ {4}inet 10\.71\.0\.1\/24$/m);
    assert.match(text, new RegExp(`^tcp +LISTEN .*127\\.0\\.0\\.1:4711 .*\\(pid ${server.pid}, fd \\d+, root\\)`, 'm'), 'the listener with its PID');
    assert.match(text, /^ {4}0:\tfrom all lookup local$/m);
    assert.match(text, /^ {4}10\.71\.0\.0\/24 dev \S+ proto kernel scope link src 10\.71\.0\.1$/m);
    assert.match(text, new RegExp(`^net\\.ipv4\\.conf\\.${va}\\.rp_filter = \\d$`, 'm'));
    assert.match(text, /^-- resolv\.conf --\nnameserver 10\.71\.0\.53$/m);
    if (NFT) {
      assert.match(text, new RegExp(`table inet ${prefix}t \\{`));
      assert.match(text, /tcp dport 4799 drop/);
    }
    assert.deepEqual(host.errors(), []);
  });

  it('reads the document again while it is open: a new address and a new listener show by themselves', async () => {
    await vscode.workspace.getConfiguration('netns').update('inspect.refreshSeconds', 1, vscode.ConfigurationTarget.Global);
    const doc = (await vscode.commands.executeCommand('netns.inspectNamespace', ns)) as vscode.TextDocument;
    ip(['-n', ns, 'addr', 'add', '10.72.0.1/24', 'dev', va]);
    const start = Date.now();
    await waitFor(() => doc.getText().includes('inet 10.72.0.1/24'), 10_000, 'the new address in the document');
    console.log(`      a new address showed ${Date.now() - start} ms after ip addr add`);
    const second = await listener(4712);
    started.push(second);
    const t2 = Date.now();
    await waitFor(() => new RegExp(`127\\.0\\.0\\.1:4712 .*pid ${second.pid}`).test(doc.getText()), 10_000, 'the second listener in the document');
    console.log(`      a new listener showed ${Date.now() - t2} ms after it listened`);
  });

  it('shows one part from the palette, asking for the namespace', async () => {
    host.picks.push(pickLabel(ns));
    const doc = (await vscode.commands.executeCommand('netns.showSockets')) as vscode.TextDocument;
    assert.ok(doc);
    const text = doc.getText();
    assert.ok(text.includes('== Sockets =='));
    assert.ok(!text.includes('== Interfaces =='), 'only the sockets');
    assert.match(text, /127\.0\.0\.1:4711/);
    assert.deepEqual(host.unexpected, []);
    const files = (await vscode.commands.executeCommand('netns.showNamespaceFiles', null)) as vscode.TextDocument;
    assert.match(files.getText(), /The host has no \/etc\/netns folder/);
  });

  it('counts the sockets on the namespace row and lists the listeners under "Listening"', async () => {
    const a = api();
    const nsRow = async () => (await childById(a, `ns:${ns}`))!;
    const kids = await children(a, await nsRow());
    const listening = kids.find((k) => k.kind === 'listening') as TreeNode;
    assert.ok(listening, 'a Listening group');
    const rows = await Promise.all((await children(a, listening)).map((c) => item(a, c)));
    // Both listeners (the second one started by the test before), counted on the row.
    await waitFor(async () => /2 listening/.test(String((await item(a, await nsRow())).description)), 10_000, 'the socket count on the row');
    const row = await item(a, await nsRow());
    assert.match(String(row.description), /^2 interfaces · 2 listening/);
    assert.match(String((row.tooltip as vscode.MarkdownString).value).replace(/\\/g, ''), /Sockets: \d+ \(2 listening\)/);
    const group = await item(a, listening);
    assert.equal(label(group), 'Listening');
    assert.equal(group.description, '2');
    const mine = rows.find((r) => label(r) === 'tcp 127.0.0.1:4711');
    assert.ok(mine, `tcp 127.0.0.1:4711 among ${rows.map(label).join(', ')}`);
    assert.equal(mine.description, `node · PID ${server.pid}`);
    assert.match(String((mine.tooltip as vscode.MarkdownString).value).replace(/\\/g, ''), /Processes: node \(pid \d+, fd \d+, root\)/);
  });
});
