// Run as an ordinary test user: starts the helper through createClient the way the extension does
// and keeps it running. The settings arrive as the first line on stdin; it then prints one JSON
// line (its pid, the helper's hello), and answers each further line on stdin with a line holding
// the helper's listNames (or the error). It ends the client and exits when stdin closes.

import * as readline from 'node:readline';
import { createClient } from '../../src/client/client';
import type { HelloResult } from '../../src/core/protocol';
import type { ClientScriptInput } from './asUserClient';

export interface HeldClientReady {
  pid: number;
  uid: number;
  started: boolean;
  hello?: HelloResult;
  via?: string;
  installed?: string;
  message?: string;
}

const rl = readline.createInterface({ input: process.stdin });
const lines = rl[Symbol.asyncIterator]();
const print = (v: unknown) => process.stdout.write(JSON.stringify(v) + '\n');

async function main(): Promise<void> {
  const first = await lines.next();
  const input = JSON.parse(String(first.value)) as ClientScriptInput;
  const logs: string[] = [];
  const client = createClient({
    helperPath: input.helperPath,
    nodePath: input.nodePath,
    method: input.method,
    env: { ...process.env, ...input.env },
    ...(input.installedLauncher === 'default' ? {} : { installedLauncher: input.installedLauncher }),
    log: (level, msg) => logs.push(`${level}: ${msg}`),
  });
  const ready: HeldClientReady = { pid: process.pid, uid: process.getuid!(), started: false };
  try {
    ready.hello = await client.start();
    ready.started = true;
    const st = client.state;
    if (st.kind === 'running') {
      ready.via = st.via;
      ready.installed = st.installed;
    }
  } catch (e) {
    ready.message = `${(e as Error).message}\n${logs.join('\n')}`;
  }
  print(ready);
  for (;;) {
    const next = await lines.next();
    if (next.done) {
      break;
    }
    try {
      print({ ok: true, names: (await client.request('listNames', {})).names });
    } catch (e) {
      print({ ok: false, message: (e as Error).message });
    }
  }
  client.dispose();
}

void main();
