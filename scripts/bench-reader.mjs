// Measures a full read of many namespaces: the netlink reader against `ip -n NS -d -j address`
// spawned per namespace (the ip reader). Needs root and a build of the tests (npm run build:tests).
//
//   node scripts/bench-reader.mjs [COUNT] [--no-ip]     (default 1000; --no-ip skips the slow ip side)
//
// Creates COUNT namespaces under a unique prefix with one veth pair per two namespaces, measures,
// then deletes everything it made (also on Ctrl-C).
/* global process, console, URL */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { NetlinkReader } = require(path.join(root, 'out/src/helper/reader/netlink.js'));
const { IpReader } = require(path.join(root, 'out/src/helper/reader/ipReader.js'));

const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => fs.existsSync(p));
const args = process.argv.slice(2);
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);
const withIp = !args.includes('--no-ip');
const prefix = 'b' + ((process.pid * 7919 + Date.now()) % 36 ** 4).toString(36).padStart(4, '0');
const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function batch(lines) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const file = path.join(dir, 'batch');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  try {
    execFileSync(IP, ['-force', '-batch', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function mine() {
  return fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns').filter((n) => n.startsWith(`${prefix}-`)) : [];
}

function cleanup() {
  const left = mine();
  if (left.length > 0) {
    try {
      batch(left.map((n) => `netns del ${n}`));
    } catch {
      // -force went on past failures; whatever is left is reported below
    }
  }
}

process.once('SIGINT', () => {
  cleanup();
  process.exit(130);
});

/** The bare spawns two at a time (more gains nothing: ip remounts /sys per call), then the ip reader. */
async function compareWithIp(result) {
  let t0 = process.hrtime.bigint();
  let next = 0;
  const run = promisify(execFile);
  const worker = async () => {
    while (next < count) {
      await run(IP, ['-n', names[next++], '-d', '-j', 'address', 'show'], { maxBuffer: 1 << 24 });
    }
  };
  await Promise.all([worker(), worker()]);
  console.log(`spawning ip -n NS -d -j address per namespace (2 at a time): ${ms(t0).toFixed(0)} ms`);

  t0 = process.hrtime.bigint();
  const viaIp = await new IpReader(IP).read({ names, includeRoot: true });
  console.log(`ip reader (those spawns, plus ip -n NS netns list per namespace to settle veth peers): ${ms(t0).toFixed(0)} ms, ${viaIp.filter((n) => n.error).length} errors`);
  console.log(`both readers agree on the ${count} namespaces: ${isDeepStrictEqual(viaIp.slice(1), result.slice(1))}`);
}

try {
  let t0 = process.hrtime.bigint();
  const lines = names.map((n) => `netns add ${n}`);
  for (let i = 0; i + 1 < count; i += 2) {
    lines.push(`link add name a netns ${names[i]} type veth peer name b netns ${names[i + 1]}`);
  }
  batch(lines);
  console.log(`created ${count} namespaces and ${Math.floor(count / 2)} veth pairs in ${ms(t0).toFixed(0)} ms`);

  const reader = new NetlinkReader();
  const times = [];
  let result;
  for (let i = 0; i < 15; i++) {
    t0 = process.hrtime.bigint();
    result = reader.readSync({ names, includeRoot: true });
    times.push(ms(t0));
  }
  reader.dispose();
  const errors = result.filter((n) => n.error).length;
  const resolved = result.flatMap((n) => n.interfaces).filter((i) => i.kind === 'veth' && i.peer?.netns !== undefined).length;
  console.log(
    `netlink reader: median ${median(times).toFixed(1)} ms, best ${Math.min(...times).toFixed(1)} ms, first ${times[0].toFixed(1)} ms ` +
      `(${times.length} runs; load average ${os.loadavg()[0].toFixed(1)}), ${errors} errors, ${resolved} veth peers resolved`,
  );
  if (withIp) {
    await compareWithIp(result);
  }
} finally {
  const t0 = process.hrtime.bigint();
  cleanup();
  console.log(`deleted in ${ms(t0).toFixed(0)} ms; ${mine().length} left`);
}
