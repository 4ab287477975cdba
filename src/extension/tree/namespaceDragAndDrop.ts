// Drag interfaces onto a namespace (or onto an interface inside it) to move them there. Dropping
// on a namespace without a name moves them into the namespace of its first process. Dropping on a
// bridge makes them its ports (those from another namespace are moved into the bridge's first).
// The move and the attach themselves are given by the commands.

import * as vscode from 'vscode';
import type { NetnsRef } from '../../core/model';
import type { InterfaceRef, NetnsPick } from '../model/argGuards';
import type { NamespaceStore } from '../model/namespaceStore';
import { toInterfaceRef } from './nodeRefs';
import { InterfaceNode, type TreeNode } from './nodes';

/** The mime type of this tree, as VS Code names it (application/vnd.code.tree.<view id, lowercase>). */
export const TREE_MIME = 'application/vnd.code.tree.netns.namespaces';

/** Moves the interfaces to `to`; with `bridge` (in `to`), makes them its ports too. */
export type MoveInterfaces<R> = (refs: InterfaceRef[], to: NetnsPick, bridge?: InterfaceRef) => Promise<R>;

export class NamespaceDragAndDrop<R = unknown> implements vscode.TreeDragAndDropController<TreeNode> {
  readonly dropMimeTypes = [TREE_MIME];
  readonly dragMimeTypes = [TREE_MIME];

  constructor(
    private readonly model: NamespaceStore,
    private readonly move: MoveInterfaces<R>,
  ) {}

  handleDrag(source: readonly TreeNode[], dataTransfer: vscode.DataTransfer): void {
    const refs = source.filter((n): n is InterfaceNode => n instanceof InterfaceNode && n.iface.kind !== 'loopback').map((n) => toInterfaceRef(n)!);
    if (refs.length > 0) {
      dataTransfer.set(TREE_MIME, new vscode.DataTransferItem(refs));
    }
  }

  async handleDrop(target: TreeNode | undefined, dataTransfer: vscode.DataTransfer): Promise<void> {
    await this.drop(target, dataTransfer);
  }

  /** The drop itself: resolves to what was moved, or undefined when the drop does not apply. */
  async drop(target: TreeNode | undefined, dataTransfer: vscode.DataTransfer): Promise<R | undefined> {
    const item = dataTransfer.get(TREE_MIME);
    if (!item || !target) {
      return undefined;
    }
    const refs = draggedInterfaces(item.value);
    const to = dropTarget(this.model, target);
    if (refs.length === 0 || !to) {
      return undefined;
    }
    if (target instanceof InterfaceNode && target.iface.kind === 'bridge') {
      return this.move(refs, to, { netns: target.netns, name: target.name });
    }
    return this.move(refs, to);
  }
}

/** The dragged value: our refs, the tree's own nodes, or the same as JSON text. */
function draggedInterfaces(value: unknown): InterfaceRef[] {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return [];
    }
  }
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => toInterfaceRef(x)).filter((r): r is InterfaceRef => r !== undefined);
}

function dropTarget(model: NamespaceStore, target: TreeNode): NetnsPick | undefined {
  const netns = (ns: NetnsRef): NetnsPick => ({ netns: ns });
  switch (target.kind) {
    case 'namespace':
      return netns(target.netns);
    case 'interface':
      return netns(target.netns);
    case 'processes':
      return netns(target.parent.netns);
    case 'process':
      return target.parent.kind === 'processes' ? netns(target.parent.parent.netns) : { pid: target.process.pid };
    case 'unnamedNamespace': {
      const pid = model.processesOf(target.inode)?.processes[0]?.pid;
      return pid === undefined ? undefined : { pid };
    }
    default:
      return undefined;
  }
}
