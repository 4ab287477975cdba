// Many writes in one round trip. Items whose names ip's batch tokenizer reads literally go to one
// `ip -batch -` process (thousands of namespaces in about a second); any other item runs as its
// own ip call. A failure undoes the adds made before it, so the batch is all or nothing for adds.

import { part } from '../../core/messages';
import { addNetnsArgv, addVethArgv, delLinkArgv, delNetnsArgv } from '../../core/ipCommand';
import { mapIpError } from '../../core/ipErrors';
import { ProtocolError, type BatchItem, type Params, type Result } from '../../core/protocol';
import { requireNetns, runIp, type HelperContext } from '../context';

/** Names ip -batch splits and reads back unchanged: no quotes, spaces, '#' or a leading '-'. */
const BATCH_SAFE = /^[A-Za-z0-9_.@+][A-Za-z0-9_.@+-]*$/;

function argvOf(item: BatchItem, ctx: HelperContext): string[] {
  switch (item.op) {
    case 'addNetns':
      return addNetnsArgv(item);
    case 'delNetns':
      return delNetnsArgv(item);
    case 'addVeth':
      return addVethArgv({ name: item.name, peer: item.peer, netns: item.netns ?? null, peerNetns: item.peerNetns ?? null }, ctx.ipContext);
  }
}

function undoArgv(item: BatchItem): string[] | undefined {
  switch (item.op) {
    case 'addNetns':
      return delNetnsArgv(item);
    case 'addVeth':
      // Deleting one end removes the pair.
      return delLinkArgv({ netns: item.netns ?? null, name: item.name });
    case 'delNetns':
      return undefined;
  }
}

export async function batch(ctx: HelperContext, p: Params<'batch'>): Promise<Result<'batch'>> {
  const items = p.requests;
  const safe = items.every((it) => argvOf(it, ctx).every((a) => BATCH_SAFE.test(a)));
  let done = 0;
  try {
    if (safe) {
      ctx.log(`ip -batch - (${items.length} commands)`);
      const r = await ctx.ip.run(['-batch', '-'], items.map((it) => argvOf(it, ctx).join(' ')).join('\n') + '\n');
      if (!r.ok) {
        const line = Number(/Command failed -:(\d+)/.exec(r.stderr)?.[1] ?? 0);
        done = Math.max(0, line - 1);
        const failed = items[done] ?? items[0];
        const body = mapIpError(failed, r.stderr.replace(/Command failed -:\d+\s*/, ''));
        throw new ProtocolError(body.code, [part('Item {0} ({1} {2}) failed:', done + 1, failed.op, failed.name), ...(body.parts ?? [])], body.detail);
      }
      done = items.length;
    } else {
      for (const it of items) {
        if (it.op === 'addVeth') {
          requireNetns(it.netns);
          requireNetns(it.peerNetns);
        }
        try {
          await runIp(ctx, it, argvOf(it, ctx));
        } catch (e) {
          const err = e as ProtocolError;
          throw new ProtocolError(err.code, [part('Item {0} ({1} {2}) failed:', done + 1, it.op, it.name), ...(err.parts ?? [part('{0}', err.message)])], err.detail);
        }
        done++;
      }
    }
    return { done };
  } catch (e) {
    await rollback(ctx, items.slice(0, done));
    throw e;
  }
}

async function rollback(ctx: HelperContext, applied: BatchItem[]): Promise<void> {
  for (const it of [...applied].reverse()) {
    const argv = undoArgv(it);
    if (argv) {
      ctx.log(`rollback: ip ${argv.join(' ')}`);
      await ctx.ip.run(argv);
    }
  }
}
