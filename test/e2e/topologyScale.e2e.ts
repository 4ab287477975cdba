// The topology page at scale, in the browser without a workbench: the bundled page (dist/) with a
// stand-in for VS Code's webview API is sent the graph of 1000 namespaces chained by veth pairs
// (what the benchmark builds in the kernel), and it must draw it in large-graph mode: flat
// namespace boxes in a grid, only the boxes while zoomed out, ports and lines once zoomed in, and
// a live diff applied in place. Prints the time to the first draw and the frame times of a zoom.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Interface, Namespace } from '../../src/core/model';
import { pack } from '../../src/core/topology/compact';
import { buildGraph, diffGraphs } from '../../src/core/topology/graph';
import type { DrawnState, TopologyWords } from '../../src/core/topology/messages';
import { repoRoot } from '../support/codeserver';
import { waitUntil } from '../support/e2eWorkbench';
import type { E2eContext } from './run';

export const ownWorkbench = true;

const N = 1000;
const iface = (ifindex: number, name: string, extra: Partial<Interface> = {}): Interface => ({ ifindex, name, kind: 'veth', operState: 'UP', flags: ['UP', 'LOWER_UP'], mtu: 1500, addresses: [], ...extra });

function chain(n: number): Namespace[] {
  const out: Namespace[] = [{ name: null, path: '/proc/1/ns/net', inode: 1, id: 'net:[1]', isRoot: true, interfaces: [iface(2, 'eth0', { kind: 'ether' })] }];
  for (let k = 0; k < n; k++) {
    const ifs: Interface[] = [];
    if (k > 0) {
      ifs.push(iface(2, 'a', { peer: { ifindex: 3, name: 'b', netns: `s-${k - 1}` }, addresses: [{ family: 4, address: `10.${k >> 8}.${k & 255}.2`, prefixLen: 30 }] }));
    }
    if (k < n - 1) {
      ifs.push(iface(3, 'b', { peer: { ifindex: 2, name: 'a', netns: `s-${k + 1}` }, addresses: [{ family: 4, address: `10.${k >> 8}.${k & 255}.1`, prefixLen: 30 }] }));
    }
    out.push({ name: `s-${k}`, path: `/run/netns/s-${k}`, inode: 100 + k, id: `net:[${100 + k}]`, isRoot: false, interfaces: ifs });
  }
  return out;
}

/** Labs of the given names and sizes ("web-0" ...), each namespace joined to the next one by a veth, the last to the first. */
function ring(labs: [string, number][]): Namespace[] {
  const names = labs.flatMap(([lab, n]) => Array.from({ length: n }, (_, k) => `${lab}-${k}`));
  const out: Namespace[] = [{ name: null, path: '/proc/1/ns/net', inode: 1, id: 'net:[1]', isRoot: true, interfaces: [iface(2, 'eth0', { kind: 'ether' })] }];
  names.forEach((name, k) => {
    const [prev, next] = [names[(k + names.length - 1) % names.length], names[(k + 1) % names.length]];
    out.push({
      name,
      path: `/run/netns/${name}`,
      inode: 1000 + k,
      id: `net:[${1000 + k}]`,
      isRoot: false,
      interfaces: [iface(2, 'a', { peer: { ifindex: 3, name: 'b', netns: prev } }), iface(3, 'b', { peer: { ifindex: 2, name: 'a', netns: next } })],
    });
  });
  return out;
}

const words: TopologyWords = {
  search: 'Filter', fit: 'Fit', layout: 'Layout', connect: 'Connect', connectHint: '', zoomIn: '+', zoomOut: '-', exportPicture: 'Export',
  empty: 'empty', processes: '{0} processes', oneProcess: '1 process', forwarding: 'forwarding', large: '{0} namespaces', graphLabel: 'graph', group: '{0}: {1} namespaces', grouped: '{0} namespaces, {1} groups',
};

type Post = { postMessage(m: unknown, origin: string): void };
type Probe = { netnsTopology: { state(): DrawnState; cy: { zoom(o?: unknown): number; $(s: string): { length: number } } } };

export async function run(ctx: E2eContext): Promise<void> {
  const dist = path.join(repoRoot, 'dist');
  assert.ok(fs.existsSync(path.join(dist, 'topology.js')), 'dist/topology.js (npm run build)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-topology-page-'));
  try {
    // The page as the panel writes it, less the CSP and the webview URIs.
    const url = (f: string) => `file://${path.join(dist, f)}`;
    fs.writeFileSync(
      path.join(dir, 'page.html'),
      `<!DOCTYPE html><html><head><link rel="stylesheet" href="${url('codicon.css')}"><link rel="stylesheet" href="${url('topology.css')}"></head>
<style>body { --vscode-editor-background: #1f1f1f; --vscode-editor-foreground: #cccccc; --vscode-sideBar-background: #181818; --vscode-panel-border: #2b2b2b; --vscode-input-background: #313131; --vscode-input-border: #3c3c3c; --vscode-focusBorder: #0078d4; --vscode-charts-blue: #3794ff; --vscode-charts-green: #89d185; --vscode-charts-red: #f14c4c; --vscode-charts-yellow: #cca700; --vscode-font-family: system-ui, sans-serif; --vscode-descriptionForeground: #9d9d9d; --vscode-editorWidget-background: #202020; }</style>
<body class="vscode-dark"><div class="toolbar"><input id="search"><button id="fit"></button><button id="zoomIn"></button><button id="zoomOut"></button><button id="layout"></button><button id="connect"></button><button id="collapse" hidden></button><span id="hint"></span><button id="export"></button></div>
<div id="graph" tabindex="0"></div><div id="status" hidden></div><div id="menuAnchor" hidden></div>
<script>window.posted = []; function acquireVsCodeApi() { return { postMessage: (m) => window.posted.push(m), getState() {}, setState() {} }; }</script>
<script src="${url('topology.js')}"></script></body></html>`,
    );
    const page = ctx.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`file://${path.join(dir, 'page.html')}`);
    const before = buildGraph(chain(N));
    const t0 = Date.now();
    await page.evaluate(([graph, w]) => (globalThis as unknown as Post).postMessage({ type: 'graph', graph, positions: {}, words: w, options: { largeGraph: 100 }, seq: 1 }, '*'), [pack(before), words] as const);
    const drawn = await waitUntil('the first draw', async () => {
      const d = await page.evaluate(() => (globalThis as unknown as { document: { body: { dataset: { drawn?: string } } } }).document.body.dataset.drawn);
      return d ? (JSON.parse(d) as { ms: number; interactiveMs: number; nodes: number; edges: number; large: boolean; phases: Record<string, number> }) : false;
    }, 60_000);
    ctx.log(`${N} namespaces: first frame ${drawn.ms} ms in the page, the renderer's ${drawn.interactiveMs} ms (${Date.now() - t0} ms from the message), ${drawn.nodes} nodes, ${drawn.edges} edges; ${JSON.stringify(drawn.phases)}`);
    assert.equal(drawn.large, true, 'large-graph mode');
    assert.equal(drawn.nodes, N + 1, 'first the namespaces');
    const state = () => page.evaluate(() => (globalThis as unknown as Probe).netnsTopology.state());
    const hidden = () => page.evaluate(() => (globalThis as unknown as Probe).netnsTopology.cy.$('.hidden-detail').length);
    // Zoomed out to fit: the boxes only (the ports and lines are added after the first draw).
    const s = await waitUntil('everything added', async () => {
      const x = await state();
      return x.complete ? x : false;
    }, 60_000);
    ctx.log(`complete ${Date.now() - t0} ms after the message`);
    assert.ok(s.zoom < 0.3, `fitted zoom ${s.zoom}`);
    assert.equal(s.nodes.length, N + 1 + 2 * (N - 1) + 1);
    assert.equal(s.edges.length, N - 1);
    assert.equal(await hidden(), 2 * (N - 1) + 1 + (N - 1), 'ports and lines hidden while zoomed out');
    const ns = s.nodes.filter((n) => n.kind === 'namespace');
    const rows = new Set(ns.map((n) => Math.round(n.position.y)));
    assert.ok(rows.size > 20 && rows.size < 40, `a grid (${rows.size} rows)`);
    // Zoomed in: ports and lines come back.
    await page.evaluate(() => (globalThis as unknown as Probe).netnsTopology.cy.zoom({ level: 1, renderedPosition: { x: 640, y: 400 } }));
    assert.equal(await hidden(), 0, 'all detail shown when zoomed in');
    // A live change: one namespace more, joined to the last; nothing else moves.
    const m = chain(N);
    m.push({ name: 's-new', path: '/run/netns/s-new', inode: 99999, id: 'net:[99999]', isRoot: false, interfaces: [iface(7, 'x', { peer: { ifindex: 9, name: 'y', netns: `s-${N - 1}` } })] });
    m[N].interfaces.push(iface(9, 'y', { peer: { ifindex: 7, name: 'x', netns: 's-new' } }));
    const diff = diffGraphs(before, buildGraph(m));
    const where = new Map((await state()).nodes.map((n) => [n.id, n.position]));
    await page.evaluate((d) => (globalThis as unknown as Post).postMessage({ type: 'diff', diff: d, seq: 2 }, '*'), diff);
    const after = await waitUntil('the diff applied', async () => {
      const x = await state();
      return x.seq === 2 ? x : false;
    });
    assert.ok(after.nodes.some((n) => n.id === 'ns:s-new') && after.edges.some((e) => e.id.includes('ns:s-new/if:x')));
    const moved = after.nodes.filter((n) => where.has(n.id) && n.parent !== `ns:s-${N - 1}` && n.id !== `ns:s-${N - 1}` && JSON.stringify(n.position) !== JSON.stringify(where.get(n.id)));
    assert.deepEqual(moved.map((n) => n.id), [], 'nothing else moved');
    // Frame times while zooming out with the wheel.
    const gaps = page.evaluate(
      (ms) =>
        new Promise<number[]>((resolve) => {
          const out: number[] = [];
          const raf = (globalThis as unknown as { requestAnimationFrame(f: (t: number) => void): void }).requestAnimationFrame;
          let last = performance.now();
          const end = last + ms;
          const step = (t: number) => {
            out.push(t - last);
            last = t;
            if (t < end) {
              raf(step);
            } else {
              resolve(out);
            }
          };
          raf(step);
        }),
      2000,
    );
    await page.mouse.move(640, 400);
    for (let k = 0; k < 10; k++) {
      await page.mouse.wheel(0, 200);
      await page.waitForTimeout(80);
    }
    const sorted = (await gaps).sort((a, b) => a - b);
    ctx.log(`zooming out: frame ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms median, ${sorted[Math.floor(sorted.length * 0.95)].toFixed(1)} ms p95 (${sorted.length} frames)`);
    await ctx.screenshot('topology-1000');

    // Groups: three labs of 300, 300 and 400 namespaces, in a ring across them, drawn as three
    // nodes with a counted line between each two that are linked; a click on one draws its namespaces.
    const labsModel = ring([['web', 300], ['db', 300], ['cache', 400]]);
    const grouped = buildGraph(labsModel);
    await page.evaluate(([graph, w]) => (globalThis as unknown as Post).postMessage({ type: 'graph', graph, positions: {}, words: w, options: { largeGraph: 100, groupAbove: 200 }, seq: 3 }, '*'), [pack(grouped), words] as const);
    const g1 = await waitUntil('the groups drawn', async () => {
      const x = await state();
      return x.seq === 3 && x.complete ? x : false;
    }, 60_000);
    assert.deepEqual([...g1.groups.collapsed].sort(), ['cache', 'db', 'web']);
    assert.deepEqual(g1.nodes.filter((n) => n.kind === 'group').map((n) => n.id).sort(), ['group:cache', 'group:db', 'group:web']);
    assert.equal(g1.nodes.filter((n) => n.kind === 'namespace').length, 1, 'the host besides the groups');
    assert.deepEqual(g1.edges.map((e) => `${e.source}|${e.target}`).sort(), ['group:cache|group:db', 'group:cache|group:web', 'group:db|group:web']);
    await ctx.screenshot('topology-groups');
    const db = g1.nodes.find((n) => n.id === 'group:db')!;
    const graphBox = await page.locator('#graph').boundingBox();
    assert.ok(graphBox);
    await page.mouse.click(graphBox.x + db.rendered.x, graphBox.y + db.rendered.y);
    const g2 = await waitUntil('db expanded', async () => {
      const x = await state();
      return x.groups.expanded.includes('db') && x.complete ? x : false;
    }, 60_000);
    assert.equal(g2.nodes.filter((n) => n.kind === 'namespace' && n.id.startsWith('ns:db-')).length, 300);
    assert.deepEqual([...g2.groups.collapsed].sort(), ['cache', 'web']);
    // The db namespaces' chain is drawn port to port; its ends go to the two other groups.
    assert.equal(g2.edges.filter((e) => e.kind === 'veth').length, 299);
    assert.equal(g2.edges.filter((e) => e.kind === 'group').length, 3);
    await page.waitForTimeout(300);
    await ctx.screenshot('topology-group-expanded');
    await page.click('#collapse');
    await waitUntil('collapsed again', async () => {
      const x = await state();
      return x.groups.expanded.length === 0 && x.complete && x.nodes.filter((n) => n.kind === 'group').length === 3 && !x.nodes.some((n) => n.id.startsWith('ns:db-'));
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
