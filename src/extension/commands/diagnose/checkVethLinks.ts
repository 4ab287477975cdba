// netns.checkVethLinks
//   ()   every veth pair with addresses of one family on both ends: each end pinged from the other
//        (from inside its namespace, from its own address), a few at a time; the results as a
//        table (pair, namespaces, addresses, result, rtt, reason) in a read-only Markdown preview.
// Returns the rows and the report's text.

import * as vscode from 'vscode';
import { analyze } from '../../../core/diagnose/path';
import { firstReason, linksTable, type LinkRow } from '../../../core/diagnose/report';
import { vethPairs } from '../../../core/diagnose/targets';
import type { CommandContext } from '../context';
import { errorMessage, request } from '../operations';

/** Pings under way at once (each takes up to three seconds; the helper bounds its own slots too). */
const CONCURRENCY = 4;
const COUNT = 2;

export interface VethLinksResult {
  rows: LinkRow[];
  markdown: string;
  uri: vscode.Uri;
}

export async function checkVethLinks(ctx: CommandContext): Promise<VethLinksResult | undefined> {
  const title = vscode.l10n.t('Checking veth links');
  const end = ctx.status.begin(title);
  let rows: LinkRow[];
  try {
    rows = await ctx.host.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, async (progress) => {
      await ctx.model.refresh();
      let model = ctx.model.all();
      const out: LinkRow[] = vethPairs(model).flatMap((pair) => [
        { pair, fromA: true },
        { pair, fromA: false },
      ]);
      const pingErrors = new Map<LinkRow, string>();
      let done = 0;
      let next = 0;
      const worker = async () => {
        while (next < out.length) {
          const row = out[next++];
          const [from, to] = row.fromA ? [row.pair.a, row.pair.b] : [row.pair.b, row.pair.a];
          try {
            row.ping = await request(ctx, 'ping', { netns: from.netns, address: to.address, count: COUNT, source: from.address });
          } catch (e) {
            pingErrors.set(row, errorMessage(e));
          }
          done++;
          progress.report({ message: vscode.l10n.t('{0} of {1}', done, out.length), increment: 100 / out.length });
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, out.length) }, worker));
      const failed = out.filter((row) => (row.ping?.received ?? 0) === 0);
      if (failed.length > 0) {
        // The reasons from what the kernel has after the pings (a link's state settles a moment after it changed).
        await ctx.model.refresh();
        model = ctx.model.all();
      }
      for (const row of failed) {
        const [from, to] = row.fromA ? [row.pair.a, row.pair.b] : [row.pair.b, row.pair.a];
        const a = analyze(model, { source: { netns: from.netns, name: from.name }, address: to.address });
        // What the model says stops it first; else why the ping was not sent; else where to look.
        row.reason = (!a.reachable ? firstReason(a) : undefined) ?? pingErrors.get(row) ?? vscode.l10n.t('The routes and links look right: a firewall or a link impairment may drop it.');
      }
      return out;
    });
  } finally {
    end();
  }
  const markdown = linksTable(rows, new Date());
  for (const line of markdown.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))) {
    ctx.log.info(`veth links: ${line}`);
  }
  const uri = ctx.reports.put('veth-links.md', markdown);
  await ctx.reports.show(uri);
  const failed = rows.filter((r) => (r.ping?.received ?? 0) === 0).length;
  if (rows.length === 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('No veth pair has addresses on both ends.'));
  } else if (failed === 0) {
    void ctx.host.showInformationMessage(vscode.l10n.t('All {0} veth link checks were answered.', rows.length));
  } else {
    void Promise.resolve(ctx.host.showWarningMessage(vscode.l10n.t('{0} of {1} veth link checks got no reply; the table says why.', failed, rows.length), {})).then(() => undefined);
  }
  return { rows, markdown, uri };
}
