// netns.startCapture
//   (interfaceNode) | ({ netns, name })          captures on that interface
//   ({ netns, name, filter?, builtinDecoder? })  with a filter (tcpdump's expression), and the
//                                                built-in decoder for the live view (tests)
//   ()                                           asks which interface first
// netns.startCaptureWithFilter: the same, asking for a filter (checked as it is typed).
// The packets go to a pcap file in the capture folder (setting netns.capture.folder), bounded by
// netns.capture.maxMegabytes and netns.capture.maxSeconds, and are shown one line each in a
// terminal of their own. Returns the capture, or undefined when cancelled or failed.

import * as vscode from 'vscode';
import { validateCaptureFilter, validateCaptureInterfaceName } from '../../../core/capture/rules';
import type { CaptureInfo } from '../../capture/captureManager';
import { captureFolder } from '../../capture/captureFiles';
import { openCaptureTerminal } from '../../capture/captureTerminal';
import { config } from '../../config';
import { netnsDisplayName } from '../../labels';
import { toInterfaceRef } from '../../tree/nodeRefs';
import type { CommandContext } from '../context';
import { runOperation } from '../operations';
import { pickInterface } from '../pickers';
import { captureResult } from './captureArgs';

export function startCapture(ctx: CommandContext, arg?: unknown): Promise<CaptureInfo | undefined> {
  return start(ctx, arg, false);
}

export function startCaptureWithFilter(ctx: CommandContext, arg?: unknown): Promise<CaptureInfo | undefined> {
  return start(ctx, arg, true);
}

async function start(ctx: CommandContext, arg: unknown, askFilter: boolean): Promise<CaptureInfo | undefined> {
  const title = vscode.l10n.t('Start Capture');
  const ref =
    toInterfaceRef(arg) ??
    (await pickInterface(ctx, title, (_kind, _up, _n, iface) => validateCaptureInterfaceName(iface.name) === undefined, {
      placeHolder: vscode.l10n.t('Capture packets on which interface?'),
    }));
  if (!ref) {
    return undefined;
  }
  const given = typeof arg === 'object' && arg !== null && !('kind' in arg) ? (arg as { filter?: unknown; builtinDecoder?: unknown }) : {};
  let filter = typeof given.filter === 'string' ? given.filter.trim() : undefined;
  if (askFilter && filter === undefined) {
    const typed = await ctx.host.showInputBox({
      title: vscode.l10n.t('Start Capture on {0} in {1}', ref.name, netnsDisplayName(ref.netns)),
      prompt: vscode.l10n.t('Capture filter in tcpdump\'s language (pcap-filter): only matching packets are captured. Empty: all.'),
      placeHolder: 'icmp or arp',
      validateInput: (v) => (v.trim() === '' ? undefined : validateCaptureFilter(v)),
    });
    if (typed === undefined) {
      return undefined;
    }
    filter = typed.trim();
  }
  const folder = captureFolder(config.captureFolder(), vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, ctx.captures.storageFolder);
  const info = await runOperation(
    ctx,
    vscode.l10n.t('Starting a capture on {0} in {1}', ref.name, netnsDisplayName(ref.netns)),
    () =>
      ctx.captures.start(ref.netns, ref.name, {
        filter: filter || undefined,
        maxBytes: config.captureMaxMegabytes() * 1024 * 1024,
        maxSeconds: config.captureMaxSeconds(),
        folder,
        builtinDecoder: given.builtinDecoder === true,
      }),
    {},
  );
  if (!info) {
    return undefined;
  }
  ctx.captures.terminals.set(info.key, openCaptureTerminal(ctx.captures, info));
  return captureResult(info);
}
