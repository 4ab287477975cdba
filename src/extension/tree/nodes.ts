// The elements of the namespace tree. Each has a stable id (so expansion and selection survive
// refreshes) and knows its parent (so reveal works). Items are built from the model when VS Code
// asks for them; only an interface node caches its interface as last read.

import type { SocketEntry } from '../../core/inspect/types';
import type { Uri } from 'vscode';
import type { Interface, NetnsRef, ProcessInfo, Route } from '../../core/model';
import { netnsKey } from '../model/netnsKey';

export class NamespaceNode {
  readonly kind = 'namespace';
  readonly id: string;
  /**
   * Interface nodes built so far (a bridge's ports too), by name, reused across refreshes so reveal
   * finds the same objects.
   */
  readonly interfaces = new Map<string, InterfaceNode>();
  readonly processes: ProcessesNode;
  readonly routes: RoutesNode;
  readonly listening: ListeningNode;

  constructor(readonly netns: NetnsRef) {
    this.id = netnsKey(netns);
    this.processes = new ProcessesNode(this);
    this.routes = new RoutesNode(this);
    this.listening = new ListeningNode(this);
  }
}

/** The "Listening" group of a namespace: its TCP listeners and bound UDP sockets. */
export class ListeningNode {
  readonly kind = 'listening';
  readonly id: string;

  constructor(readonly parent: NamespaceNode) {
    this.id = `${parent.id}/listening`;
  }
}

/** One listening socket. */
export class SocketNode {
  readonly kind = 'socket';
  readonly id: string;

  constructor(
    readonly parent: ListeningNode,
    readonly socket: SocketEntry,
  ) {
    this.id = `${parent.id}/${socket.protocol}${socket.family}:${socket.local}:${socket.localPort}:${socket.inode}`;
  }
}

/** The "Routes" group of a namespace: its main routing table. */
export class RoutesNode {
  readonly kind = 'routes';
  readonly id: string;

  constructor(readonly parent: NamespaceNode) {
    this.id = `${parent.id}/routes`;
  }
}

/** The fields that tell one route of a table from another. */
export function routeKey(r: Route): string {
  return `${r.family}:${r.destination}:${r.gateway ?? ''}:${r.device ?? ''}:${r.metric ?? ''}`;
}

export class RouteNode {
  readonly kind = 'route';
  readonly id: string;

  constructor(
    readonly parent: RoutesNode,
    /** routeKey(), with "#n" for a second route of the same key (another type or tos). */
    key: string,
    readonly route: Route,
  ) {
    this.id = `${parent.id}/${key}`;
  }

  get netns(): NetnsRef {
    return this.parent.parent.netns;
  }
}

export class InterfaceNode {
  readonly kind = 'interface';
  readonly id: string;
  /** The namespace it is in (its parent, or its bridge's parent). */
  readonly namespace: NamespaceNode;
  /** For a bridge: its ports as last built (each a child of this node). */
  ports: InterfaceNode[] = [];

  constructor(
    /** Its namespace; or, for a bridge's port, the bridge (the port's id is then under the bridge's). */
    readonly parent: NamespaceNode | InterfaceNode,
    readonly name: string,
    /** The interface as last read; replaced when the namespace is read again. */
    public iface: Interface,
  ) {
    this.id = `${parent.id}/if:${name}`;
    this.namespace = parent instanceof InterfaceNode ? parent.namespace : parent;
  }

  get netns(): NetnsRef {
    return this.namespace.netns;
  }
}

export class ProcessesNode {
  readonly kind = 'processes';
  readonly id: string;

  constructor(readonly parent: NamespaceNode) {
    this.id = `${parent.id}/processes`;
  }
}

export class ProcessNode {
  readonly kind = 'process';
  readonly id: string;

  constructor(
    readonly parent: ProcessesNode | UnnamedNamespaceNode,
    readonly process: ProcessInfo,
  ) {
    this.id = `${parent.id}/pid:${process.pid}`;
  }
}

export class UnnamedGroupNode {
  readonly kind = 'unnamedGroup';
  readonly id = 'unnamed';
}

export class UnnamedNamespaceNode {
  readonly kind = 'unnamedNamespace';
  readonly id: string;

  constructor(
    readonly parent: UnnamedGroupNode,
    readonly inode: number,
  ) {
    this.id = `unnamed:${inode}`;
  }
}

/** A line of text in place of children: "could not read", "no processes". */
export class MessageNode {
  readonly kind = 'message';

  constructor(
    readonly parent: TreeNode,
    readonly id: string,
    readonly text: string,
    readonly icon?: string,
  ) {}
}

/** The "Captures" group at the top of the view, while the window has captures. */
export class CapturesGroupNode {
  readonly kind = 'capturesGroup';
  readonly id = 'captures';
}

/** One capture of this window, by its key (CaptureManager). */
export class CaptureNode {
  readonly kind = 'capture';
  readonly id: string;

  constructor(
    readonly parent: CapturesGroupNode,
    readonly key: number,
  ) {
    this.id = `capture:${key}`;
  }
}

/** The "Labs" group: the workspace's lab files. */
export class LabsGroupNode {
  readonly kind = 'labsGroup';
  readonly id = 'labs';
}

export class LabFileNode {
  readonly kind = 'labFile';
  readonly id: string;

  constructor(
    readonly parent: LabsGroupNode,
    readonly uri: Uri,
  ) {
    this.id = `labs/${uri.toString()}`;
  }
}

export type TreeNode =
  | NamespaceNode
  | InterfaceNode
  | ProcessesNode
  | ProcessNode
  | RoutesNode
  | RouteNode
  | ListeningNode
  | SocketNode
  | UnnamedGroupNode
  | UnnamedNamespaceNode
  | MessageNode
  | CapturesGroupNode
  | CaptureNode
  | LabsGroupNode
  | LabFileNode;
