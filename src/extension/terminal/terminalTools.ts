// Finds the programs a namespace terminal needs, by absolute path (sudo's secure_path and pkexec's
// reset PATH must not decide which `ip` runs).

import * as fs from 'node:fs';
import { findProgram } from '../../platform/programs';
import type { TerminalTools } from './terminalOptions';

export function terminalTools(): TerminalTools {
  return {
    ip: findProgram('ip') ?? '/usr/sbin/ip',
    sudo: findProgram('sudo'),
    pkexec: findProgram('pkexec'),
    setpriv: findProgram('setpriv') ?? '/usr/bin/setpriv',
    env: findProgram('env') ?? '/usr/bin/env',
  };
}

/**
 * Named namespaces read straight from /run/netns (readable by everyone; no helper needed): the
 * names a namespace is mounted on (nsfs), not plain files that happen to be there.
 */
export function namespaceNamesOnDisk(): string[] {
  let names: string[];
  let nsfs: number;
  try {
    names = fs.readdirSync('/run/netns').sort();
    nsfs = fs.statSync('/proc/self/ns/net').dev;
  } catch {
    return [];
  }
  return names.filter((n) => {
    try {
      return fs.statSync(`/run/netns/${n}`).dev === nsfs;
    } catch {
      return false;
    }
  });
}
