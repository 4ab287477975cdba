// The topology view's page: draws the graph the extension sends with cytoscape (a canvas, so
// thousands of elements stay smooth), applies live diffs in place (nothing else moves), and sends
// back what the user does: a click (reveal in the tree), a double click (terminal), a drag from
// one namespace to another in connect mode (a veth pair), moved nodes (kept per workspace).
// No vscode import here: it talks through acquireVsCodeApi and the messages in
// src/core/topology/messages.ts.

import cytoscape, { type Core, type ElementDefinition, type NodeSingular } from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { unpack } from '../../core/topology/compact';
import { diffGraphs, type GraphDiff, type TopoEdge, type TopoGraph, type TopoNamespace, type TopoPort } from '../../core/topology/graph';
import { collapse } from '../../core/topology/groups';
import { gridLayout, groupOrder, type Layout, NS_PAD, PORT_GAP, PORT_H, PORT_W } from '../../core/topology/layout';
import type { Clock, DrawnState, FromWebview, TopologyContext, TopologyOptions, TopologyPageState, TopologyVsCodeApi, TopologyWords, ToWebview } from '../../core/topology/messages';
import { paintFirstFrame, removeFirstFrame } from './firstFrame';
import { readPalette, stylesheet } from './style';

declare function acquireVsCodeApi(): TopologyVsCodeApi;

/** Moments of the first draw (Date.now(): the extension's clock too), for the log and the benchmark. */
const clock: Clock = { pageStart: Math.round(performance.timeOrigin), scriptStart: Date.now() };

cytoscape.use(fcose);

const vscode = acquireVsCodeApi();
const post = (m: FromWebview) => vscode.postMessage(m);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const container = $<HTMLDivElement>('graph');
const search = $<HTMLInputElement>('search');
const status = $<HTMLDivElement>('status');
const connectButton = $<HTMLButtonElement>('connect');
const collapseButton = $<HTMLButtonElement>('collapse');

// ---- what the page keeps across a window reload and a hidden tab ----------------------------------

const pageState: TopologyPageState = { ...((vscode.getState() as TopologyPageState | undefined) ?? {}) };
/** Groups the user expanded (by key). */
const expanded = new Set<string>(pageState.expanded ?? []);
/** The viewport to put back at the first draw after a reload (the user's, not the fit). */
let restoreViewport = pageState.zoom !== undefined && pageState.pan !== undefined;
search.value = pageState.filter ?? '';
let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveState(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    pageState.filter = search.value;
    pageState.expanded = [...expanded];
    if (drawnOnce && !restoreViewport) {
      pageState.zoom = cy.zoom();
      pageState.pan = { ...cy.pan() };
    }
    vscode.setState(pageState);
  }, 200);
}

let words: TopologyWords | undefined;
let options: TopologyOptions = { largeGraph: 100 };
let large = false;
/**
 * Large graphs are drawn flat: a namespace is a plain box under its ports instead of a compound
 * node (compound nodes cost most of the time to draw and hit-test thousands of elements), and
 * its ports move with it.
 */
let flat = false;
/** Below this zoom a flat graph shows its namespaces only: ports and lines appear as you zoom in. */
const DETAIL_ZOOM = 0.3;
let detailShown = true;

/** Level of detail of a flat graph: its ports and lines only when they can be told apart. */
function updateDetail(): void {
  const show = !flat || cy.zoom() >= DETAIL_ZOOM;
  if (show === detailShown) {
    return;
  }
  detailShown = show;
  cy.startBatch();
  const detail = cy.elements().filter((x) => x.isEdge() || x.data('kind') === 'port');
  if (show) {
    detail.removeClass('hidden-detail');
  } else {
    detail.addClass('hidden-detail');
  }
  cy.endBatch();
}
let seq = 0;
/** Context values (viewItem) by element id, for the webview/context menus. */
const contexts = new Map<string, TopologyContext>();

const cy: Core = cytoscape({
  container,
  elements: [],
  style: stylesheet(readPalette(), false),
  wheelSensitivity: 0.3,
  minZoom: 0.02,
  maxZoom: 4,
  boxSelectionEnabled: false,
  selectionType: 'single',
  // One pixel per pixel: the canvas stays fast at any device scale.
  pixelRatio: 1,
});

/**
 * A large graph is drawn with less while the user pans and zooms: the last frame as a texture, no
 * edges (the renderer's own options, set here since the size is known only once the graph comes).
 * The texture is the canvas's size, not the renderer's double: drawing ten thousand namespaces
 * into a texture four times the canvas took 700 ms at the start of each zoom, at its size 110 ms.
 */
type Renderer = {
  textureOnViewport: boolean;
  hideEdgesOnViewport: boolean;
  textureMult: number;
  canvasWidth: number;
  canvasHeight: number;
  TEXTURE_BUFFER: number;
  data: { bufferCanvases: HTMLCanvasElement[] };
  matchCanvasSize(container: HTMLElement): void;
};
const renderer = (cy as unknown as { renderer(): Renderer }).renderer();
let levelOfDetail = false;
function textureAtCanvasSize(): void {
  if (levelOfDetail && renderer.textureMult !== 1) {
    renderer.textureMult = 1;
    const texture = renderer.data.bufferCanvases[renderer.TEXTURE_BUFFER];
    texture.width = renderer.canvasWidth;
    texture.height = renderer.canvasHeight;
  }
}
const matchCanvasSize = renderer.matchCanvasSize.bind(renderer);
renderer.matchCanvasSize = (c) => {
  matchCanvasSize(c);
  textureAtCanvasSize();
};
function setLevelOfDetail(on: boolean): void {
  const was = levelOfDetail;
  levelOfDetail = on;
  renderer.textureOnViewport = on;
  renderer.hideEdgesOnViewport = on;
  if (on) {
    textureAtCanvasSize();
  } else if (was) {
    matchCanvasSize(container);
  }
}

// ---- from the model to elements ------------------------------------------------------------------

function procText(n: number | undefined): string {
  if (n === undefined || !words) {
    return '';
  }
  return n === 1 ? words.oneProcess : words.processes.replace('{0}', String(n));
}

function namespaceData(n: TopoNamespace): ElementDefinition['data'] {
  if (n.members !== undefined) {
    const label = words ? words.group.replace('{0}', n.label).replace('{1}', String(n.members)) : `${n.label} (${n.members})`;
    return { id: n.id, kind: 'namespace', group: n.group, label, name: n.label, members: n.members, isRoot: false, forwarding: false, unnamed: true, error: false, flat };
  }
  const parts = [n.label, procText(n.processes), n.forwarding && words ? words.forwarding : ''].filter(Boolean);
  return {
    id: n.id,
    kind: 'namespace',
    label: parts.join(' · '),
    name: n.label,
    isRoot: n.isRoot,
    forwarding: !!n.forwarding,
    unnamed: n.netns === undefined,
    error: !!n.error,
    flat,
  };
}

function portData(p: TopoPort): ElementDefinition['data'] {
  const lines = [p.vlanId !== undefined ? `${p.name} (${p.vlanId})` : p.name, ...p.addresses.slice(0, 2)];
  if (p.addresses.length > 2) {
    lines.push(`+${p.addresses.length - 2}`);
  }
  if (p.netemText) {
    lines.push(p.netemText);
  }
  return { id: p.id, ...(flat ? {} : { parent: p.ns }), ns: p.ns, kind: 'port', portKind: p.kind, state: p.state, label: lines.join('\n'), name: p.name, netem: !!p.netem };
}

function edgeData(e: TopoEdge): ElementDefinition['data'] {
  return { id: e.id, kind: e.kind, source: e.source, target: e.target, ...(e.count !== undefined ? { count: e.count, label: e.count > 1 ? String(e.count) : '' } : {}) };
}

// ---- drawing a whole graph -----------------------------------------------------------------------

function elementsOf(g: TopoGraph): ElementDefinition[] {
  const ports = new Set([...g.ports.map((p) => p.id), ...g.namespaces.map((n) => n.id)]);
  return [
    ...g.namespaces.map((n) => ({ group: 'nodes' as const, data: namespaceData(n) })),
    ...g.ports.map((p) => ({ group: 'nodes' as const, data: portData(p), grabbable: !flat })),
    ...g.edges.filter((e) => ports.has(e.source) && ports.has(e.target)).map((e) => ({ group: 'edges' as const, data: edgeData(e) })),
  ];
}

/** The graph as drawn (groups collapsed), and the whole graph the extension sent. */
let current: TopoGraph = { namespaces: [], ports: [], edges: [] };
let whole: TopoGraph = current;
/** The positions the user moved that came with the last graph (kept for a redraw). */
let lastSaved: Record<string, { x: number; y: number }> = {};
/** The graph as drawn: collapsed groups as one node each. */
function shown(g: TopoGraph): TopoGraph {
  return collapse(g, { above: options.groupAbove ?? 0, expanded }).graph;
}
function groupsNow(): { collapsed: string[]; expanded: string[] } {
  const all = collapse(whole, { above: options.groupAbove ?? 0 }).groups;
  return { collapsed: [...all.keys()].filter((k) => !expanded.has(k)), expanded: [...all.keys()].filter((k) => expanded.has(k)) };
}
/** When the last graph or diff was applied. */
let appliedAt = 0;
let drawnOnce = false;

/**
 * A whole graph from the extension. A large one gets a first frame at once: its boxes, where the
 * grid puts them, drawn straight on a canvas over the renderer's (a few milliseconds); the renderer
 * takes over from the next task and that canvas goes once the renderer's frame is painted.
 */
function onGraph(full: TopoGraph, saved: Record<string, { x: number; y: number }>, receivedAt: number): void {
  whole = full;
  lastSaved = saved;
  loading = undefined;
  complete = false;
  heldDiffs.length = 0;
  const g = shown(full);
  const job = ++graphJob;
  if (g.namespaces.length >= options.largeGraph) {
    const t = performance.now();
    const layout = gridLayout(g, groupOrder(g));
    for (const [id, pos] of Object.entries(saved)) {
      if (layout[id]) {
        layout[id] = { ...layout[id], ...pos };
      }
    }
    paintFirstFrame(container, g, layout, readPalette(), DETAIL_ZOOM, restoreViewport ? { zoom: pageState.zoom!, pan: pageState.pan! } : undefined);
    const painted = performance.now() - t;
    requestAnimationFrame(() =>
      setTimeout(() => {
        first = { ms: performance.now() - receivedAt, at: Date.now(), paintMs: painted };
        clock.firstFrame = first.at;
        document.body.dataset.first = JSON.stringify({ ms: Math.round(first.ms), nodes: g.namespaces.length });
        if (job === graphJob) {
          drawGraph(g, saved, receivedAt, layout);
        }
      }, 0),
    );
  } else {
    first = undefined;
    drawGraph(g, saved, receivedAt);
  }
}
let graphJob = 0;
let first: { ms: number; at: number; paintMs: number } | undefined;

function drawGraph(g: TopoGraph, saved: Record<string, { x: number; y: number }>, receivedAt: number, grid?: Layout): void {
  current = g;
  complete = false;
  large = g.namespaces.length >= options.largeGraph;
  flat = large;
  document.body.classList.toggle('large', large);
  setLevelOfDetail(large);
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const t = performance.now();
    phases[name] = Math.round(t - mark);
    mark = t;
  };
  phases.message = Math.round(mark - receivedAt);
  loading = undefined;
  cy.startBatch();
  cy.elements().remove();
  cy.style(stylesheet(readPalette(), large));
  // A flat graph is drawn progressively: its namespace boxes first (all one sees zoomed out), then
  // its ports and lines in slices over the next frames, so the page answers all along.
  cy.add(flat ? elementsOf({ namespaces: g.namespaces, ports: [], edges: [] }) : elementsOf(g));
  cy.endBatch();
  phase('add');
  const t0 = performance.now();
  seedGrid(g, grid);
  runLayout(g);
  // What the user moved stays where it was put.
  cy.startBatch();
  for (const [id, pos] of Object.entries(saved)) {
    const n = cy.getElementById(id);
    if (n.nonempty() && n.isNode() && n.isChildless()) {
      n.position(pos);
    }
  }
  cy.endBatch();
  if (flat) {
    for (const id of Object.keys(saved)) {
      if (cy.getElementById(id).data('kind') === 'port') {
        boxAround(cy.getElementById(id).data('ns') as string);
      }
    }
  }
  const layoutMs = performance.now() - t0;
  phase('layout');
  if (restoreViewport && g.namespaces.length > 0 && pageState.zoom !== undefined && pageState.pan !== undefined) {
    // After a reload: where the user was (once there is something to show: the model may be read after).
    cy.viewport({ zoom: pageState.zoom, pan: pageState.pan });
    restoreViewport = false;
  } else {
    fitAll();
  }
  detailShown = true;
  updateDetail();
  phase('fit');
  applyFilter();
  showStatus();
  phase('filter');
  // Reported once it is on screen: after the next frame is painted.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const ms = performance.now() - receivedAt;
      phase('paint');
      clock.painted = Date.now();
      removeFirstFrame(container);
      const info = {
        seq,
        ms: Math.round(first ? first.ms : ms),
        interactiveMs: Math.round(ms),
        layoutMs: Math.round(layoutMs),
        nodes: cy.nodes().length,
        edges: cy.edges().length,
        large,
        phases: first ? { ...phases, firstFrame: Math.round(first.paintMs) } : phases,
        clock: { ...clock },
      };
      first = undefined;
      document.body.dataset.drawn = JSON.stringify(info);
      drawnOnce = true;
      collapseButton.hidden = groupsNow().collapsed.length + groupsNow().expanded.length === 0;
      post({ type: 'drawn', ...info });
      if (flat) {
        addProgressively(g, saved);
      } else {
        complete = true;
        for (const d of heldDiffs.splice(0)) {
          onDiff(d);
        }
      }
      const then = afterDraw;
      afterDraw = undefined;
      then?.();
    }),
  );
}

/** Set while a flat graph's ports and lines are still being added. */
let loading: { cancelled: boolean } | undefined;
/** True once everything of the last graph is in the picture. */
let complete = false;
/** Diffs that came while a graph was still being added: applied once it is complete. */
const heldDiffs: GraphDiff[] = [];
const SLICE = 400;

function addProgressively(g: TopoGraph, saved: Record<string, { x: number; y: number }>): void {
  const job = { cancelled: false };
  loading = job;
  const layout = gridLayout(g, groupOrder(g));
  const ids = new Set([...g.ports.map((p) => p.id), ...g.namespaces.map((n) => n.id)]);
  const items: ElementDefinition[] = [
    ...g.ports.map((p) => {
      const b = saved[p.id] ?? layout[p.id];
      return { group: 'nodes' as const, data: portData(p), grabbable: false, position: { x: b.x, y: b.y } };
    }),
    ...g.edges.filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => ({ group: 'edges' as const, data: edgeData(e) })),
  ];
  // Namespaces the user moved: their ports go where they were put with them.
  const movedNs = new Set(g.ports.filter((p) => saved[p.id]).map((p) => p.ns));
  let k = 0;
  const step = () => {
    if (job.cancelled || loading !== job) {
      return;
    }
    cy.startBatch();
    for (const it of items.slice(k, k + SLICE)) {
      if (!detailShown) {
        it.classes = 'hidden-detail';
      }
      cy.add(it);
    }
    cy.endBatch();
    k += SLICE;
    if (k < items.length) {
      setTimeout(step, 0);
      return;
    }
    for (const ns of movedNs) {
      boxAround(ns);
    }
    loading = undefined;
    complete = true;
    applyFilter();
    for (const d of heldDiffs.splice(0)) {
      onDiff(d);
    }
  };
  setTimeout(step, 0);
}

function runLayout(g: TopoGraph): void {
  if (g.namespaces.length === 0) {
    return;
  }
  if (large) {
    // Deterministic and linear: the grid of namespaces, lab by lab, that seedGrid placed.
    return;
  }
  cy.layout({
    name: 'fcose',
    // Seeded from the grid, so the same graph comes out the same each time.
    randomize: false,
    quality: 'default',
    animate: false,
    nodeDimensionsIncludeLabels: true,
    idealEdgeLength: 110,
    nodeRepulsion: 6000,
    nestingFactor: 0.1,
    gravityCompound: 2,
    gravityRangeCompound: 1.2,
    packComponents: true,
    tile: true,
    ...({ fit: false } as object),
  } as cytoscape.LayoutOptions).run();
}

/** Seeds every leaf with the grid's position (fcose starts from it, instead of at random). */
function seedGrid(g: TopoGraph, grid?: Layout): void {
  const layout = grid ?? gridLayout(g, groupOrder(g));
  cy.startBatch();
  cy.nodes().forEach((n) => {
    const b = layout[n.id()];
    if (b && n.isChildless()) {
      n.position({ x: b.x, y: b.y });
      if (flat && n.data('kind') === 'namespace') {
        n.data({ w: b.w, h: b.h });
      }
    }
  });
  cy.endBatch();
}

/** A flat namespace's ports. */
function portsOf(nsId: string): cytoscape.NodeCollection {
  return cy.nodes().filter((n) => n.data('ns') === nsId);
}

/** Sizes a flat namespace's box around its ports again. */
function boxAround(nsId: string): void {
  const ns = cy.getElementById(nsId);
  const ports = portsOf(nsId);
  if (ns.empty() || ports.empty()) {
    return;
  }
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  ports.forEach((p) => {
    const { x, y } = p.position();
    x1 = Math.min(x1, x - PORT_W / 2);
    x2 = Math.max(x2, x + PORT_W / 2);
    y1 = Math.min(y1, y - PORT_H / 2);
    y2 = Math.max(y2, y + PORT_H / 2);
  });
  ns.position({ x: (x1 + x2) / 2, y: (y1 + y2) / 2 });
  ns.data({ w: x2 - x1 + 2 * NS_PAD, h: y2 - y1 + 2 * NS_PAD });
}

/**
 * Fits everything in view. A flat graph's bounds are its namespace boxes (its ports are inside
 * them), read from their data: far cheaper than the renderer measuring every element and label.
 */
function fitAll(): void {
  if (!flat) {
    cy.fit(undefined, 30);
    return;
  }
  fitBoxes(cy.nodes('[kind="namespace"]'), cy.maxZoom());
}

cy.on('zoom', () => updateDetail());

// A flat namespace drags its ports along.
let dragging: { ports: cytoscape.NodeCollection; last: { x: number; y: number } } | undefined;
cy.on('grab', 'node[kind="namespace"]', (e) => {
  dragging = flat ? { ports: portsOf(e.target.id()), last: { ...e.target.position() } } : undefined;
});
cy.on('drag', 'node[kind="namespace"]', (e) => {
  if (!dragging) {
    return;
  }
  const p = e.target.position();
  dragging.ports.shift({ x: p.x - dragging.last.x, y: p.y - dragging.last.y });
  dragging.last = { ...p };
});
cy.on('free', 'node', () => (dragging = undefined));

// ---- live changes ----------------------------------------------------------------------------------

/** A diff of the whole graph: what it changes in the graph as drawn. */
function onDiff(d: GraphDiff): void {
  whole = {
    namespaces: mergeList(whole.namespaces, d, d.added.namespaces, d.changed.namespaces),
    ports: mergeList(whole.ports, d, d.added.ports, d.changed.ports),
    edges: mergeList(whole.edges, d, d.added.edges, d.changed.edges),
  };
  if (current.namespaces.length === 0) {
    // Nothing was drawn yet (the model had not been read): laid out whole, where the user was after a reload.
    onGraph(whole, lastSaved, performance.now());
    return;
  }
  const after = shown(whole);
  // Without collapsed groups the graph drawn is the whole one: the diff as it came.
  applyDiff(after === whole && !hasGroups(current) ? d : diffGraphs(current, after));
}
function hasGroups(g: TopoGraph): boolean {
  return g.namespaces.some((n) => n.members !== undefined);
}

function applyDiff(d: GraphDiff): void {
  const next: TopoGraph = {
    namespaces: mergeList(current.namespaces, d, d.added.namespaces, d.changed.namespaces),
    ports: mergeList(current.ports, d, d.added.ports, d.changed.ports),
    edges: mergeList(current.edges, d, d.added.edges, d.changed.edges),
  };
  const wasLarge = large;
  current = next;
  cy.startBatch();
  for (const id of d.removed) {
    cy.getElementById(id).remove();
  }
  const bb = cy.elements().nonempty() ? cy.elements().boundingBox({}) : { x1: 0, y1: 0, x2: 0, y2: 0, w: 0, h: 0 };
  let column = 0;
  for (const n of d.added.namespaces) {
    const ports = d.added.ports.filter((p) => p.ns === n.id);
    // A new namespace goes to the right of everything, its ports in a row.
    const x = bb.x2 + 120 + PORT_W / 2;
    const y = bb.y1 + column * 110;
    column++;
    cy.add({ group: 'nodes', data: namespaceData(n), position: { x, y } });
    ports.forEach((p, k) => cy.add({ group: 'nodes', data: portData(p), position: { x: x + k * (PORT_W + PORT_GAP), y }, grabbable: !flat }));
    if (flat) {
      if (ports.length > 0) {
        boxAround(n.id);
      } else {
        cy.getElementById(n.id).data({ w: 60, h: 60 });
      }
    }
  }
  const addedNs = new Set(d.added.namespaces.map((n) => n.id));
  for (const p of d.added.ports) {
    if (addedNs.has(p.ns)) {
      continue;
    }
    // A new port in a namespace already drawn: beside its last port, or where the namespace is.
    const parent = cy.getElementById(p.ns);
    const siblings = flat ? portsOf(p.ns) : parent.children();
    let pos = parent.nonempty() ? { ...parent.position() } : { x: bb.x2 + 100, y: bb.y1 };
    if (siblings.nonempty()) {
      const sbb = siblings.boundingBox({});
      pos = { x: sbb.x2 + PORT_GAP + PORT_W / 2, y: siblings.last().position().y };
    }
    cy.add({ group: 'nodes', data: portData(p), position: pos, grabbable: !flat });
    if (flat) {
      boxAround(p.ns);
    }
  }
  for (const n of d.changed.namespaces) {
    cy.getElementById(n.id).data(namespaceData(n) as object);
  }
  for (const p of d.changed.ports) {
    cy.getElementById(p.id).data(portData(p) as object);
  }
  for (const e of [...d.added.edges, ...d.changed.edges]) {
    const old = cy.getElementById(e.id);
    if (old.nonempty()) {
      old.remove();
    }
    if (cy.getElementById(e.source).nonempty() && cy.getElementById(e.target).nonempty()) {
      cy.add({ group: 'edges', data: edgeData(e) });
    }
  }
  if (!detailShown) {
    cy.elements().filter((x) => (x.isEdge() || x.data('kind') === 'port') && !x.hasClass('hidden-detail')).addClass('hidden-detail');
  }
  cy.endBatch();
  large = next.namespaces.length >= options.largeGraph;
  if (large !== wasLarge) {
    setLevelOfDetail(large);
    cy.style(stylesheet(readPalette(), large));
  }
  applyFilter();
  showStatus();
}

function mergeList<T extends { id: string }>(list: T[], d: GraphDiff, added: T[], changed: T[]): T[] {
  const removed = new Set(d.removed);
  const byId = new Map(changed.map((x) => [x.id, x]));
  return [...list.filter((x) => !removed.has(x.id)).map((x) => byId.get(x.id) ?? x), ...added];
}

// ---- groups ---------------------------------------------------------------------------------------

/** Draws a collapsed group's namespaces one by one (the grid again), and shows them. */
function expandGroup(key: string): void {
  expanded.add(key);
  saveState();
  redraw(() => {
    const members = cy.nodes().filter((n) => n.data('kind') === 'namespace' && n.data('group') === undefined && n.id().startsWith('ns:') && groupKeyOf(n) === key);
    if (members.nonempty()) {
      fitTo(members);
      selectOnly(members.first());
    }
  });
}

function groupKeyOf(n: NodeSingular): string | undefined {
  const g = collapse(whole, { above: options.groupAbove ?? 0 }).groups;
  for (const [key, ids] of g) {
    if (ids.includes(n.id())) {
      return key;
    }
  }
  return undefined;
}

/** Collapses every group again. */
function collapseGroups(): void {
  if (expanded.size === 0) {
    return;
  }
  expanded.clear();
  saveState();
  redraw();
}

/** The whole graph drawn again (the groups changed), then `after`. */
function redraw(after?: () => void): void {
  afterDraw = after;
  onGraph(whole, lastSaved, performance.now());
}
let afterDraw: (() => void) | undefined;

/** Fits these elements in view (boxes from their positions: cheap for flat graphs), zoomed in no further than 1.5. */
function fitTo(els: cytoscape.NodeCollection): void {
  fitBoxes(els, 1.5);
}

/** Fits the boxes of these nodes (their position and their w/h data, a label's room above) in view, zoomed in at most `maxZoom`. */
function fitBoxes(els: cytoscape.NodeCollection, maxZoom: number): void {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  els.forEach((n) => {
    const { x, y } = n.position();
    const [w, h] = [Number(n.data('w') ?? 60), Number(n.data('h') ?? 60)];
    x1 = Math.min(x1, x - w / 2);
    x2 = Math.max(x2, x + w / 2);
    y1 = Math.min(y1, y - h / 2 - 20);
    y2 = Math.max(y2, y + h / 2);
  });
  if (!Number.isFinite(x1)) {
    return;
  }
  const pad = 30;
  const zoom = Math.max(cy.minZoom(), Math.min(cy.maxZoom(), maxZoom, (container.clientWidth - 2 * pad) / (x2 - x1), (container.clientHeight - 2 * pad) / (y2 - y1)));
  cy.viewport({ zoom, pan: { x: container.clientWidth / 2 - (zoom * (x1 + x2)) / 2, y: container.clientHeight / 2 - (zoom * (y1 + y2)) / 2 } });
}

collapseButton.addEventListener('click', () => collapseGroups());

// ---- search ---------------------------------------------------------------------------------------

function applyFilter(): void {
  const q = search.value.trim().toLowerCase();
  cy.startBatch();
  cy.$('.faded').removeClass('faded');
  if (q) {
    const hit = cy.nodes().filter((n) => String(n.data('label') ?? '').toLowerCase().includes(q) || n.id().toLowerCase().includes(q));
    // A namespace found keeps its ports; a port found keeps its namespace.
    const hitNs = new Set(hit.filter((n) => n.data('kind') === 'namespace').map((n) => n.id()));
    const ofHits = new Set(hit.map((n) => n.data('ns') as string | undefined).filter((x): x is string => !!x));
    const keep = cy.nodes().filter((n) => hit.contains(n) || ofHits.has(n.id()) || hitNs.has(n.data('ns') as string));
    cy.elements().difference(keep.union(keep.connectedEdges().filter((e) => keep.contains(e.source()) && keep.contains(e.target())))).addClass('faded');
  }
  cy.endBatch();
}

search.addEventListener('input', () => {
  applyFilter();
  saveState();
});
cy.on('viewport', () => {
  if (drawnOnce) {
    saveState();
  }
});
search.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    const hit = cy.nodes().not('.faded');
    if (hit.nonempty() && search.value.trim()) {
      cy.animate({ fit: { eles: hit, padding: 40 }, duration: 200 });
      selectOnly(hit.first() as NodeSingular);
    }
  } else if (e.key === 'Escape') {
    search.value = '';
    applyFilter();
    container.focus();
  }
});

function showStatus(): void {
  if (!words) {
    return;
  }
  const n = whole.namespaces.length;
  const groups = groupsNow().collapsed.length;
  status.textContent = n === 0 ? words.empty : groups > 0 ? words.grouped.replace('{0}', String(n)).replace('{1}', String(groups)) : large ? words.large.replace('{0}', String(n)) : '';
  status.hidden = status.textContent === '';
}

// ---- selection, open, context menu ---------------------------------------------------------------

function selectOnly(n: cytoscape.SingularElementArgument): void {
  cy.elements().unselect();
  n.select();
}

cy.on('tap', 'node, edge', (e) => {
  if (connecting) {
    return;
  }
  const id = e.target.id() as string;
  if (e.target.data('kind') === 'ghost') {
    return;
  }
  if (e.target.data('group') !== undefined) {
    expandGroup(e.target.data('group') as string);
    return;
  }
  post({ type: 'select', id: e.target.isEdge() ? (e.target.data('source') as string) : id });
});
cy.on('dbltap', 'node', (e) => {
  const n = e.target as NodeSingular;
  if (n.data('group') !== undefined) {
    return;
  }
  const ns = n.data('kind') === 'namespace' ? n : cy.getElementById(n.data('ns') as string);
  if (ns.nonempty()) {
    post({ type: 'open', id: ns.id() });
  }
});
cy.on('dragfree', 'node', (e) => {
  const n = e.target as NodeSingular;
  const positions: Record<string, { x: number; y: number }> = {};
  const members = flat && n.data('kind') === 'namespace' ? n.union(portsOf(n.id())) : n.union(n.descendants());
  for (const m of members.toArray() as NodeSingular[]) {
    if (m.isChildless()) {
      positions[m.id()] = { ...m.position() };
    }
  }
  post({ type: 'moved', positions });
});

/** The element under the pointer, for the context menu VS Code shows on a right click. */
let hovered: cytoscape.SingularElementArgument | undefined;
cy.on('mouseover', 'node, edge', (e) => (hovered = e.target));
cy.on('mouseout', 'node, edge', () => (hovered = undefined));
cy.on('cxttapstart', 'node, edge', (e) => {
  hovered = e.target;
  selectOnly(e.target);
});
cy.on('cxttapstart', (e) => {
  if (e.target === cy) {
    hovered = undefined;
  }
});

function contextOf(el: cytoscape.SingularElementArgument | undefined): TopologyContext | undefined {
  if (!el || el.removed()) {
    return undefined;
  }
  const id = el.isEdge() ? (el.data('source') as string) : el.id();
  const c = contexts.get(id);
  return c && el.isEdge() ? { ...c, webviewSection: 'edge' } : c;
}

// VS Code shows a webview's context menu for a contextmenu event nobody prevented, with the
// data-vscode-context of its target. Cytoscape prevents every one on its canvas, so the event is
// stopped before it gets there and sent again from an element of our own that carries the context
// of what is under the pointer.
const menuAnchor = $<HTMLDivElement>('menuAnchor');
let resent = false;
window.addEventListener(
  'contextmenu',
  (e) => {
    if (resent || !container.contains(e.target as Node)) {
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
    const c = contextOf(hovered ?? (cy.$(':selected').first().nonempty() ? cy.$(':selected').first() : undefined));
    if (!c) {
      return; // no menu on the background
    }
    menuAnchor.dataset.vscodeContext = JSON.stringify(c);
    resent = true;
    try {
      menuAnchor.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: e.clientX, clientY: e.clientY }));
    } finally {
      resent = false;
    }
  },
  true,
);

// ---- connect: drag from a namespace to another ---------------------------------------------------

let connectMode = false;
let connecting: { from: NodeSingular } | undefined;

function setConnectMode(on: boolean): void {
  connectMode = on;
  connectButton.setAttribute('aria-pressed', String(on));
  connectButton.classList.toggle('on', on);
  cy.autoungrabify(on);
  cy.userPanningEnabled(!on);
  document.body.classList.toggle('connecting', on);
}

connectButton.addEventListener('click', () => setConnectMode(!connectMode));

function namespaceOf(n: cytoscape.SingularElementArgument | undefined): NodeSingular | undefined {
  if (!n || !n.isNode()) {
    return undefined;
  }
  const ns = n.data('kind') === 'namespace' ? n : cy.getElementById(n.data('ns') as string);
  return ns.nonempty() && ns.data('kind') === 'namespace' && !ns.data('unnamed') ? (ns as NodeSingular) : undefined;
}

function namespaceAt(pos: { x: number; y: number }): NodeSingular | undefined {
  let best: NodeSingular | undefined;
  let area = Infinity;
  cy.nodes('[kind="namespace"]').forEach((n) => {
    const b = n.boundingBox({ includeLabels: false });
    if (pos.x >= b.x1 && pos.x <= b.x2 && pos.y >= b.y1 && pos.y <= b.y2 && b.w * b.h < area && !n.data('unnamed')) {
      best = n;
      area = b.w * b.h;
    }
  });
  return best;
}

cy.on('tapstart', 'node', (e) => {
  if (!connectMode) {
    return;
  }
  const from = namespaceOf(e.target);
  if (!from) {
    return;
  }
  connecting = { from };
  cy.add([
    { group: 'nodes', data: { id: '__ghost', kind: 'ghost' }, position: { ...e.position }, selectable: false },
    { group: 'edges', data: { id: '__pending', kind: 'pending', source: from.id(), target: '__ghost' } },
  ]);
});
cy.on('tapdrag', (e) => {
  if (!connecting) {
    return;
  }
  cy.getElementById('__ghost').position({ ...e.position });
  cy.nodes('.target').removeClass('target');
  const over = namespaceAt(e.position);
  if (over && over !== connecting.from) {
    over.addClass('target');
  }
});
cy.on('tapend', (e) => {
  if (!connecting) {
    return;
  }
  const from = connecting.from;
  connecting = undefined;
  cy.remove('#__ghost, #__pending');
  cy.nodes('.target').removeClass('target');
  const to = namespaceAt(e.position);
  if (to && to.id() !== from.id()) {
    post({ type: 'connect', from: from.id(), to: to.id() });
    setConnectMode(false);
  }
});

// ---- toolbar and keyboard -------------------------------------------------------------------------

$('fit').addEventListener('click', () => fitAll());
$('zoomIn').addEventListener('click', () => zoomBy(1.25));
$('zoomOut').addEventListener('click', () => zoomBy(0.8));
$('layout').addEventListener('click', () => relayout());
$('export').addEventListener('click', () => post({ type: 'exportAsk' }));

function zoomBy(f: number): void {
  cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } });
}

function relayout(): void {
  seedGrid(current);
  runLayout(current);
  fitAll();
  post({ type: 'relaidOut' });
}

/** Namespaces in reading order, for the arrow keys. */
function keyOrder(): NodeSingular[] {
  const all = cy.nodes().not('.faded').filter((n) => n.data('kind') === 'namespace' || n.data('kind') === 'port').toArray() as NodeSingular[];
  return all.sort((a, b) => a.position().y - b.position().y || a.position().x - b.position().x);
}

container.addEventListener('keydown', (e) => {
  const sel = cy.$(':selected').first();
  switch (e.key) {
    case 'ArrowRight':
    case 'ArrowDown':
    case 'ArrowLeft':
    case 'ArrowUp': {
      const list = keyOrder();
      if (list.length === 0) {
        return;
      }
      const k = sel.nonempty() ? list.findIndex((n) => n.id() === sel.id()) : -1;
      const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : -1;
      const next = list[(k + step + list.length) % list.length];
      selectOnly(next);
      hovered = next;
      if (!next.renderedBoundingBox({}) || outOfView(next)) {
        cy.animate({ center: { eles: next }, duration: 150 });
      }
      post({ type: 'select', id: next.id() });
      break;
    }
    case 'Enter':
      if (sel.nonempty() && sel.data('group') !== undefined) {
        expandGroup(sel.data('group') as string);
      } else if (sel.nonempty()) {
        const ns = namespaceOf(sel);
        if (ns) {
          post({ type: 'open', id: ns.id() });
        }
      }
      break;
    case '+':
    case '=':
      zoomBy(1.25);
      break;
    case '-':
      zoomBy(0.8);
      break;
    case '0':
      fitAll();
      break;
    case '/':
      search.focus();
      break;
    case 'c':
      setConnectMode(!connectMode);
      break;
    case 'Escape':
      setConnectMode(false);
      break;
    case 'ContextMenu':
    case 'F10':
      if (e.key === 'F10' && !e.shiftKey) {
        return;
      }
      if (sel.nonempty()) {
        // The context menu of the selected element, where it is drawn.
        const b = sel.renderedBoundingBox({});
        const r = container.getBoundingClientRect();
        hovered = sel;
        container.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, clientX: r.left + (b.x1 + b.x2) / 2, clientY: r.top + (b.y1 + b.y2) / 2 }));
      }
      break;
    default:
      return;
  }
  e.preventDefault();
});

function outOfView(n: NodeSingular): boolean {
  const b = n.renderedBoundingBox({});
  return b.x2 < 0 || b.y2 < 0 || b.x1 > container.clientWidth || b.y1 > container.clientHeight;
}

// ---- theme -----------------------------------------------------------------------------------------

new MutationObserver(() => cy.style(stylesheet(readPalette(), large))).observe(document.body, { attributes: true, attributeFilter: ['class'] });

// ---- what is drawn, for tests and the benchmark --------------------------------------------------

function drawnState(): DrawnState {
  return {
    nodes: cy.nodes().map((n) => {
      const b = n.renderedBoundingBox({ includeLabels: false });
      const parent = n.data('ns') as string | undefined;
      return {
        id: n.id(),
        kind: n.data('kind') === 'port' ? (n.data('portKind') as string) : n.data('group') !== undefined ? 'group' : (n.data('kind') as string),
        ...(parent ? { parent } : {}),
        position: { ...n.position() },
        rendered: { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2, w: b.w, h: b.h },
      };
    }),
    edges: cy.edges().map((e) => ({ id: e.id(), kind: e.data('kind') as string, source: e.data('source') as string, target: e.data('target') as string })),
    selected: cy.$(':selected').map((x) => x.id()),
    zoom: cy.zoom(),
    seq,
    groups: groupsNow(),
    appliedAt,
    complete,
  };
}
(window as unknown as { netnsTopology: unknown }).netnsTopology = { state: drawnState, cy };

// ---- messages ------------------------------------------------------------------------------------

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => onMessage(ev.data));

function onMessage(m: ToWebview): void {
  try {
    switch (m.type) {
      case 'graph':
        clock.received = Date.now();
        Object.assign(clock, m.clock ?? {});
        words = m.words;
        options = m.options;
        seq = m.seq;
        contexts.clear();
        onGraph(unpack(m.graph), m.positions, performance.now());
        appliedAt = Date.now();
        break;
      case 'diff':
        seq = m.seq;
        if (complete) {
          onDiff(m.diff);
        } else {
          heldDiffs.push(m.diff);
        }
        appliedAt = Date.now();
        break;
      case 'contexts':
        for (const [id, c] of Object.entries(m.contexts)) {
          if (c) {
            contexts.set(id, c);
          } else {
            contexts.delete(id);
          }
        }
        break;
      case 'highlight': {
        let els = cy.collection();
        for (const id of m.ids) {
          els = els.union(cy.getElementById(id));
        }
        cy.elements().unselect();
        els.select();
        if (els.nonempty() && els.toArray().some((x) => x.isNode() && outOfView(x as NodeSingular))) {
          cy.animate({ center: { eles: els }, duration: 200 });
        }
        break;
      }
      case 'relayout':
        relayout();
        break;
      case 'export':
        if (m.format === 'png') {
          const png = cy.png({ output: 'base64', full: true, scale: large ? 1 : 2, maxWidth: 8000, maxHeight: 8000, bg: readPalette().background });
          post({ type: 'exported', request: m.request, png });
        } else {
          const layout: Record<string, { x: number; y: number; w: number; h: number }> = {};
          cy.nodes().forEach((n) => {
            const b = n.boundingBox({ includeLabels: false, includeOverlays: false });
            layout[n.id()] = { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2, w: b.w, h: b.h };
          });
          post({ type: 'exported', request: m.request, layout, palette: readPalette() });
        }
        break;
      case 'probe':
        post({ type: 'probed', request: m.request, state: drawnState() });
        break;
    }
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) });
  }
}

// The page comes with its first graph (see src/extension/topology/html.ts): drawn before anything is asked.
const embedded = document.getElementById('firstGraph');
if (embedded?.textContent) {
  clock.parsed = Date.now();
  onMessage(JSON.parse(embedded.textContent) as ToWebview);
  embedded.remove();
}

clock.ready = Date.now();
post({ type: 'ready', ...(seq > 0 ? { have: seq } : {}) });
