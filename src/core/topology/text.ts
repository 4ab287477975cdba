// The wiring as text for docs: a Mermaid flowchart and a Graphviz DOT graph. Each namespace is a
// subgraph (cluster) holding its ports; veth pairs are solid lines, a bridge's ports dashed, a
// VLAN's parent dotted. Node ids are made safe for both languages; labels keep the real names.

import type { TopoEdge, TopoGraph, TopoPort } from './graph';

/** An identifier both languages take: letters, digits and underscores, unique per id. */
export function safeId(id: string, taken: Map<string, string>): string {
  const existing = taken.get(id);
  if (existing) {
    return existing;
  }
  const base = `n_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
  let out = base;
  let k = 2;
  const used = new Set(taken.values());
  while (used.has(out)) {
    out = `${base}_${k++}`;
  }
  taken.set(id, out);
  return out;
}

function portLabel(p: TopoPort): string[] {
  const lines = [p.name];
  if (p.vlanId !== undefined) {
    lines.push(`VLAN ${p.vlanId}`);
  }
  lines.push(...p.addresses);
  if (p.state !== 'up') {
    lines.push(p.state);
  }
  if (p.netemText) {
    lines.push(p.netemText);
  }
  return lines;
}

const mermaidText = (s: string) => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

export function toMermaid(g: TopoGraph): string {
  const ids = new Map<string, string>();
  const out = ['flowchart LR'];
  const portsOf = groupPorts(g);
  for (const ns of g.namespaces) {
    const label = ns.processes !== undefined ? `${ns.label} (${ns.processes === 1 ? '1 process' : `${ns.processes} processes`})` : ns.label;
    out.push(`  subgraph ${safeId(ns.id, ids)}["${mermaidText(label)}"]`);
    for (const p of portsOf.get(ns.id) ?? []) {
      const text = portLabel(p).map(mermaidText).join('<br/>');
      out.push(p.kind === 'bridge' ? `    ${safeId(p.id, ids)}{{"${text}"}}` : `    ${safeId(p.id, ids)}["${text}"]`);
    }
    out.push('  end');
  }
  for (const e of g.edges) {
    out.push(`  ${safeId(e.source, ids)} ${mermaidArrow(e)} ${safeId(e.target, ids)}`);
  }
  return out.join('\n') + '\n';
}

function mermaidArrow(e: TopoEdge): string {
  return e.kind === 'veth' ? '---' : e.kind === 'port' ? '-.-' : '-.->|vlan|';
}

const dotText = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

export function toDot(g: TopoGraph): string {
  const ids = new Map<string, string>();
  const out = ['graph topology {', '  rankdir=LR;', '  compound=true;', '  node [shape=box, style=rounded, fontname="sans-serif", fontsize=10];'];
  const portsOf = groupPorts(g);
  for (const ns of g.namespaces) {
    const label = ns.processes !== undefined ? `${ns.label} (${ns.processes === 1 ? '1 process' : `${ns.processes} processes`})` : ns.label;
    out.push(`  subgraph cluster_${safeId(ns.id, ids)} {`);
    out.push(`    label="${dotText(label)}";${ns.netns === undefined ? ' style=dashed;' : ''}`);
    const ports = portsOf.get(ns.id) ?? [];
    if (ports.length === 0) {
      // An empty cluster is not drawn: a point keeps the namespace in the picture.
      out.push(`    ${safeId(ns.id, ids)}_empty [shape=point, style=invis];`);
    }
    for (const p of ports) {
      const shape = p.kind === 'bridge' ? ', shape=hexagon' : '';
      const colour = p.state === 'up' ? '' : p.state === 'down' ? ', color=red' : ', color=orange';
      out.push(`    ${safeId(p.id, ids)} [label="${portLabel(p).map(dotText).join('\\n')}"${shape}${colour}];`);
    }
    out.push('  }');
  }
  for (const e of g.edges) {
    const style = e.kind === 'veth' ? '' : e.kind === 'port' ? ' [style=dashed]' : ' [style=dotted, label="vlan"]';
    out.push(`  ${safeId(e.source, ids)} -- ${safeId(e.target, ids)}${style};`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

function groupPorts(g: TopoGraph): Map<string, TopoPort[]> {
  const m = new Map<string, TopoPort[]>();
  for (const p of g.ports) {
    const list = m.get(p.ns);
    if (list) {
      list.push(p);
    } else {
      m.set(p.ns, [p]);
    }
  }
  return m;
}
