// Lab files as text: problems found by the YAML parser, the schema and the lab's own checks, each
// at its line and column; the plan against a kernel as the model shows it; the shell script.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseLabFile, type LabProblem } from '../../src/core/labs/labFile';
import { planLab } from '../../src/core/labs/labPlan';
import { describeKeyAt } from '../../src/core/labs/labSchemaDocs';
import { labShellScript } from '../../src/core/labs/labScript';
import type { Interface, Namespace } from '../../src/core/model';
import { EXAMPLES, exampleLabText } from '../support/exampleLabs';
import { repoRoot } from '../support/kernel';

/** Where a problem is, as an editor shows it: "line:column" counted from 1. */
const at = (p: LabProblem) => `${p.range.start.line + 1}:${p.range.start.column + 1}`;
const problems = (text: string) => parseLabFile(text).problems.map((p) => `${at(p)} ${p.source}: ${p.message}`);

describe('lab files: problems with their places', () => {
  it('parses the example labs without a problem', () => {
    for (const lab of EXAMPLES) {
      assert.deepEqual(parseLabFile(exampleLabText(lab)).problems, [], lab.file);
    }
  });

  it('points at a YAML syntax error', () => {
    const p = problems('name: x\nnamespaces:\n  - name: a\n    forwarding: [true\n');
    assert.equal(p.length > 0, true);
    assert.match(p[0], /^[45]:\d+ yaml: /);
  });

  it('points at the key a schema does not know, and at a wrong value', () => {
    const text = ['name: x', 'namespaces:', '  - name: a', '    forwardin: true', 'veths:', '  - a: { netns: a, name: this-name-is-too-long }', '    b: { netns: a }'].join('\n');
    const p = problems(text);
    assert.ok(p.includes('4:5 schema: "forwardin" is not a setting here.'), p.join('\n'));
    assert.ok(p.some((x) => x === '6:26 schema: "name" is longer than 15 characters.'), p.join('\n'));
  });

  it('says what is missing, at the entry that misses it', () => {
    const p = problems('name: x\nnamespaces:\n  - forwarding: true\n');
    assert.deepEqual(p, ['3:5 schema: "name" is missing here.']);
  });

  it('finds what no schema can: clashes, unknown references, unreachable gateways', () => {
    const text = [
      'name: x',
      'namespaces:',
      '  - name: a',
      '    routes:',
      '      - { to: default, via: 10.9.9.1 }',
      '  - name: a',
      'veths:',
      '  - a: { netns: a, name: v1, addresses: [10.0.0.1/24] }',
      '    b: { netns: b, name: v2 }',
      'dummies:',
      '  - { netns: a, name: v1 }',
      'bridges:',
      '  - { netns: a, name: br0, ports: [nope] }',
    ].join('\n');
    const p = problems(text);
    assert.ok(p.includes('6:11 lab: The namespace "a" is declared twice (also at namespaces[0]).'), p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('9:17 lab: "b" is not one of the lab\'s namespaces')), p.join('\n'));
    assert.ok(p.includes('11:23 lab: v1 in a is declared twice (also at veths[0].a).'), p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('13:36 lab: nope is not an interface of a')), p.join('\n'));
    assert.ok(p.some((x) => x.startsWith('5:29 lab: 10.9.9.1 is not in any subnet of a (10.0.0.0/24 on v1)')), p.join('\n'));
    assert.equal(parseLabFile(text).spec, undefined, 'no lab from a file with errors');
  });
});

describe('lab plans', () => {
  const iface = (name: string, extra: Partial<Interface> = {}): Interface => ({ ifindex: 1, name, kind: 'veth', operState: 'UP', flags: ['UP'], mtu: 1500, addresses: [], ...extra });
  const ns = (name: string, interfaces: Interface[], extra: Partial<Namespace> = {}): Namespace => ({ name, path: '', inode: 1, id: '', isRoot: false, interfaces: [iface('lo', { kind: 'loopback' }), ...interfaces], ...extra });
  const veth = EXAMPLES.find((l) => l.id === 'veth')!.spec;

  it('builds everything on an empty kernel, in an order that works', () => {
    const plan = planLab(veth, { namespace: () => undefined });
    // Across namespaces first, then each namespace's own steps together (one ip -n NS -batch).
    assert.deepEqual(
      plan.steps.map((s) => `${s.op} ${'netns' in s ? s.netns : ''}`.trim()),
      ['addNetns', 'addNetns', 'addVeth lab-ns1', 'setLinkState lab-ns1', 'addAddress lab-ns1', 'setLinkState lab-ns1', 'setLinkState lab-ns2', 'addAddress lab-ns2', 'setLinkState lab-ns2'],
    );
    assert.deepEqual(plan.existing, []);
  });

  it('plans nothing when the kernel matches, and only the difference when it does not', () => {
    const a = iface('veth-a', { peer: { ifindex: 2, name: 'veth-b', netns: 'lab-ns2' }, addresses: [{ family: 4, address: '10.0.0.1', prefixLen: 24, scope: 'global' }, { family: 6, address: 'fe80::1', prefixLen: 64, scope: 'link' }] });
    const b = iface('veth-b', { peer: { ifindex: 1, name: 'veth-a', netns: 'lab-ns1' }, addresses: [{ family: 4, address: '10.0.0.2', prefixLen: 24, scope: 'global' }] });
    const kernel = (x: Interface, y: Interface) => ({ namespace: (n: string) => (n === 'lab-ns1' ? ns(n, [x]) : n === 'lab-ns2' ? ns(n, [y]) : undefined) });
    assert.deepEqual(planLab(veth, kernel(a, b)).steps, []);
    const changed = planLab(veth, kernel({ ...a, flags: [], netem: { delayMs: 5 } }, { ...b, addresses: [{ family: 4, address: '10.0.0.3', prefixLen: 24, scope: 'global' }] }));
    assert.deepEqual(changed.steps, [
      { op: 'setLinkState', netns: 'lab-ns1', name: 'veth-a', up: true },
      { op: 'delAddress', netns: 'lab-ns2', name: 'veth-b', address: '10.0.0.3/24' },
      { op: 'addAddress', netns: 'lab-ns2', name: 'veth-b', address: '10.0.0.2/24' },
      { op: 'clearNetem', netns: 'lab-ns1', name: 'veth-a' },
    ]);
  });
});

describe('lab shell scripts', () => {
  it('is the plan\'s own commands with set -e, and a teardown', () => {
    const router = EXAMPLES.find((l) => l.id === 'router')!.spec;
    const script = labShellScript(router);
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.match(script, /\nset -e\n/);
    assert.match(script, /\n {2}ip netns add rt-a\n/);
    assert.match(script, /\n {2}ip link add name eth0 netns rt-a type veth peer name eth-a netns rt-r\n/);
    assert.match(script, /\n {2}ip netns exec rt-r sysctl -w net\.ipv4\.ip_forward=1\n/);
    assert.match(script, /\n {2}ip -n rt-a route add default via 10\.0\.1\.1\n/);
    assert.match(script, /\n {2}ip netns delete rt-b 2>\/dev\/null \|\| true\n/);
  });
});

describe('hover docs from the schema', () => {
  it('describes the key under the pointer, however deep', () => {
    const text = exampleLabText(EXAMPLES.find((l) => l.id === 'router')!);
    assert.match(describeKeyAt(text, text.indexOf('forwarding'))!.description, /IPv4 forwarding/);
    assert.match(describeKeyAt(text, text.indexOf('via:') + 1)!.description, /gateway/);
    assert.match(describeKeyAt(text, text.indexOf('addresses:') + 2)!.description, /ip address add/);
    assert.equal(describeKeyAt(text, text.indexOf('10.0.1.1')), undefined, 'a value is not a key');
  });
});

describe('the lab schema in the manifest', () => {
  it('is given to the YAML extension for *.netns.yaml', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { yamlValidation: { fileMatch: string; url: string }[] } };
    const entry = manifest.contributes.yamlValidation.find((v) => v.fileMatch === '*.netns.yaml');
    assert.ok(entry && fs.existsSync(path.join(repoRoot, entry.url)));
  });
});
