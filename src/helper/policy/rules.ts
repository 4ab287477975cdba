// The helper's policy (docs/policy.md), checked for every request before its handler runs. It
// binds every caller but root itself: whoever started the helper through sudo or pkexec, with a
// password or through an administrator's NOPASSWD line or polkit rule.

import { part } from '../../core/messages';
import type { Interface, NetnsRef } from '../../core/model';
import type { LinkChange } from '../../core/operations';
import { ProtocolError, type PolicyRule } from '../../core/protocol';
import type { MessagePart } from '../../core/messages';
import { bound } from '../caller';
import type { HelperContext } from '../context';
import { allowedByPattern, POLICY_CONFIG, readAdminConfig } from './adminConfig';
import { physicalBehind } from './physical';
import { ownedByOurUserns } from './userns';

function refuse(rule: PolicyRule, ...parts: MessagePart[]): never {
  throw new ProtocolError('EACCES', parts, undefined, rule);
}

/** What the request's namespaces are, as opened by admit: a named or a process's namespace. */
export interface HeldNetns {
  fd: number;
  /** How the user knows it, as the start of a sentence: 'Namespace "ns1"', 'The namespace of process 42'. */
  label: MessagePart;
}

export function policyBinds(ctx: HelperContext): boolean {
  return bound(ctx.caller);
}

/** Installing or removing what root runs later needs a start that asked for a password, or root. */
export function checkPasswordStart(ctx: HelperContext): void {
  if (policyBinds(ctx) && ctx.caller.installed) {
    refuse(
      'password-start',
      part('The helper was started from its installed copy, which an administrator may allow without a password, so it does not install or remove itself.'),
      part('Uninstall or install from a helper started with a password (the command asks for one), or as root.'),
    );
  }
}

/** A namespace the request puts something into, takes something out of, or names. */
export function checkNetnsOwner(ctx: HelperContext, held: HeldNetns): void {
  if (!policyBinds(ctx)) {
    return;
  }
  let ours: boolean;
  try {
    ours = ownedByOurUserns(held.fd);
  } catch (e) {
    throw new ProtocolError(
      'ENOTSUP',
      [held.label, part('cannot be checked for the user namespace that owns it ({0}), so the helper does not act on it.', (e as Error).message)],
      undefined,
      'foreign-userns',
    );
  }
  if (!ours) {
    refuse(
      'foreign-userns',
      held.label,
      part('belongs to a user namespace of its own (made with unshare -U or by a rootless container), where an ordinary user can be root.'),
      part('The helper does not put interfaces into it, take them out of it or give it a name, so host traffic cannot be routed to such a user. Use a namespace made with ip netns add.'),
    );
  }
}

/**
 * An existing interface and what the request does to it. A host interface that is physical, or
 * stands on a physical one (a bridge with the NIC as a port, a VLAN of it), is not changed but set
 * up, unless the administrator allows that physical interface.
 */
export function checkLinkChange(ctx: HelperContext, netns: NetnsRef, name: string, change: LinkChange): void {
  if (!policyBinds(ctx) || netns !== null || change === 'up') {
    return;
  }
  const physical = physicalBehind(name);
  if (physical === undefined) {
    return;
  }
  const allowed = readAdminConfig(ctx.log).allowPhysicalInterfaces;
  if (allowedByPattern(physical, allowed) || allowedByPattern(name, allowed)) {
    return;
  }
  const what =
    physical === name
      ? part('"{0}" is a physical interface of this machine (backed by a device).', name)
      : part('"{0}" stands on "{1}", a physical interface of this machine (as its bridge port or VLAN parent).', name, physical);
  const why =
    change === 'qdisc'
      ? part('The helper does not set or clear link impairments (netem) on the host\'s physical interfaces, so a mistake cannot slow down or cut off the machine\'s network. Impair a veth in a namespace instead.')
      : change === 'master' || change === 'port' || change === 'vlan'
      ? part('The helper does not make the host\'s physical interfaces bridge ports, release them, or put ports or VLANs on them, so a mistake cannot cut the machine off its network or put a namespace onto it.')
      : part('The helper does not move, delete, set down or re-address the host\'s physical interfaces, so a mistake cannot cut the machine off its network.');
  refuse('physical-interface', what, why, part('An administrator can allow it by adding its name to "allowPhysicalInterfaces" in {0}.', POLICY_CONFIG));
}

/**
 * Pings go only to addresses of this host's own namespaces: the helper sends no traffic to the
 * outside for anyone, root included.
 */
export function checkLocalAddress(address: string, local: boolean): void {
  if (!local) {
    refuse(
      'local-addresses-only',
      part('{0} is not an address of any namespace on this machine.', address),
      part('The helper pings only addresses that an interface of this host\'s namespaces has. Pick the address of an interface the view shows.'),
    );
  }
}

/**
 * The host's own firewall is the administrator's configuration: the helper shows it only to root
 * itself. The firewall of a namespace in /run/netns is part of managing that namespace.
 */
export function checkHostFirewall(ctx: HelperContext): void {
  if (policyBinds(ctx)) {
    refuse(
      'host-firewall',
      part('The host\'s firewall is the administrator\'s: the helper shows it only when VS Code runs as root.'),
      part('Read it in a terminal with "sudo nft list ruleset". The firewall of each namespace in /run/netns is shown.'),
    );
  }
}

/** The kinds of host interface a capture may use without the administrator's leave. */
const CAPTURE_KINDS = new Set(['veth', 'bridge', 'dummy']);

/**
 * A capture in the host's namespace reads only the host's ends of software links: veth, bridge and
 * dummy interfaces that stand on no physical interface. The host's NICs, its loopback, and its
 * tunnels and VPNs (tun, WireGuard, ...) carry every user's traffic: not captured unless the
 * administrator lists them. Captures inside named namespaces are not limited here.
 */
export function checkCaptureInterface(ctx: HelperContext, netns: NetnsRef, iface: Interface): void {
  if (!policyBinds(ctx) || netns !== null) {
    return;
  }
  const physical = physicalBehind(iface.name);
  if (CAPTURE_KINDS.has(iface.kind) && physical === undefined) {
    return;
  }
  const config = readAdminConfig(ctx.log);
  if (allowedByPattern(iface.name, config.allowCaptureInterfaces ?? [])) {
    return;
  }
  const what =
    physical === iface.name
      ? part('"{0}" is a physical interface of this machine (backed by a device).', iface.name)
      : physical !== undefined
        ? part('"{0}" stands on "{1}", a physical interface of this machine (as its bridge port or VLAN parent).', iface.name, physical)
        : iface.kind === 'loopback'
          ? part('"{0}" is the host\'s loopback interface.', iface.name)
          : part('"{0}" is a {1} interface of the host.', iface.name, iface.kind);
  refuse(
    'host-capture',
    what,
    part('In the host\'s namespace the helper captures only on veth, bridge and dummy interfaces, because the host\'s own interfaces carry every user\'s traffic. Capture on the interface inside its namespace, or on the host\'s end of a veth.'),
    part('An administrator can allow it by adding its name to "allowCaptureInterfaces" in {0}.', POLICY_CONFIG),
  );
}
