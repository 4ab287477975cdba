// Field rules for requests: each field of each operation (see operations.ts) names one of these
// checks. A check returns undefined when the value is good, or what is wrong in the user's words.
// The rules are the kernel's and iproute2's (validate.ts), which no schema library knows.

import { parseAddress, parseCidr, parseRouteDestination, validateInterfaceName, validateMetric, validateNamespaceName, validatePid, validateVlanId } from './validate';
import { NETNS_FILES } from './labs/lab';
import { msg } from './messages';
import { netemValueProblem, NETEM_FIELDS, type NetemField } from './netem';
import { validateCaptureBytes, validateCaptureFilter, validateCaptureId, validateCaptureInterfaceName, validateCaptureSeconds } from './capture/rules';


/** Checks one nested request (the item of a batch at `index`); returns its problem. */
export type NestedCheck = (item: unknown, field: string, index: number) => string | undefined;
export type FieldCheck = (v: unknown, field: string, nested: NestedCheck) => string | undefined;
export type Schema = Record<string, { required: boolean; check: FieldCheck }>;

/** The most echo requests one ping sends. */
export const MAX_PING_COUNT = 10;

/** The largest /etc/netns file the helper writes, in bytes. */
export const MAX_NETNS_FILE_BYTES = 64 * 1024;

/** The most items one batch may hold. */
export const MAX_BATCH_ITEMS = 100000;

export const fields = {
  req: (check: FieldCheck) => ({ required: true, check }),
  opt: (check: FieldCheck) => ({ required: false, check }),

  netnsName: ((v) => validateNamespaceName(v)) as FieldCheck,
  /** A namespace name, or null for the host's. */
  netnsRef: ((v) => (v === null ? undefined : validateNamespaceName(v))) as FieldCheck,
  ifName: ((v) => validateInterfaceName(v)) as FieldCheck,
  pid: ((v) => validatePid(v)) as FieldCheck,
  /** One netem parameter, named by its field (delayMs, lossPct, rateKbit...). */
  netemValue: ((v, f) =>
    (NETEM_FIELDS as readonly string[]).includes(f) ? netemValueProblem(f as NetemField, v) : `"${f}" is not a netem parameter.`) as FieldCheck,
  /** An interface name, or null for none (a port's master: null releases it). */
  ifNameOrNull: ((v) => (v === null ? undefined : validateInterfaceName(v))) as FieldCheck,
  /** What addLink makes. */
  linkKind: ((v, f) =>
    v === 'bridge' || v === 'dummy' || v === 'vlan' ? undefined : `"${f}" must be "bridge", "dummy" or "vlan".`) as FieldCheck,
  vlanId: ((v) => validateVlanId(v)) as FieldCheck,
  /** A file of /etc/netns/NAME that ip netns exec binds over /etc. */
  netnsFile: ((v, f) => ((NETNS_FILES as readonly unknown[]).includes(v) ? undefined : `"${f}" must be one of ${NETNS_FILES.join(', ')}.`)) as FieldCheck,
  /** The text of such a file (null: remove it). */
  netnsFileContent: ((v, f) =>
    v === null || (typeof v === 'string' && Buffer.byteLength(v, 'utf8') <= MAX_NETNS_FILE_BYTES && !v.includes('\0'))
      ? undefined
      : `"${f}" must be text of at most ${MAX_NETNS_FILE_BYTES / 1024} KiB without NUL characters, or null.`) as FieldCheck,
  bool: ((v, f) => (typeof v === 'boolean' ? undefined : `"${f}" must be true or false.`)) as FieldCheck,
  cidr: ((v) => {
    const r = parseCidr(v);
    return typeof r === 'string' ? r : undefined;
  }) as FieldCheck,
  /** "default", a network with its prefix length, or one address. */
  routeDestination: ((v) => {
    const r = parseRouteDestination(v);
    return typeof r === 'string' ? r : undefined;
  }) as FieldCheck,
  /** One address, no prefix length. */
  address: ((v) => {
    const r = parseAddress(v);
    return typeof r === 'string' ? r : undefined;
  }) as FieldCheck,
  family: ((v) => (v === 4 || v === 6 ? undefined : msg('The family must be 4 (IPv4) or 6 (IPv6).'))) as FieldCheck,
  metric: ((v) => validateMetric(v)) as FieldCheck,
  /** How many echo requests one ping sends. */
  pingCount: ((v, f) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_PING_COUNT ? undefined : `"${f}" must be a whole number from 1 to ${MAX_PING_COUNT}.`)) as FieldCheck,
  /** An interface tcpdump can capture on by its name (not a number, not a pseudo-device). */
  captureIfName: ((v) => validateCaptureInterfaceName(v)) as FieldCheck,
  captureBytes: ((v, f) => validateCaptureBytes(v, f)) as FieldCheck,
  captureSeconds: ((v, f) => validateCaptureSeconds(v, f)) as FieldCheck,
  captureFilter: ((v) => validateCaptureFilter(v)) as FieldCheck,
  captureId: ((v, f) => validateCaptureId(v, f)) as FieldCheck,
  readerKind: ((v, f) =>
    v === 'auto' || v === 'netlink' || v === 'ip' ? undefined : `"${f}" must be "auto", "netlink" or "ip".`) as FieldCheck,
  nameList: ((v, f) => {
    if (!Array.isArray(v) || v.length > 100000) {
      return `"${f}" must be a list of namespace names.`;
    }
    for (const n of v) {
      const e = validateNamespaceName(n);
      if (e) {
        return e;
      }
    }
    return undefined;
  }) as FieldCheck,
  /** Requests of a batch: each one is checked exactly as a request of its own. */
  batchList: ((v, f, nested) => {
    if (!Array.isArray(v) || v.length === 0 || v.length > MAX_BATCH_ITEMS) {
      return `"${f}" must be a list of 1 to ${MAX_BATCH_ITEMS} requests.`;
    }
    for (const [i, item] of v.entries()) {
      const problem = nested(item, f, i);
      if (problem) {
        return problem;
      }
    }
    return undefined;
  }) as FieldCheck,
};
