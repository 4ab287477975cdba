// /proc/net/stat/arp_cache and ndisc_cache: a header of column names, then one line of hex
// counters per CPU. `entries` is the table's size (the same on every line); `table_fulls` counts,
// per CPU, the times a new neighbour found no room.

export interface NeighbourStat {
  entries: number;
  tableFulls: number;
}

export function parseNeighbourStat(text: string): NeighbourStat | undefined {
  const [head, ...rows] = text.trim().split('\n');
  const columns = head?.trim().split(/\s+/) ?? [];
  const entries = columns.indexOf('entries');
  const fulls = columns.indexOf('table_fulls');
  const cpus = rows.map((r) => r.trim().split(/\s+/).map((v) => parseInt(v, 16)));
  if (entries < 0 || fulls < 0 || cpus.length === 0 || cpus.some((c) => c.length !== columns.length || c.some(Number.isNaN))) {
    return undefined;
  }
  return { entries: cpus[0][entries], tableFulls: cpus.reduce((sum, c) => sum + c[fulls], 0) };
}
