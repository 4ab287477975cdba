// From a graph id (the tree's id) back to what it names, and the commands' arguments from a
// webview context menu.

import type { NetnsRef } from '../../core/model';

export type ElementRef =
  | { kind: 'namespace'; netns: NetnsRef | undefined; inode?: number }
  | { kind: 'interface'; netns: NetnsRef | undefined; name: string };

function namespaceRef(id: string): { netns: NetnsRef | undefined; inode?: number } | undefined {
  if (id === 'host') {
    return { netns: null };
  }
  if (id.startsWith('ns:')) {
    return { netns: id.slice(3) };
  }
  if (id.startsWith('unnamed:')) {
    return { netns: undefined, inode: Number(id.slice(8)) };
  }
  return undefined;
}

/** "host", "ns:NAME", "unnamed:INODE", "NSID/if:NAME" or "NSID/if:BRIDGE/if:NAME". */
export function elementRef(id: string): ElementRef | undefined {
  const parts = id.split('/if:');
  const ns = namespaceRef(parts[0]);
  if (!ns) {
    return undefined;
  }
  if (parts.length === 1) {
    return { kind: 'namespace', ...ns };
  }
  return { kind: 'interface', netns: ns.netns, name: parts[parts.length - 1] };
}

/** The context a webview/context menu passes to a command (see TopologyContext). */
export function isTopologyContext(v: unknown): v is { webview: string; topologyId: string } {
  return typeof v === 'object' && v !== null && (v as { webview?: unknown }).webview === 'netns.topology' && typeof (v as { topologyId?: unknown }).topologyId === 'string';
}
