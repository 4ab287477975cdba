// How a terminal inside a namespace is started: `ip netns exec NS SHELL`, as root when VS Code
// already is, otherwise through sudo (or pkexec), and by default with privileges dropped back to
// the user (setpriv) so the shell is the user's own, just with the namespace's network.
// Pure: no vscode, no I/O, so every combination can be unit-tested.

import type { NetnsRef } from '../../core/model';
import { shellLine, shellQuote } from '../../core/shell';

export interface TerminalTools {
  ip: string;
  sudo?: string;
  pkexec?: string;
  setpriv: string;
  env: string;
}

export interface TerminalRequest {
  netns: NetnsRef;
  /** `netns.terminal.user`: drop back to the user ("me") or stay root. */
  user: 'me' | 'root';
  /** `netns.terminal.shell`; empty means $SHELL, then /bin/bash. */
  shell: string;
  /** $SHELL of the VS Code process. */
  envShell?: string;
  uid: number;
  gid: number;
  /** `netns.privilege.method`. */
  method: 'auto' | 'sudo' | 'pkexec';
  tools: TerminalTools;
}

export interface NamespaceTerminalOptions {
  name: string;
  shellPath: string;
  shellArgs: string[];
  env: Record<string, string>;
  /** How privileges are obtained: none (already root, or the host's own shell), sudo or pkexec. */
  via: 'none' | 'sudo' | 'pkexec';
  /** The command line shown to the user (log, tooltip). */
  commandLine: string;
}

export class TerminalSetupError extends Error {
  constructor(
    readonly reason: 'no-pkexec' | 'no-escalation',
    message: string,
  ) {
    super(message);
  }
}

export function resolveShell(setting: string, envShell: string | undefined): string {
  return setting || envShell || '/bin/bash';
}

export function terminalOptions(req: TerminalRequest): NamespaceTerminalOptions {
  const shell = resolveShell(req.shell, req.envShell);
  if (req.netns === null) {
    return { name: 'netns: host', shellPath: shell, shellArgs: [], env: {}, via: 'none', commandLine: shellQuote(shell) };
  }
  const ns = req.netns;
  const name = `netns: ${ns}`;
  const env = { NETNS: ns };
  // `ip netns exec` reads the name as data (never an option) and remounts /sys for the namespace.
  const exec = [req.tools.ip, 'netns', 'exec', ns];
  const finish = (via: NamespaceTerminalOptions['via'], argv: string[]): NamespaceTerminalOptions => ({
    name,
    shellPath: argv[0],
    shellArgs: argv.slice(1),
    env,
    via,
    commandLine: shellLine(argv),
  });

  if (req.uid === 0) {
    // Already root: nobody to drop to, and the terminal's environment (NETNS) passes through.
    return finish('none', [...exec, shell, '-l']);
  }

  let escalate: string[];
  let via: 'sudo' | 'pkexec';
  if (req.method === 'pkexec' || (req.method === 'auto' && !req.tools.sudo && req.tools.pkexec)) {
    if (!req.tools.pkexec) {
      throw new TerminalSetupError('no-pkexec', 'pkexec is not installed.');
    }
    escalate = [req.tools.pkexec];
    via = 'pkexec';
  } else {
    if (!req.tools.sudo) {
      throw new TerminalSetupError('no-escalation', 'Neither sudo nor pkexec is installed, and entering a namespace needs root.');
    }
    escalate = [req.tools.sudo];
    via = 'sudo';
  }
  // sudo and pkexec reset the environment, so NETNS is set again on the inside with env(1).
  const tail = [req.tools.env, `NETNS=${ns}`, shell, '-l'];
  if (req.user === 'root') {
    return finish(via, [...escalate, ...exec, ...tail]);
  }
  const drop = [
    req.tools.setpriv,
    `--reuid=${req.uid}`,
    `--regid=${req.gid}`,
    '--init-groups',
    '--reset-env',
    '--',
  ];
  return finish(via, [...escalate, ...exec, ...drop, ...tail]);
}
