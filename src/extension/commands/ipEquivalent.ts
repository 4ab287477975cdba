// The iproute2 command a user would type for each privileged request, for the log: the operation
// table's own ip command, shown as typed.

import { DISPLAY_CONTEXT, formatIpCommand } from '../../core/ipCommand';
import { ipArgvOf, type Op, type Params, type Request, type Result } from '../../core/operations';

/** The equivalent `ip ...` line, or undefined for requests without one (reads). */
export function ipEquivalent<O extends Op>(op: O, params: Params<O>, result?: Result<O>): string | undefined {
  const argv = ipArgvOf({ op, ...params } as Request<O>, DISPLAY_CONTEXT, result);
  return argv && formatIpCommand(argv);
}
