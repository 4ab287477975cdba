// The extension's side of `sudo -A`: a private folder (0700) holding a unix socket and a tiny
// executable wrapper that runs the askpass program on the given Node runtime. sudo runs the
// wrapper; the askpass program connects back here with a one-time token and gets the password
// the AskpassProvider returned. Nothing of the password touches argv, a file or the log.

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
  /** Environment for sudo: SUDO_ASKPASS and where the askpass program finds us. */
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
  const token = crypto.randomBytes(32).toString('hex');
  const tokenBuf = Buffer.from(token);
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec ${shellQuote(opts.nodePath, true)} ${shellQuote(opts.askpassScript, true)} "$@"\n`,
    { mode: 0o700 },
  );

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
        opts.log('warn', 'askpass: a connection with a wrong token was refused');
        sock.destroy();
        return;
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
    env: { SUDO_ASKPASS: wrapper, [ASKPASS_SOCKET_ENV]: socketPath, [ASKPASS_TOKEN_ENV]: token },
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
