// A large graph's first frame: its namespace boxes (and, when they can be told apart, ports and
// lines) drawn straight on a canvas of their own over the renderer's, where the grid layout puts
// them and at the zoom the renderer will fit them to. It takes a few milliseconds for thousands of
// boxes; the renderer (cytoscape) builds its elements in the next tasks and draws the same
// picture, and this canvas is removed once that is on screen.

import type { TopoGraph } from '../../core/topology/graph';
import type { Layout } from '../../core/topology/layout';
import type { Palette } from '../../core/topology/svg';

const ID = 'firstFrame';
/** Room the label above a namespace box takes, as fitAll() counts it. */
const LABEL = 20;
const PAD = 30;

export function paintFirstFrame(container: HTMLElement, g: TopoGraph, layout: Layout, p: Palette, detailZoom: number, viewport?: { zoom: number; pan: { x: number; y: number } }): void {
  removeFirstFrame(container);
  const [w, h] = [container.clientWidth, container.clientHeight];
  if (w === 0 || h === 0) {
    return;
  }
  const canvas = document.createElement('canvas');
  canvas.id = ID;
  canvas.width = w;
  canvas.height = h;
  canvas.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;z-index:10';
  canvas.setAttribute('aria-hidden', 'true');
  container.appendChild(canvas);
  const c = canvas.getContext('2d');
  if (!c) {
    return;
  }
  let zoom: number;
  let pan: { x: number; y: number };
  if (viewport) {
    ({ zoom, pan } = viewport);
  } else {
    let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const n of g.namespaces) {
      const b = layout[n.id];
      if (b) {
        x1 = Math.min(x1, b.x - b.w / 2);
        x2 = Math.max(x2, b.x + b.w / 2);
        y1 = Math.min(y1, b.y - b.h / 2 - LABEL);
        y2 = Math.max(y2, b.y + b.h / 2);
      }
    }
    if (!Number.isFinite(x1)) {
      return;
    }
    zoom = Math.min(4, (w - 2 * PAD) / (x2 - x1), (h - 2 * PAD) / (y2 - y1));
    pan = { x: w / 2 - (zoom * (x1 + x2)) / 2, y: h / 2 - (zoom * (y1 + y2)) / 2 };
  }
  c.fillStyle = p.background;
  c.fillRect(0, 0, w, h);
  c.setTransform(zoom, 0, 0, zoom, pan.x, pan.y);
  const box = (b: { x: number; y: number; w: number; h: number }) => {
    c.beginPath();
    c.roundRect(b.x - b.w / 2, b.y - b.h / 2, b.w, b.h, Math.min(8, b.w / 4));
  };
  c.lineWidth = 1 / Math.max(zoom, 0.5);
  c.fillStyle = p.nsFill;
  c.strokeStyle = p.nsBorder;
  for (const n of g.namespaces) {
    const b = layout[n.id];
    if (b) {
      box(b);
      c.fill();
      c.stroke();
    }
  }
  // Text the renderer would draw (at least 8 pixels high), and the detail it shows from this zoom on.
  if (12 * zoom >= 8) {
    c.fillStyle = p.foreground;
    c.font = `bold 12px ${p.font}`;
    c.textAlign = 'center';
    c.textBaseline = 'bottom';
    for (const n of g.namespaces) {
      const b = layout[n.id];
      if (b) {
        c.fillText(n.label, b.x, b.y - b.h / 2 - 4);
      }
    }
  }
  if (zoom >= detailZoom) {
    c.strokeStyle = p.edge;
    c.lineWidth = 2;
    c.beginPath();
    for (const e of g.edges) {
      const [s, t] = [layout[e.source], layout[e.target]];
      if (s && t) {
        c.moveTo(s.x, s.y);
        c.lineTo(t.x, t.y);
      }
    }
    c.stroke();
    c.fillStyle = p.portFill;
    for (const port of g.ports) {
      const b = layout[port.id];
      if (b) {
        c.strokeStyle = port.state === 'up' ? p.up : port.state === 'down' ? p.down : p.noCarrier;
        box(b);
        c.fill();
        c.stroke();
      }
    }
  }
}

export function removeFirstFrame(container: HTMLElement): void {
  container.querySelector(`#${ID}`)?.remove();
}
