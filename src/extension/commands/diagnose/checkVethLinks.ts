// netns.checkVethLinks
//   ()   every veth pair with addresses of one family on both ends: each end pinged from the other
//        (from inside its namespace, from its own address), a few at a time, once, and again
//        where no reply came; the results as a table (pair, namespaces, addresses, result, rtt,
//        reason) in a read-only Markdown preview. Cancelling shows what was checked so far.
// Returns the rows and the report's text.

import * as vscode from 'vscode';
import { analyze } from '../../../core/diagnose/path';
import { firstReason, linksTable, neighbourTableReason, type LinkRow } from '../../../core/diagnose/report';
import { vethPairs } from '../../../core/diagnose/targets';
import type { CommandContext } from '../context';
import { errorMessage, request } from '../operations';

/** Checks under way at once (each is one ping process in the helper, mostly waiting for a reply). */
const CONCURRENCY = 8;
/** One echo each way first: an answered link then costs a process and a round trip, not a second. */
const FIRST_COUNT = 1;
/** The ones with no reply are asked again before they count as failed: a lost echo is no broken link. */
const RETRY_COUNT = 3;

export interface VethLinksResult {
  rows: LinkRow[];
  markdown: string;
  uri: vscode.Uri;
  /** Checks not made because the user cancelled (they are not in `rows`). */
  notChecked: number;
}

export async function checkVethLinks(ctx: CommandContext): Promise<VethLinksResult | undefined> {
  const title = vscode.l10n.t('Checking veth links');
  const end = ctx.status.begin(title);
  let rows: LinkRow[];
  let planned = 0;
  try {
    rows = await ctx.host.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      await ctx.model.refresh();
      let model = ctx.model.all();
      const out: LinkRow[] = vethPairs(model).flatMap((pair) => [
        { pair, fromA: true },
        { pair, fromA: false },
      ]);
      planned = out.length;
      const pingErrors = new Map<LinkRow, string>();
      const pingAll = async (todo: LinkRow[], count: number, report: (done: number) => void) => {
        let done = 0;
        let next = 0;
        const worker = async () => {
          while (next < todo.length && !token.isCancellationRequested) {
            const row = todo[next++];
            const [from, to] = row.fromA ? [row.pair.a, row.pair.b] : [row.pair.b, row.pair.a];
            try {
              // addressIn: the helper reads the two namespaces, not all of them, to check the address.
              row.ping = await request(ctx, 'ping', { netns: from.netns, address: to.address, count, source: from.address, addressIn: to.netns });
              pingErrors.delete(row);
            } catch (e) {
              pingErrors.set(row, errorMessage(e));
            }
            report(++done);
          }
        };
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
      };
      await pingAll(out, FIRST_COUNT, (done) => progress.report({ message: vscode.l10n.t('{0} of {1}', done, out.length), increment: 100 / out.length }));
      const unanswered = out.filter((row) => row.ping?.received === 0);
      await pingAll(unanswered, RETRY_COUNT, (done) => progress.report({ message: vscode.l10n.t('{0} of {1} without a reply, asked again', done, unanswered.length) }));
      // A cancelled run shows what it checked; the rest were never sent.
      const checked = out.filter((row) => row.ping !== undefined || pingErrors.has(row));
      const failed = checked.filter((row) => (row.ping?.received ?? 0) === 0);
      if (failed.length > 0) {
        // The reasons from what the kernel has after the pings (a link's state settles a moment after it changed).
        await ctx.model.refresh();
        model = ctx.model.all();
      }
      for (const row of failed) {
        const [from, to] = row.fromA ? [row.pair.a, row.pair.b] : [row.pair.b, row.pair.a];
        const a = analyze(model, { source: { netns: from.netns, name: from.name }, address: to.address });
        // What the model says stops it first; else why the ping was not sent; else where to look.
        const full = row.ping?.neighbourTableFull;
        row.reason =
          (!a.reachable ? firstReason(a) : undefined) ??
          (full ? neighbourTableReason(full) : undefined) ??
          pingErrors.get(row) ??
          vscode.l10n.t('The routes and links look right: a firewall or a link impairment may drop it.');
      }
      return checked;
    });
  } finally {
    end();
  }
  const notChecked = planned - rows.length;
  const markdown = linksTable(rows, new Date(), notChecked);
  for (const line of markdown.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))) {
    ctx.log.info(`veth links: ${line}`);
  }
  const uri = ctx.reports.put('veth-links.md', markdown);
  await ctx.reports.show(uri);
  const failed = rows.filter((r) => (r.ping?.received ?? 0) === 0).length;
  if (notChecked > 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('Cancelled: {0} of {1} veth link checks made, {2} of them answered; the table shows them.', rows.length, planned, rows.length - failed));
  } else if (rows.length === 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('No veth pair has addresses on both ends.'));
  } else if (failed === 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('All {0} veth link checks were answered.', rows.length));
  } else {
    void Promise.resolve(ctx.host.showWarningMessage(vscode.l10n.t('{0} of {1} veth link checks got no reply; the table says why.', failed, rows.length), {})).then(() => undefined);
  }
  return { rows, markdown, uri, notChecked };
}
