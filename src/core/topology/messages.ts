// Every message between the topology webview and the extension, in one place: what each side
// posts and what the other one receives. The webview's code (src/webview/topology) and the panel
// (src/extension/topology) both import these types, so a change breaks the build on both sides.

import type { PackedGraph } from './compact';
import type { GraphDiff } from './graph';
import type { Box, Layout } from './layout';
import type { Palette } from './svg';

/** Words the webview shows, in the display language (the webview has no l10n of its own). */
export interface TopologyWords {
  search: string;
  fit: string;
  layout: string;
  connect: string;
  connectHint: string;
  zoomIn: string;
  zoomOut: string;
  exportPicture: string;
  empty: string;
  /** "{0} processes" with {0} to fill; and for one. */
  processes: string;
  oneProcess: string;
  /** Said of a namespace that forwards (a router). */
  forwarding: string;
  /** Shown for a graph drawn with less detail: "{0} namespaces: zoom in for names". */
  large: string;
  /** A collapsed group's label: "{0}: {1} namespaces" (the name they share, how many). */
  group: string;
  /** The status line while groups are collapsed. */
  grouped: string;
  graphLabel: string;
}

/** Moments of a first draw (Date.now(), the same clock on both sides), by name: where the time went. */
export type Clock = Record<string, number>;

/** The settings the view draws with. */
export interface TopologyOptions {
  /** From this many namespaces on, the cheap grid layout and the large-graph rendering are used. */
  largeGraph: number;
  /** From this many namespaces on, namespaces sharing a name before their number are drawn as collapsed groups (0: never). */
  groupAbove?: number;
}

// ---- extension -> webview ------------------------------------------------------------------------

export type ToWebview =
  /** The whole graph (first draw, or after a full read): positions the user moved come with it. */
  | { type: 'graph'; graph: PackedGraph; positions: Record<string, { x: number; y: number }>; words: TopologyWords; options: TopologyOptions; seq: number; clock?: Clock }
  /** What changed since the last graph or diff: everything else keeps its place. */
  | { type: 'diff'; diff: GraphDiff; seq: number }
  /** The context values of elements (null: none any more), for the webview/context menus. */
  | { type: 'contexts'; contexts: Record<string, TopologyContext | null> }
  /** Select these elements (the tree's selection). */
  | { type: 'highlight'; ids: string[] }
  /** Send the layout back (for the SVG export) or the picture as PNG. */
  | { type: 'export'; format: 'png' | 'layout'; request: number }
  /** Run the automatic layout again (forgetting moved positions). */
  | { type: 'relayout' }
  /** For tests: report what is drawn. */
  | { type: 'probe'; request: number };

// ---- webview -> extension ------------------------------------------------------------------------

/** What the webview drew: for tests and the benchmark. */
export interface DrawnState {
  nodes: { id: string; kind: string; parent?: string; position: { x: number; y: number }; rendered: Box }[];
  edges: { id: string; kind: string; source: string; target: string }[];
  selected: string[];
  zoom: number;
  /** The graph's seq last applied. */
  seq: number;
  /** The collapsed groups' keys, and the expanded ones'. */
  groups: { collapsed: string[]; expanded: string[] };
  /** When it was applied (Date.now() in the webview: the same clock as the extension's). */
  appliedAt: number;
  /** Everything of the graph is in the picture (a large one is added progressively after its first draw). */
  complete: boolean;
}

export type FromWebview =
  /** The webview's script runs and can take the graph. */
  | { type: 'ready'; have?: number }
  /**
   * The first draw of a 'graph' is on screen: how long it took in the webview, from the message
   * (`ms`; for a large graph a first frame of its boxes drawn straight on a canvas, before the
   * renderer has them), and until the renderer's own frame, which answers the mouse (`interactiveMs`).
   */
  | { type: 'drawn'; seq: number; ms: number; interactiveMs: number; layoutMs: number; nodes: number; edges: number; large: boolean; phases: Record<string, number>; clock?: Clock }
  /** A click on a node or an edge (reveal it in the tree). */
  | { type: 'select'; id: string }
  /** A double click (or Enter) on a node: its terminal for a namespace. */
  | { type: 'open'; id: string }
  /** A drag from one namespace to another: make a veth pair between them. */
  | { type: 'connect'; from: string; to: string }
  /** Nodes the user moved, with their new positions (their ports' too). */
  | { type: 'moved'; positions: Record<string, { x: number; y: number }> }
  /** The automatic layout ran again: the positions the user moved are forgotten. */
  | { type: 'relaidOut' }
  /** The toolbar's export button. */
  | { type: 'exportAsk' }
  /** The answer to an 'export'. */
  | { type: 'exported'; request: number; png?: string; layout?: Layout; palette?: Palette }
  | { type: 'probed'; request: number; state: DrawnState }
  /** Something went wrong in the webview: for the log. */
  | { type: 'error'; message: string };

/**
 * What a node or an edge carries in its data-vscode-context (the webview/context menus): the same
 * `viewItem` the tree gives its row, so the tree's menu conditions hold here too, and what the
 * commands need to find the tree's node.
 */
export interface TopologyContext {
  webviewSection: 'namespace' | 'interface' | 'edge';
  viewItem: string;
  /** The element's id in the graph (the tree's id). */
  topologyId: string;
  preventDefaultContextMenuItems: true;
}

/** What the page keeps across a reload of the window and a hidden tab (the webview's state). */
export interface TopologyPageState {
  zoom?: number;
  pan?: { x: number; y: number };
  filter?: string;
  /** Groups the user expanded. */
  expanded?: string[];
}

/** The API the webview's script gets from acquireVsCodeApi(), typed by these messages. */
export interface TopologyVsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
