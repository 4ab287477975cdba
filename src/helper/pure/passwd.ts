// Parses /etc/passwd and /etc/group text.

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

/** A user's name and primary group, from /etc/passwd text. */
export function passwdEntry(text: string, uid: number): { name: string; gid: number } | undefined {
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 4 && f[2] === String(uid) && /^\d+$/.test(f[3])) {
      return { name: f[0], gid: Number(f[3]) };
    }
  }
  return undefined;
}

/** The groups that list `name` as a member, from /etc/group text. */
export function memberGroups(text: string, name: string): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 4 && /^\d+$/.test(f[2]) && f[3].split(',').includes(name)) {
      out.push(Number(f[2]));
    }
  }
  return out;
}

/** The inode in a /proc/PID/ns/net link target such as "net:[4026532109]". */
export function parseNsLink(target: string): number | undefined {
  const m = /^net:\[(\d+)\]$/.exec(target);
  return m ? Number(m[1]) : undefined;
}
