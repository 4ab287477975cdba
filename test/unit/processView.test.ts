// What the processes operation may show a user, decided from /proc's mount options and the user's
// groups (read from fixed texts here; the privilege suite checks it against a real hidepid mount).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memberGroups, passwdEntry } from '../../src/helper/pure/passwd';
import { parseProcMount } from '../../src/helper/pure/procMount';
import { processView } from '../../src/helper/processView';

const HOST = '22 27 0:21 / /proc rw,relatime - proc proc rw\n';
const mountinfo = (superopts: string) => `${HOST}25 22 0:22 / /proc/sys/fs/binfmt_misc rw - binfmt_misc binfmt rw\n68 22 0:40 / /proc rw,relatime shared:5 - proc proc ${superopts}\n`;
const passwd = 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\n';
const group = 'root:x:0:\nalice:x:1000:\nbob:x:1001:\nprocview:x:1500:carol,alice\n';

function reader(files: Record<string, string>) {
  return (file: string) => {
    if (!(file in files)) {
      throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
    }
    return files[file];
  };
}

describe('processView', () => {
  it('reads hidepid and gid from the proc mount on top of /proc', () => {
    assert.deepEqual(parseProcMount(HOST), { hidepid: 'off' });
    assert.deepEqual(parseProcMount(mountinfo('rw,hidepid=invisible')), { hidepid: 'invisible' });
    assert.deepEqual(parseProcMount(mountinfo('rw,gid=27,hidepid=2')), { hidepid: 'invisible', gid: 27 });
    assert.deepEqual(parseProcMount(mountinfo('rw,hidepid=1')), { hidepid: 'noaccess' });
    assert.deepEqual(parseProcMount(mountinfo('rw,hidepid=ptraceable')), { hidepid: 'ptraceable' });
    assert.deepEqual(parseProcMount(mountinfo('rw,hidepid=off')), { hidepid: 'off' });
    assert.deepEqual(parseProcMount(mountinfo('rw,hidepid=something-new')), { hidepid: 'invisible' }, 'an unknown value counts as hiding');
    assert.equal(parseProcMount('24 22 0:5 / /dev rw - devtmpfs udev rw\n'), undefined);
  });

  it('reads a user\'s primary group and the groups listing them', () => {
    assert.deepEqual(passwdEntry(passwd, 1000), { name: 'alice', gid: 1000 });
    assert.equal(passwdEntry(passwd, 4242), undefined);
    assert.deepEqual(memberGroups(group, 'alice'), [1500]);
    assert.deepEqual(memberGroups(group, 'bob'), []);
  });

  it('root sees all; others see own only under hidepid, by name without it or when exempt', () => {
    const files = (opts: string) => reader({ '/proc/self/mountinfo': mountinfo(opts), '/etc/passwd': passwd, '/etc/group': group });
    assert.equal(processView(0, files('rw,hidepid=invisible')), 'all');
    assert.equal(processView(1000, files('rw')), 'names');
    for (const h of ['1', '2', '4', 'noaccess', 'invisible', 'ptraceable']) {
      assert.equal(processView(1000, files(`rw,hidepid=${h}`)), 'own', `hidepid=${h}`);
    }
    assert.equal(processView(1000, files('rw,gid=1000,hidepid=invisible')), 'names', 'primary group exempt');
    assert.equal(processView(1000, files('rw,gid=1500,hidepid=invisible')), 'names', 'member of the exempt group');
    assert.equal(processView(1001, files('rw,gid=1500,hidepid=invisible')), 'own', 'not a member');
    assert.equal(processView(4242, files('rw,gid=1500,hidepid=invisible')), 'own', 'a uid without a passwd entry');
    assert.equal(processView(1000, reader({})), 'own', 'mount options unknown: hide');
  });
});
