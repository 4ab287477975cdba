// Helpers for capture tests: two namespaces joined by a veth, with addresses, and the collection
// of a capture's streamed events from a raw helper connection.

import { execFileSync } from 'node:child_process';
import type { HelperProcess } from './helperProcess';
import { IP, ip } from './kernel';

export interface VethLab {
  a: string;
  b: string;
  va: string;
  vb: string;
  addrA: string;
  addrB: string;
}

/** Namespaces `${prefix}a` and `${prefix}b`, a veth `${prefix}va`/`${prefix}vb` between them, 10.x.y.1 and .2/24. */
export function vethLab(prefix: string, subnet: string): VethLab {
  const lab = { a: `${prefix}a`, b: `${prefix}b`, va: `${prefix}va`, vb: `${prefix}vb`, addrA: `${subnet}.1`, addrB: `${subnet}.2` };
  ip(['netns', 'add', lab.a]);
  ip(['netns', 'add', lab.b]);
  ip(['link', 'add', lab.va, 'netns', lab.a, 'type', 'veth', 'peer', 'name', lab.vb, 'netns', lab.b]);
  ip(['-n', lab.a, 'address', 'add', `${lab.addrA}/24`, 'dev', lab.va]);
  ip(['-n', lab.b, 'address', 'add', `${lab.addrB}/24`, 'dev', lab.vb]);
  ip(['-n', lab.a, 'link', 'set', lab.va, 'up']);
  ip(['-n', lab.b, 'link', 'set', lab.vb, 'up']);
  ip(['-n', lab.a, 'link', 'set', 'lo', 'up']);
  ip(['-n', lab.b, 'link', 'set', 'lo', 'up']);
  return lab;
}

/** Runs a program inside a namespace (ip netns exec), returning its output. */
export function inNetns(netns: string, argv: string[], input?: Buffer | string): string {
  return execFileSync(IP, ['netns', 'exec', netns, ...argv], { encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
}

export interface CaptureEndMsg {
  event: 'captureEnd';
  capture: string;
  reason: string;
  bytes: number;
  packets: number;
  dropped?: number;
  message?: string;
}

/** Takes the capture's data events received so far off the connection: their bytes, in order. */
export function takeCaptureData(h: HelperProcess, capture: string): Buffer {
  const chunks: Buffer[] = [];
  for (let i = 0; i < h.unsolicited.length; ) {
    const m = h.unsolicited[i] as { event?: string; capture?: string; data?: string };
    if (m.event === 'capture' && m.capture === capture) {
      chunks.push(Buffer.from(m.data!, 'base64'));
      h.unsolicited.splice(i, 1);
    } else {
      i++;
    }
  }
  return Buffer.concat(chunks);
}

/** Waits for the capture's end event. */
export async function captureEnd(h: HelperProcess, capture: string, timeoutMs = 15000): Promise<CaptureEndMsg> {
  return (await h.waitUnsolicited((m) => (m as CaptureEndMsg).event === 'captureEnd' && (m as CaptureEndMsg).capture === capture, timeoutMs)) as CaptureEndMsg;
}
