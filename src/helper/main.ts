// The privileged helper: one long-lived process speaking newline-delimited JSON on stdin/stdout
// (see src/core/protocol.ts). The only code of the project that runs as root.
//
//   echo '{"id":1,"op":"hello"}' | sudo node dist/helper.js

import { IpContext } from '../core/ipCommand';
import { errorBody } from '../core/ipErrors';
import { part } from '../core/messages';
import {
  MAX_REQUEST_BYTES,
  ProtocolError,
  RequestError,
  parseRequest,
  type ChangeEvent,
  type Request,
  type Response,
} from '../core/protocol';
import type { HelperContext } from './context';
import { dispatch, type Session } from './dispatch';
import { findIp, IpRunner } from './ipRunner';
import { LineReader } from '../core/lineReader';
import { rootNetnsInode } from './netnsDir';
import { IpReader, rootNetnsPath } from './reader/ipReader';
import type { Reader } from './reader/types';
import { startWatching } from './watching';

function send(msg: Response | ChangeEvent): void {
  process.stdout.write(JSON.stringify(msg) + '\n');
}

function log(line: string): void {
  process.stderr.write(`[helper ${process.pid}] ${line}\n`);
}

function fastReader(): { reader?: Reader; error?: string } {
  if (process.env.NETNS_HELPER_READER === 'ip') {
    return { error: 'disabled by NETNS_HELPER_READER=ip' };
  }
  try {
    // Loaded lazily: koffi is a native module and may be missing on unusual platforms.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createNetlinkReader } = require('./reader/netlink') as { createNetlinkReader(): Reader };
    return { reader: createNetlinkReader() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function main(): void {
  // The kernel watcher keeps one threadpool thread waiting in epoll_wait; leave room for fs work.
  process.env.UV_THREADPOOL_SIZE ??= '8';
  const ipPath = findIp();
  if (!ipPath) {
    // Still answer every request, so the extension can tell the user what is missing.
    log('iproute2 (ip) was not found in /usr/sbin, /sbin, /usr/bin or /bin');
  }
  const ip = new IpRunner(ipPath ?? '/usr/sbin/ip');
  const ipReader = new IpReader(ip.path);
  const fast = fastReader();
  if (fast.error) {
    log(`fast reader unavailable, using ip -j: ${fast.error}`);
  }
  const ipContext: IpContext = { rootNetnsPath: rootNetnsPath() };
  const ctx: HelperContext = {
    ip,
    ipContext,
    reader: fast.reader ?? ipReader,
    ipReader,
    readerError: fast.error,
    rootInode: rootNetnsInode(),
    log,
  };
  let watching: { stop(): void; kernelEvents: boolean } | undefined;
  let stopWatching: (() => void) | undefined;
  const session: Session = {
    async watch() {
      watching ??= startWatching((e) => send({ event: 'changed', ...e }), log);
      stopWatching = () => {
        watching?.stop();
        watching = undefined;
      };
      return { watching: true, kernelEvents: watching.kernelEvents };
    },
    async unwatch() {
      stopWatching?.();
      return { watching: false };
    },
  };

  let inFlight = 0;
  let ending = false;
  const maybeExit = () => {
    if (ending && inFlight === 0) {
      stopWatching?.();
      ctx.reader.dispose();
      process.exit(0);
    }
  };

  const handle = (line: string) => {
    let id: number | null = null;
    try {
      const req = parseRequest(line);
      id = req.id;
      const { id: _id, ...body } = req;
      void _id;
      if (!ipPath && needsIp(body, ctx.reader.kind)) {
        throw new ProtocolError('ENOTSUP', part('iproute2 is not installed on this machine. Install it (apt install iproute2) and try again.'));
      }
      inFlight++;
      dispatch(ctx, session, body)
        .then((result) => send({ id: req.id, ok: true, result }))
        .catch((e: unknown) => send({ id: req.id, ok: false, error: toErrorBody(e) }))
        .finally(() => {
          inFlight--;
          maybeExit();
        });
    } catch (e) {
      send({ id: e instanceof RequestError ? e.id : id, ok: false, error: toErrorBody(e) });
    }
  };

  const lines = new LineReader(MAX_REQUEST_BYTES, handle, () =>
    send({ id: null, ok: false, error: { code: 'EPROTO', message: `A request longer than ${MAX_REQUEST_BYTES} bytes was refused.` } }),
  );
  process.stdin.on('data', (chunk: Buffer) => lines.push(chunk));
  process.stdin.on('end', () => {
    ending = true;
    maybeExit();
  });
  // The client went away: nothing left to answer.
  process.stdout.on('error', () => process.exit(0));
}

/** Without iproute2 the helper can still list and watch, and read with the netlink reader. */
function needsIp(req: Request, reader: Reader['kind']): boolean {
  switch (req.op) {
    case 'hello':
    case 'listNames':
    case 'processes':
    case 'watch':
    case 'unwatch':
      return false;
    case 'snapshot':
      return req.reader === 'ip' || reader === 'ip';
    default:
      return true;
  }
}

function toErrorBody(e: unknown): Response extends infer R ? (R extends { ok: false; error: infer E } ? E : never) : never {
  if (e instanceof ProtocolError) {
    return {
      code: e.code,
      message: e.message,
      ...(e.detail !== undefined ? { detail: e.detail } : {}),
      ...(e.parts ? { parts: e.parts } : {}),
    };
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EACCES' || err?.code === 'EPERM') {
    return errorBody('EPERM', [part('This needs root privileges. Start the helper with pkexec or sudo (or run as root).')], err.message);
  }
  return errorBody('EIO', [part('The helper failed: {0}', err?.message ?? String(e))]);
}

main();
