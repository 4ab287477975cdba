import type { Interface, Namespace } from '../../core/model';

/** The interface of that name in a namespace as last read, if both are there. */
export function findInterface(ns: Namespace | undefined, name: string): Interface | undefined {
  return ns?.interfaces.find((i) => i.name === name);
}
