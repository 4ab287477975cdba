// The editor side: the .vsix as `npm run package` makes it (in a temporary copy of the project,
// so the working tree and its dist/ stay as they are), and the extension in a real workbench
// (code-server + chromium): activation time as VS Code's "Running Extensions" reports it, the time
// from clicking the view to its first row, and the time to expand a namespace.
/* global document, requestAnimationFrame */
import { execFileSync, fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadUserWorkbench, loadWorkbench } from './bundle.mjs';
import { now } from './measures.mjs';

/** Runs `npm run package` in a copy of the project; returns { bytes, files, koffi } or { error }. */
export function packageVsix(root) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-bench-vsix-'));
  try {
    const copy = path.join(tmp, 'project');
    const skip = new Set(['.git', 'node_modules'].map((d) => path.join(root, d)));
    fs.cpSync(root, copy, { recursive: true, filter: (src) => !skip.has(src) && !src.endsWith('.vsix') });
    // Hard links: a copy in no time, and npm (which vsce asks for the dependencies) sees a real tree.
    const [from, to] = [path.join(root, 'node_modules'), path.join(copy, 'node_modules')];
    try {
      execFileSync('cp', ['-al', from, to], { stdio: 'ignore' });
    } catch {
      fs.rmSync(to, { recursive: true, force: true });
      execFileSync('cp', ['-a', from, to], { stdio: 'ignore' }); // another file system
    }
    const r = spawnSync('npm', ['run', 'package'], { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    const vsix = path.join(copy, 'vscode-netns.vsix');
    if (r.status !== 0 || !fs.existsSync(vsix)) {
      const out = `${r.stdout}\n${r.stderr}`.split('\n');
      const why = (out.find((l) => /ERROR/.test(l)) ?? out.filter(Boolean).slice(-1)[0] ?? r.error?.message ?? '').trim();
      return { error: `npm run package failed (exit ${r.status}): ${why}` };
    }
    const entries = execFileSync('zipinfo', ['-1', vsix], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('extension/') && !l.endsWith('/'));
    return { bytes: fs.statSync(vsix).size, files: entries.length, koffi: entries.some((e) => e.includes('node_modules/koffi/')) };
  } catch (e) {
    return { error: e.message };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Namespaces expanded each way. */
const EXPANSIONS = 4;

/** Why the workbench part cannot run, or undefined. */
export function workbenchMissing(root) {
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) {
    return 'dist/extension.js is missing (npm run build)';
  }
  if (!fs.existsSync('/usr/bin/chromium') && !process.env.NETNS_CHROMIUM) {
    return 'chromium is not installed (apt-get install chromium)';
  }
  return undefined;
}

/**
 * Opens the workbench, clicks "Network Namespaces" in the activity bar and times the first row of
 * the tree; expands a namespace; then reads the activation time from "Running Extensions".
 */
export async function workbench(root, options) {
  try {
    return await workbenchOnce(root, options);
  } catch (e) {
    // A browser that went away under us (a shared, busy machine) gets one more try.
    options.log(`workbench: ${e.message.split('\n')[0]}; trying once more`);
    return await workbenchOnce(root, options);
  }
}

async function workbenchOnce(root, { ourPrefix, log }) {
  const { startCodeServer, launchBrowser } = await loadWorkbench(root);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'netns-bench-ws-'));
  let server;
  let browser;
  try {
    // The topology row draws every namespace one by one (groups collapsed would draw a handful).
    server = await startCodeServer({ folder, extensions: [root], settings: { 'netns.topology.groupAbove': 0 } });
    browser = await launchBrowser();
    const page = browser.page;
    await page.goto(server.workbenchUrl());
    for (const part of ['activitybar', 'sidebar', 'statusbar']) {
      await page.locator(`.monaco-workbench .part.${part}`).first().waitFor({ state: 'visible', timeout: 60_000 });
    }
    const tab = page.getByRole('tab', { name: /Network Namespaces/ });
    await tab.waitFor({ timeout: 30_000 });
    // The tree's rows live in the side bar; the view container holds only our view.
    const rows = page.locator('.part.sidebar .monaco-list-row');

    const waitedForActivation = await waitActivated(server.userDataDir);
    const waitedForIdle = await rendererIdle(page);
    const clickedAt = new Date().toISOString();
    let t0 = now();
    await tab.click();
    // A namespace row, first by its name and id alone ("reading…"), then filled in by the full read.
    const namespaceRows = '.part.sidebar .monaco-list-row[aria-label^="Namespace "]';
    await page.locator(namespaceRows).first().waitFor({ timeout: 120_000 });
    const firstRow = now() - t0;
    const paintedFirst = (await page.locator(`${namespaceRows}[aria-label*="reading…"]`).count()) > 0;
    await page.locator(`${namespaceRows}:not([aria-label*="reading…"])`).first().waitFor({ timeout: 120_000 });
    const filled = now() - t0;
    log(`workbench: first namespace row after ${firstRow.toFixed(0)} ms (${paintedFirst ? 'by name, being read' : 'filled in'}), filled in after ${filled.toFixed(0)} ms`);

    // Expanding namespaces: ours among the rows drawn (the list draws only what is in view), or
    // when others' namespaces fill the view, whichever namespace rows are there.
    await page.locator(`.part.sidebar .monaco-list-row[aria-label*=" ${ourPrefix}-"]`).first().waitFor({ timeout: 15_000 }).catch(() => undefined);
    const rowsDrawn = await rows.count();
    const collapsed = '.part.sidebar .monaco-list-row[aria-level="1"][aria-expanded="false"]:not([aria-label^="Host"])';
    const level2 = '.part.sidebar .monaco-list-row[aria-level="2"]';
    // Alternately by a click on the row (which also selects it) and on its twistie (the arrow).
    const expand = { row: [], twistie: [] };
    for (let k = 0; k < 2 * EXPANSIONS; k++) {
      const how = k % 2 === 0 ? 'row' : 'twistie';
      // The k-th collapsed namespace: each is collapsed again after, so each round takes another.
      const ours = page.locator(`${collapsed}[aria-label*=" ${ourPrefix}-"]`).nth(k);
      const candidate = (await ours.count()) > 0 ? ours : page.locator(collapsed).nth(k);
      // Held by its label: once expanded it no longer matches the collapsed rows.
      const row = page.locator(`.part.sidebar .monaco-list-row[aria-label="${await candidate.getAttribute('aria-label')}"]`);
      const target = how === 'row' ? row : row.locator('.monaco-tl-twistie');
      const before = await page.locator(level2).count();
      t0 = now();
      await target.click();
      await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length > n, [level2, before], { polling: 'raf', timeout: 30_000 });
      expand[how].push(now() - t0);
      // Collapsed again, so the next namespace's rows are drawn in view too (the list draws only
      // the rows in view, and each namespace adds its interfaces, Routes and Processes).
      await row.locator('.monaco-tl-twistie').click();
      await page.waitForTimeout(300);
    }
    const list = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
    log(`workbench: expanded namespaces by a row click in ${list(expand.row)} ms, by the twistie in ${list(expand.twistie)} ms`);

    const topology = await topologyView(page, log).catch((e) => ({ error: e.message.split('\n')[0] }));

    await page.keyboard.press('F1');
    await page.keyboard.type('Developer: Show Running Extensions');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Show Running Extensions' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    const extRow = page.locator('.runtime-extensions-editor .monaco-list-row, .editor-instance .monaco-list-row').filter({ hasText: 'Network Namespaces' }).first();
    await extRow.waitFor({ timeout: 20_000 });
    const text = (await extRow.innerText()).replace(/\s+/g, ' ');
    const m = /Activation: (\d+)\s*ms/.exec(text);
    const activation = m ? Number(m[1]) : undefined;
    return { clickedAt, waitedForActivation, waitedForIdle, firstRow, paintedFirst, filled, expand, rowsDrawn, topology, activation, activationText: m ? m[0] : `not found in "${text}"`, timeline: timeline(server.userDataDir, clickedAt) };
  } finally {
    await browser?.close();
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * The topology view with every namespace of the machine: from "Netns: Show Topology" (Enter in the
 * palette) to its first draw on screen (the webview marks its body with data-drawn after the frame
 * is painted), then the frame times while the user zooms with the wheel and pans by dragging.
 */
async function topologyView(page, log) {
  await page.keyboard.press('F1');
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.fill('>Netns: Show Topology');
  await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'Show Topology' }).first().waitFor({ timeout: 10_000 });
  const t0 = now();
  const enter = Date.now();
  await box.press('Enter');
  let frame;
  let info;
  const deadline = Date.now() + 120_000;
  while (!info && Date.now() < deadline) {
    for (const f of page.frames()) {
      const d = await f.evaluate(() => document.body?.dataset?.drawn).catch(() => undefined);
      if (d) {
        frame = f;
        info = JSON.parse(d);
        break;
      }
    }
    if (!info) {
      await page.waitForTimeout(20);
    }
  }
  if (!info) {
    throw new Error('the topology view did not draw within 120 s');
  }
  const drawnAt = now() - t0;
  // The page's own clock (Date.now(), this process's too): its first frame, and the renderer's frame
  // that answers the mouse; the moments between (page start, graph received, ...) for the log.
  const clock = info.clock ?? {};
  const firstDraw = clock.firstFrame !== undefined ? clock.firstFrame - enter : drawnAt;
  const interactive = clock.painted !== undefined ? clock.painted - enter : drawnAt;
  const moments = Object.entries(clock).sort((a, b) => a[1] - b[1]).map(([k, v]) => `${k} +${v - enter}`).join(', ');
  log(`workbench: topology first frame ${firstDraw.toFixed(0)} ms after the command, the renderer's ${interactive.toFixed(0)} ms (${info.nodes} nodes, ${info.edges} edges, ${info.ms} / ${info.interactiveMs} ms in the view, layout ${info.layoutMs} ms${info.large ? ', large-graph mode' : ''}); ${moments}`);
  // Frame times once everything is drawn (ports and veths are added after the renderer's frame),
  // measured in the view with requestAnimationFrame: zooming with the wheel and panning by dragging
  // the background (pressed in the fit's margin: in a grid of ten thousand boxes almost every other
  // point is a namespace), then dragging a namespace box, which cytoscape draws differently.
  const completeBy = Date.now() + 120_000;
  while (!(await frame.evaluate(() => globalThis.netnsTopology?.state().complete)) && Date.now() < completeBy) {
    await page.waitForTimeout(100);
  }
  const graph = await frame.locator('#graph').boundingBox();
  const [cx, cy] = [graph.x + graph.width / 2, graph.y + graph.height / 2];
  const frames = await frameGaps(frame, async () => {
    await page.mouse.move(cx, cy);
    for (let k = 0; k < 12; k++) {
      await page.mouse.wheel(0, k < 6 ? -240 : 240);
      await page.waitForTimeout(60);
    }
    await drag(page, graph.x + 8, cy, 12, 6);
  });
  const boxUnder = await frame.evaluate(([x, y]) => {
    const n = globalThis.netnsTopology.cy.nodes('[kind="namespace"]').filter((m) => {
      const b = m.renderedBoundingBox();
      return x >= b.x1 && x <= b.x2 && y >= b.y1 && y <= b.y2;
    });
    return n.nonempty() ? n.first().id() : undefined;
  }, [graph.width / 2, graph.height / 2]);
  const dragFrames = boxUnder ? await frameGaps(frame, () => drag(page, cx, cy, 3, 2)) : undefined;
  log(`workbench: topology pan and zoom: frame ${frames.median.toFixed(1)} ms median, ${frames.p95.toFixed(1)} ms p95, longest ${frames.max.toFixed(0)} ms (${frames.count} frames); dragging ${boxUnder ?? 'no box'}: ${dragFrames ? `${dragFrames.median.toFixed(1)} ms median, ${dragFrames.p95.toFixed(1)} ms p95` : 'not measured'}`);
  return { firstDraw, interactive, clock: moments, inView: info.ms, layoutMs: info.layoutMs, nodes: info.nodes, edges: info.edges, large: info.large, frameMedian: frames.median, frameP95: frames.p95, frameMax: frames.max, dragFrameP95: dragFrames?.p95 };
}

/** Times between frames in the page (requestAnimationFrame) while act() runs, and 300 ms after. */
async function frameGaps(frame, act) {
  await frame.evaluate(() => {
    globalThis.benchGaps = [];
    globalThis.benchMeasuring = true;
    let last = performance.now();
    const step = (t) => {
      globalThis.benchGaps.push(t - last);
      last = t;
      if (globalThis.benchMeasuring) {
        requestAnimationFrame(step);
      }
    };
    requestAnimationFrame(step);
  });
  await act();
  await frame.waitForTimeout(300);
  const gaps = (await frame.evaluate(() => {
    globalThis.benchMeasuring = false;
    return globalThis.benchGaps;
  })).sort((a, b) => a - b);
  const at = (q) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))];
  return { median: at(0.5), p95: at(0.95), max: gaps[gaps.length - 1], count: gaps.length };
}

/** A drag of 20 steps of (dx, dy) pixels from (x, y). */
async function drag(page, x, y, dx, dy) {
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let k = 1; k <= 20; k++) {
    await page.mouse.move(x + k * dx, y + k * dy);
    await page.waitForTimeout(30);
  }
  await page.mouse.up();
}

/**
 * The same workbench as an ordinary user whose sudo asks for a password (askPassword on): the time
 * from the click on the activity bar to the first of our namespace rows while the password box is
 * still open (read without root), then from typing the password to that row filled in by the helper.
 */
export async function userWorkbench(root, { ourPrefix, log }) {
  const w = await loadUserWorkbench(root);
  let server;
  let browser;
  try {
    const user = w.createTestUser();
    const password = `pw-${ourPrefix}`;
    w.setPassword(user, password);
    w.installSudoers(`netns-bench-${user.name}`, `${user.name} ALL=(ALL) ALL`);
    ({ server } = await w.startUserWorkbench(user, { 'netns.privilege.method': 'sudo', 'netns.privilege.askPassword': true }));
    browser = await w.launchBrowser();
    const page = browser.page;
    await page.goto(server.workbenchUrl());
    for (const part of ['activitybar', 'sidebar', 'statusbar']) {
      await page.locator(`.monaco-workbench .part.${part}`).first().waitFor({ state: 'visible', timeout: 60_000 });
    }
    const tab = page.getByRole('tab', { name: /Network Namespaces/ });
    await tab.waitFor({ timeout: 30_000 });
    const ours = `.part.sidebar .monaco-list-row[aria-label^="Namespace ${ourPrefix}-"]`;
    const waitedForActivation = await waitActivated(server.userDataDir);
    const waitedForIdle = await rendererIdle(page);
    const clickedAt = new Date().toISOString();
    let t0 = now();
    await tab.click();
    await page.locator(`${ours}[aria-label*="needs the helper"]`).first().waitFor({ timeout: 60_000 });
    const firstRow = now() - t0;
    const box = page.locator('.quick-input-widget .quick-input-box input');
    const boxOpen = await box.isVisible();
    log(`workbench as ${user.name}: first namespace row after ${firstRow.toFixed(0)} ms, the password box ${boxOpen ? 'open' : 'not open'}`);
    await box.waitFor({ state: 'visible', timeout: 30_000 });
    await box.fill(password);
    t0 = now();
    await box.press('Enter');
    await page.locator(`${ours}:not([aria-label*="needs the helper"])`).first().waitFor({ timeout: 120_000 });
    const filled = now() - t0;
    log(`workbench as ${user.name}: that row filled in ${filled.toFixed(0)} ms after the password`);
    return { clickedAt, waitedForActivation, waitedForIdle, firstRow, filled, boxOpenAtFirstRow: boxOpen, timeline: timeline(server.userDataDir, clickedAt, 12) };
  } finally {
    await browser?.close();
    await server?.stop();
    w.runCleanups();
  }
}

/**
 * Waits (up to timeoutMs) until the extension's log says its activation finished: it activates
 * once the window has started (onStartupFinished), and the view is clicked after that, as a user
 * does, so the click measures the view rather than the window's own start or the activation.
 * Returns the ms waited, or undefined when it was not activated by then (the click then activates it).
 */
async function waitActivated(userDataDir, timeoutMs = 20_000) {
  const t0 = now();
  const logs = path.join(userDataDir, 'logs');
  const ours = path.join('vscode-netns.vscode-netns', 'Network Namespaces.log');
  while (now() - t0 < timeoutMs) {
    let files = [];
    try {
      files = fs.readdirSync(logs, { recursive: true }).filter((f) => String(f).endsWith(ours));
    } catch {
      // not written yet
    }
    for (const f of files) {
      if (/\] Activated in \d+ ms/.test(fs.readFileSync(path.join(logs, f), 'utf8'))) {
        return now() - t0;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/**
 * Waits until the window's renderer has run no long task (over 50 ms, as the browser counts them)
 * for quietMs, at most maxMs; resolves with the ms waited. The window may still be starting
 * (extensions, views, the file tree) when the extension has activated; a click then would measure
 * the workbench's start along with the view.
 */
function rendererIdle(page, quietMs = 500, maxMs = 10_000) {
  return page.evaluate(
    ([quietMs, maxMs]) =>
      new Promise((resolve) => {
        const t0 = performance.now();
        let lastEnd = -Infinity;
        const seen = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            lastEnd = Math.max(lastEnd, e.startTime + e.duration);
          }
        });
        seen.observe({ type: 'longtask', buffered: true });
        const check = () => {
          const t = performance.now();
          if (t - lastEnd >= quietMs || t - t0 >= maxMs) {
            seen.disconnect();
            resolve(t - t0);
          } else {
            setTimeout(check, 50);
          }
        };
        setTimeout(check, 50);
      }),
    [quietMs, maxMs],
  );
}

/**
 * The extension's activation (from the extension host's log) and the extension's own first log
 * lines, as "+ms after the click: message", to tell where the first-row time went.
 */
function timeline(userDataDir, clickedAt, count = 7) {
  const click = Date.parse(clickedAt);
  const logs = path.join(userDataDir, 'logs');
  const files = fs.readdirSync(logs, { recursive: true }).map((f) => path.join(logs, f));
  const lines = [];
  for (const f of files) {
    const ours = f.endsWith(path.join('vscode-netns.vscode-netns', 'Network Namespaces.log'));
    if (!ours && !f.endsWith('exthost.log')) {
      continue;
    }
    for (const l of fs.readFileSync(f, 'utf8').split('\n')) {
      const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) \[\w+\] (.*)$/.exec(l);
      if (m && (ours || m[2].includes('vscode-netns.vscode-netns'))) {
        // The logs' times are local time, as Date.parse reads this form.
        lines.push({ t: Date.parse(m[1].replace(' ', 'T')) - click, msg: m[2].replace(/\/tmp\/\S+\/dist\//, '.../dist/').slice(0, 140) });
      }
    }
  }
  return lines
    .sort((a, b) => a.t - b.t)
    .slice(0, count)
    .map((l) => `+${l.t} ms: ${l.msg}`);
}

/**
 * Runs workbench() in a child process: code-server's installer prints to stdout, which must stay
 * clean for --json, and the child's own exit hooks end code-server and chromium whatever happens.
 */
export function workbenchInChild(root, ourPrefix, mode = 'root') {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [root, ourPrefix, mode], { stdio: ['ignore', 2, 2, 'ipc'] });
    const stop = () => child.kill('SIGTERM');
    process.on('exit', stop);
    let answer;
    child.on('message', (msg) => (answer = msg));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('exit', stop);
      if (answer?.ok) {
        resolve(answer.result);
      } else {
        reject(new Error(answer?.error ?? `the workbench run ended (${signal ?? `exit code ${code}`}) without a result`));
      }
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const [root, ourPrefix, mode] = process.argv.slice(2);
  const run = mode === 'user' ? userWorkbench : workbench;
  run(root, { ourPrefix, log: (msg) => process.stderr.write(`[bench] ${msg}\n`) }).then(
    (result) => process.send({ ok: true, result }, () => process.exit(0)),
    (e) => process.send({ ok: false, error: e.message.split('\n')[0] }, () => process.exit(1)),
  );
}
