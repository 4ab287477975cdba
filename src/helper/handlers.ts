// One handler per operation of the table (src/core/operations.ts). A missing entry does not
// compile; the handler runs only after the request was parsed, checked and admitted.

import type { Op, Request, Result } from '../core/operations';
import { admit, type Held } from './admit';
import type { HelperContext } from './context';
import { batch } from './ops/batch';
import type { Captures } from './ops/capture';
import { addLink, setMaster } from './ops/bridges';
import { installHelper, uninstallHelper } from './ops/install';
import { runCommandOp, runIpOp } from './ops/ipOp';
import { addVeth, moveLink } from './ops/links';
import { addNetns, attachNetns } from './ops/namespaces';
import { setNetnsFile } from './ops/netnsFiles';
import { ping } from './ops/ping';
import { readFirewall, readNeighbours, readNetnsFiles, readRules, readSysctls } from './ops/inspect';
import { readSockets } from './ops/sockets';
import { processes } from './ops/processes';
import { hello, listNames, snapshot } from './ops/read';

/** What a connection offers its handlers beyond the context: its change events. */
export interface Session {
  /** Starts change events for this connection. */
  watch(): { watching: boolean; kernelEvents: boolean };
  /** Stops change events (the view is hidden: nothing needs them). */
  unwatch(): { watching: false };
  /** The connection's packet captures (all stop when it closes). */
  captures: Captures;
}

/** What a handler gets besides its request: the connection, and what admit opened for it. */
export interface Admitted {
  session: Session;
  held: Held;
}

type Handler<O extends Op> = (ctx: HelperContext, req: Request<O>, admitted: Admitted) => Result<O> | Promise<Result<O>>;

/** A batch item (or its undo) as a request of its own: admitted, then its handler. */
async function runAdmitted(ctx: HelperContext, req: Request, session: Session): Promise<unknown> {
  const held = admit(ctx, req);
  try {
    return await (HANDLERS[req.op] as Handler<Op>)(ctx, req, { session, held });
  } finally {
    held.close();
  }
}

export const HANDLERS: { [O in Op]: Handler<O> } = {
  hello: (ctx) => hello(ctx),
  listNames: () => listNames(),
  snapshot,
  processes: (ctx) => processes(ctx),
  watch: (_ctx, _req, { session }) => session.watch(),
  unwatch: (_ctx, _req, { session }) => session.unwatch(),
  addNetns,
  delNetns: runIpOp,
  attachNetns,
  addVeth,
  moveLink,
  setLinkState: runIpOp,
  addAddress: runIpOp,
  delAddress: runIpOp,
  delLink: runIpOp,
  addRoute: runIpOp,
  delRoute: runIpOp,
  setForwarding: runCommandOp,
  setNetem: runCommandOp,
  clearNetem: runCommandOp,
  addLink,
  setMaster,
  batch: (ctx, req, { session }) => batch(ctx, req, (item) => runAdmitted(ctx, item, session)),
  setNetnsFile,
  ping,
  readNeighbours,
  readRules,
  readSockets: (ctx, req) => readSockets(ctx, req),
  readFirewall,
  readSysctls,
  readNetnsFiles: (ctx, req) => readNetnsFiles(ctx, req),
  startCapture: (_ctx, req, { session }) => session.captures.start(req),
  stopCapture: (_ctx, req, { session }) => session.captures.stop(req),
  installHelper: (ctx) => installHelper(ctx),
  uninstallHelper: (ctx) => uninstallHelper(ctx),
};
