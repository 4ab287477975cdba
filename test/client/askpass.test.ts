// The askpass channel the way sudo uses it: sudo runs SUDO_ASKPASS once per try, each run asks the
// extension over the private socket and prints the answer. Another process of the same user that
// reads a running askpass program's environment (as /proc lets it) must not get the password with
// what it read once that program has been answered.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ASKPASS_SOCKET_ENV, ASKPASS_TOKEN_ENV } from '../../src/client/askpass';
import { startAskpass, type AskpassSession } from '../../src/client/askpassServer';
import { helperPath } from '../support/kernel';

const askpassScript = path.join(path.dirname(helperPath), 'askpass.js');
const skip = !fs.existsSync(askpassScript) ? 'needs dist/askpass.js (npm run build)' : false;

/** What the askpass program's own environment holds, read from /proc as another process would. */
function environOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = kv.indexOf('=');
    if (eq > 0) {
      out[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
  }
  return out;
}

/** Runs SUDO_ASKPASS as sudo does (sudo's environment, the prompt as argv[1]). */
function runAskpass(session: AskpassSession, onStart: (pid: number) => void = () => undefined): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(session.env.SUDO_ASKPASS, ['[sudo] password for tester: '], { env: { PATH: '/usr/bin:/bin', ...session.env } });
    onStart(child.pid!);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/** Connects to the socket with a token and returns what comes back before it closes. */
function replay(socketPath: string, token: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.createConnection(socketPath);
    let got = '';
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify({ token, prompt: 'attacker' }) + '\n'));
    sock.on('data', (d: string) => (got += d));
    sock.on('error', () => undefined);
    sock.on('close', () => resolve(got));
  });
}

describe('askpass tokens', { skip }, () => {
  const password = crypto.randomBytes(12).toString('base64url');
  const prompts: string[] = [];
  const logs: string[] = [];
  let session: AskpassSession;
  /** Filled while the provider is asked: what the running askpass program's environment held. */
  let seen: Record<string, string> | undefined;
  let runningPid = 0;

  before(async () => {
    session = await startAskpass({
      nodePath: process.execPath,
      askpassScript,
      log: (level, m) => logs.push(`${level}: ${m}`),
      provider: {
        askPassword: async (prompt) => {
          prompts.push(prompt);
          try {
            seen = environOf(runningPid);
          } catch {
            // not a run of ours (a replay): answer anyway, so a replay that gets through shows
          }
          return password;
        },
      },
    });
  });
  after(() => session.close());

  it('each try of sudo gets the password; a token already answered is refused', async () => {
    const stolen: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      seen = undefined;
      const r = await runAskpass(session, (pid) => (runningPid = pid));
      assert.equal(r.code, 0, `try ${attempt} is answered`);
      assert.equal(r.stdout, `${password}\n`);
      assert.ok(seen, 'the provider was asked while the askpass program ran');
      const token = seen[ASKPASS_TOKEN_ENV];
      assert.match(token ?? '', /^[0-9a-f]{64}$/, 'the askpass program had its token');
      const socketPath = seen[ASKPASS_SOCKET_ENV];
      assert.equal(socketPath, path.join(path.dirname(session.env.SUDO_ASKPASS), 's'));
      stolen.push(token);

      // Another process of the same user replays what it read: nothing comes back, nobody is asked.
      const asked = prompts.length;
      assert.equal(await replay(socketPath, token), '', `token ${attempt} replayed after its answer gets nothing`);
      assert.equal(prompts.length, asked, 'a replayed token shows no password box');
    }
    assert.equal(new Set(stolen).size, 3, 'every try had a token of its own');
    assert.equal(session.asked, 3);
    assert.deepEqual(prompts.slice(1).map((p) => p.startsWith('Sorry, that password was not accepted.')), [true, true], 'a try after the first says the password was not accepted');
    assert.ok(logs.some((l) => l.includes('askpass: a connection with a wrong or used token was refused')), logs.join('\n'));
    assert.ok(!JSON.stringify(logs).includes(password), 'the password never reaches the log');
  });
});
