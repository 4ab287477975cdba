// Run as an ordinary test user: starts the helper through createClient the way the extension does,
// sends the given requests one after another, and prints one JSON line with the outcome. The
// settings arrive on stdin, never on the command line.

import * as fs from 'node:fs';
import { createClient } from '../../src/client/client';
import { HelperError, LaunchError, type PrivilegeMethod } from '../../src/client/types';
import type { HelloResult, Op } from '../../src/core/protocol';

export interface ClientScriptInput {
  helperPath: string;
  nodePath: string;
  method: PrivilegeMethod;
  /** 'default': the fixed install path; false: never an installed launcher; else that path. */
  installedLauncher: 'default' | false | string;
  /** Added to the environment the client starts sudo or pkexec with. */
  env?: Record<string, string>;
  requests: { op: Op; params: Record<string, unknown> }[];
}

export interface RequestOutcome {
  op: Op;
  ok: boolean;
  result?: unknown;
  code?: string;
  message?: string;
}

export interface ClientScriptOutput {
  uid: number;
  started: boolean;
  hello?: HelloResult;
  via?: string;
  installed?: string;
  failure?: string;
  message?: string;
  detail?: string;
  outcomes: RequestOutcome[];
  logs: string[];
}

async function main(): Promise<void> {
  const input = JSON.parse(fs.readFileSync(0, 'utf8')) as ClientScriptInput;
  const logs: string[] = [];
  const client = createClient({
    helperPath: input.helperPath,
    nodePath: input.nodePath,
    method: input.method,
    env: { ...process.env, ...input.env },
    ...(input.installedLauncher === 'default' ? {} : { installedLauncher: input.installedLauncher }),
    log: (level, msg) => logs.push(`${level}: ${msg}`),
  });
  const out: ClientScriptOutput = { uid: process.getuid!(), started: false, outcomes: [], logs };
  try {
    out.hello = await client.start();
    out.started = true;
    const st = client.state;
    if (st.kind === 'running') {
      out.via = st.via;
      out.installed = st.installed;
    }
    for (const r of input.requests) {
      try {
        // The op and its params come from the test; the helper validates them like any request.
        const result = await client.request(r.op, r.params as never);
        out.outcomes.push({ op: r.op, ok: true, result });
      } catch (e) {
        out.outcomes.push({ op: r.op, ok: false, code: e instanceof HelperError ? e.code : undefined, message: (e as Error).message });
      }
    }
  } catch (e) {
    if (e instanceof LaunchError) {
      out.failure = e.failure;
      out.detail = e.detail;
    }
    out.message = (e as Error).message;
  }
  client.dispose();
  process.stdout.write(JSON.stringify(out) + '\n');
}

void main();
