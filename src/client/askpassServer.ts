// The extension's side of `sudo -A`: a private folder (0700) holding a unix socket and a tiny
// executable wrapper that runs the askpass program on the given Node runtime. sudo runs the
// wrapper once per try; the askpass program connects back here with the token the wrapper gives
// it and gets the password the AskpassProvider returned. A token answers one connection only:
// once it is taken the wrapper is rewritten with a fresh one, so sudo's next try has its own and a
// token read from a running askpass program's environment is worth nothing afterwards. Nothing of
// the password touches argv, a file or the log.

import { shellQuote } from '../core/shell';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ASKPASS_SOCKET_ENV, ASKPASS_TOKEN_ENV, type AskpassAnswer } from './askpass';
import type { Log } from './connection';

export interface AskpassProvider {
  /** Shows a password box; undefined means the user cancelled. */
  askPassword(prompt: string): Promise<string | undefined>;
}

export interface AskpassSession {
  /** Environment for sudo: SUDO_ASKPASS (the wrapper tells the askpass program where we are). */
  env: Record<string, string>;
  /** How often sudo asked, and whether the user cancelled. */
  readonly asked: number;
  readonly cancelled: boolean;
  close(): void;
}

const MAX_REQUEST = 64 * 1024;

/**
 * Where the private folder goes: the user's runtime folder when there is one (tmpfs, per user),
 * else the temp folder; a unix socket path must stay under 108 bytes.
 */
function privateBase(): string {
  for (const base of [process.env.XDG_RUNTIME_DIR, os.tmpdir(), '/tmp']) {
    try {
      if (base && base.length < 80 && fs.statSync(base).isDirectory()) {
        fs.accessSync(base, fs.constants.W_OK | fs.constants.X_OK);
        return base;
      }
    } catch {
      // next candidate
    }
  }
  return '/tmp';
}

export async function startAskpass(opts: {
  nodePath: string;
  askpassScript: string;
  provider: AskpassProvider;
  log: Log;
}): Promise<AskpassSession> {
  const dir = fs.mkdtempSync(path.join(privateBase(), 'netns-askpass-'));
  fs.chmodSync(dir, 0o700);
  const socketPath = path.join(dir, 's');
  const wrapper = path.join(dir, 'askpass');
  let tokenBuf = Buffer.alloc(0);
  /** A new token for the next askpass run: the wrapper is replaced whole, never seen half-written. */
  const rotate = () => {
    const token = crypto.randomBytes(32).toString('hex');
    tokenBuf = Buffer.from(token);
    const env = `${ASKPASS_SOCKET_ENV}=${shellQuote(socketPath, true)} ${ASKPASS_TOKEN_ENV}=${token} ELECTRON_RUN_AS_NODE=1`;
    fs.writeFileSync(`${wrapper}.new`, `#!/bin/sh\n${env} exec ${shellQuote(opts.nodePath, true)} ${shellQuote(opts.askpassScript, true)} "$@"\n`, { mode: 0o700 });
    fs.renameSync(`${wrapper}.new`, wrapper);
  };
  rotate();

  let asked = 0;
  let cancelled = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      if (buf.includes('\n')) {
        return;
      }
      buf += d;
      if (buf.length > MAX_REQUEST) {
        sock.destroy();
        return;
      }
      const nl = buf.indexOf('\n');
      if (nl === -1) {
        return;
      }
      let req: { token?: unknown; prompt?: unknown };
      try {
        req = JSON.parse(buf.slice(0, nl)) as typeof req;
      } catch {
        sock.destroy();
        return;
      }
      const given = Buffer.from(typeof req.token === 'string' ? req.token : '');
      if (given.length !== tokenBuf.length || !crypto.timingSafeEqual(given, tokenBuf)) {
        opts.log('warn', 'askpass: a connection with a wrong or used token was refused');
        sock.destroy();
        return;
      }
      // Taken: before anything is answered, so sudo's next try (which only starts after this
      // run exits) finds the wrapper with the next token. The old token is void even if the
      // wrapper cannot be rewritten (sudo's next try is then refused, as a cancel).
      try {
        rotate();
      } catch (e) {
        opts.log('error', `askpass: the next token could not be written: ${(e as Error).message}`);
      }
      asked++;
      const sudoPrompt = typeof req.prompt === 'string' ? req.prompt.trim() : '';
      const prompt = (asked > 1 ? 'Sorry, that password was not accepted. ' : '') + (sudoPrompt || 'Password:');
      const answerWith = (a: AskpassAnswer) => {
        if (!sock.destroyed) {
          sock.end(JSON.stringify(a) + '\n');
        }
      };
      opts.provider.askPassword(prompt).then(
        (password) => {
          if (password === undefined) {
            cancelled = true;
            answerWith({ cancel: true });
          } else {
            answerWith({ password });
          }
        },
        (e: unknown) => {
          opts.log('error', `askpass: the password prompt failed: ${(e as Error).message}`);
          cancelled = true;
          answerWith({ cancel: true });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o600);

  return {
    env: { SUDO_ASKPASS: wrapper },
    get asked() {
      return asked;
    },
    get cancelled() {
      return cancelled;
    },
    close() {
      server.close();
      for (const s of sockets) {
        s.destroy();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
