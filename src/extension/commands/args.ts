// Turns what a command was called with into plain references. A command can be called
//   - from a context menu: (clickedNode, selectedNodes),
//   - with plain arguments (tests, other extensions, keybindings): a name, {netns, name}, ...,
//   - with nothing (palette, view title): then it asks.

import type { NetnsRef } from '../../core/model';
import { isNetnsRef, type InterfaceRef } from '../model/argGuards';
import { isTreeNode, toInterfaceRef } from '../tree/nodeRefs';
import { InterfaceNode, NamespaceNode, UnnamedNamespaceNode } from '../tree/nodes';

/** The clicked node plus the rest of the selection, when the clicked node is part of it. */
function withSelection(first: unknown, selected: unknown): unknown[] {
  if (Array.isArray(first)) {
    return first;
  }
  if (isTreeNode(first) && Array.isArray(selected) && selected.includes(first)) {
    return selected;
  }
  return [first];
}

/** A namespace given as a node, a name, null (the host), {netns} or {name}. */
export function toNetnsRef(v: unknown): NetnsRef | undefined {
  if (v instanceof NamespaceNode) {
    return v.netns;
  }
  if (v instanceof InterfaceNode) {
    return v.netns;
  }
  if (isNetnsRef(v)) {
    return v;
  }
  if (typeof v === 'object' && v !== null && !isTreeNode(v)) {
    if ('netns' in v && isNetnsRef((v as { netns: unknown }).netns) && !('name' in v)) {
      return (v as { netns: NetnsRef }).netns;
    }
    if ('name' in v && typeof (v as { name: unknown }).name === 'string' && !('netns' in v)) {
      return (v as { name: string }).name;
    }
  }
  return undefined;
}

/**
 * The namespaces a command was called on, or undefined when it was called without any (then it
 * should ask). Unnamed-namespace and other nodes are skipped.
 */
export function namespaceArgs(first: unknown, selected?: unknown): NetnsRef[] | undefined {
  if (first === undefined) {
    return undefined;
  }
  const out: NetnsRef[] = [];
  for (const v of withSelection(first, selected)) {
    if (v instanceof NamespaceNode || !isTreeNode(v)) {
      const ref = toNetnsRef(v);
      if (ref !== undefined && !out.includes(ref)) {
        out.push(ref);
      }
    }
  }
  return out;
}

/** The interfaces a command was called on, or undefined when called without any. */
export function interfaceArgs(first: unknown, selected?: unknown): InterfaceRef[] | undefined {
  if (first === undefined) {
    return undefined;
  }
  const out: InterfaceRef[] = [];
  for (const v of withSelection(first, selected)) {
    const ref = toInterfaceRef(v);
    if (ref && !out.some((r) => r.netns === ref.netns && r.name === ref.name)) {
      out.push(ref);
    }
  }
  return out;
}

/** A process's namespace: an unnamed-namespace node (its first process), {pid} or a number. */
export function pidArg(v: unknown, processesOf: (inode: number) => { pid: number }[] | undefined): number | undefined {
  if (v instanceof UnnamedNamespaceNode) {
    return processesOf(v.inode)?.[0]?.pid;
  }
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'object' && v !== null && typeof (v as { pid?: unknown }).pid === 'number') {
    return (v as { pid: number }).pid;
  }
  return undefined;
}
