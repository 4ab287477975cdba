// The QuickPicks and InputBoxes commands share: choose a namespace, an interface, a name.

import * as vscode from 'vscode';
import type { Interface, NetnsRef } from '../../core/model';
import { validateInterfaceName, validateNamespaceName, validatePid } from '../../core/validate';
import type { InterfaceRef, NetnsPick } from '../model/argGuards';
import { formatAddress, interfaceCount, netnsDisplayName, notNamespaceText } from '../labels';
import type { CommandContext } from './context';

interface NetnsItem extends vscode.QuickPickItem {
  netns?: NetnsRef;
  byPid?: boolean;
}

export interface NetnsPickOptions {
  title: string;
  placeHolder: string;
  includeHost?: boolean;
  exclude?: NetnsRef[];
  /** Offer "Namespace of process (PID)..." too. */
  allowPid?: boolean;
  /** Listed first and marked. */
  preferred?: NetnsRef;
  /** Also offer names in /run/netns that are plain files, not namespaces (to delete them). */
  includeNotNamespaces?: boolean;
}

/** Asks for a namespace; undefined when cancelled. */
export async function pickNamespace(ctx: CommandContext, opts: NetnsPickOptions): Promise<NetnsPick | undefined> {
  await ctx.model.ensureFresh();
  const items: NetnsItem[] = [];
  const add = (ns: NetnsRef) => {
    if (opts.exclude?.includes(ns)) {
      return;
    }
    const model = ctx.model.get(ns);
    if (model?.notNamespace && !opts.includeNotNamespaces) {
      return; // nothing can be done in it
    }
    const item: NetnsItem = {
      label: netnsDisplayName(ns),
      description:
        ns === null
          ? vscode.l10n.t('root namespace')
          : model?.notNamespace
            ? notNamespaceText(model.notNamespace)
            : model
              ? interfaceCount(model.interfaces.length)
              : undefined,
      iconPath: new vscode.ThemeIcon(ns === null ? 'home' : model?.notNamespace ? 'file' : 'symbol-namespace'),
      netns: ns,
    };
    if (ns === opts.preferred) {
      items.unshift(item);
    } else {
      items.push(item);
    }
  };
  if (opts.includeHost !== false) {
    add(null);
  }
  for (const n of ctx.model.names()) {
    add(n);
  }
  if (opts.allowPid) {
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    items.push({
      label: vscode.l10n.t('Namespace of process (PID)...'),
      iconPath: new vscode.ThemeIcon('server-process'),
      detail: vscode.l10n.t('For a namespace without a name, such as a container\'s'),
      byPid: true,
    });
  }
  const picked = await ctx.host.showQuickPick(items, {
    title: opts.title,
    placeHolder: opts.placeHolder,
    matchOnDescription: true,
  });
  if (!picked) {
    return undefined;
  }
  if (picked.byPid) {
    const pid = await askPid(ctx, opts.title);
    return pid === undefined ? undefined : { pid };
  }
  return { netns: picked.netns ?? null };
}

/** "process 2750 (sleep 600)", or "process 2750" when the process is not found. */
export async function processLabel(ctx: CommandContext, pid: number): Promise<string> {
  // Read now: the list held may be older than the process, or than its last exec (the events
  // that say so are throttled), and would name what it ran before.
  await ctx.model.refreshProcesses(0);
  const command = ctx.model.processes?.flatMap((p) => p.processes).find((p) => p.pid === pid)?.command;
  return command === undefined ? vscode.l10n.t('process {0}', pid) : vscode.l10n.t('process {0} ({1})', pid, command);
}

export async function askPid(ctx: CommandContext, title: string): Promise<number | undefined> {
  const text = await ctx.host.showInputBox({
    title,
    prompt: vscode.l10n.t('Process ID whose network namespace to use'),
    placeHolder: '1234',
    validateInput: (v) => validatePid(Number(v.trim())),
  });
  return text === undefined ? undefined : Number(text.trim());
}

interface InterfaceItem extends vscode.QuickPickItem {
  ref: InterfaceRef;
}

/** Asks for an interface anywhere, or in `options.netns` only (and only those `filter` accepts). */
export async function pickInterface(
  ctx: CommandContext,
  title: string,
  filter: (kind: string, up: boolean, addresses: number, iface: Interface) => boolean = () => true,
  options: { netns?: NetnsRef; placeHolder?: string } = {},
): Promise<InterfaceRef | undefined> {
  await ctx.model.ensureFresh();
  const items: InterfaceItem[] = [];
  for (const ns of ctx.model.all()) {
    if (options.netns !== undefined && ns.name !== options.netns) {
      continue;
    }
    for (const i of ns.interfaces) {
      if (!filter(i.kind, i.flags.includes('UP'), i.addresses.length, i)) {
        continue;
      }
      items.push({
        label: i.name,
        description: netnsDisplayName(ns.name),
        detail: [i.kind, ...i.addresses.map(formatAddress)].join(' · '),
        ref: { netns: ns.name, name: i.name },
      });
    }
  }
  const picked = await ctx.host.showQuickPick(items, {
    title,
    placeHolder: options.placeHolder ?? vscode.l10n.t('Choose an interface'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.ref;
}

/** Asks for a new namespace name, checked as it is typed. */
export async function askNamespaceName(ctx: CommandContext, title: string, prompt?: string): Promise<string | undefined> {
  return ctx.host.showInputBox({
    title,
    prompt: prompt ?? vscode.l10n.t('Name of the new network namespace (a file in /run/netns)'),
    placeHolder: 'ns1',
    validateInput: (v) => checkNewNamespaceName(ctx, v),
  });
}

export function checkNewNamespaceName(ctx: CommandContext, name: string): string | undefined {
  const problem = validateNamespaceName(name);
  if (problem) {
    return problem;
  }
  const existing = ctx.model.get(name);
  if (existing?.notNamespace === 'file') {
    return vscode.l10n.t('A file named "{0}" is in the way in /run/netns (it is not a namespace). Delete it from the view, or choose another name.', name);
  }
  if (existing?.notNamespace) {
    return vscode.l10n.t('"{0}" in /run/netns is taken by a folder or another kind of file, not a namespace. Choose another name.', name);
  }
  if (existing) {
    return vscode.l10n.t('A namespace named "{0}" already exists.', name);
  }
  return undefined;
}

/**
 * Asks for an interface name to be created in `netns`. With `allowEmpty`, an empty answer means
 * "choose one for me" and comes back as ''.
 */
export async function askInterfaceName(
  ctx: CommandContext,
  opts: { title: string; prompt: string; netns: NetnsRef; allowEmpty?: boolean; taken?: string[]; placeHolder?: string; value?: string },
): Promise<string | undefined> {
  return ctx.host.showInputBox({
    title: opts.title,
    prompt: opts.prompt,
    value: opts.value,
    placeHolder: opts.allowEmpty ? vscode.l10n.t('Leave empty for an automatic name') : (opts.placeHolder ?? 'veth0'),
    validateInput: (v) => {
      if (v === '' && opts.allowEmpty) {
        return undefined;
      }
      const problem = validateInterfaceName(v);
      if (problem) {
        return problem;
      }
      const ns = ctx.model.get(opts.netns);
      if (ns?.interfaces.some((i) => i.name === v) || opts.taken?.includes(v)) {
        return vscode.l10n.t('"{0}" already exists in {1}.', v, netnsDisplayName(opts.netns));
      }
      return undefined;
    },
  });
}
