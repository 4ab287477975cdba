// The command a user would type for each privileged request, for the log: the operation table's
// own command (ip, tc or sysctl), shown as typed.

import { DISPLAY_CONTEXT, formatCommand } from '../../core/ipCommand';
import { commandOf, type Op, type Params, type Request, type Result } from '../../core/operations';

/** The equivalent `ip ...` (or `tc ...`, `sysctl ...`) line, or undefined for requests without one (reads). */
export function ipEquivalent<O extends Op>(op: O, params: Params<O>, result?: Result<O>): string | undefined {
  const cmd = commandOf({ op, ...params } as Request<O>, DISPLAY_CONTEXT, result);
  return cmd && formatCommand(cmd);
}
