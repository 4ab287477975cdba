// Many writes in one round trip. Every item passes the same checks as a request of its own (the
// schema in parseRequest, the targets in admit) before anything runs. Items whose names ip's batch
// tokenizer reads literally go to one `ip -batch -` process (thousands of namespaces in about a
// second); otherwise each runs as its own ip call. A failure undoes the adds made before it, so the
// batch is all or nothing for adds.

import { formatIpCommand } from '../../core/ipCommand';
import { part } from '../../core/messages';
import { ipArgvOf, spec, type BatchItem, type Prior } from '../../core/operations';
import { mapIpError } from '../pure/ipErrors';
import { ProtocolError, type Request, type Result } from '../../core/protocol';
import { admit } from '../admit';
import { runIp, type HelperContext } from '../context';

/** Words ip -batch splits and reads back unchanged: no quotes, spaces, '#' or a leading '-'. */
const BATCH_SAFE = /^[A-Za-z0-9_.@+/][A-Za-z0-9_.@+/-]*$/;

/** The error of item `index`, saying which one it was. */
function itemError(index: number, item: BatchItem, e: ProtocolError): ProtocolError {
  return new ProtocolError(e.code, [part('Item {0} ({1} {2}) failed:', index + 1, item.op, item.name), ...(e.parts ?? [part('{0}', e.message)])], e.detail, e.rule);
}

export async function batch(ctx: HelperContext, p: Request<'batch'>): Promise<Result<'batch'>> {
  const items = p.requests;
  const added = new Set<string>();
  const deleted = new Set<string>();
  for (const [i, it] of items.entries()) {
    try {
      admit(ctx, it, { added, deleted }).close();
    } catch (e) {
      throw e instanceof ProtocolError ? itemError(i, it, e) : e;
    }
    if (it.op === 'addNetns') {
      added.add(it.name);
      deleted.delete(it.name);
    } else if (it.op === 'delNetns') {
      deleted.add(it.name);
      added.delete(it.name);
    }
  }
  const argvs = items.map((it) => ipArgvOf(it, ctx.ipContext)!);
  const priors = await priorsOf(ctx, items);
  let done = 0;
  try {
    if (argvs.every((argv) => argv.every((a) => BATCH_SAFE.test(a)))) {
      ctx.log(`ip -batch - (${items.length} commands)`);
      const r = await ctx.ip.run(['-batch', '-'], argvs.map((argv) => argv.join(' ')).join('\n') + '\n');
      if (!r.ok) {
        const line = Number(/Command failed -:(\d+)/.exec(r.stderr)?.[1] ?? 0);
        done = Math.max(0, line - 1);
        const failed = items[done] ?? items[0];
        const body = mapIpError(failed, r.stderr.replace(/Command failed -:\d+\s*/, ''));
        throw itemError(done, failed, new ProtocolError(body.code, body.parts ?? body.message, body.detail));
      }
      done = items.length;
    } else {
      for (const [i, it] of items.entries()) {
        try {
          await runIp(ctx, it, argvs[i]);
        } catch (e) {
          throw itemError(i, it, e as ProtocolError);
        }
        done++;
      }
    }
    return { done };
  } catch (e) {
    await rollback(ctx, items.slice(0, done), priors);
    throw e;
  }
}

/**
 * What each port change must restore on rollback: the master its interface had before the item,
 * from a read of the namespaces before the batch and the items before it.
 */
async function priorsOf(ctx: HelperContext, items: BatchItem[]): Promise<(Prior | undefined)[]> {
  const ports = items.filter((it) => it.op === 'setMaster');
  if (ports.length === 0) {
    return items.map(() => undefined);
  }
  const masters = new Map<string, string | null>();
  const key = (netns: string | null, name: string) => JSON.stringify([netns, name]);
  const names = [...new Set(ports.map((it) => it.netns).filter((n): n is string => n !== null))];
  for (const ns of await ctx.reader.read({ names, includeRoot: ports.some((it) => it.netns === null) })) {
    for (const i of ns.interfaces) {
      masters.set(key(ns.name, i.name), i.master ?? null);
    }
  }
  return items.map((it) => {
    if (it.op === 'addLink') {
      masters.set(key(it.netns, it.name), null);
    } else if (it.op === 'setMaster') {
      const k = key(it.netns, it.name);
      const prior: Prior = masters.has(k) ? { master: masters.get(k)! } : {};
      masters.set(k, it.master);
      return prior;
    }
    return undefined;
  });
}

async function rollback(ctx: HelperContext, applied: BatchItem[], priors: (Prior | undefined)[]): Promise<void> {
  for (const [i, it] of [...applied.entries()].reverse()) {
    const { op, ...params } = it;
    const argv = spec(op).batch?.undo(params as never, priors[i]);
    if (argv) {
      ctx.log(`rollback: ${formatIpCommand(argv)}`);
      await ctx.ip.run(argv);
    }
  }
}
