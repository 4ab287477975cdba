// code-server (a real VS Code 1.100 workbench with a Node extension host) for one test run: its own
// temp folder for settings, state and extensions, loopback only, a free port, and a stop that
// ends the whole process tree (pty host and terminal shells included), also when the run dies.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { killTree, killTreeNow, onExit } from './processTree';

/** The repository root (this file runs from out/test/support/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** User settings for a quiet, deterministic workbench. */
export const defaultSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'terminal.integrated.enablePersistentSessions': false, // else old terminals come back
  'terminal.integrated.gpuAcceleration': 'off', // terminal text then lands in the DOM
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  // The built-in git extensions activate on start-up ('*'), and the extension host runs the tests
  // only after such extensions have activated; the tests need no git.
  'git.enabled': false,
  'github.gitAuthentication': false,
};

export interface CodeServerOptions {
  /** Folder the server opens by default. */
  folder: string;
  /** Merged over defaultSettings. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server, and so for the extension host and its terminals. */
  env?: Record<string, string>;
  /** Folders linked into the extensions dir, i.e. installed extensions (publisher.name-version). */
  extensions?: string[];
  /** Receives the server's output lines (also kept in `logFile`). */
  log?: (line: string) => void;
  /**
   * Runs the server as this user instead of the caller (root only): its uid and gid, a clean
   * environment with its HOME, and the temp folder handed over to it.
   */
  user?: { name: string; uid: number; gid: number; home: string };
  /** The code-server executable (default: the cached install); e.g. a copy `user` can read. */
  bin?: string;
  /** The display language (`--locale`), e.g. `ko`. */
  locale?: string;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  pid: number;
  /** Temp folder holding config, user data, extensions and the server log. */
  dir: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  /** Workbench URL opening `folder`; `payload` entries become the workbench's launch arguments. */
  workbenchUrl(options?: { folder?: string; payload?: [string, string][] }): string;
  /** The last lines of the server log, for failure reports. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

/** Installs code-server into its cache folder when needed (instant once done); returns its bin. */
export function ensureCodeServer(): string {
  const script = path.join(repoRoot, 'scripts', 'codeserver.mjs');
  const install = spawnSync(process.execPath, [script, 'install'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (install.status !== 0) {
    throw new Error(`code-server install failed (exit code ${install.status})`);
  }
  const bin = spawnSync(process.execPath, [script, 'path'], { encoding: 'utf8' });
  if (bin.status !== 0) {
    throw new Error(`code-server path failed: ${bin.stderr}`);
  }
  return bin.stdout.trim();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const bin = options.bin ?? ensureCodeServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-codeserver-'));
  const userDataDir = path.join(dir, 'user-data');
  const extensionsDir = path.join(dir, 'extensions');
  const logFile = path.join(dir, 'server.log');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir);
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...defaultSettings, ...options.settings }, null, 2));
  const extensions = [...(options.extensions ?? []), ...(options.locale ? [languagePack(dir, userDataDir, options.locale)] : [])];
  for (const ext of extensions) {
    fs.symlinkSync(ext, path.join(extensionsDir, extensionFolderName(ext)));
  }

  const port = await freePort();
  // Without --config and the XDG folders, every call writes ~/.config and ~/.local/share.
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.user ? userEnv(options.user) : process.env)) {
    // Variables of an enclosing VS Code would point the server's CLI and terminals at it.
    if (v !== undefined && !k.startsWith('VSCODE_') && k !== 'ELECTRON_RUN_AS_NODE') {
      env[k] = v;
    }
  }
  if (options.user) {
    chownTree(dir, options.user.uid, options.user.gid);
  }
  Object.assign(env, {
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    HISTFILE: '/dev/null',
    // No extension gallery: nothing to fetch from the internet, no lookup errors in the log.
    EXTENSIONS_GALLERY: '{}',
    ...options.env,
  });
  const args = [
    bin,
    '--config', config,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    ...(options.locale ? ['--locale', options.locale] : []),
    options.folder,
  ];
  // detached: a session and process group of its own (setsid), so stop() can end all of it.
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    // libuv drops the supplementary groups too when it switches user.
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error('code-server did not start');
  }
  const logStream = fs.createWriteStream(logFile);
  const tail: string[] = [];
  let partial = '';
  const onData = (d: Buffer) => {
    logStream.write(d);
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 200) {
        tail.shift();
      }
      options.log?.(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = false;
  child.on('exit', () => (exited = true));

  let stopped = false;
  const removeTemp = () => {
    if (!process.env.NETNS_KEEP_TEST_DIRS) {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  };
  const removeHook = onExit(() => {
    killTreeNow(pid);
    removeTemp();
  });
  const stop = async () => {
    if (stopped) {
      return;
    }
    stopped = true;
    await killTree(pid);
    await new Promise<void>((r) => logStream.end(r));
    if (process.env.NETNS_KEEP_TEST_DIRS) {
      process.stderr.write(`kept ${dir}\n`);
    }
    removeTemp();
    removeHook();
  };

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, () => exited);
  } catch (e) {
    const log = tail.join('\n');
    await stop();
    throw new Error(`${(e as Error).message}\n--- code-server log ---\n${log}`, { cause: e });
  }
  return {
    url,
    port,
    pid,
    dir,
    userDataDir,
    extensionsDir,
    logFile,
    stop,
    logTail: (n = 40) => tail.slice(-n).join('\n'),
    workbenchUrl: ({ folder = options.folder, payload } = {}) => {
      let u = `${url}/?folder=${encodeURIComponent(folder)}`;
      if (payload) {
        u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      }
      return u;
    },
  };
}

/**
 * Makes `locale` a display language the server can switch to. code-server takes `--locale` only
 * for a language it has a language pack for: without one the workbench, and so
 * `vscode.env.language` in the extension host, stays English. This is such a pack, as small as
 * one can be: an extension contributing the localization, whose translations file translates
 * nothing, linked into the extensions dir, and its entry in languagepacks.json in the user-data
 * dir (what VS Code writes when a language pack is installed). The workbench keeps its English
 * strings, while the display language, and with it every extension's package.nls.<locale>.json
 * and l10n/bundle.l10n.<locale>.json, is `locale`. Returns the pack's folder.
 */
function languagePack(dir: string, userDataDir: string, locale: string): string {
  const pack = path.join(dir, `language-pack-${locale}`);
  const manifest = {
    name: `language-pack-${locale}`,
    publisher: 'netns-test',
    version: '1.0.0',
    engines: { vscode: '^1.100.0' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [{ languageId: locale, languageName: locale, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }],
    },
  };
  const translations = path.join(pack, 'translations', 'main.i18n.json');
  fs.mkdirSync(path.dirname(translations), { recursive: true });
  fs.writeFileSync(path.join(pack, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  const id = `${manifest.publisher}.${manifest.name}`;
  const hash = createHash('md5').update(id).update(manifest.version).digest('hex');
  const entry = { hash, extensions: [{ extensionIdentifier: { id }, version: manifest.version }], translations: { vscode: translations }, label: locale };
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify({ [locale]: entry }, null, 2));
  return pack;
}

/** What a login of `user` would have, not the caller's (root's) variables. */
function userEnv(user: NonNullable<CodeServerOptions['user']>): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: user.home,
    USER: user.name,
    LOGNAME: user.name,
    SHELL: '/bin/sh',
    LANG: process.env.LANG ?? 'C.UTF-8',
  };
}

function chownTree(p: string, uid: number, gid: number): void {
  fs.lchownSync(p, uid, gid);
  if (fs.lstatSync(p).isDirectory()) {
    for (const e of fs.readdirSync(p)) {
      chownTree(path.join(p, e), uid, gid);
    }
  }
}

/** A `vscode-remote://` URI for a path on this machine, as the workbench's payload expects. */
export function remoteUri(absPath: string): string {
  return `vscode-remote://remote${absPath}`;
}

/** The extensions-dir folder name VS Code expects for an extension folder: publisher.name-version. */
function extensionFolderName(extPath: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(extPath, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`;
}

async function waitHealthy(url: string, exited: () => boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (exited()) {
      throw new Error('code-server exited during start');
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}
