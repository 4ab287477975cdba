// The kernel as the lab planner sees it: the model's namespaces, and their /etc/netns files,
// which anyone may read (so they are read here, as the user, not through the helper).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { NETNS_FILES, type NetnsFile } from '../../core/labs/lab';
import type { KernelView } from '../../core/labs/labPlan';
import { MAX_NETNS_FILE_BYTES } from '../../core/schema';
import type { NamespaceStore } from '../model/namespaceStore';

export function readNetnsFiles(name: string): Partial<Record<NetnsFile, string>> {
  const out: Partial<Record<NetnsFile, string>> = {};
  for (const file of NETNS_FILES) {
    const p = path.join('/etc/netns', name, file);
    try {
      const st = fs.lstatSync(p);
      if (st.isFile() && st.size <= MAX_NETNS_FILE_BYTES) {
        out[file] = fs.readFileSync(p, 'utf8');
      }
    } catch {
      // not there
    }
  }
  return out;
}

export function kernelView(model: NamespaceStore): KernelView {
  return { namespace: (name) => model.get(name), files: readNetnsFiles };
}
