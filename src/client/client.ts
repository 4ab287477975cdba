// The extension's handle on the privileged helper: starts it once (authenticating at most once
// per window), sends typed requests, passes change events on, and restarts it on the next request
// after it died. A request in flight when the helper dies fails with HelperLostError and is never
// re-sent if it writes: it may have been carried out. Reads are retried once on a new helper.
// It owns the watch: each helper is asked to watch once, and a restarted one is asked again.

import { msg } from '../core/messages';
import { isReadOnly } from '../core/operations';
import type { CaptureEvent, ChangeEvent, HelloResult, HelperEvent, Op, Params, Result } from '../core/protocol';
import type { AskpassProvider } from './askpassServer';
import type { Connection, Log } from './connection';
import { launchHelper } from './launcher';
import { HelperLostError, LaunchError, type HelperState, type NetnsClient, type PrivilegeMethod } from './types';

export type { AskpassProvider } from './askpassServer';

export interface ClientOptions {
  helperPath: string;
  nodePath: string;
  method: PrivilegeMethod;
  askpass?: AskpassProvider;
  /** Read at each start of the helper, so changed settings apply then: overrides method and askpass. */
  privilege?: () => { method: PrivilegeMethod; askpass?: AskpassProvider };
  log: Log;
  env?: NodeJS.ProcessEnv;
  /** The askpass program (default: askpass.js next to the helper). */
  askpassScript?: string;
  /** The installed launcher to prefer when present and root-owned (default: the fixed install path); false: never. */
  installedLauncher?: string | false;
  /** Start the helper as this process's own user (read-only: what needs no root). */
  unprivileged?: boolean;
  /** Hello timeouts: without a password prompt (default 20 s) and with one (default 2 min). */
  quietTimeoutMs?: number;
  interactiveTimeoutMs?: number;
}


export function createClient(options: ClientOptions): NetnsClient {
  return new Client(options);
}

class Client implements NetnsClient {
  private current: HelperState = { kind: 'stopped' };
  private conn: Connection | undefined;
  private launching: Promise<HelloResult> | undefined;
  /** Whether change events are wanted: while set, every helper started is asked to watch. */
  private watching = false;
  /** The watch asked of a helper, so each helper is asked once. */
  private watched: { conn: Connection; answer: Promise<Result<'watch'>> } | undefined;
  private disposed = false;
  private readonly eventListeners = new Set<(e: ChangeEvent) => void>();
  private readonly captureListeners = new Set<(e: CaptureEvent) => void>();
  private readonly stateListeners = new Set<(s: HelperState) => void>();

  constructor(private readonly opts: ClientOptions) {}

  get state(): HelperState {
    return this.current;
  }

  start(): Promise<HelloResult> {
    if (this.disposed) {
      return Promise.reject(new Error(msg('The helper client was closed.')));
    }
    if (this.conn && this.current.kind === 'running') {
      return Promise.resolve(this.current.hello);
    }
    // Concurrent callers share one launch, so the user is asked once.
    this.launching ??= this.launch().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  async request<O extends Op>(op: O, params: Params<O>): Promise<Result<O>> {
    if (op === 'watch' || op === 'unwatch') {
      this.watching = op === 'watch';
    }
    for (let attempt = 0; ; attempt++) {
      await this.start();
      const conn = this.conn;
      if (!conn) {
        // Died between start and now: treat like a loss during the request.
        if (attempt === 0 && isReadOnly(op)) {
          continue;
        }
        throw new HelperLostError(op);
      }
      try {
        return await this.send(conn, op, params);
      } catch (e) {
        if (e instanceof HelperLostError && isReadOnly(op) && attempt === 0 && !this.disposed) {
          this.opts.log('info', `retrying "${op}" on a new helper`);
          continue;
        }
        throw e;
      }
    }
  }

  async setWatching(on: boolean): Promise<Result<'watch'> | undefined> {
    const running = this.current.kind === 'running' && this.conn !== undefined;
    if (on) {
      this.watching = true;
      return running ? this.request('watch', {}) : undefined;
    }
    const watched = running && this.watched?.conn === this.conn;
    this.watching = false;
    if (watched) {
      await this.request('unwatch', {}).catch(() => undefined);
    }
    return undefined;
  }

  onEvent(listener: (e: ChangeEvent) => void): { dispose(): void } {
    this.eventListeners.add(listener);
    return { dispose: () => this.eventListeners.delete(listener) };
  }

  onCapture(listener: (e: CaptureEvent) => void): { dispose(): void } {
    this.captureListeners.add(listener);
    return { dispose: () => this.captureListeners.delete(listener) };
  }

  onStateChange(listener: (s: HelperState) => void): { dispose(): void } {
    this.stateListeners.add(listener);
    return { dispose: () => this.stateListeners.delete(listener) };
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    const conn = this.conn;
    this.conn = undefined;
    if (conn) {
      conn.abandon(() => new Error(msg('The helper client was closed.')));
      // End of input makes the helper finish and exit; a root-owned one cannot be signalled.
      conn.end();
      const t = setTimeout(() => conn.kill(), 3000);
      t.unref();
      conn.onClose(() => clearTimeout(t));
    }
    this.setState({ kind: 'stopped' });
    this.eventListeners.clear();
    this.captureListeners.clear();
    this.stateListeners.clear();
  }

  private async launch(): Promise<HelloResult> {
    this.setState({ kind: 'starting' });
    let launched;
    try {
      const privilege = this.opts.privilege?.() ?? { method: this.opts.method, askpass: this.opts.askpass };
      launched = await launchHelper({ ...this.opts, ...privilege, onEvent: (e) => this.emit(e) });
    } catch (e) {
      const err = e instanceof LaunchError ? e : new LaunchError('exited', msg('The helper could not be started: {0}', (e as Error).message));
      this.opts.log('error', `The helper could not be started (${err.failure}): ${err.message}`);
      if (!this.disposed) {
        this.setState({ kind: 'failed', error: err });
      }
      throw err;
    }
    const { connection, hello, via, installed } = launched;
    if (this.disposed) {
      connection.end();
      throw new Error(msg('The helper client was closed.'));
    }
    this.conn = connection;
    if (this.watching) {
      // Asked before the state listeners run, so a listener's own watch is this one.
      this.send(connection, 'watch', {}).then(
        () => this.opts.log('info', 'change events resumed on the new helper'),
        (e: unknown) => this.opts.log('warn', `could not resume change events: ${(e as Error).message}`),
      );
    }
    this.setState(installed ? { kind: 'running', hello, via, installed } : { kind: 'running', hello, via });
    connection.onClose((c) => {
      if (this.conn !== connection) {
        return;
      }
      this.conn = undefined;
      const how = c.signal ? `was stopped by ${c.signal}` : `exited with code ${String(c.code)}`;
      this.opts.log('error', `The helper ${how}; it will be started again on the next request.`);
      if (!this.disposed) {
        this.setState({ kind: 'stopped' });
      }
    });
    return hello;
  }

  /** Sends one request on this connection; a watch already asked of it is answered by that one. */
  private send<O extends Op>(conn: Connection, op: O, params: Params<O>): Promise<Result<O>> {
    if (op === 'unwatch') {
      this.watched = undefined;
    }
    if (op !== 'watch') {
      return conn.request(op, params);
    }
    let watched = this.watched;
    if (watched?.conn !== conn) {
      const asked = { conn, answer: conn.request('watch', {}) };
      // A watch that failed may be asked again.
      asked.answer.catch(() => {
        if (this.watched === asked) {
          this.watched = undefined;
        }
      });
      this.watched = watched = asked;
    }
    return watched.answer as Promise<Result<O>>;
  }

  private emit(e: HelperEvent): void {
    if (e.event !== 'changed') {
      for (const l of [...this.captureListeners]) {
        try {
          l(e);
        } catch (err) {
          this.opts.log('error', `capture listener failed: ${(err as Error).message}`);
        }
      }
      return;
    }
    for (const l of [...this.eventListeners]) {
      try {
        l(e);
      } catch (err) {
        this.opts.log('error', `change listener failed: ${(err as Error).message}`);
      }
    }
  }

  private setState(s: HelperState): void {
    this.current = s;
    for (const l of [...this.stateListeners]) {
      try {
        l(s);
      } catch (err) {
        this.opts.log('error', `state listener failed: ${(err as Error).message}`);
      }
    }
  }
}
