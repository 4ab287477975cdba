// The helper protocol's transport, imported by the helper and by the client: framing, answers,
// events, errors and request parsing. What each operation takes and does is in operations.ts.
//
// Transport: newline-delimited JSON over the helper's stdin/stdout. Each request carries a numeric
// `id` chosen by the client and is answered by exactly one response with the same id; many may be
// in flight and answers may come in any order. The helper may also send events (no id).
//
//   -> {"id":1,"op":"addNetns","name":"ns1"}
//   <- {"id":1,"ok":true,"result":{"name":"ns1","inode":4026532109}}
//   <- {"id":2,"ok":false,"error":{"code":"EEXIST","message":"A namespace named \"ns1\" already exists."}}
//   <- {"event":"changed","netns":["ns1"]}
//   <- {"event":"capture","capture":"4242.1","data":"1MOyoQIABAA..."}
//   <- {"event":"captureEnd","capture":"4242.1","reason":"stopped","bytes":1314,"packets":13}

import type { CaptureEndReason } from './capture/rules';
import { renderParts, type MessagePart } from './messages';
import type { NetnsRef } from './model';
import { BATCH_OPS, isOp, OPS, spec, type WireRequest } from './operations';

export type { BatchItem, HelloResult, Op, Params, Request, Result, WireRequest } from './operations';

export const PROTOCOL_VERSION = 2;
/** A request line longer than this is refused without being parsed. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export type ErrorCode =
  | 'EPROTO' // malformed request, unknown operation, bad field type
  | 'EINVAL' // a field failed validation
  | 'EPERM' // root is needed
  | 'EACCES' // the helper's policy does not allow it (see `rule`)
  | 'EEXIST' // name already in use
  | 'ENOENT' // the namespace does not exist
  | 'ENOTNS' // the name in /run/netns is a plain file (or folder), not a namespace
  | 'ENODEV' // the interface does not exist there
  | 'ESRCH' // no such process
  | 'EADDRNOTAVAIL' // the address is not on the interface
  | 'ENETUNREACH' // a route's gateway is in no connected subnet
  | 'ENETDOWN' // a route's interface is down
  | 'EBUSY' // too much work in flight: try again
  | 'ENOTSUP'
  | 'EIO'; // anything else, with the tool's words in detail

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** The underlying tool's own words, for the log. */
  detail?: string;
  /** The message as translatable parts (see core/messages.ts); `message` is their English text. */
  parts?: MessagePart[];
  /** For EACCES: the rule of the policy that refused (docs/policy.md). */
  rule?: PolicyRule;
}

/** The rules of the helper's policy, as named in refusals. */
export type PolicyRule =
  | 'foreign-userns'
  | 'physical-interface'
  | 'password-start'
  | 'local-addresses-only'
  | 'host-capture'
  // The host's firewall is shown only to root itself (inspection of a namespace's firewall).
  | 'host-firewall';

export type Response =
  | { id: number; ok: true; result: unknown }
  | { id: number | null; ok: false; error: ErrorBody };

export interface ChangeEvent {
  event: 'changed';
  /** Namespaces whose interfaces or addresses changed (null = root). */
  netns: NetnsRef[];
  /** True when namespaces were added to or removed from /run/netns. */
  names: boolean;
  /**
   * With `names`, when the helper knows exactly which: the names that appeared (or now name another
   * namespace) and those that vanished, so the client reads only those instead of every name.
   * Absent when any name may have changed.
   */
  added?: string[];
  removed?: string[];
  /** True when processes started or ended (reported at most every 120 ms, every 500 ms under lasting churn): the process lists changed. */
  processes?: boolean;
}

/**
 * Packets of a running capture: pcap bytes (base64), whole records only; the first event of a
 * capture starts with the pcap file header. Sent only after startCapture was answered.
 */
export interface CaptureDataEvent {
  event: 'capture';
  capture: string;
  data: string;
}

/** A capture ended (each capture ends exactly once); `bytes` and `packets` are all it sent. */
export interface CaptureEndEvent {
  event: 'captureEnd';
  capture: string;
  reason: CaptureEndReason;
  bytes: number;
  packets: number;
  /** Packets the kernel dropped because tcpdump (or the client) could not keep up. */
  dropped?: number;
  /** For reason `exited`: why tcpdump ended, in the user's words. */
  message?: string;
  parts?: MessagePart[];
}

export type CaptureEvent = CaptureDataEvent | CaptureEndEvent;
/** Everything the helper sends besides answers. */
export type HelperEvent = ChangeEvent | CaptureEvent;

export class ProtocolError extends Error {
  /** The message as translatable parts, when it was made from them. */
  readonly parts?: MessagePart[];
  constructor(
    readonly code: ErrorCode,
    message: string | MessagePart | MessagePart[],
    readonly detail?: string,
    readonly rule?: PolicyRule,
  ) {
    const parts = typeof message === 'string' ? undefined : Array.isArray(message) ? message : [message];
    super(parts ? renderParts(parts) : (message as string));
    this.parts = parts;
  }

  /** The answer's error body. */
  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      ...(this.parts ? { parts: this.parts } : {}),
      ...(this.rule ? { rule: this.rule } : {}),
    };
  }
}

/**
 * Parses and validates one request line. Throws ProtocolError (with the id when one could be
 * read, so the answer reaches the right caller).
 */
export function parseRequest(line: string): WireRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new RequestError(null, 'EPROTO', 'The request is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RequestError(null, 'EPROTO', 'A request must be a JSON object.');
  }
  const obj = value as Record<string, unknown>;
  const id = obj.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw new RequestError(null, 'EPROTO', 'A request needs a numeric "id" (a non-negative integer).');
  }
  checkRequest(obj, id, 'request');
  return obj as unknown as WireRequest;
}

/** A value from a request, for a message: short, and never a deep structure walked again. */
function describeValue(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v) : `(a value of type ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v})`;
}

/** Checks the op and fields of one request (or one batch item); `id` goes into the error. */
function checkRequest(obj: Record<string, unknown>, id: number | null, what: string): void {
  const op = obj.op;
  if (!isOp(op)) {
    throw new RequestError(id, 'EPROTO', `Unknown operation ${describeValue(op)} in ${what}. Known: ${OPS.join(', ')}.`);
  }
  const { fields, check } = spec(op);
  for (const key of Object.keys(obj)) {
    if (key !== 'id' && key !== 'op' && !Object.prototype.hasOwnProperty.call(fields, key)) {
      throw new RequestError(id, 'EPROTO', `Operation "${op}" has no field "${key}".`);
    }
  }
  for (const [field, { required, check: checkField }] of Object.entries(fields)) {
    if (!(field in obj) || obj[field] === undefined) {
      if (required) {
        throw new RequestError(id, 'EPROTO', `Operation "${op}" needs the field "${field}".`);
      }
      continue;
    }
    const problem = checkField(obj[field], field, batchItemProblem);
    if (problem) {
      throw new RequestError(id, 'EINVAL', problem);
    }
  }
  const problem = check?.(obj as never);
  if (problem) {
    throw new RequestError(id, 'EPROTO', problem);
  }
}

/** A batch item is a request of its own, checked the same way, of an operation a batch may hold. */
function batchItemProblem(item: unknown, field: string, i: number): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item) || !BATCH_OPS.includes((item as { op?: never }).op ?? ('' as never))) {
    return `Item ${i + 1} of "${field}" must be an ${BATCH_OPS.join(', ').replace(/, (?=[^,]*$)/, ' or ')} request.`;
  }
  if ('id' in item) {
    return `Item ${i + 1} of "${field}" must not have its own id.`;
  }
  try {
    checkRequest(item as Record<string, unknown>, null, `item ${i + 1}`);
  } catch (e) {
    return `Item ${i + 1}: ${(e as Error).message}`;
  }
  const it = item as { op: string; name?: string; peer?: string };
  if (it.op === 'addVeth' && (it.name === undefined || it.peer === undefined)) {
    return `Item ${i + 1}: addVeth in a batch needs both "name" and "peer".`;
  }
  return undefined;
}

export class RequestError extends ProtocolError {
  constructor(
    readonly id: number | null,
    code: ErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}
