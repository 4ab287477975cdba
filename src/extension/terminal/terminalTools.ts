// Finds the programs a namespace terminal needs, by absolute path (sudo's secure_path and pkexec's
// reset PATH must not decide which `ip` runs).

import * as fs from 'node:fs';
import type { TerminalTools } from './terminalOptions';

function find(name: string): string | undefined {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin']) {
    const p = `${dir}/${name}`;
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // try the next folder
    }
  }
  return undefined;
}

export function terminalTools(): TerminalTools {
  return {
    ip: find('ip') ?? '/usr/sbin/ip',
    sudo: find('sudo'),
    pkexec: find('pkexec'),
    setpriv: find('setpriv') ?? '/usr/bin/setpriv',
    env: find('env') ?? '/usr/bin/env',
  };
}

/** Named namespaces read straight from /run/netns (readable by everyone; no helper needed). */
export function namespaceNamesOnDisk(): string[] {
  try {
    return fs.readdirSync('/run/netns').sort();
  } catch {
    return [];
  }
}
