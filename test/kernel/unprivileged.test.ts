// The helper started without root: every write answers that root is needed, in those words, and
// reads give what needs no root (as the view shows before authentication).

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
    // koffi beside it, as in the extension's folder, so the fast reader loads.
    const modules = path.dirname(path.dirname(require.resolve('koffi')));
    for (const pkg of ['koffi', '@koromix']) {
      if (fs.existsSync(path.join(modules, pkg))) {
        fs.cpSync(path.join(modules, pkg), path.join(dir, 'node_modules', pkg), { recursive: true });
      }
    }
    fs.chmodSync(path.join(dir, 'node_modules'), 0o755);
    // Started in that folder too: a working folder closed to nobody (a private checkout) fails its start.
    h = new HelperProcess({}, ['/usr/sbin/runuser', '-u', 'nobody', '--', process.execPath, path.join(dir, 'helper.js')], dir);
  });
  after(async () => {
    await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
    cleanupPrefix(P);
  });

  it('says root is needed instead of the raw mount error', async () => {
    const hello = await h.ok<{ uid: number; reader: string; readerError?: string }>('hello');
    assert.notEqual(hello.uid, 0);
    // The fast reader still reads what needs no root (the view is painted from it before authentication).
    assert.equal(hello.reader, 'netlink');
    assert.match(hello.readerError ?? '', /not root/, 'says why the fast reader reads less');
    const r = await h.call('addNetns', { name: `${P}perm` });
    assert.equal(r.error?.code, 'EPERM');
    assert.match(r.error!.message, /needs root privileges/);
    assert.match(r.error!.detail ?? '', /mount --make-shared .* Operation not permitted/);
    assert.ok(!netnsNames().includes(`${P}perm`));
    const v = await h.call('addVeth', { name: `${P}a`, peer: `${P}b` });
    assert.equal(v.error?.code, 'EPERM');
    assert.ok(!linkNames(null).includes(`${P}a`));
  });

  it('reads the host namespace in full and the others by name and id only', async () => {
    const name = `${P}ro`;
    const { execFileSync } = await import('node:child_process');
    execFileSync('/usr/sbin/ip', ['netns', 'add', name]);
    const snap = await h.ok<{ namespaces: { name: string | null; inode: number; interfaces: { name: string }[]; unprivileged?: boolean; error?: string }[] }>('snapshot', { names: [name], includeRoot: true });
    const host = snap.namespaces.find((n) => n.name === null)!;
    assert.ok(host.interfaces.some((i) => i.name === 'lo'), 'the host interfaces are read');
    const ns = snap.namespaces.find((n) => n.name === name)!;
    assert.equal(ns.inode, fs.statSync(`/run/netns/${name}`).ino);
    assert.equal(ns.unprivileged, true);
    assert.deepEqual(ns.interfaces, []);
    assert.equal(ns.error, undefined);
  });
});
