// A container's name, from its runtime: the runtime's own state where it is a file the helper can
// read (Docker's config.v2.json, containers/storage's containers.json for Podman, the kubelet's
// pod log folders), else the runtime's command line (`podman inspect`), run as root by absolute
// path with an argument list, bounded in time, one at a time. Answers are kept per container id,
// so a container costs one look-up in its life; "not found" is asked again after a while.

import * as fs from 'node:fs';
import type { ContainerInfo } from '../core/model';
import { childProcess } from './lazyModules';
import type { CgroupContainer } from './pure/nsfs';

/** Where the runtimes keep what names a container; changed by tests only. */
export interface RuntimePaths {
  dockerContainers: string;
  /** containers/storage of rootful Podman: <root>/<driver>-containers/containers.json. */
  podmanStorage: string;
  podLogs: string;
  /** Absolute paths of the command-line tools, first one present wins. */
  podmanCli: string[];
  dockerCli: string[];
}

export const DEFAULT_PATHS: RuntimePaths = {
  dockerContainers: '/var/lib/docker/containers',
  podmanStorage: '/var/lib/containers/storage',
  podLogs: '/var/log/pods',
  podmanCli: ['/usr/bin/podman', '/usr/local/bin/podman'],
  dockerCli: ['/usr/bin/docker', '/usr/local/bin/docker'],
};

const CLI_TIMEOUT_MS = 3000;
const STATE_MAX_BYTES = 16 * 2 ** 20;
const CACHE_MAX = 4096;
const MISS_TTL_MS = 10_000;
const ID = /^[0-9a-f]{64}$/;

/** A regular file's text, never through a symlink at the end, never blocking on a FIFO, capped in size. */
function readStateFile(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > STATE_MAX_BYTES) {
      return undefined;
    }
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) {
        break;
      }
      got += n;
    }
    return buf.subarray(0, got).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      fs.closeSync(fd);
    }
  }
}

function runCli(file: string, argv: string[], timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    childProcess().execFile(
      file,
      argv,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C' } },
      (err, stdout) => resolve(err ? undefined : stdout.trim()),
    );
  });
}

const cacheKey = (c: CgroupContainer) => `${c.runtime}:${c.id}`;

interface Entry {
  name?: string;
  pod?: string;
  at: number;
}

export class ContainerNames {
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private cliQueue: Promise<unknown> = Promise.resolve();
  /** containers.json of Podman, parsed, kept while its mtime stays. */
  private podmanState: { file: string; mtimeMs: number; names: Map<string, string> } | undefined;

  constructor(
    private readonly paths: RuntimePaths = DEFAULT_PATHS,
    /** Whether the command-line tools may be run (only as root: they act on root's containers). */
    private readonly cliAllowed: boolean = process.getuid?.() === 0,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /**
   * Names the containers, waiting at most `deadlineMs` for the look-ups still running: one not
   * done by then is answered without a name, and has it on a later call.
   */
  async describe(found: CgroupContainer[], deadlineMs: number): Promise<ContainerInfo[]> {
    const lookups = found.map((c) => this.lookup(c));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => (timer = setTimeout(r, deadlineMs)));
    await Promise.race([Promise.all(lookups), deadline]);
    clearTimeout(timer);
    return found.map((c) => {
      const e = this.cache.get(cacheKey(c));
      const info: ContainerInfo = { runtime: c.runtime, id: c.id };
      if (e?.name) {
        info.name = e.name;
      }
      const pod = e?.pod ?? c.podUid;
      if (pod) {
        info.pod = pod;
      }
      return info;
    });
  }

  private lookup(c: CgroupContainer): Promise<Entry> {
    const key = cacheKey(c);
    const hit = this.cache.get(key);
    if (hit && (hit.name !== undefined || Date.now() - hit.at < MISS_TTL_MS)) {
      return Promise.resolve(hit);
    }
    let p = this.pending.get(key);
    if (!p) {
      p = this.resolve(c)
        .catch(() => ({ at: Date.now() }) as Entry)
        .then((e) => {
          this.pending.delete(key);
          this.remember(key, e);
          return e;
        });
      this.pending.set(key, p);
    }
    return p;
  }

  private remember(id: string, e: Entry): void {
    this.cache.delete(id);
    this.cache.set(id, e);
    if (this.cache.size > CACHE_MAX) {
      this.cache.delete(this.cache.keys().next().value!);
    }
  }

  private async resolve(c: CgroupContainer): Promise<Entry> {
    if (!ID.test(c.id)) {
      return { at: Date.now() };
    }
    const pod = c.podUid ? this.podName(c.podUid) : undefined;
    let name: string | undefined;
    if (c.runtime === 'docker') {
      name = this.dockerState(c.id) ?? (await this.cli(this.paths.dockerCli, ['inspect', '--format', '{{.Name}}', c.id]));
      name = name?.replace(/^\//, '');
    } else if (c.runtime === 'podman') {
      name = this.podmanStateName(c.id) ?? (await this.cli(this.paths.podmanCli, ['inspect', '--format', '{{.Name}}', c.id]));
    }
    return { name: name || undefined, pod, at: Date.now() };
  }

  private dockerState(id: string): string | undefined {
    const text = readStateFile(`${this.paths.dockerContainers}/${id}/config.v2.json`);
    try {
      const name = text ? (JSON.parse(text) as { Name?: unknown }).Name : undefined;
      return typeof name === 'string' ? name : undefined;
    } catch {
      return undefined;
    }
  }

  private podmanStateName(id: string): string | undefined {
    let dirs: string[];
    try {
      dirs = fs.readdirSync(this.paths.podmanStorage).filter((d) => d.endsWith('-containers'));
    } catch {
      return undefined;
    }
    for (const d of dirs) {
      const file = `${this.paths.podmanStorage}/${d}/containers.json`;
      let mtimeMs: number;
      try {
        mtimeMs = fs.lstatSync(file).mtimeMs;
      } catch {
        continue;
      }
      if (this.podmanState?.file !== file || this.podmanState.mtimeMs !== mtimeMs) {
        const names = new Map<string, string>();
        try {
          for (const c of JSON.parse(readStateFile(file) ?? '[]') as { id?: unknown; names?: unknown }[]) {
            if (typeof c.id === 'string' && Array.isArray(c.names) && typeof c.names[0] === 'string') {
              names.set(c.id, c.names[0]);
            }
          }
        } catch {
          // a file being rewritten: the command line answers instead
        }
        this.podmanState = { file, mtimeMs, names };
      }
      const name = this.podmanState.names.get(id);
      if (name) {
        return name;
      }
    }
    return undefined;
  }

  /** "namespace/name" of a pod, from the kubelet's log folders (<namespace>_<name>_<uid>). */
  private podName(uid: string): string | undefined {
    try {
      for (const d of fs.readdirSync(this.paths.podLogs)) {
        const m = /^(.+)_(.+)_([0-9a-f-]{36})$/.exec(d);
        if (m && m[3] === uid) {
          return `${m[1]}/${m[2]}`;
        }
      }
    } catch {
      // no kubelet here
    }
    return undefined;
  }

  /** Runs the first tool present, after the ones queued before it (one runtime process at a time). */
  private cli(candidates: string[], argv: string[]): Promise<string | undefined> {
    if (!this.cliAllowed) {
      return Promise.resolve(undefined);
    }
    const file = candidates.find((f) => {
      try {
        const st = fs.statSync(f);
        return st.isFile() && st.uid === 0 && (st.mode & 0o022) === 0;
      } catch {
        return false;
      }
    });
    if (!file) {
      return Promise.resolve(undefined);
    }
    const run = this.cliQueue.then(async () => {
      const started = Date.now();
      const out = await runCli(file, argv, CLI_TIMEOUT_MS);
      this.log(`${file} ${argv.join(' ')}: ${out === undefined ? 'no answer' : 'answered'} in ${Date.now() - started} ms`);
      return out?.split('\n')[0];
    });
    this.cliQueue = run.catch(() => undefined);
    return run;
  }
}
