// The benchmark's namespaces: N of them under a unique prefix, neighbours joined by a veth pair
// with an IPv4 address on each end, and the cleanup that removes everything with that prefix
// (namespaces in /run/netns and links in the host namespace), also on error, exit and signals.
import { execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';

export const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => fs.existsSync(p)) ?? '/usr/sbin/ip';
export const NSENTER = ['/usr/bin/nsenter', '/bin/nsenter', '/usr/sbin/nsenter'].find((p) => fs.existsSync(p));
const NETNS_DIR = '/run/netns';

export const execFileP = promisify(execFile);

/** `nb` + 4 random base36 characters: short enough for interface names made from it. */
export function uniquePrefix() {
  return 'nb' + Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0');
}

/** Runs ip with argv; resolves with stdout, rejects with ip's stderr. */
export async function ip(args, input) {
  if (input === undefined) {
    return (await execFileP(IP, args, { maxBuffer: 1 << 28 })).stdout;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(IP, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`ip ${args.join(' ')}: ${err.trim() || `exit ${code}`}`))));
    child.stdin.end(input);
  });
}

/** Names of namespaces in /run/netns (none when the folder does not exist yet). */
export function netnsNames() {
  try {
    return fs.readdirSync(NETNS_DIR);
  } catch {
    return [];
  }
}

/** Host-namespace links whose name starts with the prefix. */
function rootLinks(prefix) {
  try {
    const links = JSON.parse(execFileSync(IP, ['-j', 'link', 'show'], { encoding: 'utf8', maxBuffer: 1 << 26 }));
    return links.map((l) => l.ifname).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
}

/** What is left with this prefix: namespaces and host links. */
export function leftovers(prefix) {
  return { netns: netnsNames().filter((n) => n.startsWith(`${prefix}-`)), links: rootLinks(prefix) };
}

/** Deletes everything with the prefix, synchronously (so it also works inside an exit handler). */
export function removeAll(prefix) {
  const { netns, links } = leftovers(prefix);
  const lines = [...links.map((l) => `link del dev ${l}`), ...netns.map((n) => `netns del ${n}`)];
  if (lines.length > 0) {
    try {
      // -force: go on past a line that fails (a link already gone with its peer).
      execFileSync(IP, ['-force', '-batch', '-'], { input: lines.join('\n') + '\n', stdio: ['pipe', 'ignore', 'ignore'] });
    } catch {
      // whatever is still there is reported by the caller's check
    }
  }
  return leftovers(prefix);
}

/** Removes the prefix's namespaces and links at exit, on SIGINT/SIGTERM/SIGHUP and on demand. */
export function guard(prefix) {
  let done = false;
  const run = () => {
    if (!done) {
      done = true;
      removeAll(prefix);
    }
  };
  const onSignal = (sig, num) => () => {
    process.stderr.write(`\n${sig}: removing the benchmark's namespaces (${prefix}-*)...\n`);
    run();
    process.exit(128 + num);
  };
  process.on('exit', run);
  for (const [sig, num] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
    process.on(sig, onSignal(sig, num));
  }
}

/** The 10.x address pair of veth pair `i` (a /30 per pair, unique across the run). */
export function pairAddresses(i) {
  const base = i * 4;
  const a = `10.${(base >> 16) & 255}.${(base >> 8) & 255}`;
  return [`${a}.${(base & 255) + 1}/30`, `${a}.${(base & 255) + 2}/30`];
}

/** Lines for `ip -batch`: namespaces `names`, then veth `r` in names[i] joined to `l` in names[i+1]. */
export function buildLines(names) {
  const lines = names.map((n) => `netns add ${n}`);
  for (let i = 0; i + 1 < names.length; i++) {
    lines.push(`link add name r netns ${names[i]} type veth peer name l netns ${names[i + 1]}`);
  }
  return lines;
}

/**
 * Creates the namespaces with `ip -batch`, then puts the addresses on with one
 * `nsenter --net=... ip -batch -` per namespace (nsenter only calls setns; `ip -n` would remount
 * /sys each time), two at a time.
 */
export async function createFixture(names) {
  // In runs of 2000 lines: ip (6.1) keeps a descriptor open for each namespace a line names.
  const lines = buildLines(names);
  for (let i = 0; i < lines.length; i += 2000) {
    await ip(['-batch', '-'], lines.slice(i, i + 2000).join('\n') + '\n');
  }
  await batchInEach(names, (i) => [
    ...(i + 1 < names.length ? [`addr add ${pairAddresses(i)[0]} dev r`] : []),
    ...(i > 0 ? [`addr add ${pairAddresses(i - 1)[1]} dev l`] : []),
    'link set lo up',
  ]);
}

/**
 * Sets the chain's veths up (for pings: without an IPv6 link-local address, so a snapshot holds
 * what it held) or down again.
 */
export async function setChainUp(names, up) {
  await batchInEach(names, (i) =>
    [...(i + 1 < names.length ? ['r'] : []), ...(i > 0 ? ['l'] : [])].flatMap((dev) => (up ? [`link set dev ${dev} addrgenmode none`, `link set dev ${dev} up`] : [`link set dev ${dev} down`])),
  );
}

/** `ip -batch` lines run inside each namespace (linesFor(i) for names[i]), two namespaces at a time. */
async function batchInEach(names, linesFor) {
  if (!NSENTER) {
    throw new Error('nsenter (util-linux) is needed to change the veths inside the namespaces');
  }
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      const lines = linesFor(i);
      await new Promise((resolve, reject) => {
        const child = spawn(NSENTER, [`--net=/run/netns/${names[i]}`, IP, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`in ${names[i]}: ${err.trim()}`))));
        child.stdin.end(lines.join('\n') + '\n');
      });
    }
  };
  await Promise.all([worker(), worker()]);
}

/** Deletes these namespaces with one ip -batch (their veths go with them). */
export async function deleteNamespaces(names) {
  if (names.length > 0) {
    await ip(['-force', '-batch', '-'], names.map((n) => `netns del ${n}`).join('\n') + '\n').catch(() => undefined);
  }
}
