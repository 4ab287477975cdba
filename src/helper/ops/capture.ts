// Packet captures: tcpdump by absolute path, entered into the namespace by nsenter (a path, never
// a name a program could read as an option), writing pcap to its stdout. The helper cuts the
// stream into whole records, counts them, sends them to the client as events, and ends the capture
// itself at its size and time bounds. It never writes a file: the extension, running as the user,
// does. tcpdump drops root for its own user once the interface is open (its default -Z), and runs
// under `timeout`, so it ends even if the helper is killed without a chance to stop it.

import type { ChildProcess } from 'node:child_process';
import {
  DEFAULT_CAPTURE_BYTES,
  DEFAULT_CAPTURE_SECONDS,
  MAX_CAPTURES,
  type CaptureEndReason,
} from '../../core/capture/rules';
import { MAX_SNAPLEN, PcapFramer } from '../../core/capture/pcap';
import { part, renderParts, type MessagePart } from '../../core/messages';
import type { Request, Result } from '../../core/operations';
import { ProtocolError, type CaptureEvent } from '../../core/protocol';
import { findProgram } from '../../platform/programs';
import type { HelperContext } from '../context';
import { childProcess } from '../lazyModules';
import { netnsPath } from '../netnsDir';
import { checkCaptureInterface } from '../policy/rules';
import { captureExitMessage, mapCaptureStartError } from '../pure/captureErrors';
import { noSuchInterface, noSuchNamespace } from '../pure/missing';

/** Where capture events go: false from send means the client is behind (wait for drained). */
export interface CaptureOutput {
  send(e: CaptureEvent): boolean;
  drained(callback: () => void): void;
}

/** How long tcpdump may take to say it is listening. */
const START_TIMEOUT_MS = 10_000;
/** Data events carry up to this much, and wait at most FLUSH_MS for more. */
const FLUSH_BYTES = 64 * 1024;
const FLUSH_MS = 50;
/** A stop waits until tcpdump's output was quiet this long (at most SETTLE_MAX_MS) before ending it. */
const SETTLE_QUIET_MS = 150;
const SETTLE_MAX_MS = 1000;
/** A stopped tcpdump that has not exited after this is killed. */
const KILL_AFTER_MS = 3000;
/** How much of tcpdump's stderr is kept. */
const STDERR_KEEP = 16 * 1024;
const ENV = { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

/** The captures of one connection. */
export class Captures {
  private readonly running = new Map<string, Capture>();
  private starting = 0;
  private next = 1;

  constructor(
    private readonly ctx: HelperContext,
    private readonly out: CaptureOutput,
  ) {}

  get count(): number {
    return this.running.size;
  }

  async start(p: Request<'startCapture'>): Promise<Result<'startCapture'>> {
    if (this.running.size + this.starting >= MAX_CAPTURES) {
      throw new ProtocolError('EBUSY', part('{0} captures are running, the most one window may have. Stop one and try again.', MAX_CAPTURES));
    }
    this.starting++;
    try {
      const argv = await this.command(p);
      const id = `${process.pid}.${this.next++}`;
      const capture = new Capture(id, p, this.out, this.ctx.log, () => this.running.delete(id));
      await capture.start(argv);
      this.running.set(id, capture);
      return { capture: id };
    } finally {
      this.starting--;
    }
  }

  async stop(p: Request<'stopCapture'>): Promise<Result<'stopCapture'>> {
    const capture = this.running.get(p.capture);
    if (!capture) {
      throw new ProtocolError('ENOENT', part('Capture {0} is not running (it may have ended already).', p.capture));
    }
    return capture.stop('stopped');
  }

  /** The client went away: every capture ends now. */
  stopAll(): void {
    for (const c of this.running.values()) {
      void c.stop('disconnected');
    }
  }

  /** The interface must be there and allowed; then the command line. */
  private async command(p: Request<'startCapture'>): Promise<string[]> {
    const read = await this.ctx.reader.read(p.netns === null ? { names: [], includeRoot: true } : { names: [p.netns], includeRoot: false });
    const ns = read.find((n) => n.name === p.netns);
    if (!ns || ns.error || ns.notNamespace) {
      throw new ProtocolError('ENOENT', noSuchNamespace(p.netns));
    }
    const iface = ns.interfaces.find((i) => i.name === p.name);
    if (!iface) {
      throw new ProtocolError('ENODEV', noSuchInterface(p.name, p.netns));
    }
    checkCaptureInterface(this.ctx, p.netns, iface);
    const tcpdump = findProgram('tcpdump');
    if (!tcpdump) {
      throw new ProtocolError('ENOTSUP', part('tcpdump is not installed on this machine. Install tcpdump (apt install tcpdump) and try again.'));
    }
    const filter = p.filter?.trim();
    const argv = [
      tcpdump,
      `--interface=${p.name}`,
      '-w',
      '-',
      '-U',
      '-s',
      String(MAX_SNAPLEN),
      '--immediate-mode',
      // The expression after "--": no word of it is read as an option.
      ...(filter ? ['--', filter] : []),
    ];
    const timeout = findProgram('timeout');
    const seconds = p.maxSeconds ?? DEFAULT_CAPTURE_SECONDS;
    // Ends it a little after the helper would have, should the helper be gone by then.
    const bounded = timeout ? [timeout, '-k', '5', String(seconds + 10), ...argv] : argv;
    if (p.netns === null) {
      return bounded;
    }
    const nsenter = findProgram('nsenter');
    if (!nsenter) {
      throw new ProtocolError('ENOENT', part('nsenter is not installed (Debian: apt-get install util-linux).'));
    }
    return [nsenter, `--net=${netnsPath(p.netns)}`, '--', ...bounded];
  }
}

class Capture {
  private child: ChildProcess | undefined;
  private readonly framer = new PcapFramer();
  private stderr = '';
  private bytes = 0;
  private packets = 0;
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private timeLimit: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  /** Events are sent once startCapture has been answered. */
  private live = false;
  private reason: CaptureEndReason | undefined;
  /** No more records are taken (the size bound was reached, or the stream could not be read). */
  private full = false;
  private paused = false;
  private lastData = 0;
  private problem: MessagePart[] | undefined;
  private ended: Promise<Result<'stopCapture'>> | undefined;
  private endedResolve: ((r: Result<'stopCapture'>) => void) | undefined;
  private readonly maxBytes: number;
  private readonly maxSeconds: number;

  constructor(
    readonly id: string,
    private readonly p: Request<'startCapture'>,
    private readonly out: CaptureOutput,
    private readonly log: (line: string) => void,
    private readonly onEnd: () => void,
  ) {
    this.maxBytes = p.maxBytes ?? DEFAULT_CAPTURE_BYTES;
    this.maxSeconds = p.maxSeconds ?? DEFAULT_CAPTURE_SECONDS;
    this.ended = new Promise((resolve) => (this.endedResolve = resolve));
  }

  /** Resolves once tcpdump listens; rejects with the user's words when it cannot. */
  start(argv: string[]): Promise<void> {
    this.log(`capture ${this.id}: ${argv.join(' ')}`);
    return new Promise((resolve, reject) => {
      let listening = false;
      // Its own process group, so a kill reaches tcpdump under timeout too.
      const child = childProcess().spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: ENV, detached: true });
      this.child = child;
      const startTimer = setTimeout(() => {
        this.signal('SIGKILL');
        reject(new ProtocolError('EIO', part('tcpdump did not start capturing on "{0}" within {1} seconds.', this.p.name, START_TIMEOUT_MS / 1000)));
      }, START_TIMEOUT_MS);
      child.on('error', (e) => {
        clearTimeout(startTimer);
        if (!listening) {
          reject(new ProtocolError('ENOTSUP', [part('tcpdump could not be run: {0}', e.message), part('Install tcpdump (apt install tcpdump) and try again.')]));
        }
      });
      child.stderr!.on('data', (d: Buffer) => {
        this.stderr = (this.stderr + d.toString('utf8')).slice(-STDERR_KEEP);
        if (!listening && /listening on /.test(this.stderr)) {
          listening = true;
          clearTimeout(startTimer);
          this.timeLimit = setTimeout(() => void this.stop('maxSeconds'), this.maxSeconds * 1000);
          // After the answer to startCapture has gone out.
          setImmediate(() => {
            this.live = true;
            this.flush();
          });
          resolve();
        }
      });
      child.stdout!.on('data', (d: Buffer) => this.take(d));
      child.on('close', (code, signal) => {
        clearTimeout(startTimer);
        if (!listening) {
          const body = mapCaptureStartError(this.p.netns, this.p.name, this.p.filter, this.stderr || `exited with ${signal ?? code}`);
          reject(new ProtocolError(body.code, body.parts ?? body.message, body.detail));
          return;
        }
        this.finish();
      });
    });
  }

  /**
   * Ends the capture; resolves with what it sent, after its end event. A stop asked for by the
   * user or the time bound first lets tcpdump read what the kernel still holds for it (it exits
   * at once on SIGTERM): until its output has been quiet for a moment.
   */
  stop(reason: CaptureEndReason): Promise<Result<'stopCapture'>> {
    if (this.reason === undefined) {
      this.reason = reason;
      const settle = reason === 'stopped' || reason === 'maxSeconds';
      const deadline = Date.now() + SETTLE_MAX_MS;
      const term = () => {
        if (settle && Date.now() - this.lastData < SETTLE_QUIET_MS && Date.now() < deadline) {
          setTimeout(term, SETTLE_QUIET_MS);
          return;
        }
        this.signal('SIGTERM');
        this.killTimer ??= setTimeout(() => this.signal('SIGKILL'), KILL_AFTER_MS);
      };
      if (settle) {
        setTimeout(term, SETTLE_QUIET_MS);
      } else {
        term();
      }
    }
    return this.ended!;
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null || this.child?.signalCode !== null) {
      return;
    }
    try {
      process.kill(-pid, sig);
    } catch {
      // gone already
    }
  }

  private take(chunk: Buffer): void {
    this.lastData = Date.now();
    if (this.full) {
      return;
    }
    let units;
    try {
      units = this.framer.push(chunk);
    } catch (e) {
      this.problem = [part('The capture stream could not be read: {0}', (e as Error).message)];
      this.full = true;
      void this.stop('exited');
      return;
    }
    for (const u of units) {
      if (u.kind === 'record' && this.bytes + u.bytes.length > this.maxBytes) {
        this.full = true;
        void this.stop('maxBytes');
        break;
      }
      this.bytes += u.bytes.length;
      if (u.kind === 'record') {
        this.packets++;
      }
      this.batch.push(u.bytes);
      this.batchBytes += u.bytes.length;
    }
    if (this.batchBytes >= FLUSH_BYTES) {
      this.flush();
    } else if (this.batchBytes > 0) {
      this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
    }
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.live || this.batchBytes === 0) {
      return;
    }
    const data = Buffer.concat(this.batch).toString('base64');
    this.batch = [];
    this.batchBytes = 0;
    const more = this.out.send({ event: 'capture', capture: this.id, data });
    if (!more && !this.paused && this.child?.stdout) {
      // The client reads slower than tcpdump writes: tcpdump waits (and the kernel drops) meanwhile.
      this.paused = true;
      this.child.stdout.pause();
      this.out.drained(() => {
        this.paused = false;
        this.child?.stdout?.resume();
      });
    }
  }

  private finish(): void {
    clearTimeout(this.timeLimit);
    clearTimeout(this.killTimer);
    this.live = true;
    this.flush();
    const reason = this.reason ?? 'exited';
    const dropped = /(\d+) packets? dropped by kernel/.exec(this.stderr);
    const parts = reason === 'exited' ? (this.problem ?? captureExitMessage(this.p.name, this.stderr)) : this.problem;
    this.log(`capture ${this.id} ended (${reason}): ${this.packets} packets, ${this.bytes} bytes${dropped ? `, ${dropped[1]} dropped by the kernel` : ''}`);
    this.out.send({
      event: 'captureEnd',
      capture: this.id,
      reason,
      bytes: this.bytes,
      packets: this.packets,
      ...(dropped ? { dropped: Number(dropped[1]) } : {}),
      ...(parts ? { message: renderParts(parts), parts } : {}),
    });
    this.onEnd();
    this.endedResolve!({ bytes: this.bytes, packets: this.packets });
  }
}
