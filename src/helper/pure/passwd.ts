// Parses /etc/passwd text into uid -> user name.

export function parsePasswd(text: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && /^\d+$/.test(f[2]) && !map.has(Number(f[2]))) {
      map.set(Number(f[2]), f[0]);
    }
  }
  return map;
}

/** The inode in a /proc/PID/ns/net link target such as "net:[4026532109]". */
export function parseNsLink(target: string): number | undefined {
  const m = /^net:\[(\d+)\]$/.exec(target);
  return m ? Number(m[1]) : undefined;
}
