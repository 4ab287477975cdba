// netns.installHelper (): copies the helper to a root-owned folder with a launcher and a polkit
// action (src/core/install.ts says why), through the running helper, so it costs no authentication
// beyond the one that starts the helper. Shows what was installed with buttons that copy the
// sudoers line and the polkit rule, and logs both. The client picks the installed launcher at its
// next start (the next window), so nobody is asked for a password a second time now. When the
// running helper is the installed copy (which does not install itself), the extension's own copy
// does it, asking for a password, and so also replaces an install of an older version.
// Returns what was installed (the lines naming the user), or undefined when it failed.

import * as os from 'node:os';
import * as vscode from 'vscode';
import { polkitRule, sudoersLine } from '../../../core/install';
import type { Result } from '../../../core/protocol';
import type { CommandContext } from '../context';
import { request, runOperation } from '../operations';
import { withPasswordStart } from './passwordStart';

/** The placeholder the helper uses when it cannot tell who started it. */
const PLACEHOLDER_USER = 'USER';

export type InstallResult = Result<'installHelper'>;

export async function installHelper(ctx: CommandContext): Promise<InstallResult | undefined> {
  const title = vscode.l10n.t('Installing the privileged helper');
  const installed = await runOperation(ctx, title, () => withPasswordStart(ctx, (client) => request(ctx, 'installHelper', {}, client)), {});
  if (!installed) {
    return undefined;
  }
  const result = withUser(installed);
  ctx.log.info(`installed the helper: launcher ${result.launcher}, runtime ${result.runtime}${result.runtimeCopied ? ' (copied)' : ''}${result.policy ? `, polkit action ${result.policy}` : ''}`);
  ctx.log.info(`sudoers line (sudo visudo -f /etc/sudoers.d/vscode-netns): ${result.sudoersLine}`);
  if (result.policy) {
    ctx.log.info(`polkit rule (/etc/polkit-1/rules.d/50-vscode-netns.rules):\n${result.polkitRule}`);
  }
  void offerLines(ctx, result);
  return result;
}

/**
 * The helper learns the user's name from sudo or pkexec. Started directly as root it cannot, and
 * says USER: then the rule is for whoever runs VS Code, unless that is root, which needs no rule.
 */
function withUser(r: InstallResult): InstallResult {
  if (r.sudoersLine !== sudoersLine(PLACEHOLDER_USER) || process.getuid?.() === 0) {
    return r;
  }
  const me = os.userInfo().username;
  return { ...r, sudoersLine: sudoersLine(me), polkitRule: polkitRule(me) };
}

/** The result message; each copy button shows it again, so both lines can be copied. */
async function offerLines(ctx: CommandContext, r: InstallResult): Promise<void> {
  const copySudoers = vscode.l10n.t('Copy sudoers line');
  const copyPolkit = vscode.l10n.t('Copy polkit rule');
  const buttons = r.policy ? [copySudoers, copyPolkit] : [copySudoers];
  const parts = [
    r.policy
      ? vscode.l10n.t('The helper is installed: {0}, with the polkit action {1}.', r.launcher, r.policy)
      : vscode.l10n.t('The helper is installed: {0}.', r.launcher),
    vscode.l10n.t('It is used from the next start of the helper (for example the next window).'),
    r.sudoersLine.startsWith(`${PLACEHOLDER_USER} `)
      ? vscode.l10n.t('To start it without a password, add the sudoers line or the polkit rule, with USER replaced by the account name.')
      : vscode.l10n.t('To start it without a password, add the sudoers line or the polkit rule.'),
  ];
  let message = parts.join(' ');
  for (;;) {
    const choice = await ctx.host.showInformationMessage(message, ...buttons);
    if (choice === copySudoers) {
      await ctx.host.clipboard.writeText(r.sudoersLine);
      message = vscode.l10n.t('The sudoers line is on the clipboard. Add it with "sudo visudo -f /etc/sudoers.d/vscode-netns".');
    } else if (choice === copyPolkit) {
      await ctx.host.clipboard.writeText(r.polkitRule);
      message = vscode.l10n.t('The polkit rule is on the clipboard. Save it as /etc/polkit-1/rules.d/50-vscode-netns.rules (as root).');
    } else {
      return;
    }
  }
}
