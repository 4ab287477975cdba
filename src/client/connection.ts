// One running helper process seen as a request channel: NDJSON requests with increasing ids,
// answers matched by id, events passed on, stderr sent to the log. Knows nothing of how the
// process was started.

import type { ChildProcess } from 'node:child_process';
import { LineReader } from '../core/lineReader';
import { MAX_REQUEST_BYTES, type ErrorBody, type HelperEvent, type Op, type Params, type Result } from '../core/protocol';
import { HelperError, HelperLostError } from './types';

export type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

/** A line from the helper longer than this is dropped: a snapshot of thousands of namespaces fits. */
const MAX_LINE_BYTES = 256 * 1024 * 1024;
/** How much of stderr is kept to explain a failed start. */
const STDERR_TAIL = 8192;

interface Pending {
  op: Op;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export interface Closed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
}

export class Connection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly lines = new LineReader(
    MAX_LINE_BYTES,
    (line) => this.onLine(line),
    () => this.log('error', `helper sent a line longer than ${MAX_LINE_BYTES} bytes; dropped`),
  );
  private stderrText = '';
  private stderrPartial = '';
  private closedInfo: Closed | undefined;
  private readonly closeListeners: ((c: Closed) => void)[] = [];
  /** The first thing on stdout that was not a well-formed response or event (kept for launch checks). */
  firstGarbage: string | undefined;
  /** Set when the process could not be spawned at all. */
  spawnError: Error | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly log: Log,
    private readonly onEvent: (e: HelperEvent) => void,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr!.on('data', (chunk: Buffer) => this.onStderr(chunk));
    // A write after the process is gone fails with EPIPE (a `sudo -n` that exits at once): the
    // close handler reports the end, so that is not worth a line of its own.
    child.stdin!.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') {
        this.log('warn', `helper stdin: ${e.message}`);
      }
    });
    child.on('error', (e) => {
      this.log('error', `helper process: ${e.message}`);
      // Also emitted when a kill is refused (the process runs as root): that is no end.
      if (child.pid === undefined) {
        this.spawnError ??= e;
        this.finish(null, null);
      }
    });
    let exitTimer: NodeJS.Timeout | undefined;
    child.on('exit', (code, signal) => {
      // 'close' waits for stdout to drain, so late answers are still read; a grandchild that kept
      // the pipe open must not keep the requests waiting forever.
      exitTimer = setTimeout(() => this.finish(code, signal), 1000);
      exitTimer.unref();
    });
    child.on('close', (code, signal) => {
      clearTimeout(exitTimer);
      this.finish(code, signal);
    });
  }

  get stderrTail(): string {
    return (this.stderrText + this.stderrPartial).slice(-STDERR_TAIL);
  }

  onClose(listener: (c: Closed) => void): void {
    if (this.closedInfo) {
      listener(this.closedInfo);
    } else {
      this.closeListeners.push(listener);
    }
  }

  request<O extends Op>(op: O, params: Params<O>): Promise<Result<O>> {
    if (this.closedInfo) {
      return Promise.reject(new HelperLostError(op));
    }
    const id = this.nextId++;
    const line = JSON.stringify({ id, op, ...params }) + '\n';
    if (Buffer.byteLength(line) > MAX_REQUEST_BYTES) {
      // The helper would drop it and could not say which request it was.
      return Promise.reject(new HelperError({ code: 'EINVAL', message: `The request "${op}" is too large to send to the helper.` }));
    }
    return new Promise<Result<O>>((resolve, reject) => {
      this.pending.set(id, { op, resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin!.write(line);
    });
  }

  /** Closing stdin asks the helper to finish what is in flight and exit. */
  end(): void {
    if (!this.child.stdin!.destroyed) {
      this.child.stdin!.end();
    }
  }

  /** Stops the process if this user may signal it (not possible once it runs as root). */
  kill(): void {
    try {
      this.child.kill('SIGTERM');
    } catch {
      // owned by root: closing stdin is the only way, already done
    }
  }

  /** Rejects everything still waiting, without waiting for the process. */
  abandon(error: (op: Op) => Error): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(error(p.op));
    }
  }

  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closedInfo) {
      return;
    }
    if (this.stderrPartial) {
      this.log('info', `helper: ${this.stderrPartial}`);
    }
    this.closedInfo = { code, signal, stderrTail: this.stderrTail };
    this.abandon((op) => new HelperLostError(op));
    for (const l of this.closeListeners.splice(0)) {
      l(this.closedInfo);
    }
  }

  private onData(chunk: Buffer): void {
    this.lines.push(chunk);
  }

  private onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.garbage(line, 'not JSON');
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.garbage(line, 'not an object');
      return;
    }
    const m = msg as Record<string, unknown>;
    if (typeof m.event === 'string') {
      if (m.event === 'changed' || ((m.event === 'capture' || m.event === 'captureEnd') && typeof m.capture === 'string')) {
        this.onEvent(m as unknown as HelperEvent);
      } else {
        this.log('info', `helper event ignored: ${line.slice(0, 200)}`);
      }
      return;
    }
    const p = typeof m.id === 'number' ? this.pending.get(m.id) : undefined;
    if (!p) {
      if (m.ok === false && isErrorBody(m.error)) {
        this.log('error', `helper error for ${m.id === null ? 'an unreadable request' : `unknown id ${String(m.id)}`}: ${m.error.message}`);
      } else {
        this.garbage(line, `no request with id ${String(m.id)}`);
      }
      return;
    }
    this.pending.delete(m.id as number);
    if (m.ok === true) {
      p.resolve(m.result);
    } else if (m.ok === false && isErrorBody(m.error)) {
      p.reject(new HelperError(m.error));
    } else {
      p.reject(new HelperError({ code: 'EPROTO', message: 'The helper sent an answer that could not be read.', detail: line.slice(0, 500) }));
    }
  }

  private garbage(line: string, why: string): void {
    this.firstGarbage ??= line.slice(0, 500);
    this.log('warn', `helper sent an unreadable line (${why}), ignored: ${line.slice(0, 200)}`);
  }

  private onStderr(chunk: Buffer): void {
    const text = this.stderrPartial + chunk.toString('utf8');
    const lines = text.split('\n');
    this.stderrPartial = lines.pop() ?? '';
    if (this.stderrPartial.length > STDERR_TAIL) {
      this.stderrPartial = this.stderrPartial.slice(-STDERR_TAIL);
    }
    for (const l of lines) {
      if (l.trim() !== '') {
        this.log('info', `helper: ${l}`);
      }
      this.stderrText = (this.stderrText + l + '\n').slice(-STDERR_TAIL);
    }
  }
}

function isErrorBody(v: unknown): v is ErrorBody {
  return typeof v === 'object' && v !== null && typeof (v as ErrorBody).code === 'string' && typeof (v as ErrorBody).message === 'string';
}
