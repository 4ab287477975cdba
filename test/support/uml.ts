// A second, real Linux kernel for the kernel features this machine's kernel was built without
// (netem, dummy, 802.1Q VLANs): Debian's user-mode Linux (package user-mode-linux), booted as an
// ordinary process with the host's file system as its root (hostfs), its own /run, /tmp and /proc,
// and the modules a test needs loaded from the package. A test file runs inside it with `node
// --test`, against that kernel; its namespaces and interfaces exist only there and are gone when
// it powers off. The host's /run/netns is never touched.
//
// That user-mode Linux cannot run on a CPU whose FPU state is larger than it can save (AVX-512 with
// AMX: it dies at boot with "ptrace set fp regs failed"). There Debian's own kernel (package
// linux-image-amd64) boots instead in QEMU, emulated, with the host's file system as its root over
// 9p: the same guest script, the modules from that kernel, a few times slower.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const UML = '/usr/bin/linux.uml';
const MODULES = '/usr/lib/uml/modules';
const QEMU = '/usr/bin/qemu-system-x86_64';
const BUSYBOX = '/usr/bin/busybox';
/** What the QEMU guest needs to mount the host's files as its root, in load order. */
const NINEP = ['9p', '9pnet_virtio', 'virtio_pci'];

/** Why user-mode Linux (or, where it cannot run, QEMU) cannot run here, or undefined. */
export function umlMissing(): string | undefined {
  if (!fs.existsSync(UML)) {
    return `${UML} is missing (apt-get install user-mode-linux)`;
  }
  if (!fs.existsSync(BUSYBOX)) {
    return `${BUSYBOX} is missing (apt-get install busybox-static), which loads the modules`;
  }
  if (!umlModuleDir()) {
    return `no modules in ${MODULES}`;
  }
  if (umlBoots()) {
    return undefined;
  }
  if (!fs.existsSync(QEMU)) {
    return `user-mode Linux cannot run on this CPU, and ${QEMU} is missing (apt-get install qemu-system-x86)`;
  }
  return guestKernel() ? undefined : 'user-mode Linux cannot run on this CPU, and no kernel with 9p modules is in /boot (apt-get install linux-image-amd64)';
}

function umlModuleDir(): string | undefined {
  const versions = fs.existsSync(MODULES) ? fs.readdirSync(MODULES) : [];
  return versions.length > 0 ? path.join(MODULES, versions.sort().at(-1)!) : undefined;
}

/** Which kernel runInUml boots here, and how many times longer than user-mode Linux it takes. */
export function secondKernel(): { name: string; slowdown: number } {
  return umlBoots() ? { name: 'user-mode Linux', slowdown: 1 } : { name: "Debian's kernel in QEMU (emulated)", slowdown: 4 };
}

let umlBootsHere: boolean | undefined;

/** Whether user-mode Linux gets as far as its first process on this CPU (asked once, about a second). */
function umlBoots(): boolean {
  if (umlBootsHere === undefined) {
    // Its control folder (uml_dir, else ~/.uml) goes in a folder of ours: a kernel that panics leaves it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-uml-'));
    try {
      const r = spawnSync(UML, ['mem=64M', 'rootfstype=hostfs', 'rootflags=/', 'ro', 'init=/bin/true', 'con=null', 'con0=fd:0,fd:1', `uml_dir=${dir}`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
        killSignal: 'SIGKILL',
      });
      umlBootsHere = !/ptrace set fp regs failed/.test(`${r.stdout}${r.stderr}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return umlBootsHere;
}

/** The newest Debian kernel in /boot whose modules include 9p over virtio (the QEMU guest's). */
function guestKernel(): { image: string; modules: string } | undefined {
  const versions = fs.existsSync('/boot') ? fs.readdirSync('/boot').filter((f) => f.startsWith('vmlinuz-')).map((f) => f.slice('vmlinuz-'.length)) : [];
  for (const v of versions.sort().reverse()) {
    const modules = path.join('/lib/modules', v);
    if (fs.existsSync(path.join(modules, 'kernel', 'fs', '9p', '9p.ko'))) {
      return { image: path.join('/boot', `vmlinuz-${v}`), modules };
    }
  }
  return undefined;
}

/**
 * The .ko files to load for `names` ("veth", "sch_netem"...) from the modules in `dir`, each after
 * what it depends on; a name the kernel has built in is left out.
 */
function moduleFiles(dir: string, names: string[]): string[] {
  const builtin = path.join(dir, 'modules.builtin');
  const inKernel = new Set(
    fs.existsSync(builtin)
      ? fs
          .readFileSync(builtin, 'utf8')
          .split('\n')
          .map((l) => path.basename(l, '.ko'))
      : [],
  );
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
    if (mod) {
      visit(mod);
    } else if (!inKernel.has(n)) {
      throw new Error(`the kernel in ${dir} has no module ${n}`);
    }
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
 * Boots user-mode Linux (or QEMU, see above), loads `modules`, runs `argv` (absolute program path
 * first) in the repository with `env`, and powers off. Bounded by `timeoutMs`.
 */
export function runInUml(argv: string[], options: { modules: string[]; env?: Record<string, string>; cwd: string; timeoutMs: number; memMb?: number }): UmlRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-uml-'));
  try {
    const out = path.join(dir, 'output');
    const status = path.join(dir, 'status');
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const uml = umlBoots();
    const guest = uml ? undefined : guestKernel()!;
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
      ...moduleFiles(guest?.modules ?? umlModuleDir()!, options.modules).map((ko) => `${BUSYBOX} insmod ${q(ko)} >/dev/null 2>&1`),
      'ip link set lo up',
      `cd ${q(options.cwd)}`,
      `env -i ${Object.entries(env).map(([k, v]) => q(`${k}=${v}`)).join(' ')} ${argv.map(q).join(' ')} > ${q(out)} 2>&1`,
      `echo $? > ${q(status)}`,
      'poweroff -f',
    ].join('\n');
    const init = path.join(dir, 'init.sh');
    fs.writeFileSync(init, script, { mode: 0o755 });
    const mem = options.memMb ?? 1024;
    const [program, args] = guest
      ? [QEMU, qemuArgs(guest, dir, init, mem)]
      : [UML, [`mem=${mem}M`, 'rootfstype=hostfs', 'rootflags=/', 'rw', `init=${init}`, 'con=null', 'con0=fd:0,fd:1', `uml_dir=${dir}`]];
    const r = spawnSync(program, args, {
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

/**
 * QEMU's arguments for the guest kernel: emulated (this machine's KVM may not work nested), the
 * host's / shared over virtio 9p, and an initramfs of busybox and the 9p modules whose /init
 * mounts that share and hands over to `init`.
 */
function qemuArgs(guest: { image: string; modules: string }, dir: string, init: string, memMb: number): string[] {
  const tree = path.join(dir, 'initramfs');
  for (const d of ['bin', 'm', 'newroot', 'proc', 'dev']) {
    fs.mkdirSync(path.join(tree, d), { recursive: true });
  }
  fs.copyFileSync(BUSYBOX, path.join(tree, 'bin', 'busybox'));
  fs.chmodSync(path.join(tree, 'bin', 'busybox'), 0o755);
  const mods = moduleFiles(guest.modules, NINEP).map((ko, i) => {
    const name = `${i}-${path.basename(ko)}`;
    fs.copyFileSync(ko, path.join(tree, 'm', name));
    return name;
  });
  const bb = '/bin/busybox';
  const first = [
    `#!${bb} sh`,
    `${bb} mount -t proc proc /proc`,
    ...mods.map((m) => `${bb} insmod /m/${m}`),
    `${bb} mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 host /newroot || ${bb} poweroff -f`,
    `${bb} umount /proc`,
    `exec ${bb} switch_root /newroot ${init}`,
  ];
  fs.writeFileSync(path.join(tree, 'init'), first.join('\n') + '\n', { mode: 0o755 });
  const image = path.join(dir, 'initramfs.cpio');
  const list = spawnSync('/usr/bin/find', ['.'], { cwd: tree, encoding: 'utf8' }).stdout;
  const cpio = spawnSync(BUSYBOX, ['cpio', '-o', '-H', 'newc'], { cwd: tree, input: list, maxBuffer: 64 << 20 });
  fs.writeFileSync(image, cpio.stdout);
  return [
    ...['-cpu', 'max', '-smp', '2', '-accel', 'tcg,thread=multi', '-m', String(memMb)],
    ...['-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot'],
    ...['-kernel', guest.image, '-initrd', image, '-append', 'console=ttyS0 panic=-1 quiet'],
    ...['-virtfs', 'local,path=/,mount_tag=host,security_model=passthrough,id=host,multidevs=remap'],
  ];
}
