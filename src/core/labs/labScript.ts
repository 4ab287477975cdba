// A lab as a standalone POSIX shell script: the same commands Apply runs on an empty kernel (the
// operation table's own command lines: ip, tc, sysctl), `set -e`, and a matching teardown.
// `sh lab.sh` builds it, `sh lab.sh down` removes it.

import { DISPLAY_CONTEXT, formatCommand } from '../ipCommand';
import { commandOf } from '../operations';
import { shellQuote } from '../shell';
import { labNamespaces, labPrefix, type LabSpec } from './lab';
import { labRequests } from './labPlan';

/** A here-document delimiter that does not occur in the text. */
function delimiter(text: string): string {
  let d = 'NETNS_EOF';
  for (let i = 1; text.split('\n').includes(d); i++) {
    d = `NETNS_EOF_${i}`;
  }
  return d;
}

export function labShellScript(spec: LabSpec, prefix = labPrefix(spec), source?: string): string {
  const up: string[] = [];
  const files: string[] = [];
  for (const req of labRequests(spec, prefix)) {
    if (req.op === 'setNetnsFile') {
      const dir = `/etc/netns/${req.netns}`;
      const path = `${dir}/${req.file}`;
      files.push(path);
      const text = req.content ?? '';
      const end = delimiter(text);
      up.push(`mkdir -p ${shellQuote(dir)}`);
      up.push(`cat > ${shellQuote(path)} <<'${end}'\n${text.endsWith('\n') || text === '' ? text : `${text}\n`}${end}`);
      continue;
    }
    const cmd = commandOf(req, DISPLAY_CONTEXT);
    if (cmd) {
      up.push(formatCommand(cmd));
    }
  }
  const down: string[] = [];
  for (const name of labNamespaces(spec, prefix)) {
    // Deleting a namespace deletes every interface in it (and so both ends of its veths).
    down.push(`ip netns delete ${shellQuote(name)} 2>/dev/null || true`);
  }
  for (const path of files) {
    down.push(`rm -f ${shellQuote(path)}`);
  }
  for (const dir of [...new Set(files.map((p) => p.slice(0, p.lastIndexOf('/'))))]) {
    down.push(`rmdir ${shellQuote(dir)} 2>/dev/null || true`);
  }
  const indent = (lines: string[]) => lines.map((l) => l.split('\n').map((x, i) => (i === 0 ? `  ${x}` : x)).join('\n')).join('\n');
  return [
    '#!/bin/sh',
    `# The lab "${spec.name}"${source ? ` (${source})` : ''} as plain commands: ip, tc and sysctl, run as root.`,
    '#   sh THIS-FILE        builds it',
    '#   sh THIS-FILE down   removes it again',
    'set -e',
    '',
    'up() {',
    indent(up),
    '}',
    '',
    'down() {',
    indent(down),
    '}',
    '',
    'case "${1:-up}" in',
    '  up) up ;;',
    '  down) down ;;',
    '  *) echo "usage: $0 [up|down]" >&2; exit 2 ;;',
    'esac',
    '',
  ].join('\n');
}
