// The request client against the real helper (run directly: these tests run as root) and against
// small stand-in programs that misbehave on purpose (garbage on stdout, early exit, wrong hello).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClient, type ClientOptions } from '../../src/client/client';
import { HelperError, HelperLostError, LaunchError, type HelperState, type NetnsClient } from '../../src/client/types';
import { PROTOCOL_VERSION, type ChangeEvent } from '../../src/core/protocol';
import { cleanupOnExit, cleanupPrefix, helperPath, IP, ip, netnsNames, uniquePrefix } from '../support/kernel';

const skip = process.getuid?.() !== 0 ? 'needs root' : !fs.existsSync(helperPath) ? 'needs dist/helper.js (npm run build)' : false;

interface Recorder {
  logs: string[];
  states: HelperState['kind'][];
}

function makeClient(extra: Partial<ClientOptions> = {}): { client: NetnsClient; rec: Recorder } {
  const rec: Recorder = { logs: [], states: [] };
  const client = createClient({
    helperPath,
    nodePath: process.execPath,
    method: 'auto',
    log: (level, msg) => rec.logs.push(`${level}: ${msg}`),
    ...extra,
  });
  client.onStateChange((s) => rec.states.push(s.kind));
  return { client, rec };
}

/** Read through a function: the state changes behind TypeScript's narrowing. */
function stateOf(c: NetnsClient): HelperState['kind'] {
  return c.state.kind;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('request client (real helper, as root)', { skip }, () => {
  const prefix = uniquePrefix();
  const clients: NetnsClient[] = [];
  const track = (c: NetnsClient) => (clients.push(c), c);
  before(() => cleanupOnExit(prefix));
  after(() => {
    for (const c of clients) {
      c.dispose();
    }
    cleanupPrefix(prefix);
  });

  it('starts the helper and gets hello', async () => {
    const { client, rec } = makeClient();
    track(client);
    const hello = await client.start();
    assert.equal(hello.name, 'vscode-netns-helper');
    assert.equal(hello.uid, 0);
    assert.ok(alive(hello.pid));
    const st = client.state;
    assert.equal(st.kind, 'running');
    assert.equal(st.kind === 'running' && st.via, 'root');
    assert.deepEqual(rec.states, ['starting', 'running']);
  });

  it('shares one launch between concurrent start() calls', async () => {
    const { client, rec } = makeClient();
    track(client);
    const hellos = await Promise.all([client.start(), client.start(), client.request('listNames', {}).then(() => client.start())]);
    assert.equal(new Set(hellos.map((h) => h.pid)).size, 1);
    assert.deepEqual(rec.states, ['starting', 'running']);
    assert.equal(rec.logs.filter((l) => l.includes('starting helper')).length, 1);
  });

  it('matches many concurrent answers to their requests', async () => {
    const { client } = makeClient();
    track(client);
    const names = Array.from({ length: 6 }, (_, i) => `${prefix}-c${i}`);
    for (const n of names) {
      ip(['netns', 'add', n]);
    }
    const reads = Array.from({ length: 60 }, (_, i) => names[i % names.length]).map((n) =>
      client.request('snapshot', { names: [n], includeRoot: false }).then((s) => ({ asked: n, got: s.namespaces.map((x) => x.name) })),
    );
    const bad = Array.from({ length: 10 }, (_, i) =>
      client.request('delNetns', { name: `${prefix}-none${i}` }).then(
        () => 'resolved',
        (e: unknown) => (e instanceof HelperError ? `${e.code}:${e.message.includes(`${prefix}-none${i}`)}` : String(e)),
      ),
    );
    const lists = Array.from({ length: 10 }, () => client.request('listNames', {}));
    const [r, b, l] = await Promise.all([Promise.all(reads), Promise.all(bad), Promise.all(lists)]);
    for (const x of r) {
      assert.deepEqual(x.got, [x.asked]);
    }
    assert.deepEqual(b, Array(10).fill('ENOENT:true'));
    for (const x of l) {
      assert.deepEqual(x.names.filter((n) => n.startsWith(prefix)), [...names].sort());
    }
  });

  it('forwards change events after watch, and resumes them on a restarted helper', async () => {
    const { client } = makeClient();
    track(client);
    const events: ChangeEvent[] = [];
    client.onEvent((e) => events.push(e));
    const w = await client.request('watch', {});
    assert.equal(w.watching, true);
    ip(['netns', 'add', `${prefix}-ev1`]);
    await waitFor('a names event', () => events.find((e) => e.names) ?? undefined);

    const first = await client.start();
    process.kill(first.pid, 'SIGKILL');
    await waitFor('stopped state', () => (client.state.kind === 'stopped' ? true : undefined));
    const second = await client.start();
    assert.notEqual(second.pid, first.pid);
    // Give the re-issued watch a moment to be answered before changing anything.
    await client.request('listNames', {});
    events.length = 0;
    ip(['netns', 'add', `${prefix}-ev2`]);
    await waitFor('a names event from the new helper', () => events.find((e) => e.names) ?? undefined);
  });

  it('rejects a write in flight with HelperLostError when the helper is killed, then restarts', async () => {
    const { client, rec } = makeClient();
    track(client);
    const hello = await client.start();
    const name = `${prefix}-k`;
    const write = client.request('addNetns', { name });
    process.kill(hello.pid, 'SIGKILL');
    const err = await write.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof HelperLostError, `expected HelperLostError, got ${String(err)}`);
    assert.match(err.message, /may or may not have taken effect/);
    assert.equal(stateOf(client), 'stopped');
    assert.ok(!rec.logs.some((l) => l.includes('retrying "addNetns"')), 'a write is never re-sent');
    // Whether the half-run `ip netns add` got through is unknown; this test only cleans it up.
    spawnSync(IP, ['netns', 'delete', name]);

    const names = await client.request('listNames', {});
    assert.ok(Array.isArray(names.names));
    const st = client.state;
    assert.ok(st.kind === 'running' && st.hello.pid !== hello.pid);
    assert.deepEqual(rec.states, ['starting', 'running', 'stopped', 'starting', 'running']);
  });

  it('retries a read once on a new helper when the helper dies under it', async () => {
    const { client, rec } = makeClient();
    track(client);
    ip(['netns', 'add', `${prefix}-r`]);
    const hello = await client.start();
    const read = client.request('snapshot', { names: [`${prefix}-r`], reader: 'ip' });
    process.kill(hello.pid, 'SIGKILL');
    const snap = await read;
    assert.deepEqual(
      snap.namespaces.map((n) => n.name),
      [`${prefix}-r`],
    );
    assert.ok(rec.logs.some((l) => l.includes('retrying "snapshot"')), rec.logs.join('\n'));
    const st = client.state;
    assert.equal(st.kind === 'running' && st.hello.pid !== hello.pid, true);
  });

  it('refuses a request too large for the helper without losing the connection', async () => {
    const { client } = makeClient();
    track(client);
    await assert.rejects(
      client.request('snapshot', { names: Array(80000).fill('n'.repeat(20)) }),
      (e: unknown) => e instanceof HelperError && e.code === 'EINVAL',
    );
    assert.ok(Array.isArray((await client.request('listNames', {})).names));
  });

  it('closes the helper on dispose', async () => {
    const { client } = makeClient();
    const hello = await client.start();
    client.dispose();
    assert.equal(client.state.kind, 'stopped');
    await waitFor('the helper to exit', () => (alive(hello.pid) ? undefined : true));
    await assert.rejects(client.request('listNames', {}), /closed/);
  });

  it('leaves nothing with its prefix', () => {
    cleanupPrefix(prefix);
    assert.deepEqual(
      netnsNames().filter((n) => n.startsWith(prefix)),
      [],
    );
  });
});

describe('request client (stand-in helpers)', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-client-test-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const HELLO = `{name:'vscode-netns-helper',version:'0',protocol:${PROTOCOL_VERSION},pid:process.pid,uid:process.getuid(),reader:'ip',ip:'/usr/sbin/ip',rootInode:1}`;
  // A helper answering hello, then (on listNames) garbage, stray answers and a split event
  // before the real answer, written in small pieces.
  const NOISY = `
    let buf = '';
    const out = (s) => process.stdout.write(s);
    process.stdin.on('data', async (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\\n')) >= 0) {
        const req = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (req.op === 'hello') { out(JSON.stringify({ id: req.id, ok: true, result: ${HELLO} }) + '\\n'); continue; }
        out('this is not json\\n');
        out('[1,2,3]\\n\\n');
        out(JSON.stringify({ id: 99999, ok: true, result: {} }) + '\\n');
        out(JSON.stringify({ id: null, ok: false, error: { code: 'EPROTO', message: 'bad line' } }) + '\\n');
        out('{"event":"chan');
        await new Promise((r) => setTimeout(r, 30));
        out('ged","netns":["x"],"names":false}\\n{"event":"other"}\\n');
        const answer = JSON.stringify({ id: req.id, ok: true, result: { names: ['a', 'b\\u00e9'] } }) + '\\n';
        for (const ch of Buffer.from(answer)) { out(Buffer.from([ch])); await new Promise((r) => setImmediate(r)); }
      }
    });
    process.stdin.on('end', () => process.exit(0));
  `;

  const write = (name: string, body: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, body);
    return p;
  };
  const launchError = async (client: NetnsClient): Promise<LaunchError> => {
    const e = await client.start().then(
      () => undefined,
      (x: unknown) => x,
    );
    client.dispose();
    assert.ok(e instanceof LaunchError, `expected LaunchError, got ${String(e)}`);
    return e;
  };

  it('survives malformed and split lines and still matches the answer', async () => {
    const { client, rec } = makeClient({ helperPath: write('noisy.js', NOISY) });
    const events: ChangeEvent[] = [];
    client.onEvent((e) => events.push(e));
    const r = await client.request('listNames', {});
    assert.deepEqual(r.names, ['a', 'bé']);
    assert.deepEqual(events, [{ event: 'changed', netns: ['x'], names: false }]);
    assert.equal(client.state.kind, 'running');
    assert.ok(rec.logs.some((l) => l.startsWith('warn:') && l.includes('this is not json')));
    assert.ok(rec.logs.some((l) => l.includes('no request with id 99999')));
    // Still usable afterwards.
    assert.deepEqual((await client.request('listNames', {})).names, ['a', 'bé']);
    client.dispose();
  });

  it('reports a missing helper file', async () => {
    const { client } = makeClient({ helperPath: path.join(dir, 'nope.js') });
    const e = await launchError(client);
    assert.equal(e.failure, 'helper-missing');
    assert.equal(client.state.kind, 'stopped');
  });

  it('reports a helper that dies before hello, with its words', async () => {
    const { client, rec } = makeClient({ helperPath: write('dies.js', `process.stderr.write('boom: something broke\\n'); process.exit(3);`) });
    const e = await launchError(client);
    assert.equal(e.failure, 'exited');
    assert.match(e.message, /exited with code 3 before it was ready/);
    assert.match(e.detail ?? '', /boom: something broke/);
    assert.deepEqual(rec.states.slice(0, 2), ['starting', 'failed']);
  });

  it('logs a helper that exits before hello once, and no EPIPE from writing to it', async () => {
    // Like a failed `sudo -n`: the program closes its input and exits without reading anything.
    const { client, rec } = makeClient({
      helperPath: write('closes.js', `require('fs').closeSync(0); process.stderr.write('sudo: a password is required\n'); setTimeout(() => process.exit(1), 100);`),
    });
    await launchError(client);
    assert.deepEqual(rec.logs.filter((l) => /EPIPE/.test(l)), []);
    const failures = rec.logs.filter((l) => /exited with code 1 before it was ready/.test(l));
    assert.equal(failures.length, 1, rec.logs.join('\n'));
    assert.match(failures[0], /^error: /);
    assert.equal(rec.logs.filter((l) => l.includes('a password is required')).length, 1, 'the tool\'s words, once');
  });

  it('reports a program that is not our helper', async () => {
    const { client } = makeClient({
      helperPath: write('other.js', `process.stdin.on('data', (d) => { const r = JSON.parse(d); process.stdout.write(JSON.stringify({ id: r.id, ok: true, result: { name: 'something-else' } }) + '\\n'); });`),
    });
    const e = await launchError(client);
    assert.equal(e.failure, 'protocol');
  });

  it('reports a helper of another protocol version', async () => {
    const { client } = makeClient({
      helperPath: write('old.js', `process.stdin.on('data', (d) => { const r = JSON.parse(d); process.stdout.write(JSON.stringify({ id: r.id, ok: true, result: { ...${HELLO}, protocol: 0 } }) + '\\n'); });`),
    });
    const e = await launchError(client);
    assert.equal(e.failure, 'protocol');
    assert.match(e.message, /protocol version 0/);
  });

  it('gives up on a helper that never answers, with a timeout message', async () => {
    const { client } = makeClient({ helperPath: write('silent.js', `setInterval(() => {}, 1000); process.stdin.resume();`), quietTimeoutMs: 400 });
    const t = Date.now();
    const e = await launchError(client);
    assert.equal(e.failure, 'exited');
    assert.match(e.message, /did not answer within/);
    assert.ok(Date.now() - t < 3000);
  });

  it('starts again after a failed start when asked again', async () => {
    const p = write('flaky.js', `process.exit(1);`);
    const { client, rec } = makeClient({ helperPath: p });
    await assert.rejects(client.start(), LaunchError);
    fs.writeFileSync(p, NOISY);
    assert.deepEqual((await client.request('listNames', {})).names, ['a', 'bé']);
    assert.deepEqual(rec.states, ['starting', 'failed', 'starting', 'running']);
    client.dispose();
  });
});
