// The privileged helper: one long-lived process speaking newline-delimited JSON on stdin/stdout
// (see src/core/protocol.ts). The only code of the project that runs as root.
//
//   echo '{"id":1,"op":"hello"}' | sudo node dist/helper.js

import { runContext } from '../core/ipCommand';
import { LineReader } from '../core/lineReader';
import { MAX_REQUEST_BYTES, type HelperEvent, type Response } from '../core/protocol';
import { findProgram, PROGRAM_DIRS } from '../platform/programs';
import { identifyCaller } from './caller';
import type { HelperContext } from './context';
import { IpRunner } from './ipRunner';
import { rootNetnsInode, rootNetnsPath } from './netnsDir';
import { IpReader } from './reader/ipReader';
import { takeSelfImage } from './selfImage';
import type { Reader } from './reader/types';
import { HelperServer } from './server';

/** False when the pipe to the client is full (a capture then waits for 'drain'). */
function send(msg: Response | HelperEvent): boolean {
  return process.stdout.write(JSON.stringify(msg) + '\n');
}

function log(line: string): void {
  process.stderr.write(`[helper ${process.pid}] ${line}\n`);
}

function fastReader(): { reader?: Reader; error?: string } {
  if (process.env.NETNS_HELPER_READER === 'ip') {
    return { error: 'disabled by NETNS_HELPER_READER=ip' };
  }
  try {
    // Loaded lazily: koffi is a native module and may be missing on unusual platforms.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createNetlinkReader } = require('./reader/netlink') as typeof import('./reader/netlink');
    const reader = createNetlinkReader();
    // Without root it paints the view before authentication: the host's interfaces, the names and ids of the rest.
    return reader.privileged ? { reader } : { reader, error: 'not root: other namespaces are read for their names and ids only' };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function main(): void {
  // The kernel watcher keeps one threadpool thread waiting in epoll_wait; leave room for fs work.
  process.env.UV_THREADPOOL_SIZE ??= '8';
  const ipPath = findProgram('ip');
  if (!ipPath) {
    // Still answer every request, so the extension can tell the user what is missing.
    log(`iproute2 (ip) was not found in ${PROGRAM_DIRS.join(', ')}`);
  }
  const ip = new IpRunner(ipPath ?? '/usr/sbin/ip', ipPath !== undefined);
  const tool = (name: 'tc' | 'sysctl') => {
    const found = findProgram(name);
    return new IpRunner(found ?? `/usr/sbin/${name}`, found !== undefined);
  };
  const tools = { tc: tool('tc'), sysctl: tool('sysctl') };
  const ipReader = new IpReader(ip.path, tools.tc.path);
  const fast = fastReader();
  takeSelfImage(__filename);
  if (fast.error) {
    log(fast.reader ? `fast reader limited: ${fast.error}` : `fast reader unavailable, using ip -j: ${fast.error}`);
  }
  const ctx: HelperContext = {
    caller: identifyCaller(),
    ip,
    tools,
    ipContext: runContext(rootNetnsPath(), (program) => (program === 'ip' ? ip : tools[program]).path),
    reader: fast.reader ?? ipReader,
    ipReader,
    readerError: fast.error,
    rootInode: rootNetnsInode(),
    log,
  };
  const server = new HelperServer(ctx, send, () => process.exit(0), (cb) => process.stdout.once('drain', cb));
  const lines = new LineReader(
    MAX_REQUEST_BYTES,
    (line) => server.handle(line),
    () => send({ id: null, ok: false, error: { code: 'EPROTO', message: `A request longer than ${MAX_REQUEST_BYTES} bytes was refused.` } }),
  );
  process.stdin.on('data', (chunk: Buffer) => lines.push(chunk));
  process.stdin.on('end', () => server.end());
  // The client went away: nothing left to answer.
  process.stdout.on('error', () => process.exit(0));
}

main();
