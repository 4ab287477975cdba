// The plain reference a tree node stands for, so drag and drop and the commands read nodes and
// plain values alike.

import { isInterfaceRef, type InterfaceRef } from '../model/argGuards';
import { InterfaceNode, type TreeNode } from './nodes';

export function isTreeNode(v: unknown): v is TreeNode {
  return typeof v === 'object' && v !== null && 'kind' in v && 'id' in v && typeof (v as { id: unknown }).id === 'string';
}

/** An interface given as its node or as {netns, name}. */
export function toInterfaceRef(v: unknown): InterfaceRef | undefined {
  if (v instanceof InterfaceNode) {
    return { netns: v.netns, name: v.name };
  }
  if (!isTreeNode(v) && isInterfaceRef(v)) {
    return { netns: v.netns, name: v.name };
  }
  return undefined;
}
