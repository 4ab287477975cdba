// Turns what tc and sysctl print on failure into an error the user can act on. What they share
// with ip ("Cannot find device", "Cannot open network namespace") is left to ipErrors.ts.

import { part, type MessagePart } from '../../core/messages';
import type { ErrorBody, Request } from '../../core/protocol';
import { errorBody } from './ipErrors';

/** The error for a failed tc or sysctl command of these operations, or undefined to map it as ip's. */
export function mapToolError(req: Request, stderr: string): ErrorBody | undefined {
  const detail = stderr.replace(/\s+/g, ' ').trim() || 'the command failed without a message';
  const e = (code: ErrorBody['code'], ...parts: MessagePart[]): ErrorBody => errorBody(code, parts, detail);
  const s = stderr;
  if (req.op === 'setNetem' || req.op === 'clearNetem') {
    if (/Specified qdisc kind is unknown|Unknown qdisc "netem"/.test(s)) {
      return e(
        'ENOTSUP',
        part('This kernel has no netem (the sch_netem module, CONFIG_NET_SCH_NETEM), so link impairments cannot be set.'),
        part('Load it with "modprobe sch_netem" (on some distributions it comes with the kernel\'s extra modules package) and try again.'),
      );
    }
    if (req.op === 'clearNetem' && /must match existing qdisc|Invalid qdisc name|handle of zero|Cannot find specified qdisc/.test(s)) {
      return e('ENOENT', part('"{0}" has no link impairment to clear (its root qdisc is not netem). Refresh the view.', req.name));
    }
    if (req.op === 'setNetem' && /reordering not possible/.test(s)) {
      return e('EINVAL', part('Reordering needs a delay (tc: "reordering not possible without specifying some delay"): reordered packets are the ones sent without it. Set a delay too.'));
    }
    if (req.op === 'setNetem' && /Illegal "|What is "|Usage: \.\.\. netem/.test(s)) {
      return e('EINVAL', part('tc refused these impairment values for "{0}": {1}', req.name, firstLine(s)));
    }
    if (/Operation not permitted|Permission denied/.test(s)) {
      return e('EPERM', part('This needs root privileges. Start the helper with pkexec or sudo (or run as root) and try again.'));
    }
  }
  if (req.op === 'setForwarding') {
    const host = req.netns === null;
    const ns = req.netns ?? '';
    if (/cannot stat \/proc\/sys\/net|No such file or directory/.test(s) && !/Cannot open network namespace/.test(s)) {
      return host
        ? e('ENOTSUP', part('The host namespace has no IPv{0} forwarding switch (the kernel has no IPv{0} there), so it cannot be set.', req.family))
        : e('ENOTSUP', part('Namespace "{0}" has no IPv{1} forwarding switch (the kernel has no IPv{1} there), so it cannot be set.', ns, req.family));
    }
    if (/permission denied on key|Operation not permitted|Read-only file system/i.test(s)) {
      return host
        ? e('EPERM', part('The kernel did not let the helper change forwarding in the host namespace: {0}', firstLine(s)))
        : e('EPERM', part('The kernel did not let the helper change forwarding in namespace "{0}": {1}', ns, firstLine(s)));
    }
  }
  return undefined;
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? '').replace(/^(Error|RTNETLINK answers):\s*/, '').trim();
}
