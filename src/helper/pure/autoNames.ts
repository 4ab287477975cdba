// Automatic veth names, picked the way the kernel picks them for `ip link add type veth`:
// the lowest free number in the "veth%d" pattern, counted per namespace.

const PATTERN = /^veth(0|[1-9]\d*)$/;

/** The n lowest free "vethN" names, given the names already present in a namespace. */
export function freeVethNames(existing: Iterable<string>, count: number): string[] {
  const used = new Set<number>();
  for (const name of existing) {
    const m = PATTERN.exec(name);
    if (m) {
      used.add(Number(m[1]));
    }
  }
  const out: string[] = [];
  for (let n = 0; out.length < count; n++) {
    if (!used.has(n)) {
      out.push(`veth${n}`);
    }
  }
  return out;
}
