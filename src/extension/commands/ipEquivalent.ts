// The iproute2 command a user would type for each privileged request, for the log.

import {
  addAddressArgv,
  addNetnsArgv,
  addVethArgv,
  attachNetnsArgv,
  delAddressArgv,
  delLinkArgv,
  delNetnsArgv,
  DISPLAY_CONTEXT,
  formatIpCommand,
  moveLinkArgv,
  setLinkStateArgv,
} from '../../core/ipCommand';
import type { Op, Params, Result } from '../../core/protocol';

/** The equivalent `ip ...` line, or undefined for read-only requests. */
export function ipEquivalent<O extends Op>(op: O, params: Params<O>, result?: Result<O>): string | undefined {
  switch (op) {
    case 'addNetns':
      return formatIpCommand(addNetnsArgv(params as Params<'addNetns'>));
    case 'delNetns':
      return formatIpCommand(delNetnsArgv(params as Params<'delNetns'>));
    case 'attachNetns':
      return formatIpCommand(attachNetnsArgv(params as Params<'attachNetns'>));
    case 'addVeth': {
      const p = params as Params<'addVeth'>;
      const r = result as Result<'addVeth'> | undefined;
      const argv = addVethArgv(
        {
          name: r?.name ?? p.name ?? '<automatic>',
          peer: r?.peer ?? p.peer ?? '<automatic>',
          netns: p.netns ?? null,
          peerNetns: p.peerNetns ?? null,
        },
        DISPLAY_CONTEXT,
      );
      return formatIpCommand(argv);
    }
    case 'moveLink':
      return formatIpCommand(moveLinkArgv(params as Params<'moveLink'>, DISPLAY_CONTEXT, true));
    case 'setLinkState':
      return formatIpCommand(setLinkStateArgv(params as Params<'setLinkState'>));
    case 'addAddress':
      return formatIpCommand(addAddressArgv(params as Params<'addAddress'>));
    case 'delAddress':
      return formatIpCommand(delAddressArgv(params as Params<'delAddress'>));
    case 'delLink':
      return formatIpCommand(delLinkArgv(params as Params<'delLink'>));
    default:
      return undefined;
  }
}
