// netns.moveInterface
//   (interfaceNode, selectedNodes)     from the view; asks where to
//   ({ netns, name } | [{ netns, name }, ...], { to: 'ns1' | null })   moves without asking
//   ({ netns, name }, { toPid: 1234 })  into the namespace of a process
//   ({ netns, name })                  asks where to
//   ()                                 asks which interface, then where to
// The destination QuickPick offers every namespace (and the host) plus "Namespace of process
// (PID)...". Returns { moved: [names], to } (to is { netns } or { pid }), or undefined.

import * as vscode from 'vscode';
import { netnsDisplayName } from '../../labels';
import type { InterfaceRef, NetnsPick } from '../../model/argGuards';
import { interfaceArgs } from '../args';
import type { CommandContext } from '../context';
import { eachItem, request, runOperation } from '../operations';
import { pickInterface, pickNamespace } from '../pickers';

export interface MoveResult {
  moved: string[];
  to: NetnsPick;
}

function destinationArg(v: unknown): NetnsPick | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return undefined;
  }
  if ('to' in v) {
    const to = (v as { to: unknown }).to;
    return to === null || typeof to === 'string' ? { netns: to } : undefined;
  }
  if ('toPid' in v && typeof (v as { toPid: unknown }).toPid === 'number') {
    return { pid: (v as { toPid: number }).toPid };
  }
  return undefined;
}

export async function moveInterface(ctx: CommandContext, arg?: unknown, second?: unknown): Promise<MoveResult | undefined> {
  const title = vscode.l10n.t('Move Interface to Namespace');
  let refs = interfaceArgs(arg, second);
  if (refs === undefined || refs.length === 0) {
    const one = await pickInterface(ctx, title, (kind) => kind !== 'loopback');
    if (!one) {
      return undefined;
    }
    refs = [one];
  }
  let to = destinationArg(second);
  if (!to) {
    const from = new Set(refs.map((r) => r.netns));
    to = await pickNamespace(ctx, {
      title,
      placeHolder:
        refs.length === 1
          ? vscode.l10n.t('Move {0} to which namespace?', refs[0].name)
          : vscode.l10n.t('Move {0} interfaces to which namespace?', refs.length),
      exclude: from.size === 1 ? [...from] : [],
      allowPid: true,
    });
    if (!to) {
      return undefined;
    }
  }
  return moveInterfaces(ctx, refs, to);
}

/** Moves each interface not already there; drag and drop is given this too. */
export async function moveInterfaces(ctx: CommandContext, refs: InterfaceRef[], to: NetnsPick): Promise<MoveResult | undefined> {
  const todo = 'netns' in to ? refs.filter((r) => r.netns !== to.netns) : refs;
  if (todo.length === 0) {
    return { moved: [], to };
  }
  const where = 'netns' in to ? netnsDisplayName(to.netns) : vscode.l10n.t('process {0}', to.pid);
  const title =
    todo.length === 1
      ? vscode.l10n.t('Moving {0} to {1}', todo[0].name, where)
      : vscode.l10n.t('Moving {0} interfaces to {1}', todo.length, where);
  const moved = await runOperation(
    ctx,
    title,
    (report) =>
      eachItem(
        todo,
        (r) => r.name,
        async (r) => {
          const params = 'netns' in to ? { name: r.name, from: r.netns, to: to.netns } : { name: r.name, from: r.netns, toPid: to.pid };
          await request(ctx, 'moveLink', params);
          return r.name;
        },
        report,
      ),
    'netns' in to ? { netns: [...new Set([...todo.map((r) => r.netns), to.netns])] } : { all: true },
  );
  return moved ? { moved, to } : undefined;
}
