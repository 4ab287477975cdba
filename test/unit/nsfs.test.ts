// Reading namespace bind mounts out of mountinfo, and containers out of cgroup paths, from fixed
// texts (the kernel suite finds real ones), and naming containers from a runtime's state files.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ContainerNames, DEFAULT_PATHS } from '../../src/helper/containers';
import { makeDev, parseCgroupContainer, parseNsfsMounts, unescapeMountField } from '../../src/helper/pure/nsfs';

const ID = 'f3a1c0de'.repeat(8);
const ID2 = '0123456789abcdef'.repeat(4);

describe('nsfs mounts', () => {
  it('finds network namespace files bind-mounted anywhere, with device and inode', () => {
    const text = [
      '22 27 0:21 / /proc rw,relatime - proc proc rw',
      '251 45 0:4 net:[4026546084] /run/netns/a rw shared:202 - nsfs nsfs rw',
      '300 29 0:4 net:[4026532999] /var/run/docker/netns/1a2b3c rw - nsfs nsfs rw',
      '301 29 0:4 mnt:[4026532111] /tmp/mntfile rw - nsfs nsfs rw',
      '302 29 0:4 net:[4026533000] /tmp/with\\040space rw shared:1 master:2 - nsfs nsfs rw',
      '303 29 0:4 net:[4026533001] /tmp/not-nsfs rw - tmpfs tmpfs rw',
      '',
    ].join('\n');
    assert.deepEqual(parseNsfsMounts(text), [
      { dev: 4, inode: 4026546084, path: '/run/netns/a' },
      { dev: 4, inode: 4026532999, path: '/var/run/docker/netns/1a2b3c' },
      { dev: 4, inode: 4026533000, path: '/tmp/with space' },
    ]);
  });

  it('encodes device numbers as stat() does, and undoes mountinfo escapes', () => {
    assert.equal(makeDev(0, 4), 4);
    assert.equal(makeDev(8, 1), 0x801);
    assert.equal(makeDev(0, 300), 0x10002c);
    assert.equal(makeDev(259, 0), 0x10300);
    assert.equal(unescapeMountField('/a\\040b\\011c\\134d'), '/a b\tc\\d');
  });
});

describe('containers from cgroups', () => {
  it('knows Docker, Podman, containerd, CRI-O and Kubernetes paths, v1 and v2', () => {
    assert.deepEqual(parseCgroupContainer(`0::/system.slice/docker-${ID}.scope\n`), { runtime: 'docker', id: ID });
    assert.deepEqual(parseCgroupContainer(`12:pids:/docker/${ID}\n0::/\n`), { runtime: 'docker', id: ID });
    assert.deepEqual(parseCgroupContainer(`4:memory:/libpod_parent/libpod-${ID}\n0::/\n`), { runtime: 'podman', id: ID });
    assert.deepEqual(parseCgroupContainer(`0::/machine.slice/libpod-${ID}.scope/container\n`), { runtime: 'podman', id: ID });
    assert.deepEqual(parseCgroupContainer(`0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope\n`), { runtime: 'podman', id: ID });
    assert.equal(parseCgroupContainer(`0::/machine.slice/libpod-conmon-${ID}.scope\n`), undefined, "conmon's cgroup is not the container's");
    assert.deepEqual(
      parseCgroupContainer(`0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1b2c3d4e_0000_1111_2222_333344445555.slice/cri-containerd-${ID}.scope\n`),
      { runtime: 'containerd', id: ID, podUid: '1b2c3d4e-0000-1111-2222-333344445555' },
    );
    assert.deepEqual(parseCgroupContainer(`0::/kubepods.slice/kubepods-pod1b2c3d4e_0000_1111_2222_333344445555.slice/crio-${ID}.scope\n`), {
      runtime: 'cri-o',
      id: ID,
      podUid: '1b2c3d4e-0000-1111-2222-333344445555',
    });
    assert.deepEqual(parseCgroupContainer(`3:cpu:/kubepods/besteffort/pod1b2c3d4e-0000-1111-2222-333344445555/${ID}\n`), {
      runtime: 'containerd',
      id: ID,
      podUid: '1b2c3d4e-0000-1111-2222-333344445555',
    });
    assert.equal(parseCgroupContainer('0::/user.slice/user-1000.slice/session-2.scope\n'), undefined);
    assert.equal(parseCgroupContainer(`0::/docker-${ID.slice(1)}.scope\n`), undefined, 'not a full id');
  });
});

describe('container names', () => {
  it("reads names from the runtimes' state, pods from the kubelet's log folders, and keeps them", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-rt-'));
    try {
      fs.mkdirSync(path.join(dir, 'docker', ID), { recursive: true });
      fs.writeFileSync(path.join(dir, 'docker', ID, 'config.v2.json'), JSON.stringify({ Name: '/web' }));
      fs.mkdirSync(path.join(dir, 'storage', 'overlay-containers'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'storage', 'overlay-containers', 'containers.json'), JSON.stringify([{ id: ID2, names: ['db'] }]));
      fs.mkdirSync(path.join(dir, 'pods', 'default_nginx_1b2c3d4e-0000-1111-2222-333344445555'), { recursive: true });
      const names = new ContainerNames(
        { ...DEFAULT_PATHS, dockerContainers: path.join(dir, 'docker'), podmanStorage: path.join(dir, 'storage'), podLogs: path.join(dir, 'pods') },
        false,
      );
      const found = await names.describe(
        [
          { runtime: 'docker', id: ID },
          { runtime: 'podman', id: ID2 },
          { runtime: 'podman', id: ID },
          { runtime: 'containerd', id: ID, podUid: '1b2c3d4e-0000-1111-2222-333344445555' },
        ],
        1000,
      );
      assert.deepEqual(found, [
        { runtime: 'docker', id: ID, name: 'web' },
        { runtime: 'podman', id: ID2, name: 'db' },
        { runtime: 'podman', id: ID },
        { runtime: 'containerd', id: ID, pod: 'default/nginx' },
      ]);
      // Kept per id: the state going away does not take the name.
      fs.rmSync(path.join(dir, 'docker'), { recursive: true });
      assert.equal((await names.describe([{ runtime: 'docker', id: ID }], 1000))[0].name, 'web');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not read a state file through a symlink or from a FIFO', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-rt-'));
    try {
      fs.mkdirSync(path.join(dir, 'docker', ID), { recursive: true });
      fs.mkdirSync(path.join(dir, 'docker', ID2), { recursive: true });
      fs.writeFileSync(path.join(dir, 'real.json'), JSON.stringify({ Name: '/secret' }));
      fs.symlinkSync(path.join(dir, 'real.json'), path.join(dir, 'docker', ID, 'config.v2.json'));
      const fifo = path.join(dir, 'docker', ID2, 'config.v2.json');
      execFileSync('mkfifo', [fifo]);
      const names = new ContainerNames({ ...DEFAULT_PATHS, dockerContainers: path.join(dir, 'docker') }, false);
      const found = await names.describe(
        [
          { runtime: 'docker', id: ID },
          { runtime: 'docker', id: ID2 },
        ],
        1000,
      );
      assert.deepEqual(found, [
        { runtime: 'docker', id: ID },
        { runtime: 'docker', id: ID2 },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
