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
    viewsWelcome: { view: string; when: string; contents: string }[];
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

  it('says for each way the helper can fail to start what happened, once, and a next step that is not the one that failed', () => {
    const types = fs.readFileSync(path.join(root, 'src/client/types.ts'), 'utf8');
    const union = /export type LaunchFailure =([^;]+);/.exec(types)![1];
    const kinds = [...union.matchAll(/\| '([a-z-]+)'/g)].map((m) => m[1]);
    assert.ok(kinds.length >= 10, kinds.join(', '));
    const en = read('package.nls.json');
    const textOf = (kind: string): string => {
      // Each `when` names the kinds it covers as `== kind` or in a /^(a|b)$/ alternation.
      const matching = pkg.contributes.viewsWelcome.filter(
        (w) => w.when.includes('helperState == failed') && (new RegExp(`helperFailure == ${kind}(\\s|$)`).test(w.when) || new RegExp(`[(|]${kind}[|)]`).test(w.when)),
      );
      assert.equal(matching.length, 1, `${kind}: ${matching.length} welcome texts`);
      return String(en[key(matching[0].contents)]);
    };
    const texts = Object.fromEntries(kinds.map((k) => [k, textOf(k)]));
    assert.match(texts['no-polkit-agent'], /no authentication agent/);
    assert.match(texts['no-polkit'], /polkit cannot be reached/);
    assert.match(texts['wrong-password'], /did not accept the password/);
    for (const k of ['no-polkit-agent', 'no-polkit']) {
      assert.doesNotMatch(texts[k], /use pkexec|"pkexec"/, `${k}: pkexec just failed or was skipped`);
      assert.match(texts[k], /netns\.privilege\.askPassword/);
    }
    for (const k of ['not-authorized', 'wrong-password']) {
      assert.doesNotMatch(texts[k], /askPassword/, `${k}: the password prompt is not what is missing`);
    }
    assert.match(texts['password-required'], /netns\.privilege\.askPassword/);
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
