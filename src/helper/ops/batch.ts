// Many writes in one round trip. Every item passes the same checks as a request of its own (the
// schema in parseRequest, the targets in admit) before anything runs. Consecutive items that are
// each one ip command with the same global options (`-n NS`, `-6`), whose other words ip's batch
// tokenizer reads literally, go to one `ip [-n NS] [-6] -batch -` process (thousands of
// namespaces in about a second; ip reads no options on a batch line, so each namespace's run is
// a process of its own); every other item runs through its own handler, in order. A failure
// undoes the items done before it, last first, so the batch is all or nothing.

import { formatCommand } from '../../core/ipCommand';
import { part } from '../../core/messages';
import { commandOf, ipArgvOf, spec, type BatchItem, type Op, type Request, type Result } from '../../core/operations';
import { mapIpError } from '../pure/ipErrors';
import { ProtocolError } from '../../core/protocol';
import { admit } from '../admit';
import type { HelperContext } from '../context';

/**
 * Lines per `ip -batch` process. iproute2 (6.1) keeps open a descriptor for every namespace a
 * line names (`link add ... netns NS`) until it exits, so one process for ten thousand veths runs
 * out of descriptors; a new process per this many lines costs a few milliseconds.
 */
export const MAX_BATCH_LINES = 2000;

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

/** Consecutive items for one `ip OPTIONS -batch -`, or one item for its handler. */
type Segment = { options: string[]; lines: string[]; items: BatchItem[] } | { item: BatchItem };

/** The global options ip takes before `-batch` (names and values after them stay data). */
function splitOptions(argv: string[]): { options: string[]; rest: string[] } {
  let k = 0;
  while (k < argv.length) {
    if (argv[k] === '-n' && k + 1 < argv.length) {
      k += 2;
    } else if (argv[k] === '-4' || argv[k] === '-6') {
      k += 1;
    } else {
      break;
    }
  }
  return { options: argv.slice(0, k), rest: argv.slice(k) };
}

function segments(ctx: HelperContext, items: BatchItem[]): Segment[] {
  const out: Segment[] = [];
  for (const it of items) {
    const argv = spec(it.op).batch?.ipBatch ? ipArgvOf(it, ctx.ipContext) : undefined;
    const split = argv && splitOptions(argv);
    if (!split || split.rest.length === 0 || !split.rest.every((a) => BATCH_SAFE.test(a))) {
      out.push({ item: it });
      continue;
    }
    const last = out[out.length - 1];
    if (last && 'lines' in last && last.lines.length < MAX_BATCH_LINES && last.options.join('\0') === split.options.join('\0')) {
      last.lines.push(split.rest.join(' '));
      last.items.push(it);
    } else {
      out.push({ options: split.options, lines: [split.rest.join(' ')], items: [it] });
    }
  }
  return out;
}

type IpSegment = Extract<Segment, { lines: string[] }>;

/** The namespace a run of ip commands is in (`-n NS`), if any. */
function netnsOf(seg: IpSegment): string | undefined {
  const i = seg.options.indexOf('-n');
  return i >= 0 ? seg.options[i + 1] : undefined;
}

/** One `ip OPTIONS -batch -`: where it stopped (ip stops at the first failing line) and why. */
async function runLines(ctx: HelperContext, seg: IpSegment): Promise<{ failedAt?: number; stderr: string }> {
  ctx.log(`ip ${[...seg.options, '-batch', '-'].join(' ')} (${seg.items.length} commands)`);
  const r = await ctx.ip.run([...seg.options, '-batch', '-'], seg.lines.join('\n') + '\n');
  if (r.ok) {
    return { stderr: '' };
  }
  const failedAt = Math.max(0, Number(/Command failed -:(\d+)/.exec(r.stderr)?.[1] ?? 1) - 1);
  return { failedAt, stderr: r.stderr.replace(/Command failed -:\d+\s*/, '') };
}

export async function batch(ctx: HelperContext, p: Request<'batch'>, run: RunRequest): Promise<Result<'batch'>> {
  const items = p.requests;
  admitAll(ctx, items);
  /** What rolls back each item done so far. */
  const undos: (Request | undefined)[] = [];
  let index = 0;
  try {
    const segs = segments(ctx, items);
    for (let k = 0; k < segs.length; ) {
      const seg = segs[k];
      if (!('lines' in seg)) {
        let result: unknown;
        try {
          result = await run(seg.item);
        } catch (e) {
          throw itemError(index, seg.item, asProtocolError(e));
        }
        undos.push(undoOf(seg.item, result));
        index++;
        k++;
        continue;
      }
      // Runs of other namespaces that follow at once: nothing in one waits for another.
      const wave = [seg];
      const seen = new Set([netnsOf(seg)]);
      while (netnsOf(seg) !== undefined && k + wave.length < segs.length) {
        const next = segs[k + wave.length];
        const ns = 'lines' in next ? netnsOf(next) : undefined;
        if (ns === undefined || seen.has(ns) || !('lines' in next)) {
          break;
        }
        seen.add(ns);
        wave.push(next);
      }
      const results = await Promise.all(wave.map((w) => runLines(ctx, w)));
      let failure: ProtocolError | undefined;
      let start = index;
      wave.forEach((w, i) => {
        const r = results[i];
        w.items.slice(0, r.failedAt ?? w.items.length).forEach((it) => undos.push(undoOf(it)));
        if (r.failedAt !== undefined && !failure) {
          const failed = w.items[r.failedAt] ?? w.items[0];
          const body = mapIpError(failed, r.stderr);
          failure = itemError(start + r.failedAt, failed, new ProtocolError(body.code, body.parts ?? body.message, body.detail));
        }
        start += w.items.length;
      });
      if (failure) {
        throw failure;
      }
      index = start;
      k += wave.length;
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
