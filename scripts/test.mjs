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
const isRoot = process.getuid() === 0;
const has = (file) => fs.existsSync(file);
const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();

// Listed lazily: the test files exist only after the build below.
const nodeTest = (dir) => () => ['node', ['--test', '--test-concurrency=1', '--test-reporter=spec', ...listTests(dir)]];
function listTests(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.js')) out.push(p);
    }
  };
  if (has(dir)) walk(dir);
  return out.sort();
}

const suites = [
  { name: 'unit', cmd: nodeTest('out/test/unit'), needs: () => undefined },
  { name: 'kernel', cmd: nodeTest('out/test/kernel'), needs: () => (!isRoot ? 'root' : !which('ip') ? 'iproute2' : undefined) },
  { name: 'client', cmd: nodeTest('out/test/client'), needs: () => (!isRoot ? 'root' : undefined) },
  {
    name: 'privilege',
    cmd: nodeTest('out/test/privilege'),
    needs: () => (!isRoot ? 'root (it creates a test user)' : !which('sudo') ? 'sudo' : !which('pkexec') ? 'pkexec' : !which('dbus-daemon') ? 'dbus-daemon' : undefined),
  },
  {
    name: 'vscode',
    cmd: () => ['node', ['out/test/vscode/run.js']],
    needs: () => (!isRoot ? 'root' : !has('/usr/bin/chromium') ? 'chromium (apt install chromium)' : undefined),
  },
  {
    name: 'e2e',
    cmd: () => ['node', ['out/test/e2e/run.js']],
    needs: () => (!isRoot ? 'root' : !has('/usr/bin/chromium') ? 'chromium (apt install chromium)' : undefined),
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
        if (capture) text += d.toString();
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, text }));
  });
}

const build = spawnSync('npm', ['run', '--silent', 'compile'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('build failed');
  process.exit(1);
}

let passed = 0, failed = 0, skipped = 0;
const lines = [];
for (const s of selected) {
  const missing = s.needs();
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
  const cmd = s.cmd();
  if (cmd[1][0] === '--test' && cmd[1].length <= 3) {
    lines.push(`SKIP ${s.name}: no tests found`);
    console.log(lines.at(-1));
    continue;
  }
  if (!cmd[1][0].startsWith('--') && !has(cmd[1][0].replace(/^out\//, '').replace(/\.js$/, '.ts'))) {
    lines.push(`SKIP ${s.name}: no tests found`);
    console.log(lines.at(-1));
    continue;
  }
  if (!cmd[1][0].startsWith('--') && !has(cmd[1][0])) {
    const line = `${ci ? 'FAIL' : 'SKIP'} ${s.name}: runner ${cmd[1][0]} not built`;
    lines.push(line);
    console.log(line);
    if (ci) failed++;
    continue;
  }
  console.log(`\n=== suite ${s.name} ===`);
  const { code, text } = await run(cmd[0], cmd[1], true);
  const num = (re) => Number((text.match(re) ?? [])[1] ?? 0);
  const p = num(/^[#ℹ] pass (\d+)/m), f = num(/^[#ℹ] fail (\d+)/m), k = num(/^[#ℹ] skipped (\d+)/m);
  // Under CI a skipped test is a failure: every requirement is installed there.
  const bad = f + (code !== 0 && f === 0 ? 1 : 0) + (ci ? k : 0);
  passed += p; failed += bad; skipped += ci ? 0 : k;
  const why = code !== 0 && f === 0 ? ` (exit code ${code})` : ci && k ? ' (tests skipped under CI)' : '';
  lines.push(`${bad ? 'FAIL' : 'ok  '} ${s.name}: ${p} passed, ${bad} failed, ${ci ? 0 : k} skipped${why}`);
}
console.log('\n=== summary ===');
for (const l of lines) console.log(l);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
