// The picture's look from the VS Code theme: the webview gets the theme's colours as CSS
// variables (--vscode-*), which the canvas cannot read, so they are read here and turned into a
// cytoscape stylesheet, again each time the theme changes.

import type { StylesheetJson } from 'cytoscape';
import { GROUP_H, GROUP_W, PORT_H, PORT_W } from '../../core/topology/layout';
import type { Palette } from '../../core/topology/svg';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function readPalette(): Palette {
  const dark = document.body.classList.contains('vscode-dark') || document.body.classList.contains('vscode-high-contrast');
  return {
    background: cssVar('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    foreground: cssVar('--vscode-editor-foreground', dark ? '#cccccc' : '#1f1f1f'),
    nsFill: cssVar('--vscode-sideBar-background', dark ? '#252526' : '#f3f3f3'),
    nsBorder: cssVar('--vscode-contrastBorder', '') || cssVar('--vscode-panel-border', dark ? '#3c3c3c' : '#c8c8c8'),
    portFill: cssVar('--vscode-input-background', dark ? '#3c3c3c' : '#ffffff'),
    portBorder: cssVar('--vscode-input-border', dark ? '#6b6b6b' : '#8a8a8a'),
    up: cssVar('--vscode-charts-green', '#388a34'),
    down: cssVar('--vscode-charts-red', '#e51400'),
    noCarrier: cssVar('--vscode-charts-yellow', '#bf8803'),
    edge: cssVar('--vscode-charts-blue', '#3794ff'),
    netem: cssVar('--vscode-charts-purple', '#b180d7'),
    font: cssVar('--vscode-font-family', 'sans-serif'),
  };
}

export function focusColour(): string {
  return cssVar('--vscode-focusBorder', '#007fd4');
}

export function highContrast(): boolean {
  return document.body.classList.contains('vscode-high-contrast');
}

/** The stylesheet; `large`: fewer details (straight edges, no text below a zoom level). */
export function stylesheet(p: Palette, large: boolean): StylesheetJson {
  const focus = focusColour();
  const hc = highContrast();
  return [
    {
      selector: 'node',
      style: {
        'font-family': p.font,
        color: p.foreground,
        'font-size': 10,
        // Level of detail: text too small to read is not drawn at all.
        'min-zoomed-font-size': large ? 8 : 4,
      },
    },
    {
      selector: 'node[kind="namespace"]',
      style: {
        shape: 'round-rectangle',
        'background-color': p.nsFill,
        'background-opacity': 1,
        'border-color': p.nsBorder,
        'border-width': hc ? 2 : 1,
        label: 'data(label)',
        'text-valign': 'top',
        'text-halign': 'center',
        'text-wrap': 'wrap',
        'text-margin-y': -4,
        'font-weight': 'bold',
        'font-size': 12,
        padding: '14px',
        width: 60,
        height: 60,
      },
    },
    // Flat (large graphs): a box sized by the layout, drawn under its ports and their lines.
    { selector: 'node[kind="namespace"][?flat]', style: { width: 'data(w)', height: 'data(h)', padding: '0px', 'z-index-compare': 'manual', 'z-index': 0 } },
    { selector: 'node[kind="port"], edge', style: { 'z-index-compare': 'manual', 'z-index': 2 } },
    { selector: 'node[kind="namespace"][?isRoot]', style: { 'border-width': hc ? 3 : 2 } },
    { selector: 'node[kind="namespace"][?forwarding]', style: { 'border-color': p.edge, 'border-width': 2 } },
    { selector: 'node[kind="namespace"][?unnamed]', style: { 'border-style': 'dashed' } },
    { selector: 'node[kind="namespace"][?error]', style: { 'border-color': p.down, 'border-style': 'dashed' } },
    // A collapsed group of namespaces: a stack of boxes (a double border), its name and count.
    {
      selector: 'node[kind="namespace"][?members]',
      style: { 'border-style': 'double', 'border-width': 4, 'border-color': p.edge, width: GROUP_W, height: GROUP_H, 'text-valign': 'center', 'text-margin-y': 0, 'text-max-width': '140px', 'font-size': 12 },
    },
    { selector: 'node[kind="namespace"][?members][?flat]', style: { width: GROUP_W, height: GROUP_H } },
    {
      selector: 'node[kind="port"]',
      style: {
        shape: 'round-rectangle',
        width: PORT_W,
        height: PORT_H,
        'background-color': p.portFill,
        'border-color': p.up,
        'border-width': 2,
        label: 'data(label)',
        'text-valign': 'center',
        'text-halign': 'center',
        'text-wrap': 'wrap',
        'text-max-width': `${PORT_W + 30}px`,
        'font-size': 9,
        'line-height': 1.15,
      },
    },
    { selector: 'node[kind="port"][state="down"]', style: { 'border-color': p.down, 'border-style': 'dashed' } },
    { selector: 'node[kind="port"][state="no-carrier"]', style: { 'border-color': p.noCarrier } },
    { selector: 'node[kind="port"][portKind="bridge"]', style: { shape: 'hexagon', width: PORT_W + 10, 'background-color': p.nsFill } },
    { selector: 'node[kind="port"][?netem]', style: { 'underlay-color': p.netem, 'underlay-opacity': 0.35, 'underlay-padding': 4, 'underlay-shape': 'round-rectangle' } },
    {
      selector: 'edge',
      style: {
        width: 2,
        'line-color': p.edge,
        'curve-style': large ? 'haystack' : 'bezier',
        'haystack-radius': 0,
      },
    },
    { selector: 'edge[kind="port"]', style: { width: 1.5, 'line-style': 'dashed', 'line-dash-pattern': [6, 4] } },
    { selector: 'edge[kind="vlan"]', style: { width: 1.5, 'line-style': 'dotted', 'target-arrow-shape': large ? 'none' : 'triangle', 'target-arrow-color': p.edge } },
    { selector: 'edge[kind="group"]', style: { width: 3, label: 'data(label)', color: p.foreground, 'font-size': 11, 'text-background-color': p.background, 'text-background-opacity': 1, 'text-background-padding': '2px' } },
    { selector: 'edge[kind="pending"]', style: { 'line-style': 'dashed', 'line-color': focus, width: 2 } },
    { selector: 'node[kind="ghost"]', style: { width: 1, height: 1, 'background-opacity': 0, 'border-width': 0, label: '' } },
    { selector: '.faded', style: { opacity: 0.2 } },
    { selector: '.hidden-detail', style: { display: 'none' } },
    { selector: '.target', style: { 'border-color': focus, 'border-width': 3, 'border-style': 'solid' } },
    {
      selector: ':selected',
      style: { 'border-color': focus, 'border-width': 3, 'line-color': focus, 'overlay-color': focus, 'overlay-opacity': 0.08, 'overlay-padding': 3 },
    },
  ];
}
