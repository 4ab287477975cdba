// What an administrator allows beyond the default policy, in a root-owned file. Read at every
// check (it is tiny), so a change applies to the running helper at once.

import * as fs from 'node:fs';
import { rootOnly } from '../../platform/rootOwned';

export const POLICY_CONFIG = '/etc/vscode-netns/policy.json';

export interface AdminConfig {
  /** Host interfaces backed by a device that users may change: exact names, or a prefix ending in "*". */
  allowPhysicalInterfaces: string[];
  /** Host interfaces users may capture on beyond veth, bridge and dummy ones: names or prefixes ending in "*". */
  allowCaptureInterfaces?: string[];
}

const NONE: AdminConfig = { allowPhysicalInterfaces: [], allowCaptureInterfaces: [] };

/** The file's settings; none when it is absent, unreadable, malformed or not root-only all the way up. */
export function readAdminConfig(log: (line: string) => void, file = POLICY_CONFIG): AdminConfig {
  if (!fs.existsSync(file)) {
    return NONE;
  }
  if (!rootOnly(file)) {
    log(`policy: ignoring ${file}: it or a folder above it can be changed by someone other than root`);
    return NONE;
  }
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as { allowPhysicalInterfaces?: unknown; allowCaptureInterfaces?: unknown };
    const list = value.allowPhysicalInterfaces ?? [];
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
      throw new Error('"allowPhysicalInterfaces" must be a list of interface names');
    }
    const capture = value.allowCaptureInterfaces ?? [];
    if (!Array.isArray(capture) || !capture.every((x) => typeof x === 'string')) {
      throw new Error('"allowCaptureInterfaces" must be a list of interface names');
    }
    return { allowPhysicalInterfaces: list, allowCaptureInterfaces: capture };
  } catch (e) {
    log(`policy: ignoring ${file}: ${(e as Error).message}`);
    return NONE;
  }
}

/** True when `name` matches one of the patterns: the name itself, or a prefix followed by "*". */
export function allowedByPattern(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name));
}
