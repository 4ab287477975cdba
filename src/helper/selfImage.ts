// What the helper runs, as it was when it started: its own bundle and the koffi files Node loaded
// (the loader and the one native library for this platform), each read once through a descriptor
// opened with O_NOFOLLOW and remembered by its SHA-256. installHelper copies exactly these, and
// only while they still hash the same: the extension's folder belongs to the user, and anything
// running as the user may change it after the one authentication; what gets installed as root
// must be what root was asked to run, not what the folder holds now.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { crypto } from './lazyModules';

export interface ImageFile {
  /** Where the helper loaded it from. */
  source: string;
  /** Where it goes in the install, relative to the install folder. */
  target: string;
  sha256: string;
  executable: boolean;
}

export interface SelfImage {
  files: ImageFile[];
  /** Why koffi is not part of it (not loaded, or not readable safely). */
  koffiMissing?: string;
  /** Why the image could not be taken at all. */
  error?: string;
}

let taken: SelfImage | undefined;
/** The files' bytes as read at the start, until they are hashed (after the first answers, or when asked). */
let unhashed: { files: (Omit<ImageFile, 'sha256'> & { bytes: Buffer })[]; image: SelfImage } | undefined;
/** How long after the start the bytes are hashed and let go, if nothing asked before. */
const HASH_AFTER_MS = 2000;

/** Reads a regular file through one O_NOFOLLOW descriptor: a symlink in its place is refused. */
export function readNoFollow(file: string): { bytes: Buffer; mode: number } {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      throw Object.assign(new Error(`${file} is not a regular file`), { code: 'EINVAL' });
    }
    return { bytes: fs.readFileSync(fd), mode: st.mode };
  } finally {
    fs.closeSync(fd);
  }
}

/** Nothing at the start hashes: the first answer need not wait for crypto. */
export const sha256 = (bytes: Buffer): string => crypto().createHash('sha256').update(bytes).digest('hex');

function imageFile(source: string, target: string): Omit<ImageFile, 'sha256'> & { bytes: Buffer } {
  const { bytes, mode } = readNoFollow(source);
  return { source, target, bytes, executable: (mode & 0o111) !== 0 };
}

/**
 * koffi's files among the modules Node loaded (they are keyed by real path), with the
 * package.json of each package, which Node reads to resolve it.
 */
function koffiFiles(): { source: string; target: string }[] {
  const loaded = Object.keys(require.cache);
  const native = loaded.find((f) => /\/node_modules\/(koffi|@koromix\/koffi-[^/]+)\/.*\.node$/.test(f));
  if (!native) {
    return [];
  }
  const modules = native.slice(0, native.lastIndexOf('/node_modules/') + '/node_modules'.length);
  const packages = new Set<string>();
  const out: { source: string; target: string }[] = [];
  for (const file of loaded) {
    const rel = path.relative(modules, file);
    const pkg = /^(koffi|@koromix\/koffi-[^/]+)\//.exec(rel)?.[1];
    if (pkg && !rel.includes('/node_modules/')) {
      packages.add(pkg);
      out.push({ source: file, target: path.join('node_modules', rel) });
    }
  }
  for (const pkg of packages) {
    out.push({ source: path.join(modules, pkg, 'package.json'), target: path.join('node_modules', pkg, 'package.json') });
  }
  return out;
}

/**
 * Takes the image once, right after the helper loaded what it runs (main.ts): the files are read
 * now; their hashes are worked out a little later (or when first asked for).
 */
export function takeSelfImage(bundle: string): void {
  const image: SelfImage = { files: [] };
  const files: (Omit<ImageFile, 'sha256'> & { bytes: Buffer })[] = [];
  try {
    files.push(imageFile(bundle, 'helper.js'));
  } catch (e) {
    taken = { files: [], error: (e as Error).message };
    return;
  }
  try {
    const koffi = koffiFiles().map((f) => imageFile(f.source, f.target));
    if (koffi.length === 0) {
      image.koffiMissing = 'koffi was not loaded (the helper uses the ip reader)';
    }
    files.push(...koffi);
  } catch (e) {
    image.koffiMissing = (e as Error).message;
  }
  unhashed = { files, image };
  setTimeout(hashImage, HASH_AFTER_MS).unref();
}

function hashImage(): void {
  if (unhashed) {
    const { files, image } = unhashed;
    unhashed = undefined;
    image.files = files.map(({ bytes, ...f }) => ({ ...f, sha256: sha256(bytes) }));
    taken = image;
  }
}

export function selfImage(): SelfImage | undefined {
  hashImage();
  return taken;
}
