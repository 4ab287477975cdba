#!/usr/bin/env node
// code-server 4.100.3: VS Code 1.100.3 served to a browser, with a real Node extension host. It is
// what the "vscode" and "e2e" test suites run in, and what `serve` starts to try the extension.
//   node scripts/codeserver.mjs install                    install once into a cache folder
//   node scripts/codeserver.mjs path                       print the code-server executable
//   node scripts/codeserver.mjs serve [--port N] [folder]  run it with this extension loaded
// The cache folder (NETNS_CODESERVER_DIR, default ~/.cache/vscode-netns/code-server-4.100.3) holds
// its own package.json, so code-server never enters the extension's dependencies.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const VERSION = '4.100.3';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

// @vscode/ripgrep (a dependency of code-server's bundled VS Code) downloads rg from GitHub in its
// postinstall unless it finds this tarball in its cache under os.tmpdir(); we build it from
// Debian's rg. The names follow @vscode/ripgrep 1.15.11, the version code-server 4.100.3 pins.
const RIPGREP_CACHE = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARGET = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
const RIPGREP_TARBALL = `ripgrep-v13.0.0-10-${RIPGREP_TARGET}.tar.gz`;

// Install scripts the install needs, named so that an npm which blocks unreviewed install
// scripts still runs them. This folder's package.json allows the two in its own tree; code-server's
// postinstall then runs a second `npm install` inside its bundled VS Code (lib/vscode), which reads
// its allowScripts from that folder, so the second list goes into an .npmrc there. (The two Windows
// packages build nothing on Linux but are part of that install as upstream runs it.)
const ALLOW_SCRIPTS = ['code-server', 'argon2'];
const ALLOW_SCRIPTS_VSCODE = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  '@vscode/windows-process-tree',
  '@vscode/windows-registry',
  'kerberos',
  'native-watchdog',
  'node-pty',
];

const APT = { rg: ['ripgrep', '/usr/bin/rg'], krb5: ['libkrb5-dev', '/usr/include/krb5.h'], chromium: ['chromium', '/usr/bin/chromium'] };

export function codeServerDir() {
  if (process.env.NETNS_CODESERVER_DIR) {
    return path.resolve(process.env.NETNS_CODESERVER_DIR);
  }
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'vscode-netns', `code-server-${VERSION}`);
}

const dir = codeServerDir();
const marker = path.join(dir, '.installed');
/** The JavaScript entry point (run it with node); the .bin link is the same file. */
export const entryPath = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const binPath = path.join(dir, 'node_modules', '.bin', 'code-server');

function missingPackages(keys) {
  return keys.filter((k) => !fs.existsSync(APT[k][1])).map((k) => APT[k][0]);
}

function requirePackages(keys, why) {
  const missing = missingPackages(keys);
  if (missing.length) {
    console.error(`${why} needs the Debian packages: ${missing.join(' ')}`);
    console.error('Install them with: apt-get update && apt-get install -y libkrb5-dev ripgrep chromium');
    process.exit(2);
  }
}

export function installed() {
  return fs.existsSync(marker) && fs.existsSync(entryPath);
}

/** One install at a time: a lock folder holding the owner's pid; a dead owner's lock is taken over. */
async function withLock(fn) {
  const lock = path.join(dir, '.lock');
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') {
        throw e;
      }
      const owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8').trim() || 0);
      if (owner && !alive(owner)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

export async function install() {
  if (installed()) {
    console.log(`code-server ${VERSION} is installed in ${dir}`);
    return;
  }
  requirePackages(['krb5', 'rg'], `Installing code-server ${VERSION}`);
  if (missingPackages(['chromium']).length) {
    console.warn('note: the vscode and e2e test suites also need the Debian package chromium (apt-get install -y chromium)');
  }
  if (!RIPGREP_TARGET) {
    console.error(`Installing code-server here needs an x64 or arm64 machine (this is ${process.arch})`);
    process.exit(2);
  }
  fs.mkdirSync(dir, { recursive: true });
  await withLock(async () => {
    if (installed()) {
      return;
    }
    const started = Date.now();
    // npm's own output (hundreds of lines: prebuilt downloads it cannot reach, native builds) goes
    // to a log file; the terminal gets one line now and one at the end.
    const logFile = path.join(dir, 'install.log');
    fs.writeFileSync(logFile, '');
    console.log(`Installing code-server ${VERSION} into ${dir} (a minute or two, about 280 MB once; log: ${logFile})`);
    const tmp = path.join(dir, 'tmp');
    fs.mkdirSync(path.join(tmp, RIPGREP_CACHE), { recursive: true });
    const tarball = path.join(tmp, RIPGREP_CACHE, RIPGREP_TARBALL);
    if (!fs.existsSync(tarball)) {
      const tar = spawnSync('tar', ['czf', tarball, '-C', path.dirname(APT.rg[1]), 'rg'], { stdio: 'inherit' });
      if (tar.status !== 0) {
        fail('could not build the ripgrep tarball from /usr/bin/rg');
      }
    }
    const pkg = {
      name: 'vscode-netns-code-server',
      private: true,
      description: 'code-server for the vscode-netns test suites; not part of the extension',
      dependencies: { 'code-server': VERSION },
      allowScripts: Object.fromEntries(ALLOW_SCRIPTS.map((p) => [p, true])),
    };
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
    const env = {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true', // as root, code-server's postinstall refuses to run without it
      npm_config_yes: 'true', // node-pty's build runs `npx node-gyp`
      npm_config_nodedir: '/usr', // the distro's Node headers instead of a download
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    };
    // Fetch without scripts, give the nested install its allow list, then run the scripts.
    let code = await npm(['install', '--ignore-scripts'], env, logFile);
    if (code === 0) {
      const vscodeDir = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
      const rc = path.join(vscodeDir, '.npmrc');
      const line = `allow-scripts=${ALLOW_SCRIPTS_VSCODE.join(',')}\n`;
      if (!fs.existsSync(rc) || !fs.readFileSync(rc, 'utf8').includes(line)) {
        fs.appendFileSync(rc, line);
      }
      code = await npm(['rebuild', '--foreground-scripts'], env, logFile);
    }
    if (code !== 0 || !fs.existsSync(entryPath)) {
      fail(`npm install of code-server ${VERSION} failed (exit code ${code}); npm's output is in ${logFile}`);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    fs.writeFileSync(marker, JSON.stringify({ version: VERSION, installedAt: new Date().toISOString(), seconds: Number(seconds) }) + '\n');
    console.log(`code-server ${VERSION} installed in ${seconds} s`);
  });
}

/** Runs npm in the install folder with its output appended to logFile. */
function npm(args, env, logFile) {
  return new Promise((resolve) => {
    fs.appendFileSync(logFile, `$ npm ${args.join(' ')}\n`);
    const out = fs.openSync(logFile, 'a');
    const child = spawn('npm', args, { cwd: dir, env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    child.on('error', (e) => {
      fs.appendFileSync(logFile, `${e.message}\n`);
      resolve(127);
    });
    child.on('close', (c) => resolve(c ?? 1));
  });
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Runs code-server in the foreground with this extension installed: its folder (NETNS_EXTENSION_PATH,
 * default this repository; `npm run build` makes dist/) is linked into the extensions dir, so the
 * plain workbench URL shows it like an installed extension and a window reload picks up a rebuild.
 * Settings, state and extensions live in a folder of their own that survives restarts and never
 * mixes with a personal code-server setup.
 */
async function serve(args) {
  let port = 0;
  let folder = process.cwd();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--port' || a.startsWith('--port=')) {
      port = Number(a === '--port' ? args[++i] : a.slice(7));
      if (!Number.isInteger(port) || port <= 0 || port > 65535) {
        fail('--port needs a port number');
      }
    } else if (a.startsWith('-')) {
      fail(`unknown option ${a}; usage: serve [--port N] [folder]`);
    } else {
      folder = path.resolve(a);
    }
  }
  const ext = path.resolve(process.env.NETNS_EXTENSION_PATH || root);
  const manifest = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8'));
  if (!fs.existsSync(path.join(ext, manifest.main))) {
    fail(`${path.join(ext, manifest.main)} is missing: run \`npm run build\` first`);
  }
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    fail(`${folder} is not a folder`);
  }
  await install();
  port ||= await freePort();

  const state = path.join(dir, 'serve');
  const user = path.join(state, 'user-data');
  const extensions = path.join(state, 'extensions');
  fs.mkdirSync(path.join(user, 'User'), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  const settings = path.join(user, 'User', 'settings.json');
  if (!fs.existsSync(settings)) {
    const defaults = { 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoUpdate': false };
    fs.writeFileSync(settings, JSON.stringify(defaults, null, 2) + '\n');
  }
  // A fresh link to the current version; without extensions.json VS Code rescans the folder (and
  // so still finds any other extension installed there).
  const id = `${manifest.publisher}.${manifest.name}`;
  for (const e of fs.readdirSync(extensions)) {
    if (e.toLowerCase().startsWith(`${id.toLowerCase()}-`)) {
      fs.rmSync(path.join(extensions, e), { recursive: true, force: true });
    }
  }
  fs.rmSync(path.join(extensions, 'extensions.json'), { force: true });
  fs.symlinkSync(ext, path.join(extensions, `${id}-${manifest.version}`));

  const config = path.join(state, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(state, 'xdg-config'), XDG_DATA_HOME: path.join(state, 'xdg-data') };
  const argv = [
    entryPath,
    '--config', config,
    '--user-data-dir', user,
    '--extensions-dir', extensions,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    folder,
  ];
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  // A process group of its own, ended as a whole: plain SIGTERM to code-server leaves the pty host
  // and terminal shells running for a while.
  const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      stop();
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
        process.exit(130);
      }, 3000).unref();
    });
  }
  process.on('exit', stop);
  child.on('close', (c) => process.exit(c ?? 0));
  if (await waitHealthy(port, child)) {
    console.log(`\nVS Code 1.100.3 (code-server ${VERSION}) with ${id} ${manifest.version} from ${ext}:\n\n  ${url}\n`);
    console.log('Open it in a browser on this machine (or forward the port: ssh -L PORT:127.0.0.1:PORT host).');
    console.log('After `npm run build`, run "Developer: Reload Window" to load the new build. Ctrl+C stops it.\n');
  }
}

async function waitHealthy(port, child) {
  const until = Date.now() + 60_000;
  while (Date.now() < until && child.exitCode === null) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) {
        return true;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  console.error('code-server did not become ready within 60 s');
  return false;
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === 'install') {
    await install();
  } else if (cmd === 'path') {
    if (!installed()) {
      fail(`code-server ${VERSION} is not installed in ${dir}: run \`node scripts/codeserver.mjs install\``);
    }
    console.log(binPath);
  } else if (cmd === 'serve') {
    await serve(rest);
  } else {
    console.error('usage: node scripts/codeserver.mjs install | path | serve [--port N] [folder]');
    process.exit(2);
  }
}
