// Lab files on the real kernel: each example lab applied from its file in one batch, planned again
// (nothing left to do), exported and compared with its file, destroyed (nothing left); a lab that
// fails midway leaves the kernel as it was; the exported shell script run by sh builds the same
// state as Apply and removes it again; /etc/netns files are written and removed.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labNamespaces, NETNS_FILES, type LabSpec, type NetnsFile } from '../../src/core/labs/lab';
import { exportLab } from '../../src/core/labs/labExport';
import { parseLabFile } from '../../src/core/labs/labFile';
import { planLab, type KernelView } from '../../src/core/labs/labPlan';
import { labShellScript } from '../../src/core/labs/labScript';
import type { Namespace, Snapshot } from '../../src/core/model';
import { EXAMPLES } from '../support/exampleLabs';
import { HelperProcess } from '../support/helperProcess';
import { cleanupOnExit, cleanupPrefix, ip, netnsNames, uniquePrefix } from '../support/kernel';

const P = uniquePrefix();
cleanupOnExit(P);
process.once('exit', () => removeEtc());

function removeEtc(): void {
  for (const d of fs.existsSync('/etc/netns') ? fs.readdirSync('/etc/netns') : []) {
    if (d.startsWith(P)) {
      fs.rmSync(path.join('/etc/netns', d), { recursive: true, force: true });
    }
  }
}

/** The files of /etc/netns/NAME as the extension reads them. */
function etcFiles(name: string): Partial<Record<NetnsFile, string>> {
  const out: Partial<Record<NetnsFile, string>> = {};
  for (const f of NETNS_FILES) {
    try {
      out[f] = fs.readFileSync(path.join('/etc/netns', name, f), 'utf8');
    } catch {
      // not there
    }
  }
  return out;
}

describe('lab files', () => {
  let h: HelperProcess;
  before(() => {
    h = new HelperProcess();
  });
  after(async () => {
    await h.close();
    cleanupPrefix(P);
    removeEtc();
  });

  async function kernel(names: string[]): Promise<KernelView & { namespaces: Namespace[] }> {
    const r = await h.call('snapshot', { names: names.filter((n) => netnsNames().includes(n)), includeRoot: false });
    assert.equal(r.error, undefined, JSON.stringify(r.error));
    const namespaces = (r.result as Snapshot).namespaces;
    return { namespaces, namespace: (n) => namespaces.find((x) => x.name === n), files: etcFiles };
  }

  async function apply(spec: LabSpec, prefix: string): Promise<{ steps: number; error?: string }> {
    const plan = planLab(spec, await kernel(labNamespaces(spec, prefix)), prefix);
    assert.deepEqual(plan.conflicts, []);
    if (plan.steps.length === 0) {
      return { steps: 0 };
    }
    const r = await h.call('batch', { requests: plan.steps });
    return { steps: plan.steps.length, error: r.error?.message };
  }

  /** A lab with its lists in one order, the names of its namespaces without `prefix`. */
  function normal(spec: LabSpec): unknown {
    const sortBy = <T>(xs: T[] | undefined, key: (x: T) => string) => (xs ? [...xs].sort((a, b) => key(a).localeCompare(key(b))) : undefined);
    const veths = (spec.veths ?? []).map((v) => [v.a, v.b].sort((x, y) => `${x.netns}/${x.name}`.localeCompare(`${y.netns}/${y.name}`)));
    return {
      namespaces: sortBy(spec.namespaces, (n) => n.name),
      veths: sortBy(veths, (v) => `${v[0].netns}/${v[0].name}`),
      bridges: sortBy(spec.bridges, (b) => b.name),
      dummies: sortBy(spec.dummies, (b) => b.name),
      vlans: sortBy(spec.vlans, (b) => b.name),
    };
  }

  for (const lab of EXAMPLES) {
    it(`applies "${lab.id}" from its file, then finds nothing left to do, exports it as it is, and destroys it`, async () => {
      const prefix = `${P}${lab.id[0]}-`;
      const names = labNamespaces(lab.spec, prefix);
      const first = await apply(lab.spec, prefix);
      assert.equal(first.error, undefined);
      assert.ok(first.steps > names.length);
      assert.deepEqual(netnsNames().filter((n) => n.startsWith(prefix)).sort(), [...names].sort());
      // Applying twice changes nothing the second time.
      const again = planLab(lab.spec, await kernel(names), prefix);
      assert.deepEqual(again.steps, [], JSON.stringify(again.steps));

      // Export: the same lab as the file, names and all (forwarding is exported as the kernel has it).
      const k = await kernel(names);
      const exported = exportLab(lab.spec.name, k.namespaces, etcFiles);
      assert.deepEqual(exported.skipped, []);
      const stripped: LabSpec = JSON.parse(JSON.stringify(exported.spec).replaceAll(`"${prefix}`, '"'));
      for (const n of stripped.namespaces) {
        const original = lab.spec.namespaces.find((x) => x.name === n.name);
        if (original?.forwarding === undefined) {
          delete n.forwarding;
        }
        // The kernel names the device of a route through a gateway; the file may leave it out.
        n.routes?.forEach((r, i) => {
          if (original?.routes?.[i]?.dev === undefined) {
            delete r.dev;
          }
        });
      }
      assert.deepEqual(normal(stripped), normal(lab.spec));
      // ... and applies to the same state: no change.
      assert.deepEqual(planLab(exported.spec, k, '').steps, []);

      // Destroy: its namespaces go, with everything in them.
      const r = await h.call('batch', { requests: names.map((name) => ({ op: 'delNetns', name })) });
      assert.equal(r.error, undefined);
      assert.deepEqual(netnsNames().filter((n) => n.startsWith(prefix)), []);
    });
  }

  it('leaves the kernel as it was when an apply fails midway', async () => {
    const router = EXAMPLES.find((l) => l.id === 'router')!.spec;
    const prefix = `${P}f-`;
    assert.equal((await apply(router, prefix)).error, undefined);
    const before = await kernel(labNamespaces(router, prefix));
    // A second version: b gets another address and a route, then the same route again (the
    // kernel refuses the second: "File exists"), after the address and the first route.
    const broken: LabSpec = JSON.parse(JSON.stringify(router));
    broken.veths![1].a.addresses!.push('10.0.2.22/24');
    broken.namespaces[2].routes!.push({ to: '10.7.0.0/16', via: '10.0.2.1' }, { to: '10.7.0.0/16', via: '10.0.2.1' });
    const plan = planLab(broken, before, prefix);
    assert.ok(plan.steps.some((s) => s.op === 'addAddress'));
    const r = await h.call('batch', { requests: plan.steps });
    assert.ok(r.error, 'refused');
    assert.match(r.error!.message, /^Item \d+ \(addRoute/);
    // As before: the first version has nothing to do, and b has neither the address nor the route.
    const after = await kernel(labNamespaces(router, prefix));
    assert.deepEqual(planLab(router, after, prefix).steps, []);
    const routes = JSON.parse(ip(['-j', '-n', `${prefix}b`, 'route', 'show'])) as { dst: string }[];
    assert.ok(!routes.some((x) => x.dst === '10.7.0.0/16'), JSON.stringify(routes));
  });

  it('plans only the difference, and removes in the lab what the file no longer has', async () => {
    const veth = EXAMPLES.find((l) => l.id === 'veth')!.spec;
    const prefix = `${P}d-`;
    assert.equal((await apply(veth, prefix)).error, undefined);
    // Changed outside: an extra address, a link down, a route made by hand.
    ip(['-n', `${prefix}ns1`, 'address', 'add', '10.0.0.9/24', 'dev', 'veth-a']);
    ip(['-n', `${prefix}ns2`, 'link', 'set', 'dev', 'veth-b', 'down']);
    ip(['-n', `${prefix}ns1`, 'route', 'add', '10.8.0.0/16', 'via', '10.0.0.2']);
    const plan = planLab(veth, await kernel(labNamespaces(veth, prefix)), prefix);
    assert.deepEqual(
      plan.steps.map((s) => s.op).sort(),
      ['delAddress', 'delRoute', 'setLinkState'],
      JSON.stringify(plan.steps),
    );
    assert.equal((await apply(veth, prefix)).error, undefined);
    assert.deepEqual(planLab(veth, await kernel(labNamespaces(veth, prefix)), prefix).steps, []);
    // A kernel interface of another kind under a lab name is a conflict, not deleted.
    ip(['-n', `${prefix}ns2`, 'link', 'delete', 'dev', 'veth-b']);
    ip(['-n', `${prefix}ns2`, 'link', 'add', 'name', 'veth-b', 'type', 'bridge']);
    const conflicted = planLab(veth, await kernel(labNamespaces(veth, prefix)), prefix);
    assert.ok(conflicted.conflicts.some((c) => c[0].args.includes('veth-b') && c[0].args.includes('veth')), JSON.stringify(conflicted.conflicts));
  });

  it('writes /etc/netns files, finds them unchanged, and removes them on destroy', async () => {
    const text = [
      'name: files',
      `prefix: ${P}e-`,
      'namespaces:',
      '  - name: n1',
      '    files:',
      '      resolv.conf: |',
      '        nameserver 10.0.0.53',
      '      hosts: "10.0.0.1 gw\\n"',
    ].join('\n');
    const parsed = parseLabFile(text);
    assert.deepEqual(parsed.problems, []);
    const spec = parsed.spec!;
    const ns = `${P}e-n1`;
    assert.equal((await apply(spec, `${P}e-`)).error, undefined);
    assert.equal(fs.readFileSync(`/etc/netns/${ns}/resolv.conf`, 'utf8'), 'nameserver 10.0.0.53\n');
    assert.equal(fs.statSync(`/etc/netns/${ns}/hosts`).mode & 0o777, 0o644);
    // ip netns exec binds it over /etc/resolv.conf inside.
    assert.equal(ip(['netns', 'exec', ns, 'cat', '/etc/resolv.conf']), 'nameserver 10.0.0.53\n');
    assert.deepEqual(planLab(spec, await kernel([ns]), `${P}e-`).steps, []);
    for (const file of ['resolv.conf', 'hosts']) {
      const r = await h.call('setNetnsFile', { netns: ns, file, content: null });
      assert.equal(r.error, undefined);
    }
    assert.equal(fs.existsSync(`/etc/netns/${ns}`), false, 'the folder goes with its last file');
  });

  it('refuses to write through a symbolic link in /etc/netns', async () => {
    const ns = `${P}s-n1`;
    ip(['netns', 'add', ns]);
    const victim = path.join(os.tmpdir(), `${P}-victim`);
    fs.writeFileSync(victim, 'untouched\n');
    fs.mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    fs.symlinkSync(victim, `/etc/netns/${ns}/hosts`);
    try {
      const r = await h.call('setNetnsFile', { netns: ns, file: 'hosts', content: 'owned\n' });
      assert.equal(r.error?.code, 'EACCES', JSON.stringify(r));
      assert.equal(fs.readFileSync(victim, 'utf8'), 'untouched\n');
      const bad = await h.call('setNetnsFile', { netns: ns, file: '../../shadow', content: 'x' });
      assert.equal(bad.error?.code, 'EINVAL');
    } finally {
      fs.rmSync(victim, { force: true });
    }
  });

  it('exports a shell script that sh runs to the same state as Apply, and removes it again', async () => {
    const router = EXAMPLES.find((l) => l.id === 'router')!.spec;
    const prefix = `${P}x-`;
    const script = path.join(os.tmpdir(), `${P}-router.sh`);
    fs.writeFileSync(script, labShellScript({ ...router, namespaces: router.namespaces.map((n, i) => (i === 0 ? { ...n, files: { hosts: '10.0.2.2 b\n' } } : n)) }, prefix));
    try {
      execFileSync('/bin/sh', [script], { stdio: 'pipe', env: { ...process.env, PATH: `/usr/sbin:/usr/bin:/sbin:/bin` } });
      const names = labNamespaces(router, prefix);
      assert.deepEqual(netnsNames().filter((n) => n.startsWith(prefix)).sort(), [...names].sort());
      const k = await kernel(names);
      assert.deepEqual(planLab(router, k, prefix).steps, [], 'the same state Apply makes');
      assert.equal(fs.readFileSync(`/etc/netns/${prefix}a/hosts`, 'utf8'), '10.0.2.2 b\n');
      const ping = await h.call('ping', { netns: `${prefix}a`, address: '10.0.2.2', count: 1 });
      assert.equal((ping.result as { received: number }).received, 1);
      execFileSync('/bin/sh', [script, 'down'], { stdio: 'pipe' });
      assert.deepEqual(netnsNames().filter((n) => n.startsWith(prefix)), []);
      assert.equal(fs.existsSync(`/etc/netns/${prefix}a`), false);
    } finally {
      fs.rmSync(script, { force: true });
    }
  });
});
