// Hostile input: thousands of generated names and requests sent to the helper. Each must be refused
// with a clear error or carried out exactly as ip would; the helper must never crash or hang, create
// no file outside /run/netns, and leave the kernel as it was except for what valid requests asked.
//
// Every string that could pass validation carries the run's prefix, so nothing here can ever name a
// namespace or interface the test did not make.
//
// The second part aims at the policy's targets with a helper the policy binds (started for a sudo
// caller, from the installed folder, inside a private mount namespace): a namespace owned by another
// user namespace, a stand-in for a physical interface, install and uninstall. Each such request
// must be refused under its rule, and none of those targets may change.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { INSTALL_DIR } from '../../src/core/install';
import { validateInterfaceName, validateNamespaceName } from '../../src/core/validate';
import { attackToolsMissing, call, deviceStandIn, linksOfPid, rootAttach, userNsProcess } from '../support/attack';
import { HelperProcess, type RawResponse } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, helperPath, ip, links, linkNames, netnsNames, repoRoot, uniquePrefix } from '../support/kernel';
import { mountNsToolsMissing, PrivateMountNs } from '../support/mountNs';
import { runCleanups } from '../support/testUser';

const P = uniquePrefix();
cleanupOnExit(P);
const COUNT = Number(process.env.NETNS_FUZZ_COUNT ?? 10000);

// A small deterministic generator, so a failure can be reproduced with the same seed.
let seed = Number(process.env.NETNS_FUZZ_SEED ?? 20261129);
function rnd(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}
function pick<T>(xs: readonly T[]): T {
  return xs[rnd(xs.length)];
}

const NASTY = [
  '$(touch /tmp/pwned)', '`id`', ';rm -rf /', '&&', '|', '>', '<', "'", '"', '\\', '..', '/', '../../etc',
  '-', '--', '-n', '--help', ' ', '\t', '\n', '\r', '\u0000', '\u007f', '%d', '%s', ':', '*', '?', '[', '{',
  'é', '中文', '🙂', '\u202e', '\ufeff', '.', '~', '#', '!', '=', ',', '@',
];

function hostileString(): string {
  const parts: string[] = [];
  const n = 1 + rnd(4);
  for (let i = 0; i < n; i++) {
    parts.push(pick(NASTY));
  }
  const body = parts.join('');
  switch (rnd(10)) {
    case 0:
      return '';
    case 1:
      return P + 'x'.repeat(20 + rnd(300)); // over the limits
    case 2:
      return '-' + P + body; // a leading dash
    case 3:
      return P + body.slice(0, 3); // short: may be a valid interface name
    case 4:
      return P + 'a'.repeat(rnd(12)); // valid
    default:
      return P + body;
  }
}

function hostileValue(): unknown {
  switch (rnd(12)) {
    case 0:
      return rnd(2) === 0 ? null : undefined;
    case 1:
      return rnd(100000) - 50000;
    case 2:
      return [hostileString()];
    case 3:
      return { name: hostileString() };
    case 4:
      return rnd(2) === 0;
    case 5:
      return 1.5;
    default:
      return hostileString();
  }
}

/** Never an existing process: moving into a stranger's namespace would leave things behind. */
function hostilePid(): unknown {
  return pick([4_000_000 + rnd(194_304), -rnd(100), 0, 5_000_000, '1', 1.5, null, [1]]);
}

const OPS = ['addNetns', 'delNetns', 'addVeth', 'moveLink', 'attachNetns', 'setLinkState', 'addAddress', 'delAddress', 'delLink', 'addRoute', 'delRoute', 'setForwarding', 'setNetem', 'clearNetem', 'addLink', 'setMaster', 'startCapture', 'stopCapture', 'snapshot', 'listNames', 'hello', 'readNeighbours', 'readRules', 'readSockets', 'readFirewall', 'readSysctls', 'readNetnsFiles', 'bogus', '__proto__', 'constructor', ''];
const FIELDS = ['name', 'peer', 'netns', 'peerNetns', 'from', 'to', 'toPid', 'pid', 'up', 'address', 'names', 'includeRoot', 'idsOnly', 'reader', 'file', 'destination', 'gateway', 'device', 'metric', 'family', 'on', 'delayMs', 'jitterMs', 'lossPct', 'reorderPct', 'rateKbit', 'kind', 'parent', 'vlanId', 'master', 'content', 'filter', 'maxBytes', 'maxSeconds', 'capture', '__proto__', 'constructor', 'x'];
/** Numbers around the edges of netem's and forwarding's ranges. */
const EDGES = [0, 4, 6, 100, 100.5, 60000, 60001, -1, 1e-9, 1e300, Number.MAX_SAFE_INTEGER];

function hostileRequest(id: number): string {
  const req: Record<string, unknown> = { id, op: pick(OPS) };
  const n = rnd(5);
  for (let i = 0; i < n; i++) {
    const f = pick(FIELDS);
    req[f] = f === 'kind' ? pick(['bridge', 'dummy', 'vlan', 'veth', hostileString()]) : f === 'vlanId' ? pick([10, 0, 4094, 4095, -1, 1.5, '7', hostileString()]) : ['delayMs', 'jitterMs', 'lossPct', 'reorderPct', 'rateKbit'].includes(f) && rnd(2) === 0 ? pick(EDGES) : f === 'pid' || f === 'toPid' ? hostilePid() : f === 'netns' || f === 'from' || f === 'peerNetns' ? (rnd(3) === 0 ? null : hostileString()) : f === 'address' ? pick(['10.99.0.1/24', '1.2.3.4', 'fd00::1/64', hostileString()]) : f === 'destination' ? pick(['default', '10.99.0.0/24', '10.99.0.1', 'fd00:99::/64', hostileString()]) : f === 'gateway' ? pick(['10.99.0.1', 'fd00::1', hostileString()]) : f === 'metric' ? pick([0, 100, 2 ** 32, -1, 1.5, '5']) : f === 'family' ? pick([4, 6, 5, '4', ...EDGES]) : f === 'filter' ? pick(['icmp', '-r /etc/shadow', 'icmp and (', 'port `id`', hostileString()]) : f === 'maxBytes' || f === 'maxSeconds' ? pick([1, 128, 2 ** 31, 2 ** 40, ...EDGES]) : f === 'capture' ? pick(['1.1', `${process.pid}.1`, '--all', hostileString()]) : hostileValue();
  }
  // Only the root namespace is allowed without the prefix, and then never with a real host
  // interface name: force every string field through the prefix check below.
  return JSON.stringify(req);
}

/** True when a request could touch something outside the run's prefix: never sent. */
function escapesPrefix(line: string): boolean {
  const req = JSON.parse(line) as Record<string, unknown>;
  // A route or forwarding is changed only in a namespace of this run, never in the host's.
  if (['addRoute', 'delRoute', 'setForwarding'].includes(String(req.op)) && !(typeof req.netns === 'string' && req.netns.includes(P))) {
    return true;
  }
  // A veth pair without both names gets automatic ones (veth0...), without the prefix.
  if (req.op === 'addVeth' && (typeof req.name !== 'string' || typeof req.peer !== 'string')) {
    return true;
  }
  for (const f of ['name', 'peer', 'parent', 'master']) {
    const v = req[f];
    if (typeof v === 'string' && validateInterfaceName(v) === undefined && !v.includes(P)) {
      return true;
    }
    if (typeof v === 'string' && validateNamespaceName(v) === undefined && !v.includes(P)) {
      return true;
    }
  }
  return false;
}

function listFiles(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

const WATCHED_DIRS = ['/', '/tmp', '/run', '/root', '/etc', process.cwd()];

describe('hostile input to the helper', () => {
  let h: HelperProcess;
  const before_: Record<string, string[]> = {};
  let linksBefore: string[] = [];
  let netnsBefore: string[] = [];

  before(() => {
    for (const d of WATCHED_DIRS) {
      before_[d] = listFiles(d);
    }
    linksBefore = linkNames(null);
    netnsBefore = netnsNames();
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
  });

  it(`survives ${COUNT} generated requests, refusing each bad one clearly`, async () => {
    const counts = { sent: 0, refused: 0, carriedOut: 0, byCode: {} as Record<string, number> };
    const batch: Promise<RawResponse>[] = [];
    for (let i = 0; i < COUNT; i++) {
      const id = 1000 + i;
      const line = hostileRequest(id);
      if (escapesPrefix(line)) {
        continue;
      }
      counts.sent++;
      batch.push(h.sendRaw(line, id));
      if (batch.length >= 200) {
        for (const r of await Promise.all(batch.splice(0))) {
          tally(r);
        }
      }
    }
    for (const r of await Promise.all(batch)) {
      tally(r);
    }
    function tally(r: RawResponse): void {
      if (r.ok) {
        counts.carriedOut++;
      } else {
        counts.refused++;
        counts.byCode[r.error!.code] = (counts.byCode[r.error!.code] ?? 0) + 1;
        assert.ok(r.error!.message.length > 10, 'every refusal says why');
        assert.ok(!/at Object\.|node:internal|TypeError|undefined/.test(r.error!.message), `no internals leak: ${r.error!.message}`);
      }
    }
    console.log(`fuzz: ${counts.sent} requests sent, ${counts.refused} refused, ${counts.carriedOut} carried out; by code ${JSON.stringify(counts.byCode)}`);
    assert.equal(counts.sent, counts.refused + counts.carriedOut, 'every request was answered');
    assert.equal(h.child.exitCode, null, 'the helper is still running');
  });

  it('survives raw garbage: deep nesting, NUL bytes, a 100 MB line', async () => {
    const garbage = ['['.repeat(100000), '{"id":900001,"op":"hello"' + '\u0000'.repeat(10), '\u0000\u0001\u0002', '{"id":1e400,"op":"hello"}', '{"id":900002,"op":"hello","__proto__":{"x":1}}'];
    for (const g of garbage) {
      h.child.stdin.write(g + '\n');
    }
    const big = Buffer.alloc(100 * 1024 * 1024, 0x61);
    h.child.stdin.write(big);
    h.child.stdin.write('\n');
    const hello = await h.ok<{ name: string }>('hello');
    assert.equal(hello.name, 'vscode-netns-helper');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${h.child.pid}/status`, 'utf8'))?.[1] ?? 0);
    console.log(`fuzz: helper RSS after the 100 MB line: ${Math.round(rss / 1024)} MB`);
    assert.ok(rss < 400 * 1024, 'the oversized line was not held in memory');
  });

  it('created no file outside /run/netns and left the kernel as it was, but for valid requests', async () => {
    for (const d of WATCHED_DIRS) {
      const now = listFiles(d);
      const added = now.filter((f) => !before_[d].includes(f));
      assert.deepEqual(added.filter((f) => f.includes(P) || /pwned/.test(f)), [], `no file made in ${d}`);
    }
    // What valid requests made carries the prefix; everything else is as it was.
    assert.deepEqual(linkNames(null).filter((n) => !n.includes(P)).sort(), linksBefore.filter((n) => !n.includes(P)).sort());
    assert.deepEqual(netnsNames().filter((n) => !n.includes(P)), netnsBefore.filter((n) => !n.includes(P)));
    // Each namespace the fuzz made exists under exactly the name that was asked for.
    for (const n of netnsNames().filter((x) => x.includes(P))) {
      assert.equal(validateNamespaceName(n), undefined);
    }
  });
});

/** What the policy must refuse a request for: the acceptable rules, or none. */
type Rules = string[];

// The targeted part draws from the high bits of its own generator: the low bits of the one above
// repeat with a short period, which would tie one choice to the next.
let tseed = Number(process.env.NETNS_FUZZ_SEED ?? 20261129) ^ 0x5bd1e995;
function trnd(n: number): number {
  tseed = (tseed * 1103515245 + 12345) & 0x7fffffff;
  return Math.floor((tseed / 0x80000000) * n);
}
function tpick<T>(xs: readonly T[]): T {
  return xs[trnd(xs.length)];
}

describe('hostile requests at the policy\'s targets, to a helper the policy binds', { skip: attackToolsMissing() ?? mountNsToolsMissing() ?? false, timeout: 300_000 }, () => {
  const COUNT_TARGETED = Number(process.env.NETNS_FUZZ_TARGETED ?? 2000);
  const OK = `${P}ok`; // a namespace of the initial user namespace: anything may happen in it
  const FA = `${P}fa`; // attached from a process in a user namespace of its own: never a target
  const PHY = `${P}phy`; // a stand-in for a physical interface (a bridge with a device link in sysfs)
  const [FI0, FI1] = [`${P}fi0`, `${P}fi1`]; // a veth pair inside FA
  let foreignPid: number;
  let mnt: PrivateMountNs;
  let h: HelperProcess;
  let phyBefore: { ifindex: number; inet: unknown[] };
  let installedBefore: string[];
  const hostInstallBefore = fs.existsSync(INSTALL_DIR);

  const installedFiles = () => fs.readdirSync(`/proc/${mnt.pid}/root${INSTALL_DIR}`).sort();

  before(async () => {
    // Everything the helper may be asked about exists before its mount namespace is made, so that
    // namespace sees the same /run/netns.
    ip(['netns', 'add', OK]);
    const u = await userNsProcess(undefined, `ip link add name ${FI0} type veth peer name ${FI1}`);
    foreignPid = u.pid;
    rootAttach(FA, foreignPid);
    ip(['link', 'add', 'name', PHY, 'type', 'bridge']);
    ip(['link', 'set', 'dev', PHY, 'up']);
    const phy = links(null).find((l) => l.ifname === PHY)!;
    phyBefore = { ifindex: phy.ifindex, inet: phy.addr_info?.filter((a) => a.family === 'inet') ?? [] };
    const koffi = fs.realpathSync(path.join(repoRoot, 'node_modules', 'koffi'));
    // The helper runs from INSTALL_DIR, on a tmpfs only this mount namespace sees.
    mnt = await PrivateMountNs.start(
      [
        deviceStandIn([PHY]),
        'mount -t tmpfs -o mode=755 netns-fuzz "$(dirname "$1")"',
        'mkdir -p "$1/node_modules"',
        'cp "$2" "$1/helper.js"',
        'cp -r "$3" "$1/node_modules/koffi"',
        // koffi's native binaries, as the install copies them.
        'if [ -d "$4" ]; then cp -r "$4" "$1/node_modules/@koromix"; fi',
      ].join('\n'),
      [INSTALL_DIR, helperPath, koffi, path.join(path.dirname(koffi), '@koromix')],
    );
    installedBefore = installedFiles();
    h = new HelperProcess({ SUDO_UID: '65534', SUDO_GID: '65534', SUDO_USER: 'nobody' }, mnt.enter([process.execPath, path.join(INSTALL_DIR, 'helper.js')]));
  });

  after(async () => {
    await h?.close();
    mnt?.stop();
    cleanupPrefix(P);
    runCleanups();
  });

  /**
   * A netns field: one of the fixtures, the host, the foreign process's PID as a name (no such
   * namespace), or junk. `wellFormed`: it names a namespace that exists, so a refusal of the
   * request can only be the policy's.
   */
  function netnsOf(foreignAllowed: boolean): { v: unknown; wellFormed: boolean } {
    const pool: unknown[] = [null, OK, String(foreignPid), ...(foreignAllowed ? [FA, FA] : [])];
    const v = trnd(8) === 0 ? hostileString() : tpick(pool);
    return { v, wellFormed: v === null || v === OK || v === FA };
  }

  function ifName(): string {
    return tpick([PHY, PHY, FI0, FI1, `${P}v${trnd(4)}`, `${P}w${trnd(4)}`]);
  }

  /** A well-formed request (mostly) aimed at the fixtures, and what the policy must say to it. */
  function targetedRequest(id: number): { req: Record<string, unknown>; rules: Rules; wellFormed: boolean } {
    const op = tpick(['addVeth', 'moveLink', 'moveLink', 'setLinkState', 'addAddress', 'delAddress', 'delLink', 'setNetem', 'clearNetem', 'addLink', 'setMaster', 'attachNetns', 'installHelper', 'uninstallHelper', 'batch']);
    const req: Record<string, unknown> = { id, op };
    let wellFormed = true;
    const rules = new Set<string>();
    const take = (field: string, foreign: boolean) => {
      const n = netnsOf(foreign);
      req[field] = n.v;
      wellFormed &&= n.wellFormed;
      if (n.v === FA) {
        rules.add('foreign-userns');
      }
      return n.v;
    };
    switch (op) {
      case 'installHelper':
      case 'uninstallHelper':
        rules.add('password-start');
        break;
      case 'attachNetns':
        req.name = `${P}at${trnd(4)}`;
        // Never a process whose namespace may be attached: a legitimate attach would mount a name
        // inside the helper's private mount namespace only.
        req.pid = trnd(3) === 0 ? 4_000_000 + trnd(100_000) : foreignPid;
        if (req.pid === foreignPid) {
          rules.add('foreign-userns');
        }
        break;
      case 'addVeth': {
        req.name = `${P}v${trnd(4)}`;
        req.peer = `${P}w${trnd(4)}`;
        take('netns', true);
        take('peerNetns', true);
        break;
      }
      case 'batch': {
        const items: Record<string, unknown>[] = [];
        for (let i = 0, n = 1 + trnd(3); i < n; i++) {
          const item: Record<string, unknown> = { op: 'addVeth', name: `${P}b${i}${trnd(3)}`, peer: `${P}c${i}${trnd(3)}` };
          for (const f of ['netns', 'peerNetns']) {
            const v = netnsOf(true);
            item[f] = v.v;
            wellFormed &&= v.wellFormed;
            if (v.v === FA) {
              rules.add('foreign-userns');
            }
          }
          items.push(item);
        }
        req.requests = items;
        break;
      }
      case 'addLink': {
        // A bridge, dummy or VLAN with the run's prefix; a VLAN's parent may be the stand-in NIC.
        req.name = `${P}k${trnd(4)}`;
        req.kind = tpick(['bridge', 'dummy', 'vlan']);
        const netns = take('netns', true);
        if (req.kind === 'vlan') {
          req.parent = ifName();
          req.vlanId = 1 + trnd(4094);
          if (req.parent === PHY && netns === null) {
            rules.add('physical-interface');
          }
        }
        break;
      }
      case 'setMaster': {
        // Never inside FA (as for the default case below). The stand-in is a bridge: as a port,
        // released, or given a port, each is refused in the host.
        req.name = ifName();
        req.master = tpick([PHY, PHY, null, `${P}k${trnd(4)}`, `${P}v${trnd(4)}`]);
        const netns = take('netns', false);
        if (netns === null && (req.name === PHY || req.master === PHY)) {
          rules.add('physical-interface');
        }
        break;
      }
      case 'moveLink': {
        req.name = ifName();
        const from = take('from', true);
        if (trnd(3) === 0) {
          req.toPid = tpick([foreignPid, process.pid]);
          if (req.toPid === foreignPid) {
            rules.add('foreign-userns');
          }
        } else {
          take('to', true);
        }
        if (req.name === PHY && from === null) {
          rules.add('physical-interface');
        }
        break;
      }
      default: {
        // setLinkState, addAddress, delAddress, delLink, setNetem, clearNetem: in the host, OK, or by junk; never inside FA
        // (changes there are not the policy's to refuse, and would make FA's read-back ambiguous).
        req.name = ifName();
        const netns = take('netns', false);
        if (op === 'setLinkState') {
          req.up = trnd(2) === 0;
        } else if (op === 'setNetem') {
          req.lossPct = 1 + trnd(99);
        } else if (op !== 'delLink' && op !== 'clearNetem') {
          req.address = tpick(['198.51.100.9/32', '198.51.100.10/24', 'fd00:5::1/64']);
        }
        if (req.name === PHY && netns === null && !(op === 'setLinkState' && req.up === true)) {
          rules.add('physical-interface');
        }
      }
    }
    return { req, rules: [...rules], wellFormed };
  }

  it('hello: bound, from the installed folder', async () => {
    const r = await call(h, 'hello', {}, 20_000);
    assert.equal(r.ok, true, h.stderr);
    const hello = r.result as { policy?: unknown; callerUid?: number };
    assert.equal(hello.callerUid, 65534);
    assert.deepEqual(hello.policy, { bound: true, installed: true });
    assert.equal((hello as { reader?: string }).reader, 'netlink', 'koffi loads: without it the owner of a namespace cannot be read');
  });

  it(`${COUNT_TARGETED} requests at the foreign namespace, the stand-in NIC and the install: each forbidden one refused under its rule`, async () => {
    const counts = { sent: 0, forbidden: 0, refused: 0, carriedOut: 0, byRule: {} as Record<string, number>, byCode: {} as Record<string, number> };
    const byOp: Record<string, number> = {};
    const sample: Record<string, string> = {};
    const wrong: string[] = [];
    const pending: Promise<void>[] = [];
    for (let i = 0; i < COUNT_TARGETED; i++) {
      const id = 2_000_000 + i;
      const { req, rules, wellFormed } = targetedRequest(id);
      const line = JSON.stringify(req);
      counts.sent++;
      if (rules.length) {
        counts.forbidden++;
      }
      pending.push(
        h.sendRaw(line, id).then((r) => {
          const key = `${String(req.op)} ${r.ok ? 'ok' : `${r.error!.code}${(r.error as { rule?: string }).rule ? '/' + (r.error as { rule?: string }).rule : ''}`}`;
          byOp[key] = (byOp[key] ?? 0) + 1;
          sample[key] ??= `${line} -> ${r.ok ? 'ok' : r.error!.message}`;
          if (r.ok) {
            counts.carriedOut++;
            if (rules.length) {
              wrong.push(`carried out although ${rules.join('/')} forbids it: ${line}`);
            }
            return;
          }
          counts.refused++;
          const e = r.error as RawResponse['error'] & { rule?: string };
          counts.byCode[e!.code] = (counts.byCode[e!.code] ?? 0) + 1;
          if (e!.rule) {
            counts.byRule[e!.rule] = (counts.byRule[e!.rule] ?? 0) + 1;
          }
          if (typeof e!.code !== 'string' || typeof e!.message !== 'string' || e!.message.length <= 10) {
            wrong.push(`a refusal without a code or message: ${JSON.stringify(r)}`);
          }
          if (rules.length && wellFormed && (e!.code !== 'EACCES' || !rules.includes(e!.rule ?? ''))) {
            wrong.push(`refused with ${e!.code}/${e!.rule} instead of EACCES/${rules.join(' or ')}: ${line}: ${e!.message}`);
          }
          if (e!.rule && !rules.includes(e!.rule)) {
            wrong.push(`refused under ${e!.rule}, which does not apply: ${line}`);
          }
        }),
      );
      if (pending.length >= 100) {
        await Promise.all(pending.splice(0));
      }
    }
    await Promise.all(pending);
    console.log(`fuzz (policy): ${counts.sent} sent, ${counts.forbidden} forbidden, ${counts.refused} refused, ${counts.carriedOut} carried out; by rule ${JSON.stringify(counts.byRule)}; by code ${JSON.stringify(counts.byCode)}`);
    console.log(`fuzz (policy) by operation: ${JSON.stringify(byOp)}`);
    if (process.env.NETNS_FUZZ_VERBOSE) {
      console.log(Object.values(sample).join('\n'));
    }
    const kinds: Record<string, number> = {};
    for (const w of wrong) {
      const k = w.replace(/: \{.*$/s, '');
      kinds[k] = (kinds[k] ?? 0) + 1;
    }
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} wrong answers: ${JSON.stringify(kinds)}`);
    assert.ok(counts.forbidden > COUNT_TARGETED / 4, 'a good share of the requests were forbidden ones');
    assert.equal(h.child.exitCode, null, 'the helper is still running');
  });

  it('the foreign namespace, the stand-in NIC and the install are as they were', () => {
    assert.deepEqual(
      linksOfPid(foreignPid).map((l) => l.ifname).sort(),
      [FI0, FI1, 'lo'].sort(),
      'nothing went into or out of the foreign namespace',
    );
    const phy = links(null).find((l) => l.ifname === PHY);
    assert.ok(phy, `${PHY} is still in the host`);
    assert.equal(phy.ifindex, phyBefore.ifindex, 'the same interface, not deleted and made again');
    assert.ok(phy.flags.includes('UP'), 'still up');
    assert.deepEqual(phy.addr_info?.filter((a) => a.family === 'inet') ?? [], phyBefore.inet, 'no address added or removed');
    assert.deepEqual(
      (JSON.parse(ip(['-j', 'link', 'show'])) as { ifname: string; master?: string }[]).filter((l) => l.master === PHY || (l.ifname === PHY && l.master)),
      [],
      'no port was added to the stand-in, and it is no port itself',
    );
    assert.deepEqual(installedFiles(), installedBefore, 'the install is untouched');
    assert.equal(fs.existsSync(INSTALL_DIR), hostInstallBefore, `the machine's own ${INSTALL_DIR} is as it was`);
  });
});
