// Many writes in one round trip. Every item passes the same checks as a request of its own (the
// schema in parseRequest, the targets in admit) before anything runs. When every item is one ip
// command whose words ip's batch tokenizer reads literally, they all go to one `ip -batch -`
// process (thousands of namespaces in about a second); otherwise each runs through its own
// handler, in order. A failure undoes the items done before it, last first, so the batch is all
// or nothing.

import { formatCommand } from '../../core/ipCommand';
import { part } from '../../core/messages';
import { commandOf, ipArgvOf, spec, type BatchItem, type Op, type Request, type Result } from '../../core/operations';
import { mapIpError } from '../pure/ipErrors';
import { ProtocolError } from '../../core/protocol';
import { admit } from '../admit';
import type { HelperContext } from '../context';

/** Words ip -batch splits and reads back unchanged: no quotes, spaces, '#' or a leading '-'. */
const BATCH_SAFE = /^[A-Za-z0-9_.@+/][A-Za-z0-9_.@+/-]*$/;

/** Runs one request through its handler (admitted again: the items before it are done by then). */
export type RunRequest = (req: Request) => Promise<unknown>;

/** The error of item `index`, saying which one it was. */
function itemError(index: number, item: BatchItem, e: ProtocolError): ProtocolError {
  const what = 'name' in item ? item.name : 'destination' in item ? item.destination : (item.netns ?? 'host');
  return new ProtocolError(e.code, [part('Item {0} ({1} {2}) failed:', index + 1, item.op, what), ...(e.parts ?? [part('{0}', e.message)])], e.detail, e.rule);
}

const asProtocolError = (e: unknown) => (e instanceof ProtocolError ? e : new ProtocolError('EIO', part('{0}', e instanceof Error ? e.message : String(e))));

/** Checks every item against the state the items before it leave /run/netns in. */
function admitAll(ctx: HelperContext, items: BatchItem[]): void {
  const added = new Set<string>();
  const deleted = new Set<string>();
  for (const [i, it] of items.entries()) {
    try {
      admit(ctx, it, { added, deleted }).close();
    } catch (e) {
      throw itemError(i, it, asProtocolError(e));
    }
    if (it.op === 'addNetns') {
      added.add(it.name);
      deleted.delete(it.name);
    } else if (it.op === 'delNetns') {
      deleted.add(it.name);
      added.delete(it.name);
    }
  }
}

/** The ip lines of a batch when all of it can go to one `ip -batch`, else undefined. */
function ipBatchLines(ctx: HelperContext, items: BatchItem[]): string[] | undefined {
  const lines: string[] = [];
  for (const it of items) {
    const argv = spec(it.op).batch?.ipBatch ? ipArgvOf(it, ctx.ipContext) : undefined;
    if (!argv || !argv.every((a) => BATCH_SAFE.test(a))) {
      return undefined;
    }
    lines.push(argv.join(' '));
  }
  return lines;
}

export async function batch(ctx: HelperContext, p: Request<'batch'>, run: RunRequest): Promise<Result<'batch'>> {
  const items = p.requests;
  admitAll(ctx, items);
  /** What rolls back each item done so far. */
  const undos: (Request | undefined)[] = [];
  try {
    const lines = ipBatchLines(ctx, items);
    if (lines) {
      ctx.log(`ip -batch - (${items.length} commands)`);
      const r = await ctx.ip.run(['-batch', '-'], lines.join('\n') + '\n');
      if (!r.ok) {
        const failedAt = Math.max(0, Number(/Command failed -:(\d+)/.exec(r.stderr)?.[1] ?? 1) - 1);
        items.slice(0, failedAt).forEach((it) => undos.push(undoOf(it)));
        const failed = items[failedAt] ?? items[0];
        const body = mapIpError(failed, r.stderr.replace(/Command failed -:\d+\s*/, ''));
        throw itemError(failedAt, failed, new ProtocolError(body.code, body.parts ?? body.message, body.detail));
      }
    } else {
      for (const [i, it] of items.entries()) {
        let result: unknown;
        try {
          result = await run(it);
        } catch (e) {
          throw itemError(i, it, asProtocolError(e));
        }
        undos.push(undoOf(it, result));
      }
    }
    return { done: items.length };
  } catch (e) {
    await rollback(ctx, undos, run);
    throw e;
  }
}

function undoOf(it: BatchItem, result?: unknown): Request | undefined {
  const { op, ...params } = it;
  return spec(op as Op).batch?.undo(params as never, result as never);
}

async function rollback(ctx: HelperContext, undos: (Request | undefined)[], run: RunRequest): Promise<void> {
  for (const undo of [...undos].reverse()) {
    if (!undo) {
      continue;
    }
    const command = commandOf(undo, ctx.ipContext);
    ctx.log(`rollback: ${command ? formatCommand(command) : undo.op}`);
    try {
      await run(undo);
    } catch (e) {
      ctx.log(`rollback of ${undo.op} failed: ${asProtocolError(e).message}`);
    }
  }
}
