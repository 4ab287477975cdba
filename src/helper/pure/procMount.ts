// The hidepid setting of the /proc a process sees, from its /proc/self/mountinfo.

/** off: everyone sees every process; otherwise a user sees (or may read) only their own. */
export type Hidepid = 'off' | 'noaccess' | 'invisible' | 'ptraceable';

export interface ProcMount {
  hidepid: Hidepid;
  /** The group exempt from hidepid (gid=), if one is set. */
  gid?: number;
}

const HIDEPID: Record<string, Hidepid> = {
  '0': 'off',
  off: 'off',
  '1': 'noaccess',
  noaccess: 'noaccess',
  '2': 'invisible',
  invisible: 'invisible',
  '4': 'ptraceable',
  ptraceable: 'ptraceable',
};

/**
 * The options of the proc mount on /proc (the last one listed: a later mount covers an earlier),
 * or undefined when none is there. A hidepid value this code does not know counts as hiding.
 */
export function parseProcMount(mountinfo: string): ProcMount | undefined {
  let found: ProcMount | undefined;
  for (const line of mountinfo.split('\n')) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    const f = line.split(' ');
    const sep = f.indexOf('-');
    if (sep < 6 || f[4] !== '/proc' || f[sep + 1] !== 'proc') {
      continue;
    }
    const mount: ProcMount = { hidepid: 'off' };
    for (const opt of (f[sep + 3] ?? '').split(',')) {
      const [key, value = ''] = opt.split('=');
      if (key === 'hidepid') {
        mount.hidepid = HIDEPID[value] ?? 'invisible';
      } else if (key === 'gid' && /^\d+$/.test(value)) {
        mount.gid = Number(value);
      }
    }
    found = mount;
  }
  return found;
}
