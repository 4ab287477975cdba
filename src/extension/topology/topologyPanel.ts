// The "Topology" editor panel: one webview beside the tree, drawing the same model (the namespace
// store). A change in the model is sent as a diff within DEBOUNCE_MS, so the picture follows the
// kernel live and everything that did not change keeps its place. Positions the user moved are
// kept per workspace. A click reveals the element in the tree; a selection in the tree highlights
// it in the picture; a drag from one namespace to another makes a veth pair between them.

import * as vscode from 'vscode';
import type { NetnsRef } from '../../core/model';
import { pack, type PackedGraph } from '../../core/topology/compact';
import { buildGraph, diffGraphs, isEmptyDiff, type TopoGraph } from '../../core/topology/graph';
import type { Layout } from '../../core/topology/layout';
import type { DrawnState, FromWebview, TopologyContext, TopologyWords, ToWebview } from '../../core/topology/messages';
import type { Palette } from '../../core/topology/svg';
import type { CommandContext } from '../commands/context';
import { netnsDisplayName } from '../labels';
import type { ModelChange } from '../model/namespaceStore';
import { interfaceContextValue } from '../tree/interfaces/interfaceState';
import { namespaceContextValue } from '../tree/namespaces/namespaceItem';
import type { TreeNode } from '../tree/nodes';
import { topologyHtml } from './html';
import { elementRef } from './topologyIds';

export const TOPOLOGY_VIEW_TYPE = 'netns.topology';
/** How long model changes are gathered before one diff is sent. */
export const DEBOUNCE_MS = 15;
const POSITIONS_KEY = 'netns.topology.positions';

export interface DrawnReport {
  seq: number;
  /** From the command (or the page load) to the first draw on screen. */
  sinceOpenMs: number;
  /** In the webview, from the graph message to the frame painted (the first frame of a large graph). */
  ms: number;
  /** In the webview, from the graph message to the renderer's frame (pan, zoom and clicks work). */
  interactiveMs: number;
  layoutMs: number;
  nodes: number;
  edges: number;
  large: boolean;
}

type Handler = (m: FromWebview) => void;

export class TopologyPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private tree: vscode.TreeView<TreeNode> | undefined;
  private sent: TopoGraph | undefined;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private openedAt = 0;
  /** When the model changed first since the last diff was sent. */
  private changedAt: number | undefined;
  private request = 0;
  private readonly waiting = new Map<number, Handler>();
  private readonly visibility = new vscode.EventEmitter<boolean>();
  private readonly drawnEvents = new vscode.EventEmitter<DrawnReport>();
  private readonly disposables: vscode.Disposable[] = [];
  private panelDisposables: vscode.Disposable[] = [];
  /** The page has said it is ready: diffs can go to it. */
  private pageReady = false;
  /** The menus' context values wait for the first draw (the first right click needs them). */
  private contextsPending = false;
  /** The last first draw the webview reported (tests, the benchmark). */
  lastDrawn: DrawnReport | undefined;

  /** The panel became visible or hidden (the model is kept live while someone looks). */
  readonly onDidChangeVisibility = this.visibility.event;
  readonly onDidDraw = this.drawnEvents.event;

  constructor(
    private readonly ctx: CommandContext,
    private readonly state: vscode.Memento,
    private readonly dist: vscode.Uri,
  ) {
    this.disposables.push(
      this.visibility,
      this.drawnEvents,
      { dispose: ctx.model.onDidChange((c) => this.onModelChange(c)).dispose },
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('netns.topology') || e.affectsConfiguration('netns.view')) {
          this.sendFull();
        }
      }),
    );
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** The tree, for reveal and its selection; given once the view exists. */
  attachTree(tree: vscode.TreeView<TreeNode>): void {
    this.tree = tree;
    this.disposables.push(
      tree.onDidChangeSelection((e) => {
        if (this.panel) {
          void this.post({ type: 'highlight', ids: e.selection.map((n) => n.id) });
        }
      }),
    );
  }

  /** Opens the panel (or shows it), and resolves once its first graph is on screen. */
  async show(): Promise<DrawnReport | undefined> {
    this.openedAt = Date.now();
    if (this.panel) {
      this.panel.reveal(undefined, false);
      return this.lastDrawn;
    }
    const panel = vscode.window.createWebviewPanel(
      TOPOLOGY_VIEW_TYPE,
      vscode.l10n.t('Network Topology'),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      TopologyPanel.webviewOptions(this.dist),
    );
    return this.adopt(panel);
  }

  static webviewOptions(dist: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [dist], retainContextWhenHidden: false };
  }

  /**
   * A panel VS Code kept from before a reload of the window (its WebviewPanelSerializer): drawn
   * again, the page's zoom, filter and expanded groups coming back from its own state.
   */
  restore(panel: vscode.WebviewPanel): Promise<void> {
    this.openedAt = Date.now();
    if (this.panel) {
      // One view at a time: a second one restored is closed.
      panel.dispose();
      return Promise.resolve();
    }
    panel.webview.options = TopologyPanel.webviewOptions(this.dist);
    // Not waited for: VS Code shows the page only once this returns.
    void this.adopt(panel);
    return Promise.resolve();
  }

  private async adopt(panel: vscode.WebviewPanel): Promise<DrawnReport | undefined> {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.dist, '..', 'media', 'netns.svg');
    const drawn = new Promise<DrawnReport | undefined>((resolve) => {
      const sub = this.drawnEvents.event((r) => {
        sub.dispose();
        resolve(r);
      });
      panel.onDidDispose(() => resolve(undefined));
    });
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((m: FromWebview) => this.onMessage(m)),
      panel.onDidChangeViewState(() => this.visibility.fire(panel.visible)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.sent = undefined;
        for (const d of this.panelDisposables) {
          d.dispose();
        }
        this.panelDisposables = [];
        this.visibility.fire(false);
      }),
    ];
    this.pageReady = false;
    // The page comes with its first graph in it: it draws at once, without asking for it first.
    const t0 = Date.now();
    const first = this.fullMessage({ opened: this.openedAt });
    const built = Date.now() - t0;
    panel.webview.html = topologyHtml(panel.webview, this.dist, first, {
      title: vscode.l10n.t('Network Topology'),
      search: vscode.l10n.t('Filter by name'),
      fit: vscode.l10n.t('Fit to Window (0)'),
      zoomIn: vscode.l10n.t('Zoom In (+)'),
      zoomOut: vscode.l10n.t('Zoom Out (-)'),
      layout: vscode.l10n.t('Automatic Layout'),
      connect: vscode.l10n.t('Connect: drag from one namespace to another to make a veth pair (C)'),
      connectHint: vscode.l10n.t('Drag from one namespace to another'),
      exportPicture: vscode.l10n.t('Export...'),
      collapse: vscode.l10n.t('Collapse Groups'),
      graphLabel: vscode.l10n.t('Namespaces and their links. Arrow keys move between them, Enter opens a terminal, Shift+F10 the menu.'),
    });
    this.ctx.log.write('debug', `Topology page written with its graph (${Math.round(JSON.stringify(first.graph).length / 1024)} KB) in ${built} ms.`);
    this.visibility.fire(true);
    await this.ctx.model.ensureFresh();
    return drawn;
  }

  // ---- model -> webview --------------------------------------------------------------------------

  private graph(): TopoGraph {
    const m = this.ctx.model;
    const showLoopback = vscode.workspace.getConfiguration('netns').get<boolean>('topology.showLoopback', false);
    return buildGraph(m.all(), m.processes, {
      showLoopback,
      hostLabel: vscode.l10n.t('host'),
      netemWords: { loss: vscode.l10n.t('loss'), duplicate: vscode.l10n.t('duplicate'), corrupt: vscode.l10n.t('corrupt'), reorder: vscode.l10n.t('reorder') },
    });
  }

  /** The graph as last sent to the webview (tests compare it with the kernel). */
  get current(): TopoGraph | undefined {
    return this.sent;
  }

  private onModelChange(_c: ModelChange): void {
    if (!this.panel || !this.sent || !this.pageReady) {
      return;
    }
    this.changedAt ??= Date.now();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.sendDiff(), DEBOUNCE_MS);
  }

  private sendDiff(): void {
    if (!this.panel || !this.sent) {
      return;
    }
    if (!this.panel.visible) {
      // A hidden page is discarded; it asks for the whole graph when shown again.
      return;
    }
    const t0 = Date.now();
    const next = this.graph();
    const diff = diffGraphs(this.sent, next);
    const since = this.changedAt;
    this.changedAt = undefined;
    if (isEmptyDiff(diff)) {
      return;
    }
    if (diff.added.namespaces.length > 50 && diff.added.namespaces.length > this.sent.namespaces.length / 2) {
      // Most of the picture is new (the first read of the model): drawn whole, in its layout.
      this.sendFull({ opened: Date.now() });
      return;
    }
    this.ctx.log.write('debug', `Topology diff: ${diff.removed.length} removed, ${diff.added.namespaces.length + diff.added.ports.length + diff.added.edges.length} added, ${diff.changed.namespaces.length + diff.changed.ports.length + diff.changed.edges.length} changed; built in ${Date.now() - t0} ms, ${since === undefined ? '?' : Date.now() - since} ms after the model changed.`);
    this.sent = next;
    void this.post({ type: 'diff', diff, seq: ++this.seq });
    const ids = [...diff.added.namespaces, ...diff.changed.namespaces, ...diff.added.ports, ...diff.changed.ports].map((x) => x.id);
    const contexts: Record<string, TopologyContext | null> = this.contexts(next, new Set(ids));
    for (const id of diff.removed) {
      contexts[id] = null;
    }
    void this.post({ type: 'contexts', contexts });
  }

  /** Sends the whole graph; returns about how many bytes it was (for the log). */
  /** The whole graph as the page takes it (in its compact form); it becomes what was sent. */
  private fullMessage(clock?: Record<string, number>): ToWebview & { type: 'graph' } {
    const built = Date.now();
    const g = this.graph();
    this.sent = g;
    const config = vscode.workspace.getConfiguration('netns');
    const options = { largeGraph: config.get<number>('topology.largeGraph', 100), groupAbove: config.get<number>('topology.groupAbove', 200) };
    const packed: PackedGraph = pack(g);
    // The menus' context values are needed only at the first right click: they follow the first draw.
    this.contextsPending = true;
    setTimeout(() => this.sendContexts(g), 2000);
    return { type: 'graph', graph: packed, positions: this.positions(), words: this.words(), options, seq: ++this.seq, clock: { ...clock, build: built, posted: Date.now() } };
  }

  private sendFull(clock?: Record<string, number>): number {
    if (!this.panel) {
      return 0;
    }
    const m = this.fullMessage(clock);
    void this.post(m);
    return JSON.stringify(m.graph).length;
  }

  private sendContexts(g: TopoGraph): void {
    if (this.contextsPending && this.sent === g) {
      this.contextsPending = false;
      void this.post({ type: 'contexts', contexts: this.contexts(g) });
    }
  }

  /** The tree's context values of these elements (all when `only` is not given). */
  private contexts(g: TopoGraph, only?: Set<string>): Record<string, TopologyContext> {
    const out: Record<string, TopologyContext> = {};
    const model = this.ctx.model;
    for (const n of g.namespaces) {
      if ((only && !only.has(n.id)) || n.netns === undefined) {
        continue;
      }
      out[n.id] = { webviewSection: 'namespace', viewItem: namespaceContextValue(n.isRoot, model.get(n.netns)), topologyId: n.id, preventDefaultContextMenuItems: true };
    }
    for (const p of g.ports) {
      if ((only && !only.has(p.id)) || p.netns === undefined) {
        continue;
      }
      const iface = model.get(p.netns)?.interfaces.find((i) => i.name === p.name);
      if (iface) {
        out[p.id] = { webviewSection: 'interface', viewItem: interfaceContextValue(iface, p.id.split('/if:').length > 2), topologyId: p.id, preventDefaultContextMenuItems: true };
      }
    }
    return out;
  }

  private words(): TopologyWords {
    return {
      search: vscode.l10n.t('Filter by name'),
      fit: vscode.l10n.t('Fit to Window (0)'),
      layout: vscode.l10n.t('Automatic Layout'),
      connect: vscode.l10n.t('Connect'),
      connectHint: vscode.l10n.t('Drag from one namespace to another'),
      zoomIn: vscode.l10n.t('Zoom In (+)'),
      zoomOut: vscode.l10n.t('Zoom Out (-)'),
      exportPicture: vscode.l10n.t('Export...'),
      empty: vscode.l10n.t('No namespaces to show yet.'),
      processes: vscode.l10n.t('{0} processes', '{0}'),
      oneProcess: vscode.l10n.t('1 process'),
      forwarding: vscode.l10n.t('forwarding'),
      large: vscode.l10n.t('{0} namespaces: their interfaces and links show as you zoom in.', '{0}'),
      group: vscode.l10n.t('{0}: {1} namespaces', '{0}', '{1}'),
      grouped: vscode.l10n.t('{0} namespaces, {1} groups drawn as one node each: click a group to expand it.', '{0}', '{1}'),
      graphLabel: vscode.l10n.t('Network Topology'),
    };
  }

  private positions(): Record<string, { x: number; y: number }> {
    return this.state.get<Record<string, { x: number; y: number }>>(POSITIONS_KEY, {});
  }

  private post(m: ToWebview): Thenable<boolean> {
    return this.panel ? this.panel.webview.postMessage(m) : Promise.resolve(false);
  }

  // ---- webview -> extension ----------------------------------------------------------------------

  private onMessage(m: FromWebview): void {
    switch (m.type) {
      case 'ready': {
        const t0 = Date.now();
        this.pageReady = true;
        if (m.have !== undefined && m.have === this.seq) {
          // It drew the graph it came with: what changed since follows as a diff.
          this.ctx.log.write('debug', `Topology page ready ${t0 - this.openedAt} ms after it was opened, with its graph.`);
          this.sendDiff();
          break;
        }
        const bytes = this.sendFull({ opened: this.openedAt, readyIn: t0 });
        this.ctx.log.write('debug', `Topology page ready ${t0 - this.openedAt} ms after it was opened; graph sent in ${Date.now() - t0} ms (${Math.round(bytes / 1024)} KB).`);
        break;
      }
      case 'drawn': {
        if (m.clock) {
          const c = m.clock;
          this.ctx.log.write('debug', `Topology first draw: ${Object.entries(c).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} +${v - this.openedAt}`).join(', ')} ms after it was opened.`);
        }
        if (this.sent) {
          this.sendContexts(this.sent);
        }
        const report: DrawnReport = { seq: m.seq, sinceOpenMs: Date.now() - this.openedAt, ms: m.ms, interactiveMs: m.interactiveMs, layoutMs: m.layoutMs, nodes: m.nodes, edges: m.edges, large: m.large };
        this.lastDrawn = report;
        this.ctx.log.write(
          'info',
          `Topology drawn: ${m.nodes} nodes, ${m.edges} edges, ${report.sinceOpenMs} ms after it was opened (${m.ms} ms in the view to the first frame, ${m.interactiveMs} ms to the renderer's, layout ${m.layoutMs} ms${m.large ? ', large-graph mode' : ''}).`,
        );
        this.drawnEvents.fire(report);
        break;
      }
      case 'select':
        void this.reveal(m.id);
        break;
      case 'open': {
        const ref = elementRef(m.id);
        if (ref && ref.kind === 'namespace') {
          void vscode.commands.executeCommand('netns.openTerminal', { netns: ref.netns });
        }
        break;
      }
      case 'connect':
        void this.connect(m.from, m.to);
        break;
      case 'moved':
        void this.state.update(POSITIONS_KEY, { ...this.positions(), ...m.positions });
        break;
      case 'relaidOut':
        void this.state.update(POSITIONS_KEY, undefined);
        break;
      case 'exportAsk':
        void vscode.commands.executeCommand('netns.exportTopology');
        break;
      case 'exported':
      case 'probed': {
        const h = this.waiting.get(m.request);
        this.waiting.delete(m.request);
        h?.(m);
        break;
      }
      case 'error':
        this.ctx.log.write('error', `Topology view: ${m.message}`);
        break;
    }
  }

  /** Selects the element's row in the tree (its namespace's, for a namespace without a row). */
  async reveal(id: string): Promise<boolean> {
    const ref = elementRef(id);
    if (!ref || !this.tree || ref.netns === undefined) {
      return false;
    }
    const node = ref.kind === 'namespace' ? (this.ctx.model.has(ref.netns) ? this.ctx.tree.namespaceNode(ref.netns) : undefined) : this.ctx.tree.interfaceNode(ref.netns, ref.name);
    if (!node) {
      return false;
    }
    try {
      await this.tree.reveal(node, { select: true, focus: false, expand: false });
      return true;
    } catch (e) {
      this.ctx.log.write('debug', `Revealing ${id} in the tree failed: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  /** A drag from one namespace to another: a veth pair between them, its names asked or chosen. */
  private async connect(fromId: string, toId: string): Promise<void> {
    const [from, to] = [elementRef(fromId), elementRef(toId)];
    if (!from || !to || from.netns === undefined || to.netns === undefined) {
      return;
    }
    const params: { netns: NetnsRef; peerNetns: NetnsRef; name?: string; peer?: string } = { netns: from.netns, peerNetns: to.netns };
    if (vscode.workspace.getConfiguration('netns').get<string>('topology.vethNames', 'ask') === 'ask') {
      const { askInterfaceName } = await import('../commands/pickers');
      const title = vscode.l10n.t('Create veth Pair');
      const name = await askInterfaceName(this.ctx, { title, prompt: vscode.l10n.t('Name of the end in {0}', netnsDisplayName(from.netns)), netns: from.netns, allowEmpty: true });
      if (name === undefined) {
        return;
      }
      const peer = await askInterfaceName(this.ctx, {
        title,
        prompt: vscode.l10n.t('Name of the end in {0}', netnsDisplayName(to.netns)),
        netns: to.netns,
        allowEmpty: true,
        taken: from.netns === to.netns && name ? [name] : [],
      });
      if (peer === undefined) {
        return;
      }
      params.name = name || undefined;
      params.peer = peer || undefined;
    }
    await vscode.commands.executeCommand('netns.createVethPair', params);
  }

  // ---- questions to the webview ------------------------------------------------------------------

  private ask<T>(m: ToWebview & { request: number }, pick: (r: FromWebview) => T, timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(m.request);
        reject(new Error('the topology view did not answer'));
      }, timeoutMs);
      this.waiting.set(m.request, (r) => {
        clearTimeout(timer);
        resolve(pick(r));
      });
      void this.post(m);
    });
  }

  /** What the webview draws now (for tests). */
  probe(): Promise<DrawnState> {
    return this.ask({ type: 'probe', request: ++this.request }, (r) => (r as { state: DrawnState }).state);
  }

  /** The picture as PNG bytes. */
  async png(): Promise<Uint8Array> {
    const b64 = await this.ask({ type: 'export', format: 'png', request: ++this.request }, (r) => (r as { png?: string }).png ?? '', 60_000);
    return Buffer.from(b64, 'base64');
  }

  /** Where everything is drawn, and the theme's colours, for the SVG export. */
  layout(): Promise<{ layout: Layout; palette?: Palette }> {
    return this.ask({ type: 'export', format: 'layout', request: ++this.request }, (r) => {
      const e = r as { layout?: Layout; palette?: Palette };
      return { layout: e.layout ?? {}, palette: e.palette };
    });
  }

  /** The graph of the model now (for exports without the panel open). */
  modelGraph(): TopoGraph {
    return this.sent ?? this.graph();
  }

  relayout(): void {
    void this.post({ type: 'relayout' });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
