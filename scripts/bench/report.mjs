// Medians, ratios, targets and the one table the benchmark prints.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * What the table shows, in order. `ref`: the figure a ratio is taken against. `target(fig, all)`:
 * { text, met } or undefined when the figure has no target.
 */
export const FIGURES = [
  { key: 'loop', label: 'shell loop `ip netns exec NS ip -j addr` over {N} namespaces (baseline)' },
  { key: 'allExec', label: '`ip -all netns exec ip -j addr` (one ip, forks per namespace)', ref: 'loop' },
  { key: 'cBound', label: "the kernel's limit: a C program, setns + RTM_GETLINK + RTM_GETADDR dumps in each of the {N} + host", ref: 'loop' },
  {
    key: 'snapFast',
    label: 'helper snapshot of the {N} + host, fast reader (client round trip)',
    ref: 'loop',
    vsC: true,
    target: (f, all) => ({ text: '≥50x faster than {loop}; ≤1.3x {cBound}', met: ratio(all.loop, f) >= 50 && !(ratio(all.cBound, f) < 1 / 1.3) }),
  },
  {
    key: 'readInProcess',
    label: 'the fast reader alone, in process (no helper, JSON or pipe); nothing changed since its last read',
    ref: 'loop',
    vsC: true,
    target: (f, all) => ({ text: '≤1.2x {cBound}', met: !(ratio(all.cBound, f) < 1 / 1.2) }),
  },
  {
    key: 'readInProcessStale',
    label: 'the same, every namespace marked changed: each one dumped, as by the C program',
    ref: 'loop',
    vsC: true,
  },
  { key: 'snapIp', label: "helper snapshot, reader: 'ip' (the fallback)", ref: 'loop' },
  { key: 'coldNode', label: 'bare Node started (`node -e`, spawn → first output)' },
  {
    key: 'coldHello',
    label: 'helper started: spawn → answer to hello',
    ref: 'coldNode',
    target: (f, all) => ({ text: '≤1.3x {coldNode}', met: f.median <= 1.3 * all.coldNode?.median }),
  },
  {
    key: 'coldSnap',
    label: "that helper's first snapshot of the {N} + host",
    ref: 'coldWarmSnap',
    target: (f, all) => ({ text: '≤1.3x {coldWarmSnap}', met: f.median <= 1.3 * all.coldWarmSnap?.median }),
  },
  { key: 'coldWarmSnap', label: 'its second snapshot (warm)' },
  { key: 'coldIds', label: "a new helper's first snapshot of ids only (`idsOnly`): the view's first paint as root", ref: 'coldSnap' },
  { key: 'helperRss', label: 'helper memory (RSS) after the live part, watching the {N}', unit: 'MB', target: (f) => ({ text: '< 300 MB', met: f.median < 300 }) },
  { key: 'listNames', label: 'names only (listNames round trip)', target: (f) => ({ text: '< 30 ms', met: f.median < 30 }) },
  { key: 'processes', label: 'process list (`processes` round trip: /proc, holders, containers) with the {N} named' },
  { key: 'firstPaint', label: 'view shown → model painted by names and ids (start helper, ids-only snapshot)' },
  { key: 'firstLoad', label: 'view shown → model loaded (then watch, full read)' },
  { key: 'treeRoot', label: 'tree provider: top level at {N} (getChildren + getTreeItem each)', target: (f) => ({ text: '< 100 ms', met: f.median < 100 }) },
  { key: 'treeExpand', label: 'tree provider: one namespace expanded', target: (f) => ({ text: '< 100 ms', met: f.median < 100 }) },
  { key: 'liveAdd', label: '`ip netns add X` in a shell → model has X', target: (f) => ({ text: '≤ 200 ms', met: f.median <= 200 }) },
  { key: 'liveDel', label: '`ip netns delete X` in a shell → model drops X', target: (f) => ({ text: '≤ 200 ms', met: f.median <= 200 }) },
  { key: 'eventAdd', label: 'the same add → the helper\'s event naming X (at the client)' },
  { key: 'eventDel', label: 'the same delete → the helper\'s event naming X (at the client)' },
  { key: 'ipAdd', label: 'row {eventAdd}, its first part: `ip netns add` itself, spawn → exit' },
  { key: 'eventAfterIp', label: 'row {eventAdd}, the rest: ip exited → the event (30 ms of it wait for changes that come together, to send one event)' },
  {
    key: 'eventCpuHelper',
    label: 'helper CPU per `ip netns add` + `ip netns delete` with the model live (its reads included)',
    unit: 'ms CPU/event',
  },
  { key: 'eventCpuClient', label: 'client CPU for the same (client, model, tree top level redrawn)', unit: 'ms CPU/event' },
  { key: 'liveMove', label: '`ip link set X netns Y` → model shows X in Y', target: (f) => ({ text: '≤ 200 ms', met: f.median <= 200 }) },
  { key: 'opSpawn', label: '`ip netns add` + `ip netns delete`, spawned' },
  {
    key: 'opHelper',
    label: 'addNetns + delNetns through the running helper',
    ref: 'opSpawn',
    target: (f, all) => ({ text: '≤ 2x the time of {opSpawn}', met: f.median <= 2 * all.opSpawn.median }),
  },
  { key: 'buildSteps', label: 'build {NB} namespaces + veths, one ip spawn per step' },
  { key: 'buildBatch', label: 'the same in one batch request to the helper', ref: 'buildSteps' },
  { key: 'buildLab', label: 'the same as a lab applied from nothing (plan + one batch)', ref: 'buildSteps' },
  { key: 'labExport', label: 'the {N} namespaces exported as a lab file (Export Current State as Lab)' },
  { key: 'labParse', label: 'that lab file parsed and checked (YAML, schema, lab checks)' },
  { key: 'labPlan', label: 'that lab planned against the kernel: nothing to do (Labs group, on each change)', target: (f) => ({ text: '< 100 ms', met: f.median < 100 }) },
  { key: 'procStart', label: '`ip netns exec Y sleep` → model lists the process under Y', target: (f) => ({ text: '≤ 200 ms', met: f.median <= 200 }) },
  { key: 'procExit', label: 'that process killed → model drops it', target: (f) => ({ text: '≤ 200 ms', met: f.median <= 200 }) },
  { key: 'churnCpu', label: 'a shell loop of {CHURN} short processes: helper CPU', unit: '% of a core', target: (f) => ({ text: '< 10%', met: f.median < 10 }) },
  { key: 'churnEvents', label: 'the same loop: process events sent to the client', unit: 'events', target: (f) => ({ text: '< 100', met: f.median < 100 }) },
  { key: 'idleCpu', label: 'helper CPU time in 2 s idle, watching', unit: 'ms CPU', target: (f) => ({ text: '0 ms (10 ms ticks)', met: f.median === 0 }) },
  { key: 'activation', label: "extension activation (VS Code's Running Extensions)" },
  {
    key: 'firstRow',
    label: 'as root: click the activity bar item → first of the {N} namespace rows, by name and id (workbench)',
    target: (f) => ({ text: '< 1 s', met: f.median < 1000 }),
  },
  { key: 'filled', label: 'as root: click → that row filled in by the full read (workbench)' },
  {
    key: 'firstRowUser',
    label: 'as an ordinary user, sudo asking a password: click → first of the {N} namespace rows, before authenticating',
    target: (f) => ({ text: '< 1 s', met: f.median < 1000 }),
  },
  { key: 'filledUser', label: 'the password typed → that row filled in by the helper' },
  { key: 'expand', label: 'click a namespace row → its rows drawn (workbench)', target: (f) => ({ text: '< 100 ms', met: f.median < 100 }) },
  { key: 'expandTwistie', label: "click a namespace's twistie → its rows drawn (workbench)", target: (f) => ({ text: '< 100 ms', met: f.median < 100 }) },
  {
    key: 'topologyDraw',
    label: '"Netns: Show Topology" → first frame of {N}+ namespaces (their boxes in the grid; workbench)',
    target: (f) => ({ text: '< 2 s', met: f.median < 2000 }),
  },
  { key: 'topologyInteractive', label: '"Netns: Show Topology" → the renderer\'s frame (pan, zoom, clicks answer; ports and veths follow)' },
  { key: 'topologyFrame', label: 'the topology view while zooming with the wheel and panning by dragging the background: time between frames (p95)', target: (f) => ({ text: '< 50 ms', met: f.median < 50 }) },
  { key: 'topologyDragFrame', label: 'the same while dragging a namespace box: time between frames (p95)' },
  { key: 'vsix', label: '.vsix size (npm run package)', unit: 'KB' },
  { key: 'pingSpawn', label: '`ip netns exec NS ping -c 1 -I SRC ADDR` from one veth end to the other, spawned' },
  {
    key: 'pingHelper',
    label: 'the same ping through the helper, the namespace of the address named (`addressIn`, as Check All veth Links sends it)',
    ref: 'pingSpawn',
    target: (f, all) => ({ text: '≤ 2x the time of {pingSpawn}', met: f.median <= 2 * all.pingSpawn.median }),
  },
  { key: 'pingHelperAll', label: 'the same without `addressIn`: every namespace read to find the address', ref: 'pingHelper' },
  { key: 'linkChecks', label: 'Check All veth Links\' pings over the {N}: both ends of every veth, 8 at a time, one echo each' },
  { key: 'linkChecksFitting', label: 'the same over the chain\'s first 400 namespaces, whose neighbours fit the machine\'s neighbour table', ref: 'linkChecks' },
  { key: 'vethPairs', label: 'Check All veth Links\' list of what to check: the veth pairs of the {N} found in the model', target: (f) => ({ text: '< 100 ms', met: f.median < 100 }) },
];

/** The table's row number of a figure. */
export const figureNo = (key) => FIGURES.findIndex((d) => d.key === key) + 1;

function ratio(ref, f) {
  return ref && f && f.median > 0 ? ref.median / f.median : NaN;
}

function fmtRatio(r, refIndex) {
  if (!Number.isFinite(r)) {
    return '';
  }
  const n = (x) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
  if (Math.abs(r - 1) < 0.05) {
    return `same as ${refIndex}`;
  }
  return r >= 1 ? `${n(r)}x faster than ${refIndex}` : `${n(1 / r)}x slower than ${refIndex}`;
}

function fmtValue(v, unit) {
  if (v === undefined || v === null || Number.isNaN(v)) {
    return 'n/a';
  }
  if (unit === 'KB') {
    return `${v.toFixed(0)} KB`;
  }
  if (unit === 'MB') {
    return `${v.toFixed(0)} MB`;
  }
  if (unit === 'ms CPU/event') {
    return `${v.toFixed(1)} ms`;
  }
  if (unit === 'ms CPU') {
    return `${v.toFixed(0)} ms`;
  }
  if (unit === '% of a core') {
    return `${v.toFixed(1)}%`;
  }
  if (unit === 'events') {
    return v.toFixed(0);
  }
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;
}

/** Fills median/min/ratio/target/met into each figure that has samples; returns rows in table order. */
export function summarize(samples, notes, vars) {
  const all = {};
  for (const def of FIGURES) {
    const xs = samples[def.key] ?? [];
    if (xs.length > 0) {
      all[def.key] = { median: median(xs), min: Math.min(...xs), runs: xs.length, samples: xs.map((x) => Math.round(x * 10) / 10) };
    }
  }
  const rows = [];
  FIGURES.forEach((def, i) => {
    const f = all[def.key];
    // {N} and the like from vars; any other name is a figure's key, written as its row number.
    const label = def.label.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? figureNo(k)));
    const row = { n: i + 1, key: def.key, label, unit: def.unit ?? 'ms', note: notes[def.key] };
    if (f) {
      Object.assign(row, f);
      if (def.ref && all[def.ref]) {
        row.ratio = ratio(all[def.ref], f);
        row.ratioText = fmtRatio(row.ratio, figureNo(def.ref));
      }
      if (def.vsC && all.cBound) {
        row.vsC = f.median / all.cBound.median;
        row.ratioText = `${row.ratioText ? `${row.ratioText}; ` : ''}${row.vsC.toFixed(1)}x the time of ${figureNo('cBound')}`;
      }
      const t = def.target?.(f, all);
      if (t) {
        row.target = t.text.replace(/\{(\w+)\}/g, (_, k) => String(figureNo(k)));
        row.met = t.met;
      }
    } else if (def.target) {
      row.target = def.target({ median: NaN }, { loop: { median: NaN }, opSpawn: { median: NaN }, cBound: { median: NaN } })?.text.replace(/\{(\w+)\}/g, (_, k) => String(figureNo(k)));
    }
    rows.push(row);
  });
  return rows;
}

/** The table as Markdown (it reads as a table in a terminal too). */
export function table(rows) {
  const head = ['#', 'figure', 'median', 'min', 'runs', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [
    String(r.n),
    r.label,
    r.runs ? fmtValue(r.median, r.unit) : `n/a${r.note ? `: ${r.note}` : ''}`,
    r.runs ? fmtValue(r.min, r.unit) : '',
    r.runs ? String(r.runs) : '',
    r.ratioText ?? '',
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const lines = [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}
