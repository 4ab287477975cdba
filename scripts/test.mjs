// Runs every test suite in order and prints one summary line per suite and a total.
//   node scripts/test.mjs            all suites
//   node scripts/test.mjs unit kernel   only those
// A suite whose requirement is missing prints "SKIP <suite>: needs <what>"; under CI (CI=true)
// a missing requirement fails the run instead, so nothing is skipped there.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const has = (file) => fs.existsSync(file);
const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();

// What a suite can need; each check returns what is missing, or undefined.
const need = {
  root: (why = 'root') => () => (process.getuid() !== 0 ? why : undefined),
  program: (cmd, why = cmd) => () => (which(cmd) ? undefined : why),
  file: (file, why) => () => (has(file) ? undefined : why),
};

function listTests(dir, suffix) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (e.name.endsWith(suffix)) {
        out.push(p);
      }
    }
  };
  if (has(dir)) {
    walk(dir);
  }
  return out.sort();
}

// A suite is either node:test files (`tests`: the folder of built *.test.js) or a runner script
// (`runner`: built from test/<...>.ts, with its tests in `sources`). Listed lazily: the built files
// exist only after the build below.
const suites = [
  { name: 'unit', tests: 'out/test/unit', needs: [] },
  { name: 'kernel', tests: 'out/test/kernel', needs: [need.root(), need.program('ip', 'iproute2')] },
  { name: 'client', tests: 'out/test/client', needs: [need.root()] },
  {
    name: 'privilege',
    tests: 'out/test/privilege',
    needs: [need.root('root (it creates a test user)'), need.program('sudo'), need.program('pkexec'), need.program('dbus-daemon')],
  },
  {
    name: 'vscode',
    runner: 'out/test/vscode/run.js',
    sources: ['test/vscode/suite', '.test.ts'],
    needs: [need.root(), need.file('/usr/bin/chromium', 'chromium (apt install chromium)')],
  },
  {
    name: 'e2e',
    runner: 'out/test/e2e/run.js',
    sources: ['test/e2e', '.e2e.ts'],
    needs: [need.root(), need.file('/usr/bin/chromium', 'chromium (apt install chromium)')],
  },
];

const wanted = process.argv.slice(2);
const selected = wanted.length ? suites.filter((s) => wanted.includes(s.name)) : suites;

function run(cmd, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const tee = (stream, out) =>
      stream.on('data', (d) => {
        out.write(d);
        if (capture) {
          text += d.toString();
        }
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
  });
}

/** The command to run a suite, or why it cannot run: { skip } (no tests) or { fail } (not built). */
function commandOf(s) {
  if (s.tests) {
    const files = listTests(s.tests, '.test.js');
    return files.length ? { cmd: ['node', ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files]] } : { skip: 'no tests found' };
  }
  if (listTests(...s.sources).length === 0) {
    return { skip: 'no tests found' };
  }
  return has(s.runner) ? { cmd: ['node', [s.runner]] } : { fail: `runner ${s.runner} not built` };
}

const build = spawnSync('npm', ['run', '--silent', 'compile'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('build failed');
  process.exit(1);
}

let passed = 0, failed = 0, skipped = 0;
const lines = [];
for (const s of selected) {
  const missing = s.needs.map((check) => check()).find((m) => m !== undefined);
  if (missing) {
    if (ci) {
      lines.push(`FAIL ${s.name}: needs ${missing} (nothing may be skipped in CI)`);
      failed++;
    } else {
      lines.push(`SKIP ${s.name}: needs ${missing}`);
      skipped++;
    }
    console.log(lines.at(-1));
    continue;
  }
  const how = commandOf(s);
  if (!how.cmd) {
    const line = how.skip ? `SKIP ${s.name}: ${how.skip}` : `${ci ? 'FAIL' : 'SKIP'} ${s.name}: ${how.fail}`;
    lines.push(line);
    console.log(line);
    if (how.fail && ci) {
      failed++;
    }
    continue;
  }
  const { cmd } = how;
  console.log(`\n=== suite ${s.name} ===`);
  const { code, text } = await run(cmd[0], cmd[1], true);
  // The runner's own summary comes last (a test may print lines of the same form before it).
  const num = (re) => Number([...text.matchAll(new RegExp(re.source, 'gm'))].at(-1)?.[1] ?? 0);
  const p = num(/^[#ℹ] pass (\d+)/m), f = num(/^[#ℹ] fail (\d+)/m), k = num(/^[#ℹ] skipped (\d+)/m);
  // Under CI a skipped test is a failure: every requirement is installed there.
  const bad = f + (code !== 0 && f === 0 ? 1 : 0) + (ci ? k : 0);
  passed += p; failed += bad; skipped += ci ? 0 : k;
  const why = code !== 0 && f === 0 ? ` (exit code ${code})` : ci && k ? ' (tests skipped under CI)' : '';
  lines.push(`${bad ? 'FAIL' : 'ok  '} ${s.name}: ${p} passed, ${bad} failed, ${ci ? 0 : k} skipped${why}`);
}
console.log('\n=== summary ===');
for (const l of lines) {
  console.log(l);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
