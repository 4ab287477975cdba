#!/usr/bin/env node
// npm run bench: how fast the extension sees and changes namespaces, against what a user types
// today. Creates N namespaces, measures everything in interleaved rounds, prints one table (or
// JSON), and removes everything it made, also on error and Ctrl-C. See docs/performance.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { loadModel } from './bench/bundle.mjs';

/** Short processes in the churn measurement (a shell loop of /bin/true). */
const CHURN = 5000;
/** Namespaces of the chain whose link pings fit the default neighbour table (about 2 entries each). */
const FITTING_NAMESPACES = 400;
import { createFixture, guard, ip, leftovers, netnsNames, removeAll, setChainUp, uniquePrefix } from './bench/fixture.mjs';
import * as m from './bench/measures.mjs';
import { figureNo, summarize, table } from './bench/report.mjs';
import { packageVsix, workbenchInChild, workbenchMissing } from './bench/vscode.mjs';

const HELP = `Usage: sudo npm run bench -- [options]      (needs root and a build: npm run build)

Creates N namespaces (prefix nb + 4 random characters) with a veth and 10.x addresses between
neighbours, measures in interleaved rounds, prints medians, and deletes everything it made.

  --n N             namespaces to read (default 1000)
  --rounds R        rounds of every fast measurement (default 5)
  --ip-rounds R     rounds of the slow ip-reader snapshot (default 1)
  --n-build B       namespaces built per build measurement (default 200)
  --build-rounds R  rounds of the two build measurements (default 3)
  --no-vscode       skip the workbench part (activation, tree rows) and the .vsix
  --no-baseline     skip the shell loop and \`ip -all netns exec\` (minutes at N=10000)
  --json            print one JSON object with every figure instead of the table
  -h, --help        this text

It builds nothing itself: run \`npm run build\` first (dist/helper.js, dist/extension.js).
The TypeScript client and model it drives are compiled on the fly with esbuild.`;

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function options() {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '1000' },
      rounds: { type: 'string', default: '5' },
      'ip-rounds': { type: 'string', default: '1' },
      'n-build': { type: 'string', default: '200' },
      'build-rounds': { type: 'string', default: '3' },
      'no-vscode': { type: 'boolean', default: false },
      'no-baseline': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const int = (name, min) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < min) {
      console.error(`--${name} must be a whole number of at least ${min}\n\n${HELP}`);
      process.exit(2);
    }
    return v;
  };
  return {
    n: int('n', 2),
    rounds: int('rounds', 1),
    ipRounds: int('ip-rounds', 0),
    nBuild: int('n-build', 2),
    buildRounds: int('build-rounds', 0),
    vscode: !values['no-vscode'],
    baseline: !values['no-baseline'],
    json: values.json,
  };
}

/** Whether both readers saw the same interfaces and addresses in our namespaces. */
function readersAgree(a, b, names) {
  const mine = new Set(names);
  const view = (snap) =>
    snap.namespaces
      .filter((n) => mine.has(n.name))
      .map((n) => ({ name: n.name, inode: n.inode, interfaces: n.interfaces.map((i) => ({ ...i, flags: [...i.flags].sort() })) }))
      .sort((x, y) => x.name.localeCompare(y.name));
  return isDeepStrictEqual(view(a), view(b));
}

const progress = (msg) => process.stderr.write(`[bench] ${msg}\n`);

/** Tells when dist/ is missing or older than the sources (the run then measures old code). */
function checkBuild() {
  const helper = path.join(root, 'dist', 'helper.js');
  if (!fs.existsSync(helper)) {
    console.error('dist/helper.js is missing: run `npm run build` first.');
    process.exit(2);
  }
  const built = fs.statSync(helper).mtimeMs;
  const newer = fs.readdirSync(path.join(root, 'src'), { recursive: true }).filter((f) => f.endsWith('.ts') && fs.statSync(path.join(root, 'src', f)).mtimeMs > built);
  if (newer.length > 0) {
    progress(`warning: ${newer.length} source files are newer than dist/ (e.g. src/${newer[0]}); run \`npm run build\` to measure them`);
  }
  return helper;
}

async function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    ip: (await ip(['-V']).catch(() => '')).trim(),
    node: process.version,
    loadAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

async function main() {
  const opt = options();
  if (process.getuid?.() !== 0) {
    console.error('The benchmark makes namespaces: run it as root (sudo npm run bench).');
    process.exit(2);
  }
  const helperPath = checkBuild();
  const prefix = uniquePrefix();
  guard(prefix);
  const names = Array.from({ length: opt.n }, (_, i) => `${prefix}-${i}`);
  const samples = {};
  const notes = {};
  const checks = {};
  const add = (key, v) => (samples[key] ??= []).push(v);
  const info = { date: new Date().toISOString(), machine: await machine(), n: opt.n, nBuild: opt.nBuild, rounds: opt.rounds, ipRounds: opt.ipRounds, buildRounds: opt.buildRounds, prefix };
  const helperLog = [];
  const onLog = (level, msg) => {
    if (level === 'error' || level === 'warn') {
      helperLog.push(`[${level}] ${msg}`);
    }
  };

  let clientA;
  let reader;
  let cleanup;
  try {
    let t0 = m.now();
    await createFixture(names);
    info.setupMs = Math.round(m.now() - t0);
    progress(`made ${opt.n} namespaces (${prefix}-0..${opt.n - 1}) with ${opt.n - 1} veth pairs and their addresses in ${info.setupMs} ms`);

    const { createClient, NamespaceStore, ViewActivation, NamespaceTreeProvider, createNetlinkReader, vethPairs, ...labs } = await loadModel(root);
    clientA = createClient({ helperPath, nodePath: process.execPath, method: 'auto', installedLauncher: false, log: onLog });
    const hello = await clientA.start();
    info.helper = { version: hello.version, reader: hello.reader, readerError: hello.readerError, via: clientA.state.via };
    if (hello.reader !== 'netlink') {
      progress(`warning: the helper's fast reader is unavailable (${hello.readerError}); "fast reader" figures use ip`);
    }
    try {
      reader = createNetlinkReader();
    } catch (e) {
      notes.readInProcess = `the fast reader does not load here: ${e.message}`;
    }
    const cb = m.buildCBound(root);
    if (cb.missing) {
      notes.cBound = cb.missing;
    }
    // Warm-up, not measured: the first snapshot loads the FFI and fills caches.
    await m.snapshot(clientA, names);
    await m.listNames(clientA);
    await m.processesRead(clientA);
    if (reader) {
      m.readInProcess(reader, names);
    }

    let lastFast;
    const check = (counts, snap) => {
      checks.snapshot = counts;
      checks.snapshotJsonBytes ??= JSON.stringify(snap).length;
      lastFast = snap;
      const want = { namespaces: opt.n, veths: 2 * (opt.n - 1), addresses: 2 * (opt.n - 1), errors: 0 };
      for (const [k, v] of Object.entries(want)) {
        if (counts[k] !== v) {
          throw new Error(`the snapshot saw ${counts[k]} ${k}, expected ${v}`);
        }
      }
    };
    const liveCtx = { createClient, NamespaceStore, ViewActivation, NamespaceTreeProvider, helperPath, prefix, names, idleMs: 2000, churn: CHURN, onLog };

    for (let r = 1; r <= opt.rounds; r++) {
      progress(`round ${r}/${opt.rounds} (load ${os.loadavg()[0].toFixed(2)})`);
      if (opt.baseline) {
        const loopMs = await m.shellLoop(names);
        add('loop', loopMs);
        const before = netnsNames().length;
        try {
          const all = await m.allNetnsExec(Math.max(60_000, 5 * loopMs));
          add('allExec', all.ms);
          (checks.allExec ??= []).push({ namespaces: before, headers: all.headers });
        } catch (e) {
          (checks.allExec ??= []).push({ namespaces: before, error: e.message });
          notes.allExec = e.message;
        }
      } else {
        notes.loop = notes.allExec = 'skipped (--no-baseline)';
      }
      for (let i = 0; i < 3; i++) {
        if (cb.bin) {
          const c = m.cBound(cb.bin, `${prefix}-`, opt.n + 1);
          add('cBound', c.ms);
          checks.cBound = { namespaces: c.namespaces, links: c.links, addresses: c.addresses, attributes: c.attributes };
        }
        add('snapFast', await m.snapshot(clientA, names, undefined, check));
        if (reader) {
          add('readInProcess', m.readInProcess(reader, names));
          add('readInProcessStale', m.readInProcessStale(reader, names));
        }
      }
      if (r <= opt.ipRounds) {
        progress(`  snapshot with reader 'ip' (slow)`);
        add(
          'snapIp',
          await m.snapshot(clientA, names, 'ip', (c, snap) => {
            checks.snapshotIp = c;
            checks.readersAgree = readersAgree(lastFast, snap, names);
          }),
        );
      }
      {
        const lab = m.labRoundTrip(labs, lastFast, names);
        add('labExport', lab.exportMs);
        add('labParse', lab.parseMs);
        add('labPlan', lab.planMs);
        checks.labPlan = { steps: lab.steps, conflicts: lab.conflicts };
        add('vethPairs', m.vethPairsIn(vethPairs, lastFast, names));
      }
      // The in-process reader keeps a subscribed socket in every namespace, and the kernel walks
      // every such socket of the machine at each subscription (netlink_update_listeners): let go
      // of it while a new helper subscribes its own, as no second reader would be there in use.
      // (The running helper A stays, as a second window's would.)
      const inProcess = reader !== undefined;
      reader?.dispose();
      reader = undefined;
      for (let i = 0; i < 3; i++) {
        const c = await m.coldStart(helperPath, names);
        add('coldNode', c.bare);
        add('coldHello', c.hello);
        add('coldSnap', c.firstSnap);
        add('coldWarmSnap', c.warmSnap);
        add('coldIds', c.idsSnap);
      }
      for (let i = 0; i < 3; i++) {
        const { ms, count } = await m.listNames(clientA);
        checks.listNamesCount = count;
        add('listNames', ms);
      }
      for (let i = 0; i < 3; i++) {
        const { ms, count } = await m.processesRead(clientA);
        checks.processesCount = count;
        add('processes', ms);
      }
      const live = await m.live(liveCtx, r);
      if (inProcess) {
        reader = createNetlinkReader();
        m.readInProcess(reader, names); // its first read, not measured
      }
      const { idleEvents, ...times } = live;
      for (const [k, v] of Object.entries(times)) {
        add(k, v);
      }
      (checks.idleEvents ??= []).push(idleEvents);
      for (let i = 0; i < 3; i++) {
        add('opSpawn', await m.opViaSpawn(`${prefix}-op`));
        add('opHelper', await m.opViaHelper(clientA, `${prefix}-op`));
      }
      if (r <= opt.buildRounds) {
        progress(`  build ${opt.nBuild} namespaces + veths two ways`);
        const built = (tag) => Array.from({ length: opt.nBuild }, (_, i) => `${prefix}-${tag}${r}-${i}`);
        add('buildSteps', await m.buildViaSpawns(built('s')));
        add('buildBatch', await m.buildViaHelper(clientA, built('h')));
        add('buildLab', await m.buildViaLab(clientA, labs, built('l'), `${prefix}-l${r}-`));
      }
    }
    {
      // Pings need the veths up; the rounds above read the chain as it was made (down).
      progress('veth link pings (the chain set up for them, then down again)');
      await setChainUp(names, true);
      try {
        await m.waitForCarrier(clientA, names);
        const pings = m.linkPings(names);
        const one = pings[pings.length >> 1];
        for (let i = 0; i < 3 * opt.rounds; i++) {
          add('pingSpawn', await m.pingViaSpawn(one));
          add('pingHelper', await m.pingViaHelper(clientA, one, true));
          add('pingHelperAll', await m.pingViaHelper(clientA, one, false));
        }
        // The same over a part of the chain whose neighbours fit the machine's neighbour table
        // (ARP's, one for all namespaces: 1024 entries by default), which the whole chain overflows.
        // It goes first: the whole chain's last entries stay in the table for a few seconds.
        const fitting = m.linkPings(names.slice(0, Math.min(names.length, FITTING_NAMESPACES)));
        for (let r = 0; r < opt.rounds; r++) {
          const { ms, ...counts } = await m.linkChecks(clientA, fitting);
          add('linkChecksFitting', ms);
          (checks.linkPingCountsFitting ??= []).push({ pings: fitting.length, ...counts });
        }
        for (let r = 0; r < opt.rounds; r++) {
          const { ms, ...counts } = await m.linkChecks(clientA, pings);
          add('linkChecks', ms);
          // How many were asked again, failed after that, and saw the neighbour table full.
          (checks.linkPingCounts ??= []).push(counts);
        }
        checks.linkPings = pings.length;
      } finally {
        await setChainUp(names, false);
      }
    }
    notes.snapIp = opt.ipRounds === 0 ? 'skipped (--ip-rounds 0)' : undefined;
    notes.buildSteps = notes.buildBatch = notes.buildLab = opt.buildRounds === 0 ? 'skipped (--build-rounds 0)' : undefined;
    cb.dispose?.();
    clientA.dispose();
    clientA = undefined;
    reader?.dispose();
    reader = undefined;

    if (opt.vscode) {
      const missing = workbenchMissing(root);
      if (missing) {
        notes.activation = notes.firstRow = notes.filled = notes.expand = notes.expandTwistie = notes.firstRowUser = notes.filledUser = missing;
      } else {
        progress('workbench: code-server + chromium, 1 round');
        try {
          const wb = await workbenchInChild(root, prefix);
          info.workbench = wb;
          add('firstRow', wb.firstRow);
          add('filled', wb.filled);
          wb.expand.row.forEach((x) => add('expand', x));
          wb.expand.twistie.forEach((x) => add('expandTwistie', x));
          if (wb.topology && !wb.topology.error) {
            add('topologyDraw', wb.topology.firstDraw);
            add('topologyInteractive', wb.topology.interactive);
            add('topologyFrame', wb.topology.frameP95);
            if (wb.topology.dragFrameP95 !== undefined) {
              add('topologyDragFrame', wb.topology.dragFrameP95);
            }
          } else {
            notes.topologyDraw = notes.topologyFrame = notes.topologyDragFrame = notes.topologyInteractive = `topology view: ${wb.topology?.error ?? 'not measured'}`;
          }
          if (wb.activation !== undefined) {
            add('activation', wb.activation);
          } else {
            notes.activation = wb.activationText;
          }
        } catch (e) {
          notes.activation = notes.firstRow = notes.filled = notes.expand = notes.expandTwistie = `workbench failed: ${e.message.split('\n')[0]}`;
        }
        progress('workbench as an ordinary user whose sudo asks for a password, 1 round');
        try {
          const wb = await workbenchInChild(root, prefix, 'user');
          info.userWorkbench = wb;
          add('firstRowUser', wb.firstRow);
          add('filledUser', wb.filled);
        } catch (e) {
          notes.firstRowUser = notes.filledUser = `workbench as a user failed: ${e.message.split('\n')[0]}`;
        }
      }
      progress('packaging the .vsix (npm run package in a temporary copy)');
      const vsix = packageVsix(root);
      info.vsix = vsix;
      if (vsix.error) {
        notes.vsix = vsix.error;
      } else {
        add('vsix', vsix.bytes / 1024);
      }
    } else {
      notes.activation = notes.firstRow = notes.filled = notes.expand = notes.expandTwistie = notes.firstRowUser = notes.filledUser = notes.vsix = 'skipped (--no-vscode)';
    }
  } finally {
    clientA?.dispose();
    reader?.dispose();
    const before = leftovers(prefix).netns.length;
    const t0 = m.now();
    const left = removeAll(prefix);
    cleanup = {
      removedNamespaces: before,
      ms: Math.round(m.now() - t0),
      leftNamespaces: left.netns,
      leftLinks: left.links,
      clean: left.netns.length === 0 && left.links.length === 0,
    };
    info.cleanup = cleanup;
    progress(
      cleanup.clean
        ? `cleanup: removed ${before} namespaces in ${cleanup.ms} ms; nothing named ${prefix}* remains (checked /run/netns and ip link)`
        : `cleanup: STILL PRESENT: ${[...left.netns, ...left.links].join(' ')}`,
    );
  }

  info.machine.loadAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const rows = summarize(samples, notes, { N: opt.n, NB: opt.nBuild, CHURN });
  const result = { ...info, checks, figures: rows, warnings: helperLog.slice(0, 20) };
  if (opt.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const mc = info.machine;
    console.log(`\n${info.date.slice(0, 10)}, N=${opt.n}, ${mc.cores} cores (${mc.cpu}), load ${mc.loadAtStart[0]} → ${mc.loadAtEnd[0]}, ${mc.ip}, node ${mc.node}`);
    const nos = (...keys) => keys.map(figureNo).join(', ');
    console.log(
      `medians of ${opt.rounds} interleaved rounds (3 samples per round for ${nos('snapFast', 'readInProcess', 'readInProcessStale', 'listNames', 'processes', 'opSpawn', 'opHelper')}); ` +
        `${nos('snapIp')}: ${opt.ipRounds} round(s); ${nos('buildSteps', 'buildBatch')}: ${opt.buildRounds} round(s); ${nos('activation', 'firstRow', 'filled', 'vsix')}: 1 run, ${nos('expand', 'expandTwistie')}: 4 namespaces each\n`,
    );
    console.log(table(rows));
    console.log(
      `\nsnapshot check: ${JSON.stringify(checks.snapshot)}, ${Math.round(checks.snapshotJsonBytes / 1024)} KB of JSON; ${figureNo('allExec')} walked (namespaces in /run/netns → netns headers printed): ${(checks.allExec ?? []).map((a) => `${a.namespaces} → ${a.error ? 'ended' : a.headers}`).join(', ') || 'not run'}`,
    );
    if (checks.cBound) {
      console.log(`C bound (${figureNo('cBound')}) read: ${JSON.stringify(checks.cBound)}; the helper's snapshot also reads routes and forwarding, which it does not`);
    }
    console.log(`lab of the ${opt.n} namespaces planned against them: ${checks.labPlan?.steps} steps, ${checks.labPlan?.conflicts} conflicts (0 and 0: the export applies back to the same state)`);
    if (checks.readersAgree !== undefined) {
      console.log(`the fast and the ip reader agree on the ${opt.n} namespaces: ${checks.readersAgree ? 'yes' : 'NO'}`);
    }
    console.log(`change events in the idle windows measured for ${figureNo('idleCpu')} (others' namespaces; such a window is retried up to 5 times): ${checks.idleEvents?.join(', ')}`);
    if (info.vsix && !info.vsix.error) {
      console.log(`.vsix: ${info.vsix.files} files, koffi inside: ${info.vsix.koffi ? 'yes' : 'no'}`);
    }
    if (info.workbench) {
      const w = info.workbench;
      console.log(`workbench: ${w.rowsDrawn} rows drawn at first; "${w.activationText}"; the logs after the click on the activity bar:`);
      for (const line of w.timeline) {
        console.log(`  ${line}`);
      }
    }
    console.log(
      cleanup.clean
        ? `cleanup: removed everything (${cleanup.removedNamespaces} namespaces); nothing named ${prefix}* remains.`
        : `cleanup: NOT clean, still present: ${[...cleanup.leftNamespaces, ...cleanup.leftLinks].join(' ')}`,
    );
  }
  if (!cleanup.clean) {
    process.exitCode = 1;
  }
}

main().then(
  () => process.exit(),
  (e) => {
    console.error(`bench failed: ${e.stack ?? e}`);
    process.exit(1);
  },
);
