// What this machine and process offer for starting the helper: who we are, where the escalation
// tools live, whether polkit can be reached, and the environment each tool is started with.

import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The helper runs on the runtime VS Code ships: its own executable (Electron) behaves as plain
 * Node only with this variable set. Plain Node ignores it, so it is always passed.
 */
export const RUN_AS_NODE = 'ELECTRON_RUN_AS_NODE=1';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The system bus socket polkit is reached through, when it exists. */
export function systemBusSocket(env: NodeJS.ProcessEnv): string | undefined {
  const addr = env.DBUS_SYSTEM_BUS_ADDRESS;
  const fromAddr = addr?.match(/(?:^|;)unix:(?:[^;]*,)?path=([^,;]+)/)?.[1];
  for (const p of [fromAddr, '/run/dbus/system_bus_socket', '/var/run/dbus/system_bus_socket']) {
    if (p) {
      try {
        if (fs.statSync(p).isSocket()) {
          return p;
        }
      } catch {
        // try the next one
      }
    }
  }
  return undefined;
}

/**
 * The environment for sudo and pkexec: messages in English so they can be recognised, and no
 * SHELL that pkexec would refuse (it rejects a SHELL missing from /etc/shells).
 */
export function escalationEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, LC_ALL: 'C', LANG: 'C' };
  delete env.LANGUAGE;
  if (env.SHELL && !knownShell(env.SHELL)) {
    delete env.SHELL;
  }
  return env;
}

function knownShell(shell: string): boolean {
  try {
    return fs
      .readFileSync('/etc/shells', 'utf8')
      .split('\n')
      .some((l) => l.trim() === shell);
  } catch {
    return false;
  }
}

/** Where the askpass program is bundled: next to the helper in dist/. */
export function defaultAskpassScript(helperPath: string): string {
  return path.join(path.dirname(helperPath), 'askpass.js');
}
