// netns.stopCapture
//   (captureNode) | ({ key })   stops that capture
//   ()                          the running one, or asks which
// netns.stopAllCaptures: every running capture.
// Both resolve once the captures have ended and their files are complete; they return them.

import * as vscode from 'vscode';
import type { CaptureInfo } from '../../capture/captureManager';
import type { CommandContext } from '../context';
import { captureArg, captureResult } from './captureArgs';

export async function stopCapture(ctx: CommandContext, arg?: unknown): Promise<CaptureInfo | undefined> {
  const c = await captureArg(ctx, arg, (x) => x.state === 'running', vscode.l10n.t('Stop which capture?'));
  if (!c) {
    return undefined;
  }
  const ended = await ctx.captures.stop(c.key);
  return ended && captureResult(ended);
}

export async function stopAllCaptures(ctx: CommandContext): Promise<CaptureInfo[]> {
  return (await ctx.captures.stopAll()).map(captureResult);
}
