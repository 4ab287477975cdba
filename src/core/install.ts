// The root-owned install of the helper: fixed paths, the launcher script, the polkit action.
//
// Why it exists: a polkit rule or sudoers line may only name a program that nobody but root can
// change. A rule for the helper inside the user's extension folder (writable by the user), or for
// `ip` with any arguments (`ip netns exec NS /bin/sh` is a root shell), would hand out root. The
// install copies the helper to a root-owned folder so a rule can name exactly that launcher.

import { shellQuote } from './shell';

export const INSTALL_DIR = '/usr/local/lib/vscode-netns';
export const INSTALL_LAUNCHER = `${INSTALL_DIR}/netns-helper`;
export const INSTALL_MARKER = `${INSTALL_DIR}/.installed-by-vscode-netns`;
export const POLKIT_ACTION_ID = 'io.github.vscode-netns.helper';
export const POLKIT_POLICY_PATH = `/usr/share/polkit-1/actions/${POLKIT_ACTION_ID}.policy`;

/** The launcher pkexec and sudo run: a fixed runtime on a fixed helper, nothing from the caller. */
export function launcherScript(nodePath: string, helperPath: string): string {
  return [
    '#!/bin/sh',
    '# Starts the vscode-netns privileged helper. Installed by "Netns: Install Privileged Helper".',
    'ELECTRON_RUN_AS_NODE=1',
    'export ELECTRON_RUN_AS_NODE',
    `exec ${shellQuote(nodePath, true)} ${shellQuote(helperPath, true)}`,
    '',
  ].join('\n');
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A polkit action for exactly the launcher. An administrator is asked each time; only in an active
 * local session is the answer kept a while (elsewhere, e.g. over SSH, nobody watches the screen).
 */
export function polkitPolicy(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE policyconfig PUBLIC "-//freedesktop//DTD PolicyKit Policy Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/PolicyKit/1/policyconfig.dtd">
<policyconfig>
  <vendor>vscode-netns</vendor>
  <action id="${POLKIT_ACTION_ID}">
    <description>Manage network namespaces from VS Code</description>
    <message>Authentication is required to manage network namespaces</message>
    <defaults>
      <allow_any>auth_admin</allow_any>
      <allow_inactive>auth_admin</allow_inactive>
      <allow_active>auth_admin_keep</allow_active>
    </defaults>
    <annotate key="org.freedesktop.policykit.exec.path">${xmlEscape(INSTALL_LAUNCHER)}</annotate>
  </action>
</policyconfig>
`;
}

/**
 * The sudoers line that lets `user` start the installed helper without a password. A command
 * without arguments in sudoers allows any arguments; `""` allows none, which is all the client
 * ever passes.
 */
export function sudoersLine(user: string): string {
  return `${user} ALL=(root) NOPASSWD: ${INSTALL_LAUNCHER} ""`;
}

/** A polkit rule that lets `user` start the installed helper without a password. */
export function polkitRule(user: string): string {
  return `polkit.addRule(function (action, subject) {
  if (action.id == "${POLKIT_ACTION_ID}" && subject.user == ${JSON.stringify(user)}) {
    return polkit.Result.YES;
  }
});
`;
}
