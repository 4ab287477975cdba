// The kernel features this machine's kernel may be built without, tested on one that has them:
// the netem tests (delay, loss, the 100 ms ping, qdisc events), the bridge, dummy and VLAN tests and
// the lab file with all of them run again inside user-mode Linux, a real Debian kernel booted as a process (see
// test/support/uml.ts), where every module they need is loaded. Their results are this test's.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { IP, uniquePrefix } from '../support/kernel';
import { runInUml, secondKernel, umlMissing } from '../support/uml';

const root = path.resolve(__dirname, '..', '..', '..');

/** What the host kernel lacks of `kinds` ("netem", "dummy", "vlan"), tried in a namespace of our own. */
function hostLacks(): string[] {
  const ns = `${uniquePrefix()}k`;
  const run = (argv: string[]) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' }).status === 0;
  run([IP, 'netns', 'add', ns]);
  try {
    const lacks: string[] = [];
    run([IP, '-n', ns, 'link', 'add', 'name', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    if (!run(['/usr/sbin/tc', '-n', ns, 'qdisc', 'add', 'dev', 'v0', 'root', 'netem', 'delay', '1ms'])) {
      lacks.push('netem');
    }
    if (!run([IP, '-n', ns, 'link', 'add', 'name', 'd0', 'type', 'dummy'])) {
      lacks.push('dummy');
    }
    if (!run([IP, '-n', ns, 'link', 'add', 'link', 'v0', 'name', 'v0.5', 'type', 'vlan', 'id', '5'])) {
      lacks.push('vlan');
    }
    return lacks;
  } finally {
    run([IP, 'netns', 'delete', ns]);
  }
}

const LACKS = hostLacks();
/** `own`: why it runs there even where this kernel has everything it needs. */
const SUITES: { file: string; needs: string[]; own?: string; modules: string[]; tests: number }[] = [
  { file: 'netem.test.js', needs: ['netem'], modules: ['ipv6', 'veth', 'sch_netem', 'sch_tbf'], tests: 5 },
  { file: 'bridges.test.js', needs: ['dummy', 'vlan'], modules: ['ipv6', 'veth', 'bridge', 'dummy', '8021q'], tests: 5 },
  { file: 'labLinks.test.js', needs: ['dummy', 'vlan', 'netem'], modules: ['ipv6', 'veth', 'bridge', 'dummy', '8021q', 'sch_netem', 'sch_tbf'], tests: 4 },
  // Always there: it fills the neighbour table, which all of a machine's namespaces share.
  { file: 'inUml/neighbourTable.uml.js', needs: [], own: 'a neighbour table of its own to fill', modules: ['ipv6', 'veth'], tests: 2 },
];

describe('kernel features in user-mode Linux', () => {
  for (const s of SUITES) {
    const lacking = s.needs.filter((n) => LACKS.includes(n));
    if (lacking.length === 0 && !s.own) {
      it(`${s.file}: this kernel has ${s.needs.join(' and ')}, so the kernel suite tests them here`, () => {
        assert.deepEqual(LACKS.filter((n) => s.needs.includes(n)), []);
      });
      continue;
    }
    const missing = umlMissing();
    const kernel = missing ? { name: 'user-mode Linux', slowdown: 1 } : secondKernel();
    it(`${s.file} on a kernel with ${s.own ?? `${lacking.join(' and ')} (this one has none)`}`, { skip: missing ?? false, timeout: 240_000 * kernel.slowdown }, () => {
      const r = runInUml(['/usr/bin/node', '--test', '--test-reporter=tap', path.join('out', 'test', 'kernel', s.file)], {
        modules: s.modules,
        cwd: root,
        env: { NETNS_IN_UML: '1' },
        timeoutMs: 200_000 * kernel.slowdown,
      });
      const results = r.output.split('\n').filter((l) => /^\s*(not )?ok \d+ - /.test(l) || /^# (pass|fail|skipped) /.test(l) || /RTT|netem:/.test(l));
      // Indented, so that the suite's summary does not count the inner run's "# pass" lines.
      console.log(`${kernel.name} ran ${s.file}:\n${results.map((l) => `  [uml] ${l}`).join('\n')}`);
      assert.equal(r.status, 0, `exit status ${r.status}\n${r.output.slice(-3000)}\n--- console ---\n${r.console}`);
      assert.match(r.output, /^# fail 0$/m);
      assert.match(r.output, /^# skipped 0$/m, 'nothing was skipped there');
      assert.ok(Number(/^# pass (\d+)$/m.exec(r.output)?.[1] ?? 0) >= s.tests, 'its tests ran');
    });
  }
});
