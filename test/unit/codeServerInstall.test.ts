// `npm run try` installs code-server once: npm's hundreds of lines go to a log file, and the
// terminal shows one line before and one after, with the log's path when it failed. A stand-in
// npm prints what the real one does offline (node-pre-gyp errors, unknown env config warnings).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');
const has = (p: string) => fs.existsSync(p);
const skip = !has('/usr/bin/rg') ? 'needs ripgrep (/usr/bin/rg)' : !['x64', 'arm64'].includes(process.arch) ? 'needs x64 or arm64' : false;

describe('code-server install output', { skip }, () => {
  it('keeps npm\'s output in a log file and prints one line and the log\'s path when it fails', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-cs-install-'));
    try {
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      const noise = [
        ...Array.from({ length: 6 }, () => 'npm warn Unknown env config "unsafe-perm".'),
        ...Array.from({ length: 460 }, (_, i) => `node-pre-gyp ERR! request to https://github.com/x failed, reason: getaddrinfo ENOTFOUND github.com (${i})`),
      ];
      fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\ncat <<'EOF' >&2\n${noise.join('\n')}\nEOF\nexit 1\n`, { mode: 0o755 });
      const target = path.join(dir, 'cs');
      const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'codeserver.mjs'), 'install'], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, NETNS_CODESERVER_DIR: target },
        timeout: 60_000,
      });
      assert.equal(r.status, 1);
      const lines = (r.stdout + r.stderr).split('\n').filter((l) => l.trim() !== '' && !l.startsWith('note:'));
      assert.ok(lines.length <= 2, `printed ${lines.length} lines:\n${lines.join('\n')}`);
      const log = path.join(target, 'install.log');
      assert.match(lines.at(-1)!, new RegExp(`failed \\(exit code 1\\); npm's output is in ${log.replace(/[.]/g, '\\.')}`));
      assert.doesNotMatch(r.stdout + r.stderr, /node-pre-gyp|unsafe-perm|ENOTFOUND/);
      const logged = fs.readFileSync(log, 'utf8');
      assert.equal(logged.split('\n').filter((l) => l.startsWith('node-pre-gyp ERR!')).length, 460);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
