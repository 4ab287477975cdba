// /etc/netns/NAME/FILE: the files `ip netns exec NAME` binds over /etc/FILE inside the namespace
// (resolv.conf, hosts, nsswitch.conf). Written for a lab, removed again when it is destroyed.
// /etc and what is under it belong to root; still, nothing here follows a symbolic link or writes
// through a folder that is not root's own: a file is written beside its place and renamed over it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { part } from '../../core/messages';
import { ProtocolError, type Request, type Result } from '../../core/protocol';
import { MAX_NETNS_FILE_BYTES } from '../../core/schema';
import type { HelperContext } from '../context';
import { crypto } from '../lazyModules';

export const NETNS_ETC = '/etc/netns';

/** A folder of root's that only root may write to, made when missing. Refuses anything else. */
function rootFolder(dir: string, make: boolean): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !make) {
      return false;
    }
    fs.mkdirSync(dir, { mode: 0o755 });
    st = fs.lstatSync(dir);
  }
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new ProtocolError('EACCES', part('{0} is not a folder that only root can change; nothing was written. Check it (ls -ld {0}).', dir));
  }
  return true;
}

/** The file's text, or null when there is none. Never through a symbolic link. */
function readRegular(file: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      return null;
    }
    if (code === 'ELOOP') {
      throw new ProtocolError('EACCES', part('{0} is a symbolic link; nothing was changed. Remove it and try again.', file));
    }
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      throw new ProtocolError('EACCES', part('{0} is not a plain file; nothing was changed.', file));
    }
    if (st.size > MAX_NETNS_FILE_BYTES) {
      throw new ProtocolError('EINVAL', part('{0} is larger than {1} KiB and would not be restored; nothing was changed. Shorten or remove it first.', file, MAX_NETNS_FILE_BYTES / 1024));
    }
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

export function setNetnsFile(_ctx: HelperContext, p: Request<'setNetnsFile'>): Result<'setNetnsFile'> {
  const dir = path.join(NETNS_ETC, p.netns);
  const file = path.join(dir, p.file);
  const make = p.content !== null;
  if (!rootFolder(NETNS_ETC, make) || !rootFolder(dir, make)) {
    return { previous: null };
  }
  const previous = readRegular(file);
  if (p.content === null) {
    if (previous !== null) {
      fs.unlinkSync(file);
    }
    // The namespace's folder goes with its last file.
    try {
      fs.rmdirSync(dir);
    } catch {
      // not empty: other files stay
    }
    return { previous };
  }
  const temp = path.join(dir, `.${p.file}.${crypto().randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
  try {
    fs.fchmodSync(fd, 0o644);
    fs.writeFileSync(fd, p.content, 'utf8');
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(temp, file);
  return { previous };
}
