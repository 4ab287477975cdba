// What the manifest makes VS Code show: the view's title (VS Code joins the container's title and
// the only view's name as "CONTAINER: VIEW" unless they are the same), the palette titles, and no
// activation event that the contributions already imply (VS Code >= 1.74 warns about those).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '..', '..', '..');
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')) as Record<string, unknown>;

interface Manifest {
  engines: { vscode: string };
  activationEvents?: string[];
  contributes: {
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    commands: { command: string; title: string }[];
    terminal?: { profiles: { id: string }[] };
  };
}

const pkg = read('package.json') as unknown as Manifest;
const key = (s: string) => /^%(.+)%$/.exec(s)?.[1] ?? s;

describe('manifest', () => {
  it('names the only view like its container, so the title reads once', () => {
    for (const nls of ['package.nls.json', 'package.nls.ko.json']) {
      const t = read(nls);
      for (const container of pkg.contributes.viewsContainers.activitybar) {
        const views = pkg.contributes.views[container.id];
        assert.equal(views.length, 1);
        assert.equal(t[key(views[0].name)], t[key(container.title)], `${nls}: "${String(t[key(container.title)])}: ${String(t[key(views[0].name)])}"`);
      }
    }
  });

  it('titles the interface state commands by what they act on', () => {
    const en = read('package.nls.json');
    const title = (id: string) => en[key(pkg.contributes.commands.find((c) => c.command === id)!.title)];
    assert.equal(title('netns.setInterfaceUp'), 'Set Interface Up');
    assert.equal(title('netns.setInterfaceDown'), 'Set Interface Down');
  });

  it('declares no activation event its contributions imply', () => {
    assert.match(pkg.engines.vscode, /^\^1\.(7[4-9]|[89]\d|\d{3})\./, 'the contributions imply events from VS Code 1.74 on');
    const implied = new Set([
      ...(pkg.contributes.terminal?.profiles ?? []).map((p) => `onTerminalProfile:${p.id}`),
      ...pkg.contributes.commands.map((c) => `onCommand:${c.command}`),
      ...Object.values(pkg.contributes.views).flat().map((v) => `onView:${v.id}`),
    ]);
    assert.deepEqual((pkg.activationEvents ?? []).filter((e) => implied.has(e)), []);
  });
});
