// Where things go in the picture. A box per node by id (centre and size), as the webview's
// renderer reports them and as the exports draw them; and a cheap deterministic layout for graphs
// too large for a force layout: namespaces in a grid (lab by lab, as groupKey sorts them), each
// one's ports in rows inside it. Pure: the webview uses it for large graphs, the tests for the
// exports.

import { groupKey, type TopoGraph } from './graph';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Layout = Record<string, Box>;

/** Sizes the webview draws too (style in src/webview/topology/style.ts). */
export const PORT_W = 86;
export const PORT_H = 30;
export const PORT_GAP = 16;
/** Room around the ports inside a namespace box (its label is drawn above it). */
export const NS_PAD = 14;
export const EMPTY_NS = 60;
/** A collapsed group's box (groups.ts). */
export const GROUP_W = 150;
export const GROUP_H = 70;
/** Between namespaces: room for a label above each. */
const CELL_GAP = 70;

/** How many ports a namespace's row holds. */
function portColumns(n: number): number {
  return Math.max(1, Math.min(n, Math.ceil(Math.sqrt(n * 2))));
}

/** The grid layout: positions of every port, and each namespace's box around its ports. */
export function gridLayout(g: TopoGraph, order?: (a: string, b: string) => number): Layout {
  const portsOf = new Map<string, string[]>();
  for (const p of g.ports) {
    const list = portsOf.get(p.ns);
    if (list) {
      list.push(p.id);
    } else {
      portsOf.set(p.ns, [p.id]);
    }
  }
  const namespaces = g.namespaces.map((n) => n.id);
  if (order) {
    namespaces.sort(order);
  }
  const groups = new Set(g.namespaces.filter((n) => n.members !== undefined).map((n) => n.id));
  const size = (id: string) => {
    if (groups.has(id)) {
      return { w: GROUP_W, h: GROUP_H, cols: 0 };
    }
    const n = portsOf.get(id)?.length ?? 0;
    if (n === 0) {
      return { w: EMPTY_NS, h: EMPTY_NS, cols: 0 };
    }
    const cols = portColumns(n);
    const rows = Math.ceil(n / cols);
    return { w: cols * PORT_W + (cols - 1) * PORT_GAP + 2 * NS_PAD, h: rows * PORT_H + (rows - 1) * PORT_GAP + 2 * NS_PAD, cols };
  };
  const sizes = namespaces.map(size);
  const columns = Math.max(1, Math.ceil(Math.sqrt(namespaces.length)));
  const colW: number[] = [];
  const rowH: number[] = [];
  sizes.forEach((s, k) => {
    const c = k % columns;
    const r = Math.floor(k / columns);
    colW[c] = Math.max(colW[c] ?? 0, s.w);
    rowH[r] = Math.max(rowH[r] ?? 0, s.h);
  });
  const colX: number[] = [];
  let x = 0;
  for (const w of colW) {
    colX.push(x + w / 2);
    x += w + CELL_GAP;
  }
  const rowY: number[] = [];
  let y = 0;
  for (const h of rowH) {
    rowY.push(y + h / 2);
    y += h + CELL_GAP;
  }
  const out: Layout = {};
  namespaces.forEach((id, k) => {
    const s = sizes[k];
    const cx = colX[k % columns];
    const cy = rowY[Math.floor(k / columns)];
    out[id] = { x: cx, y: cy, w: s.w, h: s.h };
    const ports = portsOf.get(id) ?? [];
    const left = cx - s.w / 2 + NS_PAD + PORT_W / 2;
    const top = cy - s.h / 2 + NS_PAD + PORT_H / 2;
    ports.forEach((pid, j) => {
      out[pid] = { x: left + (j % s.cols) * (PORT_W + PORT_GAP), y: top + Math.floor(j / s.cols) * (PORT_H + PORT_GAP), w: PORT_W, h: PORT_H };
    });
  });
  return out;
}

/** Each namespace's box around its ports' boxes (as a compound node is drawn), for a layout that placed only ports. */
export function fitNamespaces(g: TopoGraph, layout: Layout): Layout {
  const out: Layout = { ...layout };
  const bounds = new Map<string, [number, number, number, number]>();
  for (const p of g.ports) {
    const b = layout[p.id];
    if (!b) {
      continue;
    }
    const cur = bounds.get(p.ns) ?? [Infinity, Infinity, -Infinity, -Infinity];
    bounds.set(p.ns, [Math.min(cur[0], b.x - b.w / 2), Math.min(cur[1], b.y - b.h / 2), Math.max(cur[2], b.x + b.w / 2), Math.max(cur[3], b.y + b.h / 2)]);
  }
  for (const [id, [x1, y1, x2, y2]] of bounds) {
    out[id] = { x: (x1 + x2) / 2, y: (y1 + y2) / 2, w: x2 - x1 + 2 * NS_PAD, h: y2 - y1 + 2 * NS_PAD };
  }
  return out;
}

/** The box around every box of a layout. */
export function layoutBounds(layout: Layout): { x1: number; y1: number; x2: number; y2: number } {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of Object.values(layout)) {
    x1 = Math.min(x1, b.x - b.w / 2);
    y1 = Math.min(y1, b.y - b.h / 2);
    x2 = Math.max(x2, b.x + b.w / 2);
    y2 = Math.max(y2, b.y + b.h / 2);
  }
  return Number.isFinite(x1) ? { x1, y1, x2, y2 } : { x1: 0, y1: 0, x2: 0, y2: 0 };
}

/** The grid's order: host first, then by group (a lab's namespaces together), then by name. */
export function groupOrder(g: TopoGraph): (a: string, b: string) => number {
  const info = new Map(g.namespaces.map((n, k) => [n.id, { root: n.isRoot, group: groupKey(n.label), k }]));
  return (a, b) => {
    const [x, y] = [info.get(a)!, info.get(b)!];
    if (x.root !== y.root) {
      return x.root ? -1 : 1;
    }
    return x.group < y.group ? -1 : x.group > y.group ? 1 : x.k - y.k;
  };
}
