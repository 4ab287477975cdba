// Routes a validated request to its operation.

import type { Request } from '../core/protocol';
import type { HelperContext } from './context';
import { addAddress, addVeth, delAddress, delLink, moveLink, setLinkState } from './ops/links';
import { batch } from './ops/batch';
import { installHelper, uninstallHelper } from './ops/install';
import { addNetns, attachNetns, delNetns } from './ops/namespaces';
import { processes } from './ops/processes';
import { hello, listNames, snapshot } from './ops/read';

export interface Session {
  /** Starts change events for this connection. */
  watch(): Promise<{ watching: boolean; kernelEvents: boolean }>;
  /** Stops change events (the view is hidden: nothing needs them). */
  unwatch(): Promise<{ watching: false }>;
}

const READ_ONLY = new Set<Request['op']>(['hello', 'listNames', 'snapshot', 'processes', 'watch', 'unwatch']);

/**
 * Writes run one at a time in arrival order, so a client that pipelines "add ns1" then "delete
 * ns1" gets exactly that; reads run at once, concurrently.
 */
let writeChain: Promise<unknown> = Promise.resolve();

export function dispatch(ctx: HelperContext, session: Session, req: Request): Promise<unknown> {
  if (READ_ONLY.has(req.op)) {
    return run(ctx, session, req);
  }
  const result = writeChain.then(() => run(ctx, session, req));
  writeChain = result.catch(() => undefined);
  return result;
}

async function run(ctx: HelperContext, session: Session, req: Request): Promise<unknown> {
  switch (req.op) {
    case 'hello':
      return hello(ctx);
    case 'listNames':
      return listNames();
    case 'snapshot':
      return snapshot(ctx, req);
    case 'processes':
      return processes(ctx);
    case 'addNetns':
      return addNetns(ctx, req);
    case 'delNetns':
      return delNetns(ctx, req);
    case 'attachNetns':
      return attachNetns(ctx, req);
    case 'addVeth':
      return addVeth(ctx, req);
    case 'moveLink':
      return moveLink(ctx, req);
    case 'setLinkState':
      return setLinkState(ctx, req);
    case 'addAddress':
      return addAddress(ctx, req);
    case 'delAddress':
      return delAddress(ctx, req);
    case 'delLink':
      return delLink(ctx, req);
    case 'watch':
      return session.watch();
    case 'unwatch':
      return session.unwatch();
    case 'installHelper':
      return installHelper(ctx, __filename);
    case 'uninstallHelper':
      return uninstallHelper(ctx);
    case 'batch':
      return batch(ctx, req);
  }
}
