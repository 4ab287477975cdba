// The kernel keeps one neighbour table per family (ARP, NDP) for the whole machine, shared by every
// network namespace, and lets it hold at most gc_thresh3 entries (1024 by default). A few hundred
// namespaces with a veth or two each fill it: a neighbour then goes unresolved ("neighbor table
// overflow!" in the kernel log) and a ping sees only lost echoes. The helper reads the table's
// counters around each ping to say so instead. The files are the initial namespace's: elsewhere
// (a helper in a container) there is nothing to read and nothing is said.

import * as fs from 'node:fs';
import { parseNeighbourStat } from './pure/neighbourStat';

export interface NeighbourTable {
  family: 4 | 6;
  entries: number;
  /** gc_thresh3: the most entries the table may hold. */
  max: number;
  tableFulls: number;
}

const readText = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

const statFile = (family: 4 | 6) => `/proc/net/stat/${family === 4 ? 'arp_cache' : 'ndisc_cache'}`;

/** How many times the table ran out of room so far (summed over the CPUs): read before a ping. */
export function neighbourTableFulls(family: 4 | 6): number | undefined {
  return parseNeighbourStat(readText(statFile(family)) ?? '')?.tableFulls;
}

export function readNeighbourTable(family: 4 | 6): NeighbourTable | undefined {
  const stat = parseNeighbourStat(readText(statFile(family)) ?? '');
  const max = Number(readText(`/proc/sys/net/ipv${family}/neigh/default/gc_thresh3`)?.trim());
  return stat && Number.isInteger(max) && max > 0 ? { family, max, ...stat } : undefined;
}

/** The table as it is now, when it ran out of room since it had `fulls` (a neighbour went unresolved meanwhile). */
export function filledSince(family: 4 | 6, fulls: number | undefined): NeighbourTable | undefined {
  if (fulls === undefined || (neighbourTableFulls(family) ?? fulls) <= fulls) {
    return undefined;
  }
  return readNeighbourTable(family);
}
