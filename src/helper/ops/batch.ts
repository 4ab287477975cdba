// Many writes in one round trip. Every item passes the same checks as a request of its own (the
// schema in parseRequest, the targets in admit) before anything runs. Items whose names ip's batch
// tokenizer reads literally go to one `ip -batch -` process (thousands of namespaces in about a
// second); otherwise each runs as its own ip call. A failure undoes the adds made before it, so the
// batch is all or nothing for adds.

import { formatCommand } from '../../core/ipCommand';
import { part } from '../../core/messages';
import { commandOf, programOf, spec, type BatchItem } from '../../core/operations';
import { mapIpError } from '../pure/ipErrors';
import { ProtocolError, type Request, type Result } from '../../core/protocol';
import { admit } from '../admit';
import { runCommand, runnerOf, type HelperContext } from '../context';

/** Words ip -batch splits and reads back unchanged: no quotes, spaces, '#' or a leading '-'. */
const BATCH_SAFE = /^[A-Za-z0-9_.@+/][A-Za-z0-9_.@+/-]*$/;

/** The error of item `index`, saying which one it was. */
function itemError(index: number, item: BatchItem, e: ProtocolError): ProtocolError {
  const what = 'name' in item ? item.name : (item.netns ?? 'host');
  return new ProtocolError(e.code, [part('Item {0} ({1} {2}) failed:', index + 1, item.op, what), ...(e.parts ?? [part('{0}', e.message)])], e.detail, e.rule);
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
  const commands = items.map((it) => commandOf(it, ctx.ipContext)!);
  const argvs = commands.map((c) => c.argv);
  let done = 0;
  try {
    // ip -batch runs ip commands only: a batch with tc or sysctl runs item by item.
    if (commands.every((c) => c.program === 'ip' && c.argv.every((a) => BATCH_SAFE.test(a)))) {
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
          await runCommand(ctx, it, commands[i]);
        } catch (e) {
          throw itemError(i, it, e as ProtocolError);
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
    const { op, ...params } = it;
    // An undo is a command of the same program as the item's own.
    const argv = spec(op).batch?.undo(params as never, ctx.ipContext);
    if (argv) {
      const program = programOf(op, params as never);
      ctx.log(`rollback: ${formatCommand({ program, argv })}`);
      await runnerOf(ctx, program).run(argv);
    }
  }
}
