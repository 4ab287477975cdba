// Plain references to things in the model, as commands accept them from tests and other callers.

import type { Interface, Namespace, NetnsRef } from '../../core/model';

/** An interface by where it is and what it is called. */
export interface InterfaceRef {
  netns: NetnsRef;
  name: string;
}

export function isNetnsRef(v: unknown): v is NetnsRef {
  return v === null || typeof v === 'string';
}

export function isInterfaceRef(v: unknown): v is InterfaceRef {
  return (
    typeof v === 'object' && v !== null && 'name' in v && typeof (v as InterfaceRef).name === 'string' &&
    'netns' in v && isNetnsRef((v as InterfaceRef).netns)
  );
}

/** A stable map key for a namespace reference (null cannot be a Map key shared with names). */
export function netnsKey(ns: NetnsRef): string {
  return ns === null ? '\u0000host' : `ns:${ns}`;
}

export function findInterface(ns: Namespace | undefined, name: string): Interface | undefined {
  return ns?.interfaces.find((i) => i.name === name);
}

/** Sorts names the way people count: ns2 before ns10. */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'variant' }) || (a < b ? -1 : a > b ? 1 : 0);
}
