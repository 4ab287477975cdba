// Where a capture's pcap file goes: `netns.capture.folder` (relative to the first workspace folder,
// or absolute), else the extension's own storage when no folder is open. The extension host writes
// it, as the user; the file is readable by the user only (packets can carry secrets).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NetnsRef } from '../../core/model';

/** The folder captures go into, for this setting and workspace. */
export function captureFolder(setting: string, workspace: string | undefined, storage: string): string {
  const s = setting.trim() || '.netns-captures';
  if (path.isAbsolute(s)) {
    return s;
  }
  return workspace ? path.join(workspace, s) : path.join(storage, 'captures');
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/** "ns1-veth-b-20261201-170938.pcap". */
export function captureFileName(netns: NetnsRef, name: string, at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
  return `${safe(netns ?? 'host')}-${safe(name)}-${stamp}.pcap`;
}

/**
 * Makes the folder (with a .gitignore that keeps captures out of version control, when the folder
 * is new) and opens a new file in it, never an existing one: "-2", "-3"... when the name is taken.
 */
export function openCaptureFile(folder: string, fileName: string): { file: string; fd: number } {
  if (!fs.existsSync(folder)) {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(folder, '.gitignore'), '# Packet captures (Network Namespaces extension)\n*\n');
  }
  const base = fileName.replace(/\.pcap$/, '');
  for (let i = 1; ; i++) {
    const file = path.join(folder, i === 1 ? fileName : `${base}-${i}.pcap`);
    try {
      return { file, fd: fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i > 1000) {
        throw e;
      }
    }
  }
}
