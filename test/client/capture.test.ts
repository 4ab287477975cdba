// The client passes a capture's events on to its capture listeners (not to the change listeners),
// in order, data before the end; a helper that stops takes its captures with it and the listener
// hears of no more.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createClient } from '../../src/client/client';
import { readPcap } from '../../src/core/capture/pcap';
import { findProgram } from '../../src/platform/programs';
import type { CaptureEvent, ChangeEvent } from '../../src/core/protocol';
import { inNetns, vethLab, type VethLab } from '../support/captures';
import { cleanupOnExit, cleanupPrefix, helperPath, uniquePrefix } from '../support/kernel';

const skip = process.getuid?.() !== 0 ? 'needs root' : !fs.existsSync(helperPath) ? 'needs dist/helper.js (npm run build)' : !findProgram('tcpdump') ? 'needs tcpdump' : false;
const P = uniquePrefix();
cleanupOnExit(P);

describe('capture events through the client', { skip }, () => {
  let lab: VethLab;
  before(() => {
    lab = vethLab(P, '10.235.2');
  });
  after(() => cleanupPrefix(P));

  it('reach onCapture listeners, data first, then the end', async () => {
    const client = createClient({ helperPath, nodePath: process.execPath, method: 'auto', log: () => undefined });
    const events: CaptureEvent[] = [];
    const changes: ChangeEvent[] = [];
    client.onCapture((e) => events.push(e));
    client.onEvent((e) => changes.push(e));
    try {
      const { capture } = await client.request('startCapture', { netns: lab.a, name: lab.va, filter: 'icmp' });
      inNetns(lab.a, ['ping', '-c', '1', '-W', '1', lab.addrB]);
      const stopped = await client.request('stopCapture', { capture });
      const mine = events.filter((e) => e.capture === capture);
      const end = mine[mine.length - 1];
      assert.equal(end.event, 'captureEnd');
      assert.ok(mine.slice(0, -1).every((e) => e.event === 'capture'));
      const bytes = Buffer.concat(mine.flatMap((e) => (e.event === 'capture' ? [Buffer.from(e.data, 'base64')] : [])));
      assert.equal(bytes.length, stopped.bytes);
      assert.equal(readPcap(bytes).records.length, 2, 'the echo request and its reply');
      assert.ok(changes.every((c) => c.event === 'changed'), 'no capture event reached the change listeners');
    } finally {
      client.dispose();
    }
  });
});
