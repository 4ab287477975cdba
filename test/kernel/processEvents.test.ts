// Process events from the kernel's process connector, through the kernel watcher: a process
// started in a namespace and its exit are reported within 200 ms, and a loop of short processes
// is reported as a few throttled events at little CPU. The measured figures are printed.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { KernelWatcher, PROCESS_CHURN_INTERVAL_MS, PROCESS_INTERVAL_MS } from '../../src/helper/watch/kernelWatcher';
import { cleanupOnExit, cleanupPrefix, ip, IP, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
const A = `${P}pa`;

describe('process events', () => {
  let watcher: KernelWatcher;
  const events: number[] = [];
  let wake: (() => void) | undefined;
  const logs: string[] = [];

  before(() => {
    ip(['netns', 'add', A]);
    watcher = new KernelWatcher(
      (e) => {
        if (e.processes) {
          events.push(performance.now());
          wake?.();
        }
      },
      {},
      (l) => logs.push(l),
    );
  });
  after(() => {
    watcher?.dispose();
    cleanupPrefix(P);
  });

  /** Waits for a process event after `from` (ms); returns its latency. */
  async function nextEvent(from: number, what: string): Promise<number> {
    const deadline = from + 1000;
    for (;;) {
      const e = events.find((t) => t >= from);
      if (e !== undefined) {
        console.log(`${what}: reported after ${(e - from).toFixed(1)} ms`);
        return e - from;
      }
      const left = deadline - performance.now();
      assert.ok(left > 0, `${what}: no process event within 1 s`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }

  it('listens on the process connector', () => {
    assert.equal(watcher.processEvents, true, logs.join('\n'));
  });

  it('reports a process started with ip netns exec, and its exit, within 200 ms each', async () => {
    // Out of the throttle window of anything before.
    await new Promise((r) => setTimeout(r, 300));
    const start = performance.now();
    const child = spawn(IP, ['netns', 'exec', A, '/bin/sleep', '30'], { stdio: 'ignore' });
    assert.ok((await nextEvent(start, 'ip netns exec NS sleep')) < 200);
    await new Promise((r) => setTimeout(r, 300));
    const end = performance.now();
    child.kill('SIGKILL');
    assert.ok((await nextEvent(end, 'its exit')) < 200);
  });

  it('reports a loop of 2000 short processes as a few events, at little CPU', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const from = events.length;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const loop = spawn('/bin/sh', ['-c', 'i=0; while [ $i -lt 2000 ]; do /bin/true; i=$((i+1)); done'], { stdio: 'ignore' });
    assert.equal(await new Promise((res) => loop.on('exit', res)), 0);
    // Let the last report go out.
    await new Promise((res) => setTimeout(res, 400));
    const elapsed = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const sent = events.length - from;
    console.log(`2000 processes in ${elapsed.toFixed(0)} ms: ${sent} events, watcher CPU ${cpuMs.toFixed(1)} ms (${((100 * cpuMs) / elapsed).toFixed(1)}% of one core)`);
    assert.ok(sent >= 1, 'the loop was reported');
    // One report per PROCESS_INTERVAL_MS for the first second, then one per PROCESS_CHURN_INTERVAL_MS.
    const most = Math.ceil(1000 / PROCESS_INTERVAL_MS) + Math.ceil(Math.max(0, elapsed - 1000) / PROCESS_CHURN_INTERVAL_MS) + 2;
    assert.ok(sent <= most, `${sent} events in ${elapsed.toFixed(0)} ms (at most ${most})`);
    assert.ok(cpuMs < 0.1 * elapsed, `watcher CPU ${cpuMs.toFixed(1)} ms in ${elapsed.toFixed(0)} ms`);
  });
});
