// Lab files in the workspace: errors shown at their line and column as the file is edited; the
// Labs group of the view with each lab's state; Apply from the file (the plan shown, one batch, the
// kernel read back), applied again without a change, drift shown when the kernel changes outside,
// exported back as a lab and as a script, and destroyed, also after the file was renamed.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import { ip, netnsNames, uniquePrefix } from '../../support/kernel';
import { children, confirm, item, label, useScriptedHost, waitFor } from './extensionFixture';

const run = <T>(command: string, ...args: unknown[]) => vscode.commands.executeCommand<T>(command, ...args);

describe('lab files', function () {
  this.timeout(90_000);
  const P = uniquePrefix();
  let api: NetnsApi;
  const workspace = process.env.NETNS_TEST_WORKSPACE!;
  const file = path.join(workspace, `${P}.netns.yaml`);
  const uri = vscode.Uri.file(file);
  const labText = (extra = '') =>
    [
      `name: ${P}lab`,
      `prefix: ${P}-`,
      'namespaces:',
      '  - name: a',
      '  - name: b',
      '    routes:',
      '      - { to: 10.9.0.0/16, via: 10.1.0.1 }',
      'veths:',
      '  - a: { netns: a, name: eth0, addresses: [10.1.0.1/24] }',
      '    b: { netns: b, addresses: [10.1.0.2/24] }',
      extra,
    ].join('\n');

  const { host } = useScriptedHost(P, async (a) => {
    api = a;
  });

  after(() => {
    for (const f of fs.readdirSync(workspace).filter((x) => x.startsWith(P))) {
      fs.rmSync(path.join(workspace, f), { force: true });
    }
  });

  async function labRow(): Promise<{ node: TreeNode; item: vscode.TreeItem } | undefined> {
    const group = (await children(api)).find((n) => n.kind === 'labsGroup');
    if (!group) {
      return undefined;
    }
    for (const node of await children(api, group)) {
      const it = await item(api, node);
      if (label(it) === `${P}lab`) {
        return { node, item: it };
      }
    }
    return undefined;
  }

  it('shows the problems of a lab file at their line and column while it is edited', async () => {
    fs.writeFileSync(file, labText());
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(10, 0), '  - a: { netns: c, name: x1 }\n    b: { netns: a, name: eth0 }\n'));
    const diags = await waitFor(
      () => vscode.languages.getDiagnostics(uri).length >= 2,
      10_000,
      'diagnostics of the edited file',
    ).then(() => vscode.languages.getDiagnostics(uri));
    const where = diags.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
    assert.ok(where.some((w) => w.startsWith('11:17 ') && /"c"/.test(w)), where.join('\n'));
    assert.ok(where.some((w) => w.startsWith('12:26 ') && /eth0/.test(w)), where.join('\n'));
    await vscode.commands.executeCommand('undo');
    await waitFor(() => vscode.languages.getDiagnostics(uri).length === 0, 10_000, 'no problems once the edit is undone');
    await doc.save();
  });

  it('lists the lab as not applied, applies it from the file, and shows it applied', async () => {
    await waitFor(async () => /not applied|적용 안 됨/.test(String((await labRow())?.item.description)), 15_000, 'the lab row, not applied');
    host.warnings.push(confirm);
    const r = await run<{ changes: number }>('netns.applyLab', uri);
    assert.ok(r && r.changes > 4, JSON.stringify(host.shown));
    // The plan was shown beside the file, with the commands it ran.
    const plan = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'netns-lab-plan');
    assert.ok(plan, 'the plan document is open');
    assert.match(plan.getText(), new RegExp(`\\+ ip netns add ${P}-a`));
    assert.match(plan.getText(), new RegExp(`\\+ ip -n ${P}-b route add 10\\.9\\.0\\.0/16 via 10\\.1\\.0\\.1`));
    // The kernel, read back.
    const links = JSON.parse(ip(['-j', '-n', `${P}-b`, 'address', 'show', 'dev', 'veth-a'])) as { flags: string[]; addr_info: { local: string }[] }[];
    assert.ok(links[0].flags.includes('UP'));
    assert.ok(links[0].addr_info.some((x) => x.local === '10.1.0.2'));
    await waitFor(async () => /applied|적용됨/.test(String((await labRow())?.item.description)) && !/not|안 됨/.test(String((await labRow())?.item.description)), 15_000, 'the lab row, applied');
    // Applying again changes nothing.
    assert.deepEqual(await run('netns.applyLab', uri), { changes: 0 });
  });

  it('shows drift when the kernel changes outside, and Apply brings it back', async () => {
    ip(['-n', `${P}-a`, 'link', 'set', 'dev', 'eth0', 'down']);
    await waitFor(async () => /drift: 1|차이: 적용할 변경 1/.test(String((await labRow())?.item.description)), 15_000, 'the lab row, drifted');
    host.warnings.push(confirm);
    assert.deepEqual(await run('netns.applyLab', uri), { changes: 1 });
    const link = JSON.parse(ip(['-j', '-n', `${P}-a`, 'link', 'show', 'dev', 'eth0'])) as { flags: string[] }[];
    assert.ok(link[0].flags.includes('UP'));
  });

  it('exports the lab\'s namespaces as a lab file that applies back to the same state, and as a script', async () => {
    const target = vscode.Uri.file(path.join(workspace, `${P}-exported.netns.yaml`));
    const text = await run<string>('netns.exportStateAsLab', { netns: [`${P}-a`, `${P}-b`], name: `${P}exp`, target });
    assert.match(String(text), new RegExp(`name: ${P}-a`));
    const plan = await run<{ steps: unknown[] }>('netns.diffLab', target);
    assert.deepEqual(plan?.steps, [], 'the export applies back to the same state');
    const script = await run<string>('netns.exportLabScript', { file: uri, target: vscode.Uri.file(path.join(workspace, `${P}.sh`)) });
    assert.match(String(script), /\nset -e\n/);
    assert.match(String(script), new RegExp(`ip netns delete ${P}-a`));
  });

  it('destroys what the lab made, found by its name after the file was renamed', async () => {
    const renamed = vscode.Uri.file(path.join(workspace, `${P}-renamed.netns.yaml`));
    await vscode.workspace.fs.rename(uri, renamed);
    let detail = '';
    host.warnings.push((_m, o, items) => {
      detail = String(o.detail);
      return items[0];
    });
    assert.equal(await run('netns.destroyLab', renamed), true, JSON.stringify(host.shown));
    assert.match(detail, new RegExp(`${P}-a, ${P}-b`));
    assert.deepEqual(netnsNames().filter((n) => n.startsWith(`${P}-`)), []);
    await waitFor(async () => /not applied|적용 안 됨/.test(String((await labRow())?.item.description)), 15_000, 'the lab row, not applied again');
    assert.deepEqual(host.unexpected, []);
  });
});
