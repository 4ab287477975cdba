// The extension-host side of the "vscode" suite, in the shape @vscode/test-electron expects:
// `run()` loads every *.test.js below this folder into mocha (bdd: describe/it) and resolves when
// all pass. It runs the same under code-server (test/vscode/run.ts) and a desktop VS Code
// (test/vscode/runElectron.ts). The last three lines it prints are `# pass N`, `# fail N` and
// `# skipped N`, which scripts/test.mjs reads.

import * as fs from 'node:fs';
import * as path from 'node:path';
// From the repository's node_modules. mocha 12 is an ES module, loaded through require(), so the
// extension host's Node must be >= 20.19 (code-server runs on the system Node 20).
import Mocha from 'mocha';

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      out.push(...testFiles(p));
    } else if (e.name.endsWith('.test.js')) {
      out.push(p);
    }
  }
  return out.sort();
}

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.NETNS_MOCHA_TIMEOUT ?? 60_000),
    grep: process.env.NETNS_MOCHA_GREP || undefined,
  });
  const files = testFiles(__dirname);
  for (const file of files) {
    mocha.addFile(file);
  }
  // The runner takes this line as the sign that the tests have started.
  console.log(`vscode suite: ${files.length} test files`);
  await new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const { passes = 0, failures: failed = failures, pending = 0 } = runner.stats ?? {};
        console.log(`# pass ${passes}`);
        console.log(`# fail ${failed}`);
        console.log(`# skipped ${pending}`);
        if (failures > 0) {
          reject(new Error(`${failures} test(s) failed`));
        } else {
          resolve();
        }
      });
    } catch (e) {
      // A test file that throws while loading.
      console.error(e);
      console.log('# pass 0');
      console.log('# fail 1');
      console.log('# skipped 0');
      reject(e);
    }
  });
}
