// Starts the helper with root privileges and waits for its hello: directly when we are root,
// otherwise through sudo or pkexec. Every way it can fail becomes a LaunchError whose message says
// what happened and what to do.
//
// What runs as root:
// - the installed launcher (src/core/install.ts) when it is there and root-owned all the way up:
//   `sudo -n/-A -- LAUNCHER` or `pkexec LAUNCHER`, which polkit maps to the extension's own action,
//   and which the installed sudoers line / polkit rule name exactly;
// - otherwise the bundled helper as `/usr/bin/env ELECTRON_RUN_AS_NODE=1 NODE HELPER`, because
//   NODE is usually VS Code's own executable, which acts as Node only with that variable, and both
//   sudo and pkexec reset the environment. With pkexec this maps to polkit's generic action
//   org.freedesktop.policykit.exec (program /usr/bin/env), which asks for an administrator
//   password; a rule can allow exactly this command line (see polkitCommandLine). With sudo, a
//   NOPASSWD rule for exactly this command (see sudoersRule) makes the start silent.
// An installed helper of another protocol version (the extension was updated, the install was
// not) is passed over for the bundled one, so the install can be updated from there.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { INSTALL_LAUNCHER } from '../core/install';
import { msg } from '../core/messages';
import { PROTOCOL_VERSION, type HelloResult, type HelperEvent } from '../core/protocol';
import { startAskpass, type AskpassProvider, type AskpassSession } from './askpassServer';
import { Connection, type Closed, type Log } from './connection';
import { findProgram } from '../platform/programs';
import { rootOnly } from '../platform/rootOwned';
import { defaultAskpassScript, escalationEnv, isRoot, RUN_AS_NODE, systemBusSocket } from './runtime';
import { HelperError, HelperLostError, LaunchError, type PrivilegeMethod } from './types';

export interface LaunchOptions {
  helperPath: string;
  nodePath: string;
  method: PrivilegeMethod;
  askpass?: AskpassProvider;
  /** The askpass program (default: askpass.js next to the helper). */
  askpassScript?: string;
  log: Log;
  env?: NodeJS.ProcessEnv;
  onEvent(e: HelperEvent): void;
  /** The installed launcher to prefer when present and root-owned (default INSTALL_LAUNCHER); false: never. */
  installedLauncher?: string | false;
  /** How long to wait for hello when nobody is asked for a password (default 20 s). */
  quietTimeoutMs?: number;
  /** How long to wait for hello while the user may be typing a password (default 2 min). */
  interactiveTimeoutMs?: number;
  /** Start the helper as this process's own user, without sudo or pkexec: it reads what needs no root. */
  unprivileged?: boolean;
}

export type Via = 'root' | 'pkexec' | 'sudo' | 'unprivileged';

export interface Launched {
  connection: Connection;
  hello: HelloResult;
  via: Via;
  /** The installed launcher that was started, if it was that and not the bundled helper. */
  installed?: string;
}

type Kind = 'direct' | 'sudo-n' | 'sudo-A' | 'pkexec';

interface Attempt {
  kind: Kind;
  via: Via;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  interactive: boolean;
  askpass?: AskpassSession;
}

/** The argv that runs as root (after sudo's or pkexec's own options). */
export function helperArgv(nodePath: string, helperPath: string): string[] {
  return [findProgram('env') ?? '/usr/bin/env', RUN_AS_NODE, nodePath, helperPath];
}

/** A sudoers line allowing exactly the helper command, without a password. */
export function sudoersRule(user: string, nodePath: string, helperPath: string): string {
  // In a sudoers command these characters are special (separators and glob patterns).
  const esc = (s: string) => s.replace(/[\\,:=()!*?[\]\s]/g, (c) => '\\' + c);
  return `${esc(user)} ALL=(root) NOPASSWD: ${helperArgv(nodePath, helperPath).map(esc).join(' ')}`;
}

/** The command_line detail pkexec gives polkit for the helper command (argv joined by spaces). */
export function polkitCommandLine(nodePath: string, helperPath: string): string {
  return helperArgv(nodePath, helperPath).join(' ');
}

export async function launchHelper(opts: LaunchOptions): Promise<Launched> {
  const missing = checkFiles(opts);
  if (missing) {
    throw missing;
  }
  const base = opts.env ?? process.env;
  if (isRoot() || opts.unprivileged) {
    return run(opts, {
      kind: 'direct',
      via: isRoot() ? 'root' : 'unprivileged',
      command: opts.nodePath,
      args: [opts.helperPath],
      env: { ...base, ELECTRON_RUN_AS_NODE: '1' },
      interactive: false,
    });
  }
  const bundled = helperArgv(opts.nodePath, opts.helperPath);
  const installed = installedLauncher(opts);
  if (!installed) {
    return escalate(opts, bundled, base);
  }
  try {
    return { ...(await escalate(opts, [installed], base)), installed };
  } catch (e) {
    if (!(e instanceof LaunchError) || (e.failure !== 'protocol' && e.failure !== 'helper-missing')) {
      throw e;
    }
    opts.log('warn', `The installed helper (${installed}) is outdated or broken; starting the bundled one. ${e.message}`);
    return escalate(opts, bundled, base);
  }
}

function installedLauncher(opts: LaunchOptions): string | undefined {
  if (opts.installedLauncher === false) {
    return undefined;
  }
  const p = opts.installedLauncher ?? INSTALL_LAUNCHER;
  if (!fs.existsSync(p)) {
    return undefined;
  }
  if (!rootOnly(p)) {
    opts.log('warn', `Not using the installed helper ${p}: it or a folder above it can be changed by someone other than root.`);
    return undefined;
  }
  return p;
}

/** Starts `argv` as root through sudo or pkexec, as the method says. */
async function escalate(opts: LaunchOptions, argv: string[], base: NodeJS.ProcessEnv): Promise<Launched> {
  const sudo = findProgram('sudo');
  const pkexec = findProgram('pkexec');
  const env = escalationEnv(base);
  const sudoN = (): Attempt => ({ kind: 'sudo-n', via: 'sudo', command: sudo!, args: ['-n', '--', ...argv], env, interactive: false });
  const viaPkexec = (): Attempt => ({
    kind: 'pkexec',
    via: 'pkexec',
    command: pkexec!,
    // Never the built-in text agent: it would prompt on a terminal nobody looks at.
    args: ['--disable-internal-agent', ...argv],
    env,
    interactive: true,
  });

  if (opts.method === 'sudo' || opts.method === 'auto') {
    if (!sudo) {
      if (opts.method === 'sudo') {
        throw new LaunchError('no-escalation', msg('sudo is not installed, so the helper cannot get root privileges. Install sudo, or switch the privilege method to pkexec.'));
      }
    } else {
      // A NOPASSWD rule makes this silent; otherwise it fails at once without asking anyone.
      try {
        return await run(opts, sudoN());
      } catch (e) {
        if (!(e instanceof LaunchError) || e.failure !== 'password-required') {
          throw e;
        }
        if (opts.method === 'sudo') {
          return sudoWithPassword(opts, sudo, argv, env, e);
        }
      }
    }
  }

  // auto (no silent sudo) or pkexec
  if (!pkexec) {
    if (opts.method === 'pkexec') {
      throw new LaunchError('no-escalation', msg('pkexec is not installed, so the helper cannot get root privileges. Install pkexec and polkitd, or switch the privilege method to sudo.'));
    }
    if (!sudo) {
      throw new LaunchError('no-escalation', msg('Neither pkexec nor sudo is installed, so the helper cannot get root privileges. Install one of them, or run VS Code as root.'));
    }
    return sudoWithPassword(opts, sudo, argv, env);
  }
  if (opts.method === 'auto' && !systemBusSocket(base)) {
    opts.log('info', 'pkexec skipped: no system D-Bus socket, polkit is not reachable');
    if (sudo) {
      return sudoWithPassword(opts, sudo, argv, env, new LaunchError('no-polkit', msg('polkit cannot be reached (no system D-Bus).')));
    }
  }
  try {
    return await run(opts, viaPkexec());
  } catch (e) {
    // Without an agent (e.g. over SSH) sudo can still ask through the extension's password box.
    if (opts.method === 'auto' && sudo && e instanceof LaunchError && (e.failure === 'no-polkit-agent' || e.failure === 'no-polkit')) {
      opts.log('info', `pkexec: ${e.message} Trying sudo.`);
      return sudoWithPassword(opts, sudo, argv, env, e);
    }
    throw e;
  }
}

/**
 * sudo -A with the VS Code password box. Without one (askPassword off), the error names the real
 * cause: what was tried before (`earlier`: pkexec without an agent, polkit not reachable) and that
 * sudo cannot ask; and a next step that is not the one that just failed.
 */
async function sudoWithPassword(opts: LaunchOptions, sudo: string, argv: string[], env: NodeJS.ProcessEnv, earlier?: LaunchError): Promise<Launched> {
  if (!opts.askpass) {
    if (earlier?.failure === 'no-polkit-agent') {
      throw new LaunchError(
        'no-polkit-agent',
        msg(
          'pkexec found no authentication agent to ask for your password (usual over SSH or without a desktop session), and sudo needs a password that may not be asked for here. ' +
            'Turn on "netns.privilege.askPassword" so sudo asks in VS Code, or ask an administrator for a sudoers line or polkit rule that allows the helper without a password.',
        ),
        earlier.detail,
      );
    }
    if (earlier?.failure === 'no-polkit') {
      throw new LaunchError(
        'no-polkit',
        msg(
          'polkit cannot be reached here (no system D-Bus), so pkexec cannot be used, and sudo needs a password that may not be asked for here. ' +
            'Turn on "netns.privilege.askPassword" so sudo asks in VS Code, or ask an administrator for a sudoers line that allows the helper without a password.',
        ),
        earlier.detail,
      );
    }
    throw new LaunchError(
      'password-required',
      msg(
        'sudo needs a password to start the helper, and no password prompt is available here. ' +
          'Turn on "netns.privilege.askPassword" so sudo asks in VS Code, or ask an administrator for a sudoers line that allows the helper without a password.',
      ),
      earlier?.detail,
    );
  }
  const askpass = await startAskpass({
    nodePath: opts.nodePath,
    askpassScript: opts.askpassScript ?? defaultAskpassScript(opts.helperPath),
    provider: opts.askpass,
    log: opts.log,
  });
  try {
    return await run(opts, {
      kind: 'sudo-A',
      via: 'sudo',
      command: sudo,
      args: ['-A', '--', ...argv],
      env: { ...env, ...askpass.env },
      interactive: true,
      askpass,
    });
  } finally {
    askpass.close();
  }
}

function checkFiles(opts: LaunchOptions): LaunchError | undefined {
  const isFile = (p: string) => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (!isFile(opts.helperPath)) {
    return new LaunchError('helper-missing', msg('The helper program is missing ({0}). Reinstall the extension.', opts.helperPath));
  }
  if (!isFile(opts.nodePath)) {
    return new LaunchError('helper-missing', msg('The runtime to start the helper with is missing ({0}).', opts.nodePath));
  }
  return undefined;
}

/** Spawns one attempt and waits for hello, its exit, or the timeout. */
async function run(opts: LaunchOptions, a: Attempt): Promise<Launched> {
  const started = Date.now();
  opts.log('info', `starting helper (${a.kind}): ${a.command} ${a.args.join(' ')}`);
  const child = spawn(a.command, a.args, {
    env: a.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Own session: no controlling terminal for sudo or pkexec to prompt on.
    detached: a.via !== 'root',
  });
  const conn = new Connection(child, opts.log, opts.onEvent);
  const timeoutMs = a.interactive ? (opts.interactiveTimeoutMs ?? 120_000) : (opts.quietTimeoutMs ?? 20_000);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutSignal()), timeoutMs);
  });
  try {
    const hello = (await Promise.race([conn.request('hello', {}), timeout])) as HelloResult;
    const problem = checkHello(hello, a);
    if (problem) {
      throw new LaunchError('protocol', problem, JSON.stringify(hello));
    }
    opts.log('info', `helper ready via ${a.kind} in ${Date.now() - started} ms (pid ${hello.pid}, uid ${hello.uid})`);
    return { connection: conn, hello, via: a.via };
  } catch (e) {
    const err = await explain(e, a, conn, timeoutMs);
    conn.end();
    conn.kill();
    // The tool's words are in the log already (the helper's stderr, line by line); the message for
    // the user is logged once, by the client.
    opts.log('info', `helper start (${a.kind}) failed: ${err.failure}`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

class TimeoutSignal extends Error {}

function checkHello(h: HelloResult, a: Attempt): string | undefined {
  if (typeof h !== 'object' || h === null || h.name !== 'vscode-netns-helper') {
    return msg("The program started as the helper is not this extension's helper. Reinstall the extension.");
  }
  if (h.protocol !== PROTOCOL_VERSION) {
    return msg('The helper speaks protocol version {0}, this extension needs {1}. Reinstall the extension (or reload the window after an update).', String(h.protocol), PROTOCOL_VERSION);
  }
  if (a.via !== 'root' && a.via !== 'unprivileged' && h.uid !== 0) {
    return msg('The helper runs as uid {0}, not as root, so it cannot manage namespaces.', h.uid);
  }
  return undefined;
}

async function explain(e: unknown, a: Attempt, conn: Connection, timeoutMs: number): Promise<LaunchError> {
  if (e instanceof LaunchError) {
    return e;
  }
  if (e instanceof TimeoutSignal) {
    const garbage = conn.firstGarbage;
    if (garbage) {
      return new LaunchError('protocol', msg('The helper answered something unexpected and never said hello. Reinstall the extension.'), garbage);
    }
    return new LaunchError(
      'exited',
      a.interactive
        ? msg('The helper did not answer within {0} seconds (authentication may not have finished). Try again; the log has details.', Math.round(timeoutMs / 1000))
        : msg('The helper did not answer within {0} seconds. Try again; the log has details.', Math.round(timeoutMs / 1000)),
      conn.stderrTail || undefined,
    );
  }
  if (e instanceof HelperError) {
    return new LaunchError('protocol', msg('The helper refused to start: {0}', e.message), e.detail);
  }
  if (e instanceof HelperLostError) {
    const closed = await new Promise<Closed>((resolve) => conn.onClose(resolve));
    return classifyExit(a, closed, conn.firstGarbage, conn.spawnError);
  }
  return new LaunchError('exited', msg('The helper could not be started: {0}', (e as Error).message));
}

/** Tells apart why the process ended before hello, from the tool's (English) words and exit code. */
export function classifyExit(a: { kind: Kind; askpass?: AskpassSession }, c: Closed, garbage?: string, spawnError?: Error): LaunchError {
  const s = c.stderrTail;
  const detail = [spawnError?.message, s.trim(), garbage && `stdout: ${garbage}`].filter(Boolean).join('\n') || undefined;
  const has = (re: RegExp) => re.test(s);
  if (spawnError) {
    return new LaunchError('exited', msg('The helper could not be started: {0}', spawnError.message), detail);
  }
  if (a.kind === 'sudo-n' || a.kind === 'sudo-A') {
    if (has(/no password was provided/) || a.askpass?.cancelled) {
      return new LaunchError('cancelled', msg('The password prompt was cancelled, so the helper was not started. Run the command again to retry.'), detail);
    }
    if (has(/incorrect password attempt/)) {
      return new LaunchError('wrong-password', msg('sudo did not accept the password. Start the helper again to type it once more.'), detail);
    }
    if (has(/is not in the sudoers file/)) {
      return new LaunchError('not-authorized', msg('Your account may not use sudo (it is not in the sudoers file). Ask an administrator to allow the helper command.'), detail);
    }
    if (has(/is not allowed to (execute|run)|not allowed to run sudo/)) {
      return new LaunchError('not-authorized', msg('sudo does not allow your account to run the helper. Ask an administrator for a sudoers rule that allows the helper command.'), detail);
    }
    if (has(/a password is required|a terminal is required|no askpass program/)) {
      return new LaunchError('password-required', msg('sudo needs a password to start the helper (or does not allow your account to).'), detail);
    }
  }
  if (a.kind === 'pkexec') {
    if (has(/Error getting authority/)) {
      return new LaunchError('no-polkit', msg('polkit cannot be reached (no system D-Bus or polkit daemon), so pkexec cannot authorize the helper. Set "netns.privilege.method" to "sudo" (with "netns.privilege.askPassword" on, sudo asks in VS Code), or start the system D-Bus.'), detail);
    }
    if (has(/textual authentication agent|No authentication agent found/)) {
      return new LaunchError('no-polkit-agent', msg('pkexec found no authentication agent to ask for your password (usual over SSH or without a desktop session). Set "netns.privilege.method" to "sudo" (with "netns.privilege.askPassword" on, sudo asks in VS Code), or run a polkit agent.'), detail);
    }
    if (has(/Request dismissed/) || c.code === 126) {
      return new LaunchError('cancelled', msg('The authentication was cancelled, so the helper was not started. Run the command again to retry.'), detail);
    }
    if (has(/Not authorized/)) {
      return new LaunchError('not-authorized', msg('polkit did not authorize starting the helper as root. Ask an administrator for access, or use sudo.'), detail);
    }
    if (has(/dead parents/)) {
      return new LaunchError('exited', msg('pkexec refused to start the helper because its parent process had ended.'), detail);
    }
  }
  if (has(/Cannot find module|No such file or directory|exec: .*: not found/)) {
    return new LaunchError('helper-missing', msg('The helper program could not be loaded. Reinstall the extension.'), detail);
  }
  if (garbage) {
    return new LaunchError('protocol', msg('The program started as the helper is not this extension\'s helper. Reinstall the extension.'), detail);
  }
  return new LaunchError(
    'exited',
    c.signal
      ? msg('The helper was stopped by {0} before it was ready. The log has details.', c.signal)
      : msg('The helper exited with code {0} before it was ready. The log has details.', String(c.code)),
    detail,
  );
}
