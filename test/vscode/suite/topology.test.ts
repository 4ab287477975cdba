// The topology view inside the extension host: opened by its command, it draws the router lab as
// the kernel has it (namespaces, ports, veth edges, the router's forwarding); a change made
// outside shows in the webview by itself with everything else where it was (how fast: npm run bench); a context-menu
// command gets the tree's node; a drag's message makes a veth pair; the exports write their files.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { DrawnState } from '../../../src/core/topology/messages';
import { ip, links, uniquePrefix } from '../../support/kernel';
import { useScriptedHost, waitFor } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

describe('topology view', function () {
  this.timeout(90_000);
  const P = uniquePrefix();
  const [a, r, b] = ['a', 'r', 'b'].map((n) => `${P}-${n}`);
  let api: NetnsApi;
  const { host } = useScriptedHost(P, async (x) => {
    api = x;
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-topology-'));
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    return run('workbench.action.closeAllEditors');
  });

  const probe = () => api.topology.probe();
  async function until(what: string, check: (s: DrawnState) => boolean, timeoutMs = 10_000): Promise<DrawnState> {
    let last: DrawnState | undefined;
    await waitFor(async () => check((last = await probe())), timeoutMs, what);
    return last!;
  }

  it('draws the router lab as the kernel has it', async () => {
    await run('netns.createExampleLab', { lab: 'router', prefix: `${P}-` });
    const drawn = await run<{ nodes: number; edges: number; sinceOpenMs: number }>('netns.showTopology');
    assert.ok(drawn && drawn.nodes > 0, 'the first draw is reported');
    const g = api.topology.current!;
    const s = await until('the lab drawn', (x) => x.nodes.some((n) => n.id === `ns:${b}`));
    for (const n of [a, r, b]) {
      const kernel = links(n).filter((l) => l.ifname !== 'lo').map((l) => l.ifname).sort();
      assert.deepEqual(g.ports.filter((p) => p.ns === `ns:${n}`).map((p) => p.name).sort(), kernel, `the ports of ${n} sent`);
      assert.deepEqual(s.nodes.filter((x) => x.parent === `ns:${n}`).map((x) => x.id.split('/if:').pop()).sort(), kernel, `and drawn`);
      for (const l of links(n).filter((x) => x.ifname !== 'lo')) {
        const port = g.ports.find((p) => p.ns === `ns:${n}` && p.name === l.ifname)!;
        assert.deepEqual(port.addresses, (l.addr_info ?? []).filter((x) => x.family === 'inet').map((x) => `${x.local}/${x.prefixlen}`), `${n} ${l.ifname} addresses`);
      }
    }
    assert.equal(g.namespaces.find((n) => n.id === `ns:${r}`)?.forwarding, true, 'r forwards');
    assert.equal(g.namespaces.find((n) => n.id === `ns:${a}`)?.forwarding, undefined);
    const veth = (x: string, y: string) => s.edges.some((e) => e.kind === 'veth' && [e.source, e.target].sort().join() === [x, y].sort().join());
    assert.ok(veth(`ns:${a}/if:eth0`, `ns:${r}/if:eth-a`));
    assert.ok(veth(`ns:${b}/if:eth0`, `ns:${r}/if:eth-b`));
    assert.ok(s.nodes.some((n) => n.id === 'host' && n.kind === 'namespace'), 'the host is drawn too');
  });

  it('shows a change made outside without a refresh, and keeps every other position', async () => {
    const before = await probe();
    const where = new Map(before.nodes.map((n) => [n.id, n.position]));
    ip(['-n', a, 'link', 'add', 'extra0', 'type', 'veth', 'peer', 'name', 'extra1']);
    const t0 = Date.now();
    const s = await until('extra0 drawn', (x) => x.nodes.some((n) => n.id === `ns:${a}/if:extra0`) && x.edges.some((e) => e.id.includes('extra1')), 5000);
    const ms = s.appliedAt - t0;
    console.log(`      a new interface drawn ${ms} ms after it was made`);
    for (const n of s.nodes) {
      if (where.has(n.id) && n.parent !== `ns:${a}` && n.id !== `ns:${a}`) {
        assert.deepEqual(n.position, where.get(n.id), `${n.id} kept its place`);
      }
    }
    ip(['-n', a, 'link', 'set', 'extra0', 'up']);
    await until('extra0 up', () => api.topology.current!.ports.find((p) => p.name === 'extra0' && p.ns === `ns:${a}`)?.state !== 'down', 5000);
  });

  it('runs a context-menu command on the tree node of what was clicked', async () => {
    const context = { webview: 'netns.topology', webviewSection: 'interface', viewItem: 'interface', topologyId: `ns:${a}/if:extra0`, preventDefaultContextMenuItems: true };
    await run('netns.setInterfaceDown', context);
    assert.ok(!links(a).find((l) => l.ifname === 'extra0')!.flags.includes('UP'), 'extra0 set down');
    await until('extra0 drawn down', (x) => x.nodes.some((n) => n.id === `ns:${a}/if:extra0`) && api.topology.current!.ports.find((p) => p.name === 'extra0' && p.ns === `ns:${a}`)?.state === 'down');
    assert.deepEqual(host.unexpected, []);
  });

  it('selects in the picture what is selected in the tree', async () => {
    const node = api.treeProvider.namespaceNode(r);
    await api.treeView.reveal(node, { select: true, focus: false });
    await until('r selected', (x) => x.selected.includes(`ns:${r}`));
  });

  it('exports SVG, PNG, Mermaid and DOT', async () => {
    const out = (f: string) => path.join(tmp, f);
    assert.equal(await run('netns.exportTopology', { format: 'svg', path: out('t.svg') }), out('t.svg'));
    const svg = fs.readFileSync(out('t.svg'), 'utf8');
    assert.match(svg, /^<svg /);
    assert.ok(svg.includes(`>${r} · `) && svg.includes('10.0.1.1/24'));
    await run('netns.exportTopology', { format: 'png', path: out('t.png') });
    const png = fs.readFileSync(out('t.png'));
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.ok(png.length > 1000);
    await run('netns.exportTopology', { format: 'mermaid', path: out('t.mmd') });
    assert.match(fs.readFileSync(out('t.mmd'), 'utf8'), /^flowchart LR\n/);
    await run('netns.exportTopology', { format: 'dot', path: out('t.dot') });
    const dot = fs.readFileSync(out('t.dot'), 'utf8');
    assert.ok(dot.includes(`label="${r}`), dot.slice(0, 200));
  });
});
