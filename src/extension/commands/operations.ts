// Running privileged work on behalf of a command: each request is logged with the equivalent ip
// command, the work runs under a progress notification and a status bar item, and a failure is
// shown once, in the helper's words, with a way to the log. Afterwards the namespaces the work
// touched are read again, so the view reflects the kernel, not the command's guess.

import * as vscode from 'vscode';
import { HelperError, HelperLostError, LaunchError } from '../../client/types';
import type { NetnsRef } from '../../core/model';
import type { Op, Params, Result } from '../../core/protocol';
import type { CommandContext } from './context';
import { ipEquivalent } from './ipEquivalent';

/** Sends one privileged request, logging it; throws on failure. */
export async function request<O extends Op>(ctx: CommandContext, op: O, params: Params<O>, client = ctx.client): Promise<Result<O>> {
  if (client.state.kind !== 'running') {
    await client.start();
  }
  const before = ipEquivalent(op, params);
  ctx.log.info(`${op}${before ? `: ${before}` : ''}`);
  try {
    const result = await client.request(op, params);
    // The answer may complete the command (names the helper chose): log it as it was carried out.
    const after = ipEquivalent(op, params, result);
    if (after !== before) {
      ctx.log.info(`${op} done: ${after}`);
    }
    return result;
  } catch (e) {
    const detail = e instanceof HelperError && e.detail ? ` (${e.detail})` : '';
    ctx.log.error(`${op} failed: ${errorMessage(e)}${detail}`);
    throw e;
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof HelperError || e instanceof HelperLostError || e instanceof LaunchError) {
    return e.message; // already written for the user
  }
  return e instanceof Error ? e.message : String(e);
}

/** What to read again after the work. */
export interface Affected {
  netns?: NetnsRef[];
  names?: boolean;
  all?: boolean;
}

/** Shows a failure without waiting for the user to dismiss it. */
export function showFailure(ctx: CommandContext, title: string, e: unknown): void {
  const showLog = vscode.l10n.t('Show Log');
  const text = vscode.l10n.t('{0} failed: {1}', title, errorMessage(e));
  void Promise.resolve(ctx.host.showErrorMessage(text, showLog)).then((choice) => {
    if (choice === showLog) {
      ctx.log.show();
    }
  });
}

/**
 * Runs `work` with a progress notification titled `title` and the status bar item. Returns its
 * result, or undefined when it failed (the failure has been shown and logged).
 */
export async function runOperation<T>(
  ctx: CommandContext,
  title: string,
  work: (report: (message: string) => void) => Promise<T>,
  affected: Affected | ((result: T | undefined) => Affected),
): Promise<T | undefined> {
  const end = ctx.status.begin(title);
  let result: T | undefined;
  let failure: unknown;
  try {
    result = await ctx.host.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: false },
      (progress) => work((message) => progress.report({ message })),
    );
  } catch (e) {
    failure = e;
  } finally {
    end();
  }
  const what = typeof affected === 'function' ? affected(result) : affected;
  if (failure instanceof HelperLostError || failure instanceof LaunchError) {
    await ctx.model.refresh();
  } else if (what.all) {
    await ctx.model.refresh();
  } else if (what.names || (what.netns && what.netns.length > 0)) {
    await ctx.model.refreshNamespaces(what.netns ?? [], !!what.names);
  }
  if (failure !== undefined) {
    showFailure(ctx, title, failure);
    return undefined;
  }
  return result;
}

/** Runs one step per item, carrying on after a failure; throws one error naming each failure. */
export async function eachItem<I, R>(
  items: I[],
  label: (item: I) => string,
  step: (item: I) => Promise<R>,
  report: (message: string) => void,
): Promise<R[]> {
  const results: R[] = [];
  const failures: string[] = [];
  for (const item of items) {
    report(label(item));
    try {
      results.push(await step(item));
    } catch (e) {
      if (items.length === 1) {
        throw e;
      }
      failures.push(`${label(item)}: ${errorMessage(e)}`);
    }
  }
  if (failures.length > 0) {
    throw new Error(failures.join(' '));
  }
  return results;
}
