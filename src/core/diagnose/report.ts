// A check in lines of text (the log) and the veth links' results as a Markdown table.

import { localParts, msg } from '../messages';
import type { NetnsRef } from '../model';
import type { NeighbourTableFull, PingResult } from '../operations';
import { hopText, nsName, type Analysis } from './path';
import type { VethPair } from './targets';

/** What a ping answered, as the extension has it. */
export type PingOutcome = Pick<PingResult, 'transmitted' | 'received' | 'rttMs' | 'neighbourTableFull'>;

/**
 * Why echoes went unanswered when the neighbour table had no room: it is one for the whole
 * machine, and a few hundred namespaces with a veth or two each fill its default 1024 entries.
 */
export function neighbourTableReason(full: NeighbourTableFull): string {
  const key = `net.ipv${full.family}.neigh.default.gc_thresh`;
  const room = Math.max(4096, 4 * full.max);
  return msg(
    "The machine's neighbour table was full ({0} entries at most, shared by every namespace), so a neighbour could not be resolved. Make room: sysctl -w {1}1={2} {1}2={3} {1}3={4}",
    full.max,
    key,
    room / 8,
    room / 2,
    room,
  );
}

export function rttText(rttMs: number[]): string {
  if (rttMs.length === 0) {
    return '';
  }
  const avg = rttMs.reduce((a, b) => a + b, 0) / rttMs.length;
  return avg.toFixed(3);
}

const where = (netns: NetnsRef, name?: string) => (name !== undefined ? msg('{0} in {1}', name, nsName(netns)) : nsName(netns));

/** The path and findings, one line each (translated). */
export function analysisLines(a: Analysis): string[] {
  const lines: string[] = [];
  const from = where(a.source.netns, a.source.name);
  lines.push(msg('Check from {0} ({1}) to {2}', from, a.source.address ?? '?', a.target.netns !== undefined ? `${a.target.address} (${where(a.target.netns, a.target.name)})` : a.target.address));
  if (a.forward.hops.length === 0 && a.forward.arrived) {
    lines.push(`  ${msg('{0} is an address of {1} itself.', a.target.address, nsName(a.forward.arrived.netns))}`);
  }
  for (const h of a.forward.hops) {
    lines.push(`  → ${localParts([hopText(h)])}`);
  }
  if (a.forward.arrived && a.forward.hops.length > 0) {
    lines.push(`  ${msg('arrives at {0}', where(a.forward.arrived.netns, a.forward.arrived.name))}`);
  }
  for (const h of a.back.hops) {
    lines.push(`  ← ${localParts([hopText(h)])}`);
  }
  if (a.back.arrived) {
    lines.push(`  ${msg('the reply arrives at {0}', where(a.back.arrived.netns, a.back.arrived.name))}`);
  }
  for (const f of a.findings) {
    const tag = f.level === 'error' ? '✗' : f.level === 'warning' ? '!' : 'i';
    lines.push(`  ${tag} ${f.back ? `${msg('(way back)')} ` : ''}${localParts([f.text])}`);
  }
  if (a.findings.length === 0) {
    lines.push(`  ✓ ${msg('The model shows a way there and back.')}`);
  }
  return lines;
}

/** The first finding that stops the packet, in words. */
export function firstReason(a: Analysis): string | undefined {
  const f = a.findings.find((x) => x.level === 'error') ?? a.findings[0];
  return f ? localParts([f.text]) : undefined;
}

export interface LinkRow {
  pair: VethPair;
  /** From a's end to b's address (false: from b to a). */
  fromA: boolean;
  ping?: PingOutcome;
  /** Why it fails, or why the ping could not be sent. */
  reason?: string;
}

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The table "Check All veth Links" shows: pair, namespaces, addresses, result, rtt, reason. */
export function linksTable(rows: readonly LinkRow[], takenAt: Date, notChecked = 0): string {
  const head = [msg('Pair'), msg('Namespaces'), msg('Addresses'), msg('Result'), msg('RTT (ms)'), msg('Reason')];
  const lines = [`# ${msg('veth links')}`, '', msg('Checked {0}: {1} pings, {2} answered.', takenAt.toISOString(), rows.length, rows.filter((r) => (r.ping?.received ?? 0) > 0).length), ''];
  if (notChecked > 0) {
    lines.splice(-1, 0, msg('Cancelled: {0} checks were not made.', notChecked));
  }
  lines.push(`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const r of rows) {
    const [from, to] = r.fromA ? [r.pair.a, r.pair.b] : [r.pair.b, r.pair.a];
    const ok = (r.ping?.received ?? 0) > 0;
    const result = r.ping ? (ok ? msg('✓ {0}/{1} replies', r.ping.received, r.ping.transmitted) : msg('✗ no replies ({0} sent)', r.ping.transmitted)) : msg('✗ not sent');
    lines.push(
      `| ${[
        `${from.name} → ${to.name}`,
        `${nsName(from.netns)} → ${nsName(to.netns)}`,
        `${from.address} → ${to.address}`,
        result,
        ok ? rttText(r.ping!.rttMs) : '',
        r.reason ?? '',
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  if (rows.length === 0) {
    lines.push('', msg('No veth pair has addresses on both ends.'));
  }
  return lines.join('\n') + '\n';
}
