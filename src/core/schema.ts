// Field rules for requests: each field of each operation (see operations.ts) names one of these
// checks. A check returns undefined when the value is good, or what is wrong in the user's words.
// The rules are the kernel's and iproute2's (validate.ts), which no schema library knows.

import { isIPv4, isIPv6, parseCidr, validateInterfaceName, validateNamespaceName, validatePid } from './validate';

/** Checks one nested request (the item of a batch at `index`); returns its problem. */
export type NestedCheck = (item: unknown, field: string, index: number) => string | undefined;
export type FieldCheck = (v: unknown, field: string, nested: NestedCheck) => string | undefined;
export type Schema = Record<string, { required: boolean; check: FieldCheck }>;

/** The most echo requests one ping sends. */
export const MAX_PING_COUNT = 10;

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
  bool: ((v, f) => (typeof v === 'boolean' ? undefined : `"${f}" must be true or false.`)) as FieldCheck,
  cidr: ((v) => {
    const r = parseCidr(v);
    return typeof r === 'string' ? r : undefined;
  }) as FieldCheck,
  /** One IPv4 or IPv6 address, without a prefix length. */
  hostAddress: ((v, f) => (typeof v === 'string' && (isIPv4(v) || isIPv6(v)) ? undefined : `"${f}" must be an IPv4 or IPv6 address.`)) as FieldCheck,
  /** How many echo requests one ping sends. */
  pingCount: ((v, f) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_PING_COUNT ? undefined : `"${f}" must be a whole number from 1 to ${MAX_PING_COUNT}.`)) as FieldCheck,
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
