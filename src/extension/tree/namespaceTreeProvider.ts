// The data provider of the "Network Namespaces" view: host first, then the named namespaces, then the
// unnamed ones in a group of their own. Children are computed from the model only when a node is
// expanded, and a change in one namespace refreshes only that namespace's node.

import * as vscode from 'vscode';
import type { ContainerInfo, Interface, Namespace, NetnsRef } from '../../core/model';
import type { ModelChange, NamespaceStore } from '../model/namespaceStore';
import { netnsKey } from '../model/netnsKey';
import { config } from '../config';
import { interfaceItem, interfaceTooltip } from './interfaces/interfaceItem';
import { namespaceItem, namespaceTooltip } from './namespaces/namespaceItem';
import {
  CaptureNode,
  CapturesGroupNode,
  InterfaceNode,
  LabFileNode,
  LabsGroupNode,
  MessageNode,
  NamespaceNode,
  ProcessNode,
  RouteNode,
  routeKey,
  UnnamedGroupNode,
  UnnamedNamespaceNode,
  type ListeningNode,
  type ProcessesNode,
  type RoutesNode,
  SocketNode,
  type TreeNode,
} from './nodes';
import type { CaptureManager } from '../capture/captureManager';
import { captureItem, capturesGroupItem } from './captures/captureItems';
import type { LabFiles } from '../labs/labFiles';
import { labFileItem, labsGroupItem } from './labs/labItems';
import { processesItem, processItem } from './processes/processItems';
import { isListening, sortSockets } from '../../core/inspect/format';
import { appendSocketsTooltip, listeningItem, socketItem, socketsDescription } from './sockets/socketItems';
import type { SocketStore } from './sockets/socketStore';
import { routeItem, routesItem, routeTooltip } from './routes/routeItems';
import { unnamedGroupItem, unnamedNamespaceItem } from './unnamed/unnamedItems';

const containerKey = (c: ContainerInfo | undefined) => (c ? `${c.runtime}:${c.id}:${c.name ?? ''}` : '');

/** How old a process list may be when a "Processes" node is expanded. */
const PROCESS_MAX_AGE_MS = 2000;
/** How old a namespace's sockets may be when its "Listening" node is expanded. */
const SOCKETS_MAX_AGE_MS = 2000;
/** How old a namespace's sockets may be when the namespace is expanded. */
const SOCKETS_ON_EXPAND_MS = 5000;

export class NamespaceTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  /** Top-level answers waiting for the first look (see onModelChange). */
  private topLevelWaiting = 0;
  readonly onDidChangeTreeData = this.changed.event;

  private readonly namespaceNodes = new Map<string, NamespaceNode>();
  private readonly unnamedGroup = new UnnamedGroupNode();
  private readonly unnamedNodes = new Map<number, UnnamedNamespaceNode>();
  private hadUnnamed = false;
  /** The container each namespace row was last drawn with, to redraw a row whose container changed. */
  private readonly shownContainer = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The sockets of each namespace (see setSockets). */
  private sockets: SocketStore | undefined;
  /** The window's captures, shown in a group of their own at the top while there are any. */
  private captures: CaptureManager | undefined;
  private readonly capturesGroup = new CapturesGroupNode();
  private readonly captureNodes = new Map<number, CaptureNode>();
  private capturesShown = false;
  private captureRedraw: NodeJS.Timeout | undefined;
  private readonly capturesDirty = new Set<number>();
  private readonly labsGroup = new LabsGroupNode();
  private readonly labNodes = new Map<string, LabFileNode>();
  /** Whether the Labs group was shown last time the top level was built. */
  private hadLabs = false;
  /** netns.view.showLoopback, read once per change of the setting rather than once per row. */
  private showLoopback = config.showLoopback();
  /**
   * Each namespace row's item with what it was made from: a change of the top level (a namespace
   * added or removed) asks for every row again, and most are as they were.
   */
  private readonly rowItems = new WeakMap<NamespaceNode, { ns: Namespace | undefined; visible: number; container: string; sockets: string | undefined; reading: boolean; item: vscode.TreeItem }>();

  constructor(
    private readonly model: NamespaceStore,
    private readonly labs?: LabFiles,
    /** What the top level waits for while the view is first shown and a read is on its way (ViewActivation.topLevelAsked). */
    private readonly firstLook: () => Promise<void> | undefined = () => undefined,
  ) {
    if (labs) {
      this.disposables.push({ dispose: labs.onDidChange(() => this.onLabsChange()).dispose });
    }
    this.disposables.push(
      this.changed,
      { dispose: model.onDidChange((c) => this.onModelChange(c)).dispose },
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('netns.view')) {
          this.showLoopback = config.showLoopback();
          this.changed.fire(undefined);
        }
      }),
    );
  }

  /** Shows each namespace's sockets, read apart from the snapshot (the count and "Listening" rows). */
  setSockets(store: SocketStore): void {
    this.sockets = store;
    this.disposables.push({ dispose: store.onDidChange((list) => this.onSocketsChange(list)).dispose });
  }

  /** Shows `manager`'s captures; counts are redrawn at most twice a second. */
  setCaptures(manager: CaptureManager): void {
    this.captures = manager;
    this.disposables.push(
      manager.onDidChange((info) => {
        const shown = manager.list().length > 0;
        if (info === undefined || shown !== this.capturesShown) {
          this.changed.fire(shown !== this.capturesShown ? undefined : this.capturesGroup);
          return;
        }
        this.capturesDirty.add(info.key);
        this.captureRedraw ??= setTimeout(() => {
          this.captureRedraw = undefined;
          const nodes = [...this.capturesDirty].map((k) => this.captureNodes.get(k)).filter((n) => n !== undefined);
          this.capturesDirty.clear();
          if (nodes.length > 0) {
            this.changed.fire([...nodes, this.capturesGroup]);
          }
        }, 500);
      }),
      { dispose: () => clearTimeout(this.captureRedraw) },
    );
  }

  /** The node of a capture (for reveal and tests). */
  captureNode(key: number): CaptureNode {
    let node = this.captureNodes.get(key);
    if (!node) {
      node = new CaptureNode(this.capturesGroup, key);
      this.captureNodes.set(key, node);
    }
    return node;
  }

  private onModelChange(c: ModelChange): void {
    if (c.all || c.names) {
      this.prune();
      // A top level still being answered answers with this change: a refresh as well made VS Code
      // ask again before it drew the first answer, and send and draw every row twice.
      if (this.topLevelWaiting === 0) {
        this.changed.fire(undefined);
      }
      return;
    }
    const nodes: TreeNode[] = [];
    for (const ns of c.namespaces) {
      const node = this.namespaceNodes.get(netnsKey(ns));
      if (node) {
        nodes.push(node);
      }
    }
    if (c.processes) {
      const hasUnnamed = this.unnamedShown().length > 0;
      if (hasUnnamed !== this.hadUnnamed) {
        this.changed.fire(undefined);
        return;
      }
      const visit = (node: NamespaceNode, inode: number | undefined) => {
        if (node.interfaces.size > 0 || node.netns === null) {
          nodes.push(node.processes);
        }
        // A container found (or gone) in a named namespace changes its row's description.
        const shown = this.shownContainer.get(node.id);
        if (shown !== undefined && inode !== undefined && shown !== containerKey(this.model.containerOf(inode))) {
          nodes.push(node);
        }
      };
      if (c.processInodes) {
        // Only the namespaces whose processes differ: the cost follows the change, not the number of rows.
        let unnamedChanged = false;
        for (const inode of c.processInodes) {
          const ref = this.model.refOfInode(inode);
          const node = ref === undefined ? undefined : this.namespaceNodes.get(netnsKey(ref));
          if (node) {
            visit(node, inode);
          }
          unnamedChanged ||= ref === undefined;
        }
        if (hasUnnamed && unnamedChanged) {
          nodes.push(this.unnamedGroup);
        }
      } else {
        for (const node of this.namespaceNodes.values()) {
          visit(node, this.model.get(node.netns)?.inode);
        }
        if (hasUnnamed) {
          nodes.push(this.unnamedGroup);
        }
      }
    }
    if (nodes.length > 0) {
      this.changed.fire(nodes);
    }
  }

  /** A namespace's sockets were read again: its row (the count) and its "Listening" group. */
  private onSocketsChange(list: NetnsRef[]): void {
    const nodes: TreeNode[] = [];
    for (const ns of list) {
      const node = this.namespaceNodes.get(netnsKey(ns));
      if (node) {
        nodes.push(node, node.listening);
      }
    }
    if (nodes.length > 0) {
      this.changed.fire(nodes);
    }
  }

  private onLabsChange(): void {
    const any = this.labs!.known().length > 0;
    this.changed.fire(any === this.hadLabs && any ? this.labsGroup : undefined);
  }

  /** Drops nodes of namespaces that are gone, so a namespace made again starts fresh. */
  private prune(): void {
    for (const [key, node] of this.namespaceNodes) {
      if (!this.model.has(node.netns)) {
        this.namespaceNodes.delete(key);
        this.shownContainer.delete(node.id);
      }
    }
  }

  // ---- nodes ---------------------------------------------------------------------------------

  namespaceNode(ns: NetnsRef): NamespaceNode {
    const key = netnsKey(ns);
    let node = this.namespaceNodes.get(key);
    if (!node) {
      node = new NamespaceNode(ns);
      this.namespaceNodes.set(key, node);
    }
    return node;
  }

  /** The node of an interface, building the namespace's children if needed (for reveal). */
  interfaceNode(ns: NetnsRef, name: string): InterfaceNode | undefined {
    if (!this.model.has(ns)) {
      return undefined;
    }
    const parent = this.namespaceNode(ns);
    this.interfaceChildren(parent);
    return parent.interfaces.get(name);
  }

  private unnamedShown() {
    return config.showUnnamed() ? this.model.unnamed() : [];
  }

  // ---- TreeDataProvider ----------------------------------------------------------------------

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'namespace': {
        const ns = this.model.get(node.netns);
        const container = ns && node.netns !== null ? this.model.containerOf(ns.inode) : undefined;
        const key = containerKey(container);
        this.shownContainer.set(node.id, key);
        const visible = ns ? this.visibleInterfaces(ns).length : 0;
        const sockets = socketsDescription(this.sockets?.get(node.netns));
        const reading = this.reading(ns);
        const last = this.rowItems.get(node);
        if (last && last.ns === ns && last.visible === visible && last.container === key && last.sockets === sockets && last.reading === reading) {
          last.item.tooltip = undefined; // set by resolveTreeItem: made again on the next hover
          return last.item;
        }
        const item = namespaceItem(node, ns, visible, container, sockets, reading);
        this.rowItems.set(node, { ns, visible, container: key, sockets, reading, item });
        return item;
      }
      case 'interface':
        return interfaceItem(node, node.ports.length, node.parent instanceof InterfaceNode ? node.parent.name : undefined);
      case 'processes': {
        const ns = this.model.get(node.parent.netns);
        const procs = ns && this.model.processes ? (this.model.processesOf(ns.inode)?.processes.length ?? 0) : undefined;
        return processesItem(node, procs);
      }
      case 'process':
        return processItem(node);
      case 'routes':
        return routesItem(node, this.model.get(node.parent.netns)?.routes?.length ?? 0);
      case 'route':
        return routeItem(node);
      case 'listening':
        return listeningItem(node, this.sockets?.get(node.parent.netns), this.sockets?.error(node.parent.netns));
      case 'socket':
        return socketItem(node);
      case 'unnamedGroup':
        return unnamedGroupItem(node, this.unnamedShown().length);
      case 'unnamedNamespace':
        return unnamedNamespaceItem(node, this.model.processesOf(node.inode));
      case 'capturesGroup':
        return capturesGroupItem(node, this.captures?.list() ?? []);
      case 'capture':
        return captureItem(node, this.captures?.get(node.key));
      case 'labsGroup':
        return labsGroupItem(node, this.labNodes.size);
      case 'labFile':
        return labFileItem(node, this.labs?.get(node.uri));
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.contextValue = 'message';
        if (node.icon) {
          item.iconPath = new vscode.ThemeIcon(node.icon);
        }
        return item;
      }
    }
  }

  /** Only the name and id of this namespace are known yet, and the helper is reading the rest. */
  private reading(ns: Namespace | undefined): boolean {
    return !!ns?.unprivileged && this.model.painting;
  }

  /** Tooltips are built only when the pointer rests on an item. */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    if (node.kind === 'namespace') {
      const ns = this.model.get(node.netns);
      const md = namespaceTooltip(node, ns, ns ? this.model.processesOf(ns.inode) : undefined, this.reading(ns));
      appendSocketsTooltip(md, this.sockets?.get(node.netns));
      item.tooltip = md;
    } else if (node.kind === 'interface') {
      item.tooltip = interfaceTooltip(node);
    } else if (node.kind === 'route') {
      item.tooltip = routeTooltip(node);
    }
    return item;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      const look = this.firstLook();
      if (look) {
        this.topLevelWaiting++;
        try {
          await look; // rather than answering empty while the first read is on its way
        } finally {
          this.topLevelWaiting--;
        }
      }
      return [...this.rootChildren(), ...this.labsChildren(true)];
    }
    switch (node.kind) {
      case 'namespace':
        return this.namespaceChildren(node);
      case 'interface':
        // A bridge's ports, as the namespace was last read.
        this.interfaceChildren(node.namespace);
        return node.namespace.interfaces.get(node.name) === node ? node.ports : [];
      case 'processes':
        return this.processChildren(node);
      case 'routes':
        return this.routeChildren(node);
      case 'listening':
        return this.listeningChildren(node);
      case 'unnamedGroup':
        await this.model.refreshProcesses(PROCESS_MAX_AGE_MS);
        return this.unnamedChildren();
      case 'capturesGroup': {
        const list = this.captures?.list() ?? [];
        const keep = new Set(list.map((c) => c.key));
        for (const k of [...this.captureNodes.keys()]) {
          if (!keep.has(k)) {
            this.captureNodes.delete(k);
          }
        }
        return list.map((c) => this.captureNode(c.key));
      }
      case 'labsGroup':
        return this.labsChildren(false);
      case 'unnamedNamespace': {
        await this.model.refreshProcesses(PROCESS_MAX_AGE_MS);
        const pns = this.model.processesOf(node.inode);
        return (pns?.processes ?? []).map((p) => new ProcessNode(node, p));
      }
      default:
        return [];
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    switch (node.kind) {
      case 'namespace':
      case 'unnamedGroup':
      case 'capturesGroup':
      case 'labsGroup':
        return undefined;
      case 'capture':
      case 'labFile':
      case 'interface':
      case 'processes':
      case 'process':
      case 'routes':
      case 'route':
      case 'listening':
      case 'socket':
      case 'unnamedNamespace':
      case 'message':
        return node.parent;
    }
  }

  private rootChildren(): TreeNode[] {
    this.capturesShown = (this.captures?.list().length ?? 0) > 0;
    const out: TreeNode[] = this.capturesShown ? [this.capturesGroup] : [];
    if (!this.model.loaded) {
      return out;
    }
    if (this.model.root) {
      out.push(this.namespaceNode(null));
    }
    for (const name of this.model.names()) {
      out.push(this.namespaceNode(name));
    }
    // The sockets (counts, "Listening") come after the rows are drawn, apart from the snapshot.
    this.sockets?.scheduleBackground();
    const unnamed = this.unnamedShown();
    this.hadUnnamed = unnamed.length > 0;
    if (this.hadUnnamed) {
      out.push(this.unnamedGroup);
    }
    return out;
  }

  /** The top level's Labs group (when there are lab files), or its rows. */
  private labsChildren(top: boolean): TreeNode[] {
    const files = this.labs && this.model.loaded ? this.labs.known() : [];
    const keep = new Set(files.map((f) => f.uri.toString()));
    for (const k of [...this.labNodes.keys()]) {
      if (!keep.has(k)) {
        this.labNodes.delete(k);
      }
    }
    const rows = files.map((f) => {
      let n = this.labNodes.get(f.uri.toString());
      if (!n) {
        n = new LabFileNode(this.labsGroup, f.uri);
        this.labNodes.set(f.uri.toString(), n);
      }
      return n;
    });
    if (top) {
      this.hadLabs = rows.length > 0;
      return this.hadLabs ? [this.labsGroup] : [];
    }
    return rows;
  }

  private visibleInterfaces(ns: Namespace) {
    return this.showLoopback ? ns.interfaces : ns.interfaces.filter((i) => i.kind !== 'loopback');
  }

  /**
   * The namespace's interface nodes: the top level, and each bridge's ports under the bridge (a
   * port's node is made again when it changes bridge, since its id is under its bridge's). Returns
   * the top level.
   */
  private interfaceChildren(node: NamespaceNode): InterfaceNode[] {
    const ns = this.model.get(node.netns);
    const visible = ns ? this.visibleInterfaces(ns) : [];
    // Bridges at the top level (the kernel makes no bridge a port of another, but a read may be odd).
    const allBridges = new Set(visible.filter((i) => i.kind === 'bridge').map((i) => i.name));
    const bridges = new Set([...allBridges].filter((b) => {
      const m = visible.find((i) => i.name === b)?.master;
      return m === undefined || !allBridges.has(m);
    }));
    const seen = new Set<string>();
    const top: InterfaceNode[] = [];
    const place = (iface: Interface, parent: NamespaceNode | InterfaceNode): InterfaceNode => {
      seen.add(iface.name);
      let child = node.interfaces.get(iface.name);
      if (child && child.parent === parent) {
        child.iface = iface;
      } else {
        child = new InterfaceNode(parent, iface.name, iface);
        node.interfaces.set(iface.name, child);
      }
      return child;
    };
    const isPort = (i: Interface) => i.master !== undefined && i.master !== i.name && bridges.has(i.master) && !bridges.has(i.name);
    for (const iface of visible) {
      if (!isPort(iface)) {
        const child = place(iface, node);
        child.ports = [];
        top.push(child);
      }
    }
    for (const iface of visible) {
      if (isPort(iface)) {
        const bridge = node.interfaces.get(iface.master!)!;
        bridge.ports.push(place(iface, bridge));
      }
    }
    for (const name of [...node.interfaces.keys()]) {
      if (!seen.has(name)) {
        node.interfaces.delete(name);
      }
    }
    return top;
  }

  private namespaceChildren(node: NamespaceNode): TreeNode[] {
    const ns = this.model.get(node.netns);
    if (!ns) {
      return [];
    }
    if (ns.notNamespace) {
      return [];
    }
    if (ns.error) {
      return [new MessageNode(node, `${node.id}/error`, ns.error, 'warning')];
    }
    if (this.reading(ns)) {
      return [new MessageNode(node, `${node.id}/reading`, vscode.l10n.t('Reading its interfaces…'), 'loading~spin'), node.processes];
    }
    if (ns.unprivileged) {
      // Its processes are known (the user's own, at least); its interfaces only to the helper.
      return [new MessageNode(node, `${node.id}/needsHelper`, vscode.l10n.t('Its interfaces show once the helper runs.'), 'lock'), node.processes];
    }
    // Opening a namespace reads its sockets again if what is held is not recent (in the background).
    void this.sockets?.refresh(node.netns, SOCKETS_ON_EXPAND_MS);
    return [...this.interfaceChildren(node), ...(ns.routes ? [node.routes] : []), ...(this.sockets ? [node.listening] : []), node.processes];
  }

  /** One row per route of the main table, in the kernel's order (IPv4, then IPv6). */
  private routeChildren(node: RoutesNode): RouteNode[] {
    const seen = new Map<string, number>();
    return (this.model.get(node.parent.netns)?.routes ?? []).map((r) => {
      const key = routeKey(r);
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      return new RouteNode(node, n === 0 ? key : `${key}#${n}`, r);
    });
  }

  /** The namespace's listening sockets, read again when older than a moment. */
  private async listeningChildren(node: ListeningNode): Promise<TreeNode[]> {
    await this.sockets?.refresh(node.parent.netns, SOCKETS_MAX_AGE_MS);
    const r = this.sockets?.get(node.parent.netns);
    if (!r) {
      const error = this.sockets?.error(node.parent.netns);
      return [new MessageNode(node, `${node.id}/none`, error ?? vscode.l10n.t('Sockets show once the helper runs.'), error ? 'warning' : undefined)];
    }
    const list = sortSockets(r.sockets.filter(isListening));
    if (list.length === 0) {
      return [new MessageNode(node, `${node.id}/none`, vscode.l10n.t('No listening sockets'))];
    }
    return list.map((s) => new SocketNode(node, s));
  }

  private async processChildren(node: ProcessesNode): Promise<TreeNode[]> {
    await this.model.refreshProcesses(PROCESS_MAX_AGE_MS);
    const ns = this.model.get(node.parent.netns);
    const pns = ns ? this.model.processesOf(ns.inode) : undefined;
    if (!pns || pns.processes.length === 0) {
      return [new MessageNode(node, `${node.id}/none`, vscode.l10n.t('No processes'))];
    }
    return pns.processes.map((p) => new ProcessNode(node, p));
  }

  private unnamedChildren(): UnnamedNamespaceNode[] {
    const list = this.unnamedShown();
    const keep = new Set(list.map((p) => p.inode));
    for (const inode of [...this.unnamedNodes.keys()]) {
      if (!keep.has(inode)) {
        this.unnamedNodes.delete(inode);
      }
    }
    return list.map((p) => {
      let n = this.unnamedNodes.get(p.inode);
      if (!n) {
        n = new UnnamedNamespaceNode(this.unnamedGroup, p.inode);
        this.unnamedNodes.set(p.inode, n);
      }
      return n;
    });
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
