// Every command, called the way tests and other extensions call it (plain arguments) and the way
// the palette does (no arguments: prompts answered by a scripted Host), with the kernel's state
// read back with `ip -j` afterwards.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { Host } from '../../../src/extension/host';
import { cleanupOnExit, cleanupPrefix, ip, links, netnsNames, uniquePrefix } from '../../support/kernel';
import { childById, confirm, EXTENSION_ID, killSleepers, netnsApi, netnsInodeOf, pickLabel, ScriptedHost, sleeper } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

describe('commands', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix();
  const nsA = `${prefix}a`;
  const nsB = `${prefix}b`;
  const va = `${prefix}va`;
  const vb = `${prefix}vb`;
  let api: NetnsApi;
  const host = new ScriptedHost();
  let previous: Host;

  const link = (netns: string | null, name: string) => links(netns).find((l) => l.ifname === name);

  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
    previous = api.setHost(host);
  });

  after(() => {
    killSleepers();
    api?.setHost(previous);
    cleanupPrefix(prefix);
  });

  beforeEach(() => host.reset());
  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log(`shown: ${JSON.stringify(host.shown)}\nunexpected prompts: ${JSON.stringify(host.unexpected)}`);
    }
  });

  it('registers every command the manifest contributes', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of pkg.contributes.commands) {
      assert.ok(all.has(c.command), `${c.command} is not registered`);
    }
  });

  it('netns.createNamespace creates a namespace from an argument', async () => {
    assert.equal(await run<string>('netns.createNamespace', nsA), nsA);
    assert.ok(netnsNames().includes(nsA));
    assert.ok(api.model.has(nsA), 'the model was refreshed after the command');
    assert.ok(host.progressTitles.some((t) => t.includes(nsA)));
    assert.ok(api.log.recent().some((l) => l.includes(`ip netns add ${nsA}`)), 'the equivalent ip command is logged');
  });

  it('netns.createNamespace asks for the name with live validation', async () => {
    host.inputs.push((o) => {
      assert.ok(o.validateInput);
      assert.ok(o.validateInput('a/b'), 'a name with "/" is refused');
      assert.ok(o.validateInput(nsA), 'an existing name is refused');
      assert.equal(o.validateInput(nsB), undefined);
      return nsB;
    });
    assert.equal(await run<string>('netns.createNamespace'), nsB);
    assert.ok(netnsNames().includes(nsB));
    assert.deepEqual(host.unexpected, []);
  });

  it('netns.createNamespace reports a failure in the helper\'s words', async () => {
    assert.equal(await run('netns.createNamespace', nsA), undefined);
    assert.equal(host.errors().length, 1);
    assert.match(host.errors()[0], /already exists/);
  });

  it('netns.createVethPair creates both ends where asked', async () => {
    const r = await run<{ name: string; peer: string; netns: string | null; peerNetns: string | null }>('netns.createVethPair', {
      name: va,
      peer: vb,
      netns: nsA,
      peerNetns: null,
    });
    assert.deepEqual(r, { name: va, peer: vb, netns: nsA, peerNetns: null });
    assert.equal(link(nsA, va)?.linkinfo?.info_kind, 'veth');
    assert.equal(link(null, vb)?.linkinfo?.info_kind, 'veth');
    const peer = api.model.get(nsA)?.interfaces.find((i) => i.name === va)?.peer;
    assert.equal(peer?.name, vb);
    assert.equal(peer?.netns, null);
  });

  it('netns.createVethPair asks for places and names, empty meaning automatic', async () => {
    host.picks.push(pickLabel(nsB)); // first end
    host.inputs.push((o) => {
      assert.equal(o.validateInput?.(''), undefined, 'empty is allowed');
      assert.ok(o.validateInput?.('x'.repeat(16)), 'too long is refused');
      return `${prefix}vc`;
    });
    host.picks.push(pickLabel(nsA)); // other end
    host.inputs.push(() => '');
    const r = await run<{ name: string; peer: string; netns: string; peerNetns: string }>('netns.createVethPair');
    assert.ok(r, JSON.stringify(host.shown));
    assert.equal(r.name, `${prefix}vc`);
    assert.equal(r.netns, nsB);
    assert.equal(r.peerNetns, nsA);
    assert.ok(link(nsB, `${prefix}vc`));
    assert.ok(link(nsA, r.peer), `automatic peer ${r.peer} is in ${nsA}`);
    ip(['-n', nsB, 'link', 'delete', 'dev', `${prefix}vc`]);
  });

  it('netns.moveInterface moves an interface to a namespace given as argument', async () => {
    const r = await run<{ moved: string[] }>('netns.moveInterface', { netns: null, name: vb }, { to: nsB });
    assert.deepEqual(r?.moved, [vb]);
    assert.equal(link(null, vb), undefined);
    assert.ok(link(nsB, vb));
    assert.ok(api.model.get(nsB)?.interfaces.some((i) => i.name === vb));
  });

  it('netns.moveInterface asks where to, offering a process\'s namespace', async () => {
    const pid = await sleeper(undefined);
    host.picks.push((items) => {
      assert.ok(items.some((i) => i.label === nsA));
      assert.ok(!items.some((i) => i.label === nsB), 'the namespace it is in is not offered');
      return items[items.length - 1]; // "Namespace of process (PID)..."
    });
    host.inputs.push((o) => {
      assert.ok(o.validateInput?.('0'));
      return String(pid);
    });
    const r = await run<{ moved: string[]; to: { pid: number } }>('netns.moveInterface', { netns: nsB, name: vb });
    assert.deepEqual(r, { moved: [vb], to: { pid } });
    assert.equal(link(nsB, vb), undefined);

    // Name that namespace, and the interface is found there.
    const named = `${prefix}p`;
    assert.equal(await run<string>('netns.attachProcessNamespace', { pid }, named), named);
    assert.equal(netnsInodeOf(`/run/netns/${named}`), netnsInodeOf(`/proc/${pid}/ns/net`));
    assert.ok(link(named, vb));
    assert.equal(await run('netns.moveInterface', { netns: named, name: vb }, { to: nsB }) !== undefined, true);
    assert.ok(link(nsB, vb));
  });

  it('netns.setInterfaceUp and netns.setInterfaceDown', async () => {
    await run('netns.setInterfaceUp', { netns: nsA, name: va });
    assert.ok(link(nsA, va)?.flags.includes('UP'));
    assert.ok(api.model.get(nsA)?.interfaces.find((i) => i.name === va)?.flags.includes('UP'));
    await run('netns.setInterfaceDown', [{ netns: nsA, name: va }]);
    assert.ok(!link(nsA, va)?.flags.includes('UP'));
  });

  it('netns.addAddress and netns.removeAddress', async () => {
    assert.equal(await run('netns.addAddress', { netns: nsA, name: va }, '10.232.0.1/24'), '10.232.0.1/24');
    assert.ok(link(nsA, va)?.addr_info?.some((a) => a.local === '10.232.0.1' && a.prefixlen === 24));

    host.inputs.push((o) => {
      assert.ok(o.validateInput?.('10.0.0.1'), 'a prefix length is required');
      return 'fd32::1/64';
    });
    assert.equal(await run('netns.addAddress', { netns: nsA, name: va }), 'fd32::1/64');
    assert.ok(link(nsA, va)?.addr_info?.some((a) => a.local === 'fd32::1'));

    host.picks.push((items) => {
      assert.deepEqual(items.map((i) => i.label).filter((l) => !l.startsWith('fe80')).sort(), ['10.232.0.1/24', 'fd32::1/64']);
      return items.find((i) => i.label === '10.232.0.1/24');
    });
    assert.equal(await run('netns.removeAddress', { netns: nsA, name: va }), '10.232.0.1/24');
    assert.ok(!link(nsA, va)?.addr_info?.some((a) => a.local === '10.232.0.1'));
    assert.equal(await run('netns.removeAddress', { netns: nsA, name: va }, 'fd32::1/64'), 'fd32::1/64');
    assert.ok(!link(nsA, va)?.addr_info?.some((a) => a.local === 'fd32::1'));
  });

  it('netns.copyIpCommand copies the command for a namespace or an interface', async () => {
    assert.equal(await run('netns.copyIpCommand', { netns: nsA, name: va }, 'link'), `ip -n ${nsA} link show dev ${va}`);
    assert.equal(host.clipboardText, `ip -n ${nsA} link show dev ${va}`);
    host.picks.push((items) => items[0]);
    assert.equal(await run('netns.copyIpCommand', nsA), `ip netns exec ${nsA} bash`);
    assert.equal(host.clipboardText, `ip netns exec ${nsA} bash`);
  });

  it('netns.deleteInterface asks first and takes the veth peer with it', async () => {
    host.warnings.push((message, options) => {
      assert.ok(options.modal);
      assert.match(message, new RegExp(va));
      assert.match(options.detail ?? '', new RegExp(vb));
      return undefined; // cancelled
    });
    assert.equal(await run('netns.deleteInterface', { netns: nsA, name: va }), undefined);
    assert.ok(link(nsA, va), 'nothing deleted when cancelled');
    host.warnings.push(confirm);
    const r = await run<{ netns: string; name: string }[]>('netns.deleteInterface', { netns: nsA, name: va });
    assert.deepEqual(r, [{ netns: nsA, name: va }]);
    assert.equal(link(nsA, va), undefined);
    assert.equal(link(nsB, vb), undefined);
    assert.ok(!api.model.get(nsB)?.interfaces.some((i) => i.name === vb));
  });

  it('netns.deleteNamespace warns about processes inside and deletes a selection', async () => {
    await sleeper(nsA);
    ip(['-n', nsB, 'link', 'add', 'name', `${prefix}d`, 'type', 'veth', 'peer', 'name', `${prefix}e`]);
    host.warnings.push((message, options) => {
      assert.ok(options.modal);
      assert.match(message, new RegExp(`${nsA}.*${nsB}|${nsB}.*${nsA}`));
      assert.match(options.detail ?? '', /sleep/);
      assert.match(options.detail ?? '', new RegExp(`${prefix}d`));
      return undefined; // cancelled
    });
    assert.equal(await run('netns.deleteNamespace', [nsA, nsB]), undefined);
    assert.ok(netnsNames().includes(nsA));

    // From the view: the clicked node plus the selection, as a context menu passes them.
    await api.model.refresh();
    const a = (await childById(api, `ns:${nsA}`))!;
    const b = (await childById(api, `ns:${nsB}`))!;
    host.warnings.push(confirm);
    const deleted = await run<string[]>('netns.deleteNamespace', a, [a, b]);
    assert.deepEqual(deleted?.sort(), [nsA, nsB].sort());
    assert.ok(!netnsNames().includes(nsA));
    assert.ok(!netnsNames().includes(nsB));
    assert.ok(!api.model.has(nsA) && !api.model.has(nsB));
  });

  it('netns.refresh reads everything and returns the count', async () => {
    const n = await run<number>('netns.refresh');
    assert.equal(n, api.model.all().length);
    assert.ok(n >= 1);
  });

  it('logs each privileged operation with its ip command', () => {
    assert.equal(api.log.channel.name, 'Network Namespaces');
    const lines = api.log.recent();
    for (const expected of [
      `ip link add name ${va} netns ${nsA} type veth peer name ${vb}`,
      `ip link set dev ${vb} netns ${nsB}`,
      `ip -n ${nsA} link set dev ${va} up`,
      `ip -n ${nsA} address add 10.232.0.1/24 dev ${va}`,
      `ip -n ${nsA} link delete dev ${va}`,
      `ip netns delete ${nsB}`,
    ]) {
      assert.ok(lines.some((l) => l.includes(expected)), `not logged: ${expected}`);
    }
  });
});
