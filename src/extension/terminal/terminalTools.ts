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

/** Named namespaces read straight from /run/netns (readable by everyone; no helper needed). */
export function namespaceNamesOnDisk(): string[] {
  try {
    return fs.readdirSync('/run/netns').sort();
  } catch {
    return [];
  }
}
