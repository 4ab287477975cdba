// The .vsix holds only what runs: `vsce ls` (what `npm run package` packs, through .vscodeignore)
// lists nothing outside the allowed set, and the koffi files it lists are enough to load koffi
// on their own, as the packaged helper does.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findReadme } from '../../src/extension/readmeFile';

const root = path.resolve(__dirname, '..', '..', '..');
const vsce = path.join(root, 'node_modules', '.bin', 'vsce');

const ALLOWED = [
  /^package\.json$/,
  /^package\.nls(\.[a-z-]+)?\.json$/,
  /^l10n\/bundle\.l10n\.[a-z-]+\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^media\/(e2e\/|walkthrough\/)?[^/]+\.(svg|png)$/,
  // the grammar and language settings of inspection documents
  /^syntaxes\/netns-inspect\.[A-Za-z-]+\.json$/,
  /^dist\/(extension|helper|askpass|topology)\.js$/,
  /^dist\/(topology|codicon)\.css$/,
  /^dist\/codicon\.ttf$/,
  // the example lab files (Create Example Lab builds from them) and the lab files' schema
  /^examples\/labs\/[a-z]+\.netns\.yaml$/,
  /^schemas\/netns-lab\.schema\.json$/,
  /^node_modules\/koffi\/(package\.json|index\.cjs|LICENSE\.txt|src\/koffi\/index\.cjs|src\/koffi\/src\/static\.cjs)$/,
  /^node_modules\/@koromix\/koffi-linux-[a-z0-9]+\/(package\.json|index\.js|[a-z0-9_]+\/koffi\.node)$/,
];

let cached: string[] | undefined;
/** `vsce ls`, once (it asks npm for the production dependencies, which takes a few seconds). */
function listed(): string[] {
  if (!cached) {
    const r = spawnSync(vsce, ['ls'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    cached = r.stdout.split('\n').filter(Boolean);
  }
  return cached;
}

describe('vsix contents', { skip: !fs.existsSync(vsce) && 'needs @vscode/vsce (npm ci)' }, () => {
  it('lists only the files that run, and all of them', () => {
    const files = listed();
    const stray = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
    assert.deepEqual(stray, [], 'files in the .vsix that do not run');
    for (const f of ['package.json', 'package.nls.json', 'README.md', 'LICENSE', 'node_modules/koffi/index.cjs']) {
      assert.ok(files.includes(f), `${f} is missing`);
    }
    for (const f of ['dist/extension.js', 'dist/helper.js', 'dist/askpass.js', 'dist/topology.js', 'dist/topology.css', 'dist/codicon.css', 'dist/codicon.ttf']) {
      if (fs.existsSync(path.join(root, f))) {
        assert.ok(files.includes(f), `${f} is missing`);
      }
    }
    for (const m of fs.readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/\]\((media\/[^)\s]+)\)/g)) {
      assert.ok(files.includes(m[1]), `the README shows ${m[1]}, which is not packed`);
    }
    assert.ok(
      files.some((f) => /^node_modules\/@koromix\/koffi-linux-[^/]+\/[^/]+\/koffi\.node$/.test(f)),
      'a native koffi binary is packed',
    );
  });

  it('has a README that "How to Allow Without a Password" finds in the packaged extension', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-vsix-'));
    try {
      // Packed for real (vsce stores the README under another name), without the dependencies,
      // which this does not need.
      const vsix = path.join(dir, 'x.vsix');
      const r = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const out = path.join(dir, 'x');
      const unzip = spawnSync('unzip', ['-q', vsix, '-d', out], { encoding: 'utf8' });
      assert.equal(unzip.status, 0, unzip.stderr);
      const found = findReadme(path.join(out, 'extension'));
      assert.ok(found, `no README among ${fs.readdirSync(path.join(out, 'extension')).join(', ')}`);
      assert.match(fs.readFileSync(found, 'utf8'), /^## Privileges$/m, 'the section the command opens is in it');
      assert.equal(findReadme(root), path.join(root, 'README.md'), 'and in a development folder');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('packs enough of koffi to load it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-vsix-'));
    try {
      for (const f of listed().filter((f) => f.startsWith('node_modules/'))) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.copyFileSync(path.join(root, f), path.join(dir, f));
      }
      const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(require(process.argv[1]).version))', path.join(dir, 'node_modules', 'koffi')], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const expected = (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'koffi', 'package.json'), 'utf8')) as { version: string }).version;
      assert.equal(r.stdout, expected);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
