// The helper started without root: every write answers that root is needed, in those words.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, helperPath, linkNames, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);

describe('the helper without root', () => {
  let dir: string;
  let h: HelperProcess;
  before(() => {
    // A copy any user can read: the checkout itself may sit in a private folder.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-unpriv-'));
    fs.chmodSync(dir, 0o755);
    fs.copyFileSync(helperPath, path.join(dir, 'helper.js'));
    fs.chmodSync(path.join(dir, 'helper.js'), 0o644);
    h = new HelperProcess({}, ['/usr/sbin/runuser', '-u', 'nobody', '--', process.execPath, path.join(dir, 'helper.js')]);
  });
  after(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
    cleanupPrefix(P);
  });

  it('says root is needed instead of the raw mount error', async () => {
    const hello = await h.ok<{ uid: number; reader: string; readerError?: string }>('hello');
    assert.notEqual(hello.uid, 0);
    assert.equal(hello.reader, 'ip');
    assert.ok(hello.readerError, 'says why the fast reader is not in use');
    const r = await h.call('addNetns', { name: `${P}perm` });
    assert.equal(r.error?.code, 'EPERM');
    assert.match(r.error!.message, /needs root privileges/);
    assert.match(r.error!.detail ?? '', /mount --make-shared .* Operation not permitted/);
    assert.ok(!netnsNames().includes(`${P}perm`));
    const v = await h.call('addVeth', { name: `${P}a`, peer: `${P}b` });
    assert.equal(v.error?.code, 'EPERM');
    assert.ok(!linkNames(null).includes(`${P}a`));
  });
});
