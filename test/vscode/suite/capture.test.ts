// Packet captures from the editor: started by the command on an interface, a ping between two
// namespaces shows up live (decoded one line each) and in the pcap file the extension host wrote
// into the workspace, owned by the user running VS Code and readable by that user only; the
// Captures group of the tree lists it with its state; closing its terminal stops it; a filter is
// checked as it is typed.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readPcap } from '../../../src/core/capture/pcap';
import type { NetnsApi } from '../../../src/extension/api';
import type { CaptureInfo } from '../../../src/extension/capture/captureManager';
import { vethLab, type VethLab } from '../../support/captures';
import { uniquePrefix } from '../../support/kernel';
import { children, item, label, useScriptedHost, waitFor } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

/** The ICMP echo requests and replies of a pcap file: [type, source, destination]. */
function icmpOf(file: string): [number, string, string][] {
  return readPcap(fs.readFileSync(file))
    .records.map((r) => r.data)
    .filter((f) => f.length >= 42 && f[12] === 0x08 && f[13] === 0 && f[23] === 1)
    .map((f) => [f[14 + (f[14] & 0x0f) * 4], Array.from(f.subarray(26, 30)).join('.'), Array.from(f.subarray(30, 34)).join('.')]);
}

describe('packet capture', function () {
  this.timeout(60_000);
  const P = uniquePrefix();
  let api: NetnsApi;
  let lab: VethLab;

  const { host } = useScriptedHost(P, async (a) => {
    api = a;
    lab = vethLab(P, '10.232.9');
    await waitFor(() => api.model.get(lab.b)?.interfaces.some((i) => i.name === lab.vb) === true, 10_000, `${lab.vb} in the model`);
  });

  afterEach(async () => {
    await run('netns.stopAllCaptures');
  });

  async function capturesGroup() {
    return (await children(api)).find((n) => n.kind === 'capturesGroup');
  }

  it('captures a ping on an interface into a pcap file of the user in the workspace, shown live and in the tree', async () => {
    const lines: string[] = [];
    const info = await run<CaptureInfo>('netns.startCapture', { netns: lab.b, name: lab.vb });
    assert.ok(info, JSON.stringify(host.shown));
    assert.equal(info.state, 'running');
    const folder = path.join(process.env.NETNS_TEST_WORKSPACE!, '.netns-captures');
    assert.equal(path.dirname(info.file), folder);
    assert.match(path.basename(info.file), new RegExp(`^${lab.b}-${lab.vb}-\\d{8}-\\d{6}\\.pcap$`));
    assert.match(fs.readFileSync(path.join(folder, '.gitignore'), 'utf8'), /^\*$/m, 'kept out of git');
    api.captures.attach(info.key, { line: (l) => lines.push(l), ended: () => undefined });
    // Its terminal, and its row in the Captures group at the top of the tree.
    await waitFor(() => vscode.window.terminals.some((t) => t.name === `capture ${lab.b}/${lab.vb}`), 5000, 'the capture terminal');
    const group = await capturesGroup();
    assert.ok(group, 'the Captures group is shown');
    assert.equal((await children(api))[0], group, 'at the top');
    const [row] = await children(api, group);
    const rowItem = await item(api, row);
    assert.equal(label(rowItem), `${lab.b}/${lab.vb}`);
    assert.equal(rowItem.contextValue, 'capture capture.running');
    assert.match(String(rowItem.description), /^running · /);

    const ping = await api.client.request('ping', { netns: lab.a, address: lab.addrB, count: 3 });
    assert.equal(ping.received, 3);
    await waitFor(() => lines.filter((l) => /ICMP echo reply/.test(l)).length >= 3, 10_000, 'three replies in the live view');
    assert.ok(lines.some((l) => new RegExp(`IP ${lab.addrA.replace(/\./g, '\\.')} > ${lab.addrB.replace(/\./g, '\\.')}: ICMP echo request`).test(l)), lines.join('\n'));

    const ended = await run<CaptureInfo>('netns.stopCapture', { key: info.key });
    assert.equal(ended?.state, 'ended');
    assert.equal(ended?.reason, 'stopped');
    // The file: the user's own (the extension host's user), readable by nobody else, and the ping in it.
    const st = fs.statSync(info.file);
    assert.equal(st.uid, process.getuid!(), 'owned by the user running VS Code');
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.size, ended!.bytes);
    const icmp = icmpOf(info.file);
    assert.equal(icmp.filter(([t, s, d]) => t === 8 && s === lab.addrA && d === lab.addrB).length, 3, JSON.stringify(icmp));
    assert.equal(icmp.filter(([t, s, d]) => t === 0 && s === lab.addrB && d === lab.addrA).length, 3, JSON.stringify(icmp));
    const endedItem = await item(api, (await children(api, (await capturesGroup())!))[0]);
    assert.equal(endedItem.contextValue, 'capture capture.ended');
    assert.match(String(endedItem.description), new RegExp(`^stopped · ${ended!.packets} packets · `));
    assert.deepEqual(host.errors(), []);
  });

  it('decodes with the built-in decoder, and stops when its terminal is closed', async () => {
    const lines: string[] = [];
    const info = (await run<CaptureInfo>('netns.startCapture', { netns: lab.a, name: lab.va, filter: 'icmp', builtinDecoder: true }))!;
    assert.equal(info.decoder, 'builtin');
    api.captures.attach(info.key, { line: (l) => lines.push(l), ended: () => undefined });
    await api.client.request('ping', { netns: lab.a, address: lab.addrB, count: 2 });
    await waitFor(() => lines.length >= 4, 10_000, 'four decoded lines');
    assert.match(lines[0], new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{6} IP ${lab.addrA.replace(/\./g, '\\.')} > ${lab.addrB.replace(/\./g, '\\.')}: ICMP echo request, id \\d+, seq 1, length 64$`));
    const terminal = vscode.window.terminals.find((t) => t.name === `capture ${lab.a}/${lab.va}`);
    assert.ok(terminal);
    terminal.dispose();
    const ended = await api.captures.whenEnded(info.key);
    assert.equal(ended?.reason, 'stopped');
    assert.equal(icmpOf(info.file).length, 4);
  });

  it('checks a filter as it is typed, and says in words what tcpdump refuses', async () => {
    let checked = false;
    host.inputs.push((o) => {
      assert.match(String(o.validateInput!('-r /etc/shadow')), /cannot start with "-"|"-"로 시작할 수 없습니다/);
      assert.match(String(o.validateInput!('port `id`')), /cannot contain "`"|"`"을\(를\) 쓸 수 없습니다/);
      assert.equal(o.validateInput!('icmp or arp'), undefined);
      checked = true;
      return 'icmp and (';
    });
    const info = await run<CaptureInfo>('netns.startCaptureWithFilter', { netns: lab.b, name: lab.vb });
    assert.ok(checked);
    assert.equal(info, undefined);
    assert.match(host.errors()[0] ?? '', /tcpdump does not accept the filter "icmp and \(": syntax error|필터 "icmp and \("을\(를\) 받아들이지 않습니다/);
    // Nothing is left behind: no running capture, no empty file.
    assert.equal(api.captures.runningCount, 0);
    const folder = path.join(process.env.NETNS_TEST_WORKSPACE!, '.netns-captures');
    assert.ok(fs.readdirSync(folder).every((f) => f === '.gitignore' || fs.statSync(path.join(folder, f)).size > 0));
  });

  it('clears finished captures from the tree, and the group goes with the last one', async () => {
    assert.ok(api.captures.list().length > 0);
    await run('netns.clearCaptures');
    assert.equal(await capturesGroup(), undefined);
  });
});
