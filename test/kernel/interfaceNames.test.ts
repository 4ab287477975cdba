// The interface-name rule against the real kernel: for every byte 0x01..0xFF in a name (and the
// lengths and dot names), the validator accepts exactly what `ip link add ... type veth` gets the kernel to
// accept. Names go to ip as raw bytes (through printf), in a namespace of the test's own.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { kernelNameProblem, validateInterfaceName } from '../../src/core/validate';
import { cleanupOnExit, cleanupPrefix, ip, IP, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
const NS = `${P}names`;

let pairs = 0;

/** Creates a veth with these exact bytes as its name in NS; true when the kernel took it. */
function kernelAccepts(bytes: Uint8Array): boolean {
  const peer = `p${(pairs++).toString(36)}`;
  const escaped = [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  // $(...) drops trailing newlines; every name here ends in a byte that is not one.
  const r = spawnSync('/bin/bash', ['-c', 'n=$(printf "%bX" "$1"); n=${n%X}; exec "$2" -n "$3" link add name "$n" type veth peer name "$4"', '_', escaped, IP, NS, peer], {
    encoding: 'utf8',
  });
  return r.status === 0;
}

/**
 * The interface names in NS as raw bytes (one latin1 character per byte). `ip -j` writes control
 * bytes unescaped, which JSON does not allow in strings; they are escaped before parsing.
 */
function namesInKernel(): Set<string> {
  const out = spawnSync(IP, ['-n', NS, '-j', 'link', 'show']).stdout.toString('latin1').trimEnd();
  // eslint-disable-next-line no-control-regex
  const json = out.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return new Set((JSON.parse(json) as { ifname: string }[]).map((l) => l.ifname));
}

/** A character whose UTF-8 holds this byte, for the string validator; undefined if none can. */
function charWithByte(b: number): string | undefined {
  if (b < 0x80) {
    return String.fromCharCode(b);
  }
  const seq =
    b <= 0xbf ? [0xc3, b] // continuation byte: U+00C0..U+00FF
    : b >= 0xc2 && b <= 0xdf ? [b, 0x80]
    : b === 0xe0 ? [b, 0xb0, 0x80]
    : b >= 0xe1 && b <= 0xef ? [b, 0x80, 0x80]
    : b === 0xf0 ? [b, 0x90, 0x80, 0x80]
    : b >= 0xf1 && b <= 0xf4 ? [b, 0x80, 0x80, 0x80]
    : undefined; // 0xC0, 0xC1, 0xF5..0xFF never occur in UTF-8
  if (!seq) {
    return undefined;
  }
  const s = Buffer.from(seq).toString('utf8');
  assert.deepEqual([...Buffer.from(s, 'utf8')], seq);
  return s;
}

describe('interface names: the validator and the kernel agree', () => {
  before(() => {
    cleanupOnExit(P);
    ip(['netns', 'add', NS]);
  });
  after(() => cleanupPrefix(P));

  it('on every byte 0x01..0xFF in a name', () => {
    const disagree: string[] = [];
    const accepted: string[] = [];
    for (let b = 0x01; b <= 0xff; b++) {
      const ch = charWithByte(b);
      // A unique tail per byte: characters for different bytes may share their bytes.
      const tail = b.toString(16);
      const bytes = ch === undefined ? Buffer.concat([Buffer.of(0x71, b), Buffer.from(tail)]) : Buffer.from(`q${ch}${tail}`, 'utf8');
      const kernel = kernelAccepts(bytes);
      if (kernel) {
        accepted.push(Buffer.from(bytes).toString('latin1'));
      }
      const byRule = kernelNameProblem(bytes) === undefined;
      const byValidator = ch === undefined ? byRule : validateInterfaceName(`q${ch}${tail}`) === undefined;
      if (kernel !== byRule || kernel !== byValidator) {
        disagree.push(`0x${b.toString(16)}: kernel ${kernel}, rule ${byRule}, validator ${byValidator}`);
      }
    }
    assert.deepEqual(disagree, []);
    // What the kernel holds now: each accepted name, byte for byte.
    const inKernel = namesInKernel();
    assert.deepEqual(accepted.filter((n) => !inKernel.has(n)), []);
    assert.equal(inKernel.size, 1 + 2 * accepted.length); // lo, and both ends of each pair
    assert.ok(accepted.length > 240, `only ${accepted.length} bytes accepted`);
  });

  it('on lengths and dot names', () => {
    const cases = ['.', '..', '...', 'a'.repeat(15), 'b'.repeat(16), 'é'.repeat(7) + 'c', 'é'.repeat(8)];
    for (const name of cases) {
      const kernel = kernelAccepts(Buffer.from(name, 'utf8'));
      assert.equal(validateInterfaceName(name) === undefined, kernel, `${JSON.stringify(name)}: kernel ${kernel}`);
    }
  });

  it('refuses "rpà" before the kernel is asked, saying which character', () => {
    assert.equal(kernelAccepts(Buffer.from('rpà', 'utf8')), false);
    assert.match(validateInterfaceName('rpà') ?? '', /"à"/);
  });
});
