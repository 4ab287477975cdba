// Model values for pure tests: an interface that is up, and a namespace (the host when its name is
// null), each with what a test sets on top.

import type { Interface, Namespace } from '../../src/core/model';

export const iface = (ifindex: number, name: string, kind: string, extra: Partial<Interface> = {}): Interface => ({
  ifindex,
  name,
  kind,
  operState: 'UP',
  flags: ['UP', 'LOWER_UP'],
  mtu: 1500,
  addresses: [],
  ...extra,
});

export const ns = (name: string | null, inode: number, interfaces: Interface[], extra: Partial<Namespace> = {}): Namespace => ({
  name,
  path: name === null ? '/proc/1/ns/net' : `/run/netns/${name}`,
  inode,
  id: `net:[${inode}]`,
  isRoot: name === null,
  interfaces,
  ...extra,
});
