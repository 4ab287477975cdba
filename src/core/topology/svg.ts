// The picture as SVG, drawn from a graph and the boxes the view placed (or gridLayout's): one
// rounded box per namespace with its label, a box per port with its name, addresses and state,
// lines for the edges (dashed for a bridge's ports, dotted for a VLAN's parent). Colours come from
// the theme the view was showing. Pure, so it is tested without a browser.

import type { TopoGraph, TopoPort } from './graph';
import { layoutBounds, type Layout } from './layout';

export interface Palette {
  background: string;
  foreground: string;
  /** Namespace boxes. */
  nsFill: string;
  nsBorder: string;
  portFill: string;
  portBorder: string;
  up: string;
  down: string;
  noCarrier: string;
  edge: string;
  /** Netem on a port. */
  netem: string;
  font: string;
}

export const DEFAULT_PALETTE: Palette = {
  background: '#ffffff',
  foreground: '#1f1f1f',
  nsFill: '#f3f3f3',
  nsBorder: '#8a8a8a',
  portFill: '#ffffff',
  portBorder: '#6a6a6a',
  up: '#388a34',
  down: '#a1260d',
  noCarrier: '#bf8803',
  edge: '#0066bf',
  netem: '#8250df',
  font: 'sans-serif',
};

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

function stateColour(p: TopoPort, pal: Palette): string {
  return p.state === 'up' ? pal.up : p.state === 'down' ? pal.down : pal.noCarrier;
}

/** Namespace label: its name and, where known, its processes ("3 processes" in the words given). */
export interface SvgWords {
  processes(n: number): string;
}

const ENGLISH: SvgWords = { processes: (k) => (k === 1 ? '1 process' : `${k} processes`) };

export function toSvg(g: TopoGraph, layout: Layout, pal: Palette = DEFAULT_PALETTE, words: SvgWords = ENGLISH): string {
  const b = layoutBounds(layout);
  const pad = 20;
  const [w, h] = [b.x2 - b.x1 + 2 * pad, b.y2 - b.y1 + 2 * pad];
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(w)}" height="${n(h)}" viewBox="${n(b.x1 - pad)} ${n(b.y1 - pad)} ${n(w)} ${n(h)}" font-family="${escapeXml(pal.font)}" font-size="11">`,
  );
  out.push(`<rect x="${n(b.x1 - pad)}" y="${n(b.y1 - pad)}" width="${n(w)}" height="${n(h)}" fill="${escapeXml(pal.background)}"/>`);
  out.push('<g class="namespaces">');
  for (const ns of g.namespaces) {
    const box = layout[ns.id];
    if (!box) {
      continue;
    }
    const [x, y] = [box.x - box.w / 2, box.y - box.h / 2];
    const procs = ns.processes !== undefined ? ` · ${words.processes(ns.processes)}` : '';
    out.push(
      `<g class="namespace" data-id="${escapeXml(ns.id)}"><rect x="${n(x)}" y="${n(y)}" width="${n(box.w)}" height="${n(box.h)}" rx="8" fill="${escapeXml(pal.nsFill)}" stroke="${escapeXml(ns.forwarding ? pal.edge : pal.nsBorder)}" stroke-width="${ns.isRoot ? 2 : 1}"${ns.netns === undefined ? ' stroke-dasharray="4 3"' : ''}/>` +
        `<text x="${n(box.x)}" y="${n(y - 6)}" text-anchor="middle" fill="${escapeXml(pal.foreground)}" font-weight="bold">${escapeXml(ns.label + procs)}</text></g>`,
    );
  }
  out.push('</g><g class="edges">');
  for (const e of g.edges) {
    const [s, t] = [layout[e.source], layout[e.target]];
    if (!s || !t) {
      continue;
    }
    const dash = e.kind === 'port' ? ' stroke-dasharray="6 4"' : e.kind === 'vlan' ? ' stroke-dasharray="2 3"' : '';
    out.push(`<line class="edge ${e.kind}" data-id="${escapeXml(e.id)}" x1="${n(s.x)}" y1="${n(s.y)}" x2="${n(t.x)}" y2="${n(t.y)}" stroke="${escapeXml(pal.edge)}" stroke-width="${e.kind === 'veth' ? 2 : 1.5}"${dash}/>`);
  }
  out.push('</g><g class="ports">');
  for (const p of g.ports) {
    const box = layout[p.id];
    if (!box) {
      continue;
    }
    const [x, y] = [box.x - box.w / 2, box.y - box.h / 2];
    const lines = [p.name, ...p.addresses.slice(0, 2)];
    const text = lines
      .map((l, k) => `<tspan x="${n(box.x)}" dy="${k === 0 ? 0 : 12}">${escapeXml(l)}</tspan>`)
      .join('');
    const netem = p.netemText ? `<text x="${n(box.x)}" y="${n(y + box.h + 12)}" text-anchor="middle" fill="${escapeXml(pal.netem)}" font-size="10">${escapeXml(p.netemText)}</text>` : '';
    out.push(
      `<g class="port ${escapeXml(p.kind)}" data-id="${escapeXml(p.id)}"><rect x="${n(x)}" y="${n(y)}" width="${n(box.w)}" height="${n(box.h)}" rx="${p.kind === 'bridge' ? 2 : 5}" fill="${escapeXml(pal.portFill)}" stroke="${escapeXml(stateColour(p, pal))}" stroke-width="2"/>` +
        `<text x="${n(box.x)}" y="${n(box.y - (lines.length - 1) * 6 + 4)}" text-anchor="middle" fill="${escapeXml(pal.foreground)}">${text}</text>${netem}</g>`,
    );
  }
  out.push('</g></svg>');
  return out.join('\n');
}
