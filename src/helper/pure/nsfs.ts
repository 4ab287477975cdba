// Network namespaces as /proc names them: bind mounts of namespace files in mountinfo, and the
// container a process belongs to, from its cgroup path. Pure text in, data out.

import type { ContainerRuntime } from '../../core/model';

/** The dev_t a stat() returns for major:minor (glibc's gnu_dev_makedev). */
export function makeDev(major: number, minor: number): number {
  return (major & 0xfff) * 0x100 + (minor & 0xff) + (minor & ~0xff) * 0x1000 + (major - (major & 0xfff)) * 2 ** 32;
}

/** A mountinfo field with its octal escapes (\040 for a space, \011, \012, \134) undone. */
export function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export interface NsfsMount {
  /** The nsfs device (st_dev) and the namespace's inode. */
  dev: number;
  inode: number;
  /** Where it is mounted, as the mount namespace sees it. */
  path: string;
}

// id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions
const NSFS_LINE = /^\d+ \d+ (\d+):(\d+) net:\[(\d+)\] (\S+) .*? - nsfs /;

/** The network namespaces bind-mounted somewhere, from a /proc/PID/mountinfo text. */
export function parseNsfsMounts(mountinfo: string): NsfsMount[] {
  const out: NsfsMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const m = line.includes(' nsfs ') ? NSFS_LINE.exec(line) : null;
    if (m) {
      out.push({ dev: makeDev(Number(m[1]), Number(m[2])), inode: Number(m[3]), path: unescapeMountField(m[4]) });
    }
  }
  return out;
}

export interface CgroupContainer {
  runtime: ContainerRuntime;
  id: string;
  /** A Kubernetes pod's uid, from a kubepods cgroup. */
  podUid?: string;
}

const ID = '([0-9a-f]{64})';
/** Container cgroups: systemd scopes first (docker-ID.scope, libpod-ID.scope, ...), then cgroupfs folders. */
const PATTERNS: [RegExp, ContainerRuntime][] = [
  [new RegExp(`/docker-${ID}\\.scope$`), 'docker'],
  [new RegExp(`/docker/${ID}$`), 'docker'],
  [new RegExp(`/libpod-${ID}(?:\\.scope)?(?:/container)?$`), 'podman'],
  [new RegExp(`/cri-containerd-${ID}\\.scope$`), 'containerd'],
  [new RegExp(`/crio-${ID}\\.scope$`), 'cri-o'],
];

/**
 * The container a process is in, from its /proc/PID/cgroup text (every hierarchy: on a hybrid or
 * v1 machine the container shows in the controllers' lines). conmon's own cgroup
 * (libpod-conmon-ID) is not the container's.
 */
export function parseCgroupContainer(cgroup: string): CgroupContainer | undefined {
  for (const line of cgroup.split('\n')) {
    const path = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
    if (!path.startsWith('/')) {
      continue;
    }
    for (const [re, runtime] of PATTERNS) {
      const m = re.exec(path);
      if (m) {
        return { runtime, id: m[1], ...podUid(path) };
      }
    }
    // Kubernetes with cgroupfs: /kubepods/besteffort/pod<uid>/<id>, the runtime unknown from the path.
    const k = new RegExp(`/kubepods\\b.*/pod[0-9a-f_-]{36}/${ID}$`).exec(path);
    if (k) {
      return { runtime: 'containerd', id: k[1], ...podUid(path) };
    }
  }
  return undefined;
}

function podUid(path: string): { podUid?: string } {
  const m = /kubepods.*?pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/.exec(path);
  return m ? { podUid: m[1].replace(/_/g, '-') } : {};
}
