// Every user-facing string of the extension has a Korean translation: the runtime strings
// (vscode.l10n.t calls, found with the TypeScript parser) in l10n/bundle.l10n.ko.json and the
// manifest's %keys% in package.nls.json and package.nls.ko.json.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..', '..');
const readJson = (p: string) => JSON.parse(fs.readFileSync(path.join(root, p), 'utf8')) as Record<string, unknown>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function l10nStrings(): { strings: Set<string>; nonLiteral: string[] } {
  const strings = new Set<string>();
  const nonLiteral: string[] = [];
  for (const file of sourceFiles(path.join(root, 'src', 'extension'))) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n) && n.expression.getText(sf) === 'vscode.l10n.t') {
        const a = n.arguments[0];
        if (a && (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a))) {
          strings.add(a.text);
        } else {
          nonLiteral.push(`${path.relative(root, file)}: ${n.getText(sf)}`);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { strings, nonLiteral };
}

describe('extension translations', () => {
  it('translates every runtime string into Korean, with the same placeholders', () => {
    const { strings, nonLiteral } = l10nStrings();
    assert.deepEqual(nonLiteral, [], 'vscode.l10n.t needs a literal message');
    assert.ok(strings.size > 50);
    const ko = readJson('l10n/bundle.l10n.ko.json');
    const missing = [...strings].filter((s) => typeof ko[s] !== 'string');
    assert.deepEqual(missing, []);
    const unused = Object.keys(ko).filter((k) => !strings.has(k));
    assert.deepEqual(unused, []);
    for (const s of strings) {
      const holes = (t: string) => [...t.matchAll(/\{(\d+)\}/g)].map((m) => m[1]).sort().join(',');
      assert.equal(holes(ko[s] as string), holes(s), `placeholders differ for "${s}"`);
    }
  });

  it('translates every %key% of the manifest', () => {
    const text = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const keys = new Set([...text.matchAll(/"%([A-Za-z0-9_.]+)%"/g)].map((m) => m[1]));
    assert.ok(keys.size > 20);
    const en = readJson('package.nls.json');
    const ko = readJson('package.nls.ko.json');
    for (const k of keys) {
      assert.equal(typeof en[k], 'string', `package.nls.json lacks ${k}`);
      assert.equal(typeof ko[k], 'string', `package.nls.ko.json lacks ${k}`);
    }
    assert.deepEqual(Object.keys(ko).sort(), Object.keys(en).sort());
  });
});
