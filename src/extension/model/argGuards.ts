// Guards for the plain values commands accept from tests and other callers in place of tree nodes.

import type { NetnsRef } from '../../core/model';

/** An interface by where it is and what it is called. */
export interface InterfaceRef {
  netns: NetnsRef;
  name: string;
}

/** A namespace given by reference, or as the one a process is in. */
export type NetnsPick = { netns: NetnsRef } | { pid: number };

export function isNetnsRef(v: unknown): v is NetnsRef {
  return v === null || typeof v === 'string';
}

export function isInterfaceRef(v: unknown): v is InterfaceRef {
  return (
    typeof v === 'object' && v !== null && 'name' in v && typeof (v as InterfaceRef).name === 'string' &&
    'netns' in v && isNetnsRef((v as InterfaceRef).netns)
  );
}
