// A lab file with every kind of interface a lab holds: a bridge with ports, a dummy, a VLAN on a
// veth end, link impairments (netem), an interface left down. Applied on the real kernel in one
// batch, found unchanged when planned again, changed outside and brought back, and exported as
// the same lab. A kernel without dummy, 802.1Q or netem runs this file in user-mode Linux
// (umlKernel.test.ts), where they are loaded.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { labNamespaces } from '../../src/core/labs/lab';
import { exportLab } from '../../src/core/labs/labExport';
import { parseLabFile } from '../../src/core/labs/labFile';
import { planLab, type KernelView } from '../../src/core/labs/labPlan';
import type { Namespace, Snapshot } from '../../src/core/model';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, ipTry, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);

/** What this kernel lacks of dummy, VLAN and netem, tried in a namespace of the run's own. */
function lacks(): string[] {
  const ns = `${P}probe`;
  ip(['netns', 'add', ns]);
  try {
    ip(['-n', ns, 'link', 'add', 'name', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    const out: string[] = [];
    if (ipTry(['-n', ns, 'link', 'add', 'name', 'd0', 'type', 'dummy']).status !== 0) {
      out.push('dummy');
    }
    if (ipTry(['-n', ns, 'link', 'add', 'link', 'v0', 'name', 'v0.5', 'type', 'vlan', 'id', '5']).status !== 0) {
      out.push('vlan');
    }
    if (spawnSync('/usr/sbin/tc', ['-n', ns, 'qdisc', 'add', 'dev', 'v0', 'root', 'netem', 'delay', '1ms']).status !== 0) {
      out.push('netem');
    }
    return out;
  } finally {
    ipTry(['netns', 'delete', ns]);
  }
}

const LACKS = lacks();

const LAB = `
name: links
prefix: ${P}-
namespaces:
  - name: h
    routes:
      - { to: 10.50.0.0/16, via: 10.0.10.1 }
  - name: sw
veths:
  - a: { netns: h, name: eth0, addresses: [10.0.9.2/24] }
    b: { netns: sw, name: p1 }
  - a: { netns: h, name: eth1, netem: { delayMs: 5, lossPct: 1 } }
    b: { netns: sw, name: p2, up: false }
bridges:
  - netns: sw
    name: br0
    ports: [p1, p2]
    addresses: [10.0.9.1/24]
dummies:
  - netns: sw
    name: d0
    addresses: [192.0.2.1/32, 2001:db8::1/128]
    netem: { delayMs: 20 }
vlans:
  - netns: h
    name: eth0.10
    parent: eth0
    id: 10
    addresses: [10.0.10.2/24]
`;

describe('a lab with bridges, dummies, VLANs and impairments', () => {
  if (LACKS.length > 0) {
    it(`runs in user-mode Linux: this kernel lacks ${LACKS.join(', ')} (see umlKernel.test.js)`, () => {
      assert.ok(LACKS.length > 0);
    });
    return;
  }
  let h: HelperProcess;
  before(() => {
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
  });

  const spec = parseLabFile(LAB).spec!;
  const names = labNamespaces(spec);

  async function kernel(): Promise<KernelView & { namespaces: Namespace[] }> {
    const r = await h.call('snapshot', { names: names.filter((n) => netnsNames().includes(n)), includeRoot: false });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    const namespaces = (r.result as Snapshot).namespaces;
    return { namespaces, namespace: (n) => namespaces.find((x) => x.name === n) };
  }

  it('is a lab file without problems', () => {
    assert.deepEqual(parseLabFile(LAB).problems, []);
  });

  it('applies in one batch, as declared, and then has nothing left to do', async () => {
    const plan = planLab(spec, await kernel());
    const r = await h.call('batch', { requests: plan.steps });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    const sw = JSON.parse(ip(['-j', '-d', '-n', `${P}-sw`, 'link', 'show'])) as { ifname: string; master?: string; flags: string[]; linkinfo?: { info_kind?: string } }[];
    assert.deepEqual(sw.filter((l) => l.master === 'br0').map((l) => l.ifname).sort(), ['p1', 'p2']);
    assert.equal(sw.find((l) => l.ifname === 'd0')?.linkinfo?.info_kind, 'dummy');
    assert.ok(!sw.find((l) => l.ifname === 'p2')?.flags.includes('UP'), 'p2 is left down');
    const vlan = JSON.parse(ip(['-j', '-d', '-n', `${P}-h`, 'link', 'show', 'dev', 'eth0.10'])) as { link: string; linkinfo: { info_data: { id: number } } }[];
    assert.equal(vlan[0].link, 'eth0');
    assert.equal(vlan[0].linkinfo.info_data.id, 10);
    const qdisc = JSON.parse(spawnSync('/usr/sbin/tc', ['-j', '-n', `${P}-h`, 'qdisc', 'show', 'dev', 'eth1'], { encoding: 'utf8' }).stdout) as { kind: string }[];
    assert.equal(qdisc[0].kind, 'netem');
    const routes = JSON.parse(ip(['-j', '-n', `${P}-h`, 'route', 'show'])) as { dst: string; gateway?: string; dev: string }[];
    assert.ok(routes.some((x) => x.dst === '10.50.0.0/16' && x.gateway === '10.0.10.1' && x.dev === 'eth0.10'), JSON.stringify(routes));
    assert.deepEqual(planLab(spec, await kernel()).steps, []);
  });

  it('brings back what was changed outside: a port released, an impairment cleared, an address added', async () => {
    ip(['-n', `${P}-sw`, 'link', 'set', 'dev', 'p1', 'nomaster']);
    spawnSync('/usr/sbin/tc', ['-n', `${P}-sw`, 'qdisc', 'del', 'dev', 'd0', 'root']);
    ip(['-n', `${P}-h`, 'address', 'add', '10.0.10.77/24', 'dev', 'eth0.10']);
    const plan = planLab(spec, await kernel());
    assert.deepEqual(plan.steps.map((s) => s.op).sort(), ['delAddress', 'setMaster', 'setNetem']);
    assert.equal((await h.call('batch', { requests: plan.steps })).error, undefined);
    assert.deepEqual(planLab(spec, await kernel()).steps, []);
  });

  it('exports as the same lab', async () => {
    const k = await kernel();
    const { spec: exported, skipped } = exportLab('links', k.namespaces);
    assert.deepEqual(skipped, []);
    assert.deepEqual(planLab(exported, k, '').steps, [], 'the export applies back to the same state');
    assert.deepEqual(exported.dummies?.map((d) => [d.name, d.netem?.delayMs, d.addresses?.sort()]), [['d0', 20, ['192.0.2.1/32', '2001:db8::1/128']]]);
    assert.deepEqual(exported.vlans?.map((v) => [v.name, v.parent, v.id]), [['eth0.10', 'eth0', 10]]);
  });
});
