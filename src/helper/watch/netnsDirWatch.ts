// Watches /run/netns for names coming and going. The folder only exists once a first namespace
// was made since boot, so until then /run is watched for its creation.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { NETNS_RUN_DIR } from '../netnsDir';

/**
 * Calls onChange on every change to the folder's entries, with the entry's name when the kernel
 * says which (without one, anything may have changed: when the watch starts, or the folder comes
 * back); returns a function that stops.
 */
export function watchNetnsDirEntries(onChange: (name?: string) => void, dir = NETNS_RUN_DIR): () => void {
  let dirWatcher: fs.FSWatcher | undefined;
  let parentWatcher: fs.FSWatcher | undefined;
  let stopped = false;

  const closeAll = () => {
    dirWatcher?.close();
    parentWatcher?.close();
    dirWatcher = parentWatcher = undefined;
  };

  const watchParent = () => {
    try {
      parentWatcher = fs.watch(path.dirname(dir), (_type, file) => {
        if (file === path.basename(dir) && fs.existsSync(dir)) {
          attach(false);
        }
      });
      parentWatcher.on('error', () => undefined);
    } catch {
      // /run itself is missing: nothing can be made there either
    }
  };

  const attach = (retry = true) => {
    if (stopped) {
      return;
    }
    closeAll();
    try {
      dirWatcher = fs.watch(dir, (_type, file) => {
        onChange(typeof file === 'string' && file.length > 0 ? file : undefined);
        if (!fs.existsSync(dir)) {
          // The folder itself went away: wait for it to come back.
          closeAll();
          watchParent();
        }
      });
      dirWatcher.on('error', () => {
        closeAll();
        watchParent();
      });
      onChange();
    } catch {
      watchParent();
      // It may have been created between the failed watch and the parent's.
      if (retry && fs.existsSync(dir)) {
        attach(false);
      }
    }
  };

  attach();
  return () => {
    stopped = true;
    closeAll();
  };
}
