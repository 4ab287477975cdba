// Run as the ordinary test user by launcher.test.ts: starts the helper through createClient the
// way the extension does, then prints one JSON line with the outcome. The settings (and the
// password the AskpassProvider answers with) arrive on stdin, never on the command line.

import * as fs from 'node:fs';
import * as os from 'node:os';
import { createClient } from '../../src/client/client';
import { LaunchError, type PrivilegeMethod } from '../../src/client/types';

export interface AsUserInput {
  helperPath: string;
  nodePath: string;
  method: PrivilegeMethod;
  /** No provider, one that answers with `password`, or one that cancels. */
  askpass: 'none' | 'password' | 'cancel';
  password?: string;
  env?: Record<string, string>;
  /** The installed launcher to prefer; absent: none (never the machine's real install). */
  installedLauncher?: string;
  /**
   * Start once without a password prompt first; when that fails, turn the prompt on (as the
   * askPassword setting does, read at each start) and start the same client again.
   */
  promptAfterFailure?: boolean;
}

export interface AsUserOutput {
  ok: boolean;
  ms: number;
  uid: number;
  hello?: { uid: number; callerUid?: number; pid: number };
  via?: string;
  installed?: string;
  names?: string[];
  failure?: string;
  message?: string;
  detail?: string;
  prompts: string[];
  logs: string[];
  askpassDirsLeft: string[];
  /** With promptAfterFailure: how the first start failed. */
  firstFailure?: string;
}

async function main(): Promise<void> {
  const input = JSON.parse(fs.readFileSync(0, 'utf8')) as AsUserInput;
  const logs: string[] = [];
  const prompts: string[] = [];
  const provider =
    input.askpass === 'none'
      ? undefined
      : {
          askPassword: async (prompt: string) => {
            prompts.push(prompt);
            return input.askpass === 'password' ? input.password : undefined;
          },
        };
  let promptOn = !input.promptAfterFailure;
  const client = createClient({
    helperPath: input.helperPath,
    nodePath: input.nodePath,
    method: input.method,
    env: { ...process.env, ...input.env },
    installedLauncher: input.installedLauncher ?? false,
    log: (level, msg) => logs.push(`${level}: ${msg}`),
    // Like the extension's settings: read at each start.
    privilege: () => ({ method: input.method, askpass: promptOn ? provider : undefined }),
  });
  const out: AsUserOutput = { ok: false, ms: 0, uid: process.getuid!(), prompts, logs, askpassDirsLeft: [] };
  if (input.promptAfterFailure) {
    await client.start().catch((e: unknown) => {
      out.firstFailure = e instanceof LaunchError ? e.failure : String(e);
    });
    promptOn = true;
  }
  const t0 = performance.now();
  try {
    const hello = await client.start();
    out.ms = Math.round(performance.now() - t0);
    out.ok = true;
    out.hello = { uid: hello.uid, callerUid: hello.callerUid, pid: hello.pid };
    const st = client.state;
    out.via = st.kind === 'running' ? st.via : undefined;
    out.installed = st.kind === 'running' ? st.installed : undefined;
    out.names = (await client.request('listNames', {})).names;
  } catch (e) {
    out.ms = Math.round(performance.now() - t0);
    if (e instanceof LaunchError) {
      out.failure = e.failure;
      out.detail = e.detail;
    }
    out.message = (e as Error).message;
  }
  client.dispose();
  const me = process.getuid!();
  out.askpassDirsLeft = fs
    .readdirSync(os.tmpdir())
    .filter((n) => n.startsWith('netns-askpass-'))
    .filter((n) => {
      try {
        return fs.statSync(`${os.tmpdir()}/${n}`).uid === me;
      } catch {
        return false;
      }
    });
  process.stdout.write(JSON.stringify(out) + '\n');
}

void main();
