// One connection of the helper: parses each request line, checks it against the operation table,
// runs it, and answers. Writes run one at a time in arrival order, so a client that pipelines
// "add ns1" then "delete ns1" gets exactly that; reads run at once, concurrently.

import { errorBody } from './pure/ipErrors';
import { part } from '../core/messages';
import { spec } from '../core/operations';
import { ProtocolError, RequestError, parseRequest, type HelperEvent, type Request, type Response } from '../core/protocol';
import { admit } from './admit';
import type { HelperContext } from './context';
import { HANDLERS, type Session } from './handlers';
import { Captures } from './ops/capture';
import { startWatching, type Watching } from './watch/watching';

/**
 * Requests one connection may have in flight, and their total size; more are refused with EBUSY,
 * not queued. (ip processes are bounded apart, in ipRunner.ts.)
 */
export const MAX_IN_FLIGHT = 1000;
export const MAX_IN_FLIGHT_BYTES = 32 * 1024 * 1024;

export class HelperServer {
  private writeChain: Promise<unknown> = Promise.resolve();
  private watching: Watching | undefined;
  private inFlight = 0;
  private inFlightBytes = 0;
  private ending = false;
  private readonly session: Session;
  private readonly sessionBase: Omit<Session, 'captures'> = {
    watch: () => {
      // A second watch (a client resuming after a restart of its own) keeps the running watcher.
      this.watching ??= startWatching((e) => this.send({ event: 'changed', ...e }), this.ctx.log, this.ctx.reader.sharedChanges);
      return { watching: true, kernelEvents: this.watching.kernelEvents };
    },
    unwatch: () => {
      this.stopWatching();
      return { watching: false };
    },
  };

  constructor(
    private readonly ctx: HelperContext,
    /** Sends one line; false when the output is full (then `drained` calls back once it has room). */
    private readonly send: (msg: Response | HelperEvent) => boolean | void,
    private readonly exit: () => void,
    drained: (callback: () => void) => void = (cb) => setImmediate(cb),
  ) {
    const captures = new Captures(ctx, { send: (e) => this.send(e) !== false, drained });
    this.session = { ...this.sessionBase, captures };
  }

  /** One request line from the client. */
  handle(line: string): void {
    let id: number | null = null;
    try {
      const req = parseRequest(line);
      id = req.id;
      const { id: _id, ...body } = req;
      void _id;
      this.requireIp(body);
      if (this.inFlight >= MAX_IN_FLIGHT || this.inFlightBytes + line.length > MAX_IN_FLIGHT_BYTES) {
        throw new ProtocolError('EBUSY', part('The helper is busy with {0} requests. Wait for them to finish and try again.', this.inFlight));
      }
      this.inFlight++;
      this.inFlightBytes += line.length;
      this.run(body)
        .then((result) => this.send({ id: req.id, ok: true, result }))
        .catch((e: unknown) => this.send({ id: req.id, ok: false, error: toErrorBody(e) }))
        .finally(() => {
          this.inFlight--;
          this.inFlightBytes -= line.length;
          this.maybeExit();
        });
    } catch (e) {
      this.send({ id: e instanceof RequestError ? e.id : id, ok: false, error: toErrorBody(e) });
    }
  }

  /** The client closed its end: finish what is in flight, then exit. */
  end(): void {
    this.ending = true;
    this.session.captures.stopAll();
    this.maybeExit();
  }

  private run(req: Request): Promise<unknown> {
    const go = async () => {
      const held = admit(this.ctx, req);
      try {
        return await HANDLERS[req.op](this.ctx, req as never, { session: this.session, held });
      } finally {
        held.close();
      }
    };
    if (spec(req.op).access === 'read') {
      return go();
    }
    const result = this.writeChain.then(go);
    this.writeChain = result.catch(() => undefined);
    return result;
  }

  /** Without iproute2 the helper can still list and watch, and read with the netlink reader. */
  private requireIp(req: Request): void {
    if (this.ctx.ip.available) {
      return;
    }
    const { needsIp } = spec(req.op);
    const viaIp = needsIp === 'always' || (needsIp === 'ipReader' && ((req as { reader?: string }).reader === 'ip' || this.ctx.reader.kind === 'ip'));
    if (viaIp) {
      throw new ProtocolError('ENOTSUP', part('iproute2 is not installed on this machine. Install it (apt install iproute2) and try again.'));
    }
  }

  private stopWatching(): void {
    this.watching?.stop();
    this.watching = undefined;
  }

  private maybeExit(): void {
    if (this.ending && this.inFlight === 0) {
      this.stopWatching();
      this.ctx.reader.dispose();
      this.exit();
    }
  }
}

function toErrorBody(e: unknown): Extract<Response, { ok: false }>['error'] {
  if (e instanceof ProtocolError) {
    return e.toBody();
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EACCES' || err?.code === 'EPERM') {
    return errorBody('EPERM', [part('This needs root privileges. Start the helper with pkexec or sudo (or run as root).')], err.message);
  }
  return errorBody('EIO', [part('The helper failed: {0}', err?.message ?? String(e))]);
}
