// Link impairments (tc's netem qdisc) and IP forwarding: the values, the rules tc and the kernel
// apply to them, and their command lines. Pure: shared by the helper, the client and the extension.

import { msg } from './messages';
import type { NetnsRef, Netem } from './model';

/** The fields of a netem setting, in the order tc prints them. */
export const NETEM_FIELDS = ['delayMs', 'jitterMs', 'lossPct', 'duplicatePct', 'corruptPct', 'reorderPct', 'rateKbit'] as const;
export type NetemField = (typeof NETEM_FIELDS)[number];

/** The longest delay (and jitter) accepted: a minute, far beyond any lab's use, well within the kernel's range. */
export const MAX_DELAY_MS = 60_000;
/** The fastest rate accepted (kbit/s, as tc counts: 1000 bit): 100 Gbit/s. */
export const MAX_RATE_KBIT = 100_000_000;

const isPercent = (f: NetemField) => f.endsWith('Pct');

/** What is wrong with one value of a netem setting, as tc would refuse it (undefined when fine). */
export function netemValueProblem(field: NetemField, v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    return msg('"{0}" must be a number.', field);
  }
  if (v < 0) {
    return msg('"{0}" cannot be negative ({1}).', field, v);
  }
  if (isPercent(field) && v > 100) {
    return msg('"{0}" is a percentage: 0 to 100, not {1}.', field, v);
  }
  if ((field === 'delayMs' || field === 'jitterMs') && v > MAX_DELAY_MS) {
    return msg('"{0}" is at most {1} ms (a minute), not {2}.', field, MAX_DELAY_MS, v);
  }
  if (field === 'rateKbit') {
    if (v === 0) {
      return msg('"rateKbit" must be more than 0: a rate of 0 would let nothing through. Leave it out for no limit.');
    }
    if (v > MAX_RATE_KBIT) {
      return msg('"rateKbit" is at most {0} (100 Gbit/s), not {1}.', MAX_RATE_KBIT, v);
    }
    if (!Number.isInteger(v)) {
      return msg('"rateKbit" must be a whole number of kbit/s, not {0}.', v);
    }
  }
  return undefined;
}

/** What is wrong with a netem setting as a whole: the rules tc applies across its parameters. */
export function netemProblem(n: Netem): string | undefined {
  for (const f of NETEM_FIELDS) {
    if (n[f] !== undefined) {
      const p = netemValueProblem(f, n[f]);
      if (p) {
        return p;
      }
    }
  }
  // As tc gets them: times to the microsecond, percentages to 6 decimals.
  const delay = round(n.delayMs ?? 0, 3);
  if (round(n.jitterMs ?? 0, 3) > 0 && delay === 0) {
    return msg('A jitter needs a delay: jitter varies the delay around its value. Set a delay too.');
  }
  if (round(n.reorderPct ?? 0, 6) > 0 && delay === 0) {
    return msg('Reordering needs a delay (tc: "reordering not possible without specifying some delay"): reordered packets are the ones sent without it. Set a delay too.');
  }
  if (netemArgs(n).length === 0) {
    return msg('Set at least one impairment (a delay, loss, duplication, corruption, reordering or a rate). To remove them, clear the link impairment.');
  }
  return undefined;
}

/** A number as tc reads it, without exponent notation, rounded to `digits` decimals. */
function num(v: number, digits: number): string {
  return String(Number(v.toFixed(digits)));
}

/** The netem options for tc: "delay 100ms 10ms loss 1% ... rate 1000kbit" (zero values left out). */
export function netemArgs(n: Netem): string[] {
  const out: string[] = [];
  const pct = (v: number | undefined) => (v !== undefined && round(v, 6) > 0 ? `${num(v, 6)}%` : undefined);
  if (n.delayMs !== undefined && round(n.delayMs, 3) > 0) {
    out.push('delay', `${num(n.delayMs, 3)}ms`);
    if (n.jitterMs !== undefined && round(n.jitterMs, 3) > 0) {
      out.push(`${num(n.jitterMs, 3)}ms`);
    }
  }
  const add = (word: string, v: string | undefined) => v !== undefined && out.push(word, v);
  add('loss', pct(n.lossPct));
  add('duplicate', pct(n.duplicatePct));
  add('corrupt', pct(n.corruptPct));
  add('reorder', pct(n.reorderPct));
  if (n.rateKbit !== undefined && n.rateKbit > 0) {
    out.push('rate', formatRate(n.rateKbit));
  }
  return out;
}

function inNetns(netns: NetnsRef): string[] {
  return netns === null ? [] : ['-n', netns];
}

/** `tc [-n NS] qdisc replace dev X root netem ...`: one root netem qdisc, made or changed in place. */
export function setNetemArgv(p: { netns: NetnsRef; name: string } & Netem): string[] {
  // A replace keeps the corruption, reordering and rate an existing netem had unless they are
  // given: zero what is not set, so the interface gets exactly these impairments.
  const reset = [
    ...(p.corruptPct === undefined ? ['corrupt', '0%'] : []),
    ...(p.reorderPct === undefined ? ['reorder', '0%'] : []),
    ...(p.rateKbit === undefined ? ['rate', '0bit'] : []),
  ];
  return [...inNetns(p.netns), 'qdisc', 'replace', 'dev', p.name, 'root', 'netem', ...netemArgs(p), ...reset];
}

/**
 * `tc [-n NS] qdisc del dev X root netem`: naming the kind makes the kernel remove the root qdisc
 * only when it is netem ("must match existing qdisc"), never another one (a tbf, an htb) set up by hand.
 */
export function clearNetemArgv(p: { netns: NetnsRef; name: string }): string[] {
  return [...inNetns(p.netns), 'qdisc', 'del', 'dev', p.name, 'root', 'netem'];
}

/** The sysctl key of a family's forwarding switch. */
export function forwardingKey(family: 4 | 6): string {
  return family === 4 ? 'net.ipv4.ip_forward' : 'net.ipv6.conf.all.forwarding';
}

/** `sysctl -w net.ipv4.ip_forward=1` (run inside the namespace). */
export function sysctlForwardingArgs(family: 4 | 6, on: boolean): string[] {
  return ['-w', `${forwardingKey(family)}=${on ? 1 : 0}`];
}

// ---- reading back ---------------------------------------------------------------------------------

/** UINT32_MAX: netem's probabilities are fractions of it. */
const U32_MAX = 0xffffffff;

/** A probability as netem stores it, as a percentage rounded the way tc prints it. */
export function percentOf(scaled: number): number {
  return round((100 * scaled) / U32_MAX, 6);
}

export function round(v: number, digits: number): number {
  return Number(v.toFixed(digits));
}

/** What a netem qdisc does, as read back: only the parameters that are set (non-zero). */
export function netemFromValues(v: { latencyNs: number; jitterNs: number; loss: number; duplicate: number; corrupt: number; reorder: number; rateBytes: number }): Netem {
  const n: Netem = {};
  if (v.latencyNs > 0) {
    n.delayMs = round(v.latencyNs / 1e6, 3);
  }
  if (v.jitterNs > 0) {
    n.jitterMs = round(v.jitterNs / 1e6, 3);
  }
  if (v.loss > 0) {
    n.lossPct = percentOf(v.loss);
  }
  if (v.duplicate > 0) {
    n.duplicatePct = percentOf(v.duplicate);
  }
  if (v.corrupt > 0) {
    n.corruptPct = percentOf(v.corrupt);
  }
  if (v.reorder > 0 && v.latencyNs > 0) {
    n.reorderPct = percentOf(v.reorder);
  }
  if (v.rateBytes > 0) {
    n.rateKbit = round((v.rateBytes * 8) / 1000, 3);
  }
  return n;
}

interface TcQdiscJson {
  kind?: string;
  dev?: string;
  root?: boolean;
  options?: {
    delay?: { delay?: number; jitter?: number };
    'loss-random'?: { loss?: number };
    duplicate?: { duplicate?: number };
    corrupt?: { corrupt?: number };
    reorder?: { reorder?: number };
    rate?: { rate?: number };
  };
}

/**
 * The root netem qdiscs in `tc -j qdisc show` output, by device name. tc prints times in seconds,
 * probabilities as fractions of 1 and rates in bytes per second.
 */
export function parseTcQdiscJson(text: string): Map<string, Netem> {
  const out = new Map<string, Netem>();
  const list = JSON.parse(text || '[]') as TcQdiscJson[];
  if (!Array.isArray(list)) {
    throw new Error('tc -j qdisc show did not print a list');
  }
  for (const q of list) {
    if (q.kind !== 'netem' || !q.root || typeof q.dev !== 'string') {
      continue;
    }
    const o = q.options ?? {};
    const frac = (x: number | undefined) => Math.round((x ?? 0) * U32_MAX);
    out.set(
      q.dev,
      netemFromValues({
        latencyNs: Math.round((o.delay?.delay ?? 0) * 1e9),
        jitterNs: Math.round((o.delay?.jitter ?? 0) * 1e9),
        loss: frac(o['loss-random']?.loss),
        duplicate: frac(o.duplicate?.duplicate),
        corrupt: frac(o.corrupt?.corrupt),
        reorder: frac(o.reorder?.reorder),
        rateBytes: o.rate?.rate ?? 0,
      }),
    );
  }
  return out;
}

/** "netem 100ms ±10ms 1% loss": what the row of an interface with an impairment says. */
export function netemSummary(n: Netem, words: { loss: string; duplicate: string; corrupt: string; reorder: string }): string {
  const parts: string[] = ['netem'];
  if (n.delayMs) {
    parts.push(`${n.delayMs}ms`);
    if (n.jitterMs) {
      parts.push(`±${n.jitterMs}ms`);
    }
  }
  if (n.lossPct) {
    parts.push(`${n.lossPct}% ${words.loss}`);
  }
  if (n.duplicatePct) {
    parts.push(`${n.duplicatePct}% ${words.duplicate}`);
  }
  if (n.corruptPct) {
    parts.push(`${n.corruptPct}% ${words.corrupt}`);
  }
  if (n.reorderPct) {
    parts.push(`${n.reorderPct}% ${words.reorder}`);
  }
  if (n.rateKbit) {
    parts.push(formatRate(n.rateKbit));
  }
  return parts.join(' ');
}

/** 1000 -> "1mbit", 1500 -> "1.5mbit", 64 -> "64kbit", as tc writes rates. */
export function formatRate(kbit: number): string {
  if (kbit >= 1_000_000 && kbit % 10_000 === 0) {
    return `${kbit / 1_000_000}gbit`;
  }
  if (kbit >= 1000 && kbit % 10 === 0) {
    return `${kbit / 1000}mbit`;
  }
  return `${kbit}kbit`;
}
