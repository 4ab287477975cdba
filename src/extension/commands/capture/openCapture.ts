// netns.openCapture            (captureNode) | ({ key }) | ()   opens the pcap file in VS Code
// netns.openCaptureInWireshark (captureNode) | ({ key }) | ()   opens it in Wireshark (offered
//                                                             when `wireshark` is on PATH)
// netns.showCapture            (captureNode) | ({ key })        shows the capture's terminal
// netns.clearCaptures          ()                                takes finished captures off the
//                                                             list (their files stay)

import * as vscode from 'vscode';
import { openCaptureTerminal } from '../../capture/captureTerminal';
import { findWireshark, openInWireshark } from '../../capture/wireshark';
import type { CommandContext } from '../context';
import { showFailure } from '../operations';
import { captureArg } from './captureArgs';

export async function openCapture(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const c = await captureArg(ctx, arg, (x) => x.state === 'ended', vscode.l10n.t('Open which capture?'));
  if (!c) {
    return undefined;
  }
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(c.file));
  return c.file;
}

export async function openCaptureInWireshark(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const c = await captureArg(ctx, arg, () => true, vscode.l10n.t('Open which capture in Wireshark?'));
  if (!c) {
    return undefined;
  }
  const wireshark = findWireshark();
  if (!wireshark) {
    void ctx.host.showInformationMessage(vscode.l10n.t('Wireshark is not installed (Debian: apt install wireshark). The capture is in {0}.', c.file));
    return undefined;
  }
  try {
    await openInWireshark(wireshark, c.file);
  } catch (e) {
    showFailure(ctx, vscode.l10n.t('Open in Wireshark'), e);
    return undefined;
  }
  return c.file;
}

export async function showCapture(ctx: CommandContext, arg?: unknown): Promise<void> {
  const c = await captureArg(ctx, arg, () => true, vscode.l10n.t('Show which capture?'));
  if (!c) {
    return;
  }
  const open = ctx.captures.terminals.get(c.key);
  if (open && open.exitStatus === undefined && vscode.window.terminals.includes(open)) {
    open.show(true);
    return;
  }
  if (c.state === 'running') {
    ctx.captures.terminals.set(c.key, openCaptureTerminal(ctx.captures, c));
  } else {
    await openCapture(ctx, c);
  }
}

export async function clearCaptures(ctx: CommandContext): Promise<void> {
  ctx.captures.clearFinished();
}
