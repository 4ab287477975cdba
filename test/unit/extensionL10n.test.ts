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

/** The text of a string literal or a + of string literals. */
function literalText(n: ts.Node | undefined): string | undefined {
  if (n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n))) {
    return n.text;
  }
  if (n && ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = literalText(n.left);
    const r = literalText(n.right);
    return l !== undefined && r !== undefined ? l + r : undefined;
  }
  if (n && ts.isParenthesizedExpression(n)) {
    return literalText(n.expression);
  }
  return undefined;
}

// The extension's own strings go through vscode.l10n.t; messages made in core, client and helper
// through msg() and part() (src/core/messages.ts), which the extension translates the same way.
const TRANSLATED_CALLS: { dir: string; callee: string[] }[] = [
  { dir: 'extension', callee: ['vscode.l10n.t'] },
  { dir: 'core', callee: ['msg', 'part'] },
  { dir: 'client', callee: ['msg', 'part'] },
  { dir: 'helper', callee: ['msg', 'part'] },
];

function l10nStrings(): { strings: Set<string>; nonLiteral: string[] } {
  const strings = new Set<string>();
  const nonLiteral: string[] = [];
  const files = TRANSLATED_CALLS.flatMap(({ dir, callee }) => sourceFiles(path.join(root, 'src', dir)).map((file) => ({ file, callee })));
  for (const { file, callee } of files) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n) && callee.includes(n.expression.getText(sf)) && !(ts.isFunctionDeclaration(n.parent))) {
        const text = literalText(n.arguments[0]);
        if (text !== undefined) {
          strings.add(text);
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
