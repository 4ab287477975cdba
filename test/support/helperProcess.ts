// A bare NDJSON connection to dist/helper.js for kernel tests (the real client is tested apart).

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { helperPath } from './kernel';

export interface RawResponse {
  id: number | null;
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string; detail?: string; rule?: string };
}

export class HelperProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private buf = '';
  private nextId = 1;
  private readonly waiting = new Map<number, (r: RawResponse) => void>();
  /** Responses without an id (protocol errors) and events, in arrival order. */
  readonly unsolicited: unknown[] = [];
  stderr = '';

  constructor(env: NodeJS.ProcessEnv = {}, command: string[] = [process.execPath, helperPath], cwd?: string) {
    this.child = spawn(command[0], command.slice(1), { env: { ...process.env, ...env }, stdio: 'pipe', cwd });
    this.child.stdout.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const msg = JSON.parse(line) as RawResponse;
        const w = typeof msg.id === 'number' ? this.waiting.get(msg.id) : undefined;
        if (w) {
          this.waiting.delete(msg.id as number);
          w(msg);
        } else {
          this.unsolicited.push(msg);
        }
      }
    });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  /** Sends a request object (id added) and waits for its response. */
  call(op: string, params: Record<string, unknown> = {}): Promise<RawResponse> {
    return this.sendRaw(JSON.stringify({ id: this.nextId, op, ...params }), this.nextId++);
  }

  /** Sends one raw line; with an id, waits for that id's response. */
  sendRaw(line: string, id?: number): Promise<RawResponse> {
    return new Promise((resolve) => {
      if (id !== undefined) {
        this.waiting.set(id, resolve);
      }
      this.child.stdin.write(line + '\n');
      if (id === undefined) {
        resolve({ id: null, ok: true });
      }
    });
  }

  /** Calls and asserts success, returning the result. */
  async ok<T = unknown>(op: string, params: Record<string, unknown> = {}): Promise<T> {
    const r = await this.call(op, params);
    if (!r.ok) {
      throw new Error(`${op} failed: ${JSON.stringify(r.error)}`);
    }
    return r.result as T;
  }

  /** Waits for the next unsolicited message matching `pred`. */
  async waitUnsolicited(pred: (m: unknown) => boolean, timeoutMs = 5000): Promise<unknown> {
    const start = Date.now();
    for (;;) {
      const i = this.unsolicited.findIndex(pred);
      if (i >= 0) {
        return this.unsolicited.splice(i, 1)[0];
      }
      if (Date.now() - start > timeoutMs) {
        throw new Error('timed out waiting for a message from the helper');
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) {
        resolve();
        return;
      }
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
      setTimeout(() => this.child.kill('SIGKILL'), 5000).unref();
    });
  }
}
