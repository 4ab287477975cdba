// A second, real Linux kernel for the kernel features this machine's kernel was built without
// (netem, dummy, 802.1Q VLANs): Debian's user-mode Linux (package user-mode-linux), booted as an
// ordinary process with the host's file system as its root (hostfs), its own /run, /tmp and /proc,
// and the modules a test needs loaded from the package. A test file runs inside it with `node
// --test`, against that kernel; its namespaces and interfaces exist only there and are gone when
// it powers off. The host's /run/netns is never touched.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const UML = '/usr/bin/linux.uml';
const MODULES = '/usr/lib/uml/modules';

/** Why user-mode Linux cannot run here, or undefined. */
export function umlMissing(): string | undefined {
  if (!fs.existsSync(UML)) {
    return `${UML} is missing (apt-get install user-mode-linux)`;
  }
  if (!fs.existsSync('/usr/bin/busybox')) {
    return '/usr/bin/busybox is missing (apt-get install busybox-static), which loads the modules';
  }
  return moduleDir() ? undefined : `no modules in ${MODULES}`;
}

function moduleDir(): string | undefined {
  const versions = fs.existsSync(MODULES) ? fs.readdirSync(MODULES) : [];
  return versions.length > 0 ? path.join(MODULES, versions.sort().at(-1)!) : undefined;
}

/** The .ko files to load for `names` ("veth", "sch_netem"...), each after what it depends on. */
function moduleFiles(names: string[]): string[] {
  const dir = moduleDir()!;
  const deps = new Map<string, string[]>();
  for (const line of fs.readFileSync(path.join(dir, 'modules.dep'), 'utf8').split('\n')) {
    const [mod, rest] = line.split(':');
    if (mod) {
      deps.set(mod, (rest ?? '').trim().split(/\s+/).filter(Boolean));
    }
  }
  const byName = new Map([...deps.keys()].map((m) => [path.basename(m, '.ko'), m]));
  const out: string[] = [];
  const visit = (mod: string) => {
    if (out.includes(mod)) {
      return;
    }
    for (const d of deps.get(mod) ?? []) {
      visit(d);
    }
    out.push(mod);
  };
  for (const n of names) {
    const mod = byName.get(n);
    if (!mod) {
      throw new Error(`user-mode Linux has no module ${n}`);
    }
    visit(mod);
  }
  return out.map((m) => path.join(dir, m));
}

export interface UmlRun {
  status: number | null;
  /** What the command printed (stdout and stderr). */
  output: string;
  /** The kernel's own console lines, for a failure. */
  console: string;
}

/**
 * Boots user-mode Linux, loads `modules`, runs `argv` (absolute program path first) in the
 * repository with `env`, and powers off. Bounded by `timeoutMs`.
 */
export function runInUml(argv: string[], options: { modules: string[]; env?: Record<string, string>; cwd: string; timeoutMs: number; memMb?: number }): UmlRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-uml-'));
  try {
    const out = path.join(dir, 'output');
    const status = path.join(dir, 'status');
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LC_ALL: 'C', ...options.env };
    const script = [
      '#!/bin/sh',
      'export PATH=/usr/sbin:/usr/bin:/sbin:/bin',
      'mount -t proc proc /proc',
      'mount -t sysfs sysfs /sys',
      // The guest's own: ip netns makes /run/netns, and nothing of it reaches the host's.
      'mount -t tmpfs tmpfs /run',
      'mount -t tmpfs tmpfs /dev/shm 2>/dev/null',
      'mkdir -p /run/netns',
      ...moduleFiles(options.modules).map((ko) => `/usr/bin/busybox insmod ${q(ko)} >/dev/null 2>&1`),
      'ip link set lo up',
      `cd ${q(options.cwd)}`,
      `env -i ${Object.entries(env).map(([k, v]) => q(`${k}=${v}`)).join(' ')} ${argv.map(q).join(' ')} > ${q(out)} 2>&1`,
      `echo $? > ${q(status)}`,
      'poweroff -f',
    ].join('\n');
    const init = path.join(dir, 'init.sh');
    fs.writeFileSync(init, script, { mode: 0o755 });
    const r = spawnSync(UML, [`mem=${options.memMb ?? 1024}M`, 'rootfstype=hostfs', 'rootflags=/', 'rw', `init=${init}`, 'con=null', 'con0=fd:0,fd:1'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
    });
    const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
    const code = read(status).trim();
    return { status: code === '' ? null : Number(code), output: read(out), console: `${r.stdout ?? ''}${r.stderr ?? ''}`.slice(-4000) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
