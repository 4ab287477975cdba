// Hostile input: thousands of generated names and requests sent to the helper. Each must be refused
// with a clear error or carried out exactly as ip would; the helper must never crash or hang, create
// no file outside /run/netns, and leave the kernel as it was except for what valid requests asked.
//
// Every string that could pass validation carries the run's prefix, so nothing here can ever name a
// namespace or interface the test did not make.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { validateInterfaceName, validateNamespaceName } from '../../src/core/validate';
import { HelperProcess, type RawResponse } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, linkNames, netnsNames, uniquePrefix } from '../support/kernel';

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

const OPS = ['addNetns', 'delNetns', 'addVeth', 'moveLink', 'attachNetns', 'setLinkState', 'addAddress', 'delAddress', 'delLink', 'snapshot', 'listNames', 'hello', 'bogus', '__proto__', 'constructor', ''];
const FIELDS = ['name', 'peer', 'netns', 'peerNetns', 'from', 'to', 'toPid', 'pid', 'up', 'address', 'names', 'includeRoot', 'reader', 'file', '__proto__', 'constructor', 'x'];

function hostileRequest(id: number): string {
  const req: Record<string, unknown> = { id, op: pick(OPS) };
  const n = rnd(5);
  for (let i = 0; i < n; i++) {
    const f = pick(FIELDS);
    req[f] = f === 'pid' || f === 'toPid' ? hostilePid() : f === 'netns' || f === 'from' || f === 'peerNetns' ? (rnd(3) === 0 ? null : hostileString()) : f === 'address' ? pick(['10.99.0.1/24', '1.2.3.4', 'fd00::1/64', hostileString()]) : hostileValue();
  }
  // Only the root namespace is allowed without the prefix, and then never with a real host
  // interface name: force every string field through the prefix check below.
  return JSON.stringify(req);
}

/** True when a request could touch something outside the run's prefix: never sent. */
function escapesPrefix(line: string): boolean {
  const req = JSON.parse(line) as Record<string, unknown>;
  for (const f of ['name', 'peer']) {
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
