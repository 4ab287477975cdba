// The one definition of the helper protocol, imported by the helper and by the client.
//
// Transport: newline-delimited JSON over the helper's stdin/stdout. Each request carries a numeric
// `id` chosen by the client and is answered by exactly one response with the same id; many may be
// in flight and answers may come in any order. The helper may also send events (no id).
//
//   -> {"id":1,"op":"addNetns","name":"ns1"}
//   <- {"id":1,"ok":true,"result":{"name":"ns1","inode":4026532109}}
//   <- {"id":2,"ok":false,"error":{"code":"EEXIST","message":"A namespace named \"ns1\" already exists."}}
//   <- {"event":"changed","netns":["ns1"]}

import { renderParts, type MessagePart } from './messages';
import type { NetnsRef, ProcessNamespace, Snapshot } from './model';
import { parseCidr, validateInterfaceName, validateNamespaceName, validatePid } from './validate';

export const PROTOCOL_VERSION = 1;
/** A request line longer than this is refused without being parsed. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export interface RequestMap {
  hello: { params: Record<string, never>; result: HelloResult };
  listNames: { params: Record<string, never>; result: { names: string[] } };
  snapshot: {
    params: { names?: string[]; includeRoot?: boolean; reader?: 'auto' | 'netlink' | 'ip' };
    result: Snapshot;
  };
  processes: { params: Record<string, never>; result: { namespaces: ProcessNamespace[] } };
  addNetns: { params: { name: string }; result: { name: string; inode: number } };
  delNetns: { params: { name: string }; result: Record<string, never> };
  addVeth: {
    params: { name?: string; peer?: string; netns?: NetnsRef; peerNetns?: NetnsRef };
    result: { name: string; peer: string; netns: NetnsRef; peerNetns: NetnsRef };
  };
  moveLink: {
    params: { name: string; from: NetnsRef; to?: NetnsRef; toPid?: number };
    result: { name: string; toInode: number };
  };
  attachNetns: { params: { name: string; pid: number }; result: { name: string; inode: number } };
  setLinkState: { params: { netns: NetnsRef; name: string; up: boolean }; result: Record<string, never> };
  addAddress: { params: { netns: NetnsRef; name: string; address: string }; result: Record<string, never> };
  delAddress: { params: { netns: NetnsRef; name: string; address: string }; result: Record<string, never> };
  delLink: { params: { netns: NetnsRef; name: string }; result: Record<string, never> };
  /**
   * Several writes in one round trip, in order. Supported: addNetns, delNetns, addVeth with both
   * names given. If one fails, the adds made before it are undone and the error says which failed.
   */
  batch: { params: { requests: BatchItem[] }; result: { done: number } };
  /** Copies the helper to a fixed root-owned path with a launcher and a polkit action. */
  installHelper: {
    params: Record<string, never>;
    result: {
      launcher: string;
      dir: string;
      runtime: string;
      runtimeCopied: boolean;
      policy?: string;
      sudoersLine: string;
      polkitRule: string;
    };
  };
  uninstallHelper: { params: Record<string, never>; result: { removed: string[] } };
  /** Starts change events: the helper then sends {"event":"changed"} lines (see ChangeEvent). */
  watch: { params: Record<string, never>; result: { watching: boolean; kernelEvents: boolean } };
  /** Stops change events until the next watch. */
  unwatch: { params: Record<string, never>; result: { watching: false } };
}

export type Op = keyof RequestMap;
export type BatchItem =
  | ({ op: 'addNetns' } & { name: string })
  | ({ op: 'delNetns' } & { name: string })
  | ({ op: 'addVeth' } & { name: string; peer: string; netns?: NetnsRef; peerNetns?: NetnsRef });
export const BATCH_OPS: readonly string[] = ['addNetns', 'delNetns', 'addVeth'];
export const MAX_BATCH = 100000;
export type Params<O extends Op> = RequestMap[O]['params'];
export type Result<O extends Op> = RequestMap[O]['result'];
export type Request<O extends Op = Op> = { [K in O]: { op: K } & Params<K> }[O];
export type WireRequest = Request & { id: number };

export interface HelloResult {
  name: 'vscode-netns-helper';
  version: string;
  protocol: number;
  pid: number;
  uid: number;
  /** The uid of the user who started the helper through sudo or pkexec, where known. */
  callerUid?: number;
  /** Which reader snapshots use by default, and why the fast one is missing if it is. */
  reader: 'netlink' | 'ip';
  readerError?: string;
  ip: string;
  rootInode: number;
}

export type ErrorCode =
  | 'EPROTO' // malformed request, unknown operation, bad field type
  | 'EINVAL' // a field failed validation
  | 'EPERM' // root is needed
  | 'EEXIST' // name already in use
  | 'ENOENT' // the namespace does not exist
  | 'ENODEV' // the interface does not exist there
  | 'ESRCH' // no such process
  | 'EADDRNOTAVAIL' // the address is not on the interface
  | 'EBUSY'
  | 'ENOTSUP'
  | 'EIO'; // anything else, with the tool's words in detail

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** The underlying tool's own words, for the log. */
  detail?: string;
  /** The message as translatable parts (see core/messages.ts); `message` is their English text. */
  parts?: MessagePart[];
}

export type Response =
  | { id: number; ok: true; result: unknown }
  | { id: number | null; ok: false; error: ErrorBody };

export interface ChangeEvent {
  event: 'changed';
  /** Namespaces whose interfaces or addresses changed (null = root). */
  netns: NetnsRef[];
  /** True when namespaces were added to or removed from /run/netns. */
  names: boolean;
}

export class ProtocolError extends Error {
  /** The message as translatable parts, when it was made from them. */
  readonly parts?: MessagePart[];
  constructor(
    readonly code: ErrorCode,
    message: string | MessagePart | MessagePart[],
    readonly detail?: string,
  ) {
    const parts = typeof message === 'string' ? undefined : Array.isArray(message) ? message : [message];
    super(parts ? renderParts(parts) : (message as string));
    this.parts = parts;
  }
}

// ---- request validation ---------------------------------------------------------------------

type FieldCheck = (v: unknown, field: string) => string | undefined;
type Schema = Record<string, { required: boolean; check: FieldCheck }>;

const netnsName: FieldCheck = (v) => validateNamespaceName(v);
const netnsRef: FieldCheck = (v) => (v === null ? undefined : validateNamespaceName(v));
const ifName: FieldCheck = (v) => validateInterfaceName(v);
const pid: FieldCheck = (v) => validatePid(v);
const bool: FieldCheck = (v, f) => (typeof v === 'boolean' ? undefined : `"${f}" must be true or false.`);
const cidr: FieldCheck = (v) => {
  const r = parseCidr(v);
  return typeof r === 'string' ? r : undefined;
};
const readerKind: FieldCheck = (v, f) =>
  v === 'auto' || v === 'netlink' || v === 'ip' ? undefined : `"${f}" must be "auto", "netlink" or "ip".`;
const nameList: FieldCheck = (v, f) => {
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
};

const batchItems: FieldCheck = (v, f) => {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_BATCH) {
    return `"${f}" must be a list of 1 to ${MAX_BATCH} requests.`;
  }
  for (const [i, item] of v.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item) || !BATCH_OPS.includes((item as { op?: string }).op ?? '')) {
      return `Item ${i + 1} of "${f}" must be an addNetns, delNetns or addVeth request.`;
    }
    if ('id' in item) {
      return `Item ${i + 1} of "${f}" must not have its own id.`;
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
  }
  return undefined;
};

const req = (check: FieldCheck) => ({ required: true, check });
const opt = (check: FieldCheck) => ({ required: false, check });

const SCHEMAS: { [O in Op]: Schema } = {
  hello: {},
  listNames: {},
  snapshot: { names: opt(nameList), includeRoot: opt(bool), reader: opt(readerKind) },
  processes: {},
  addNetns: { name: req(netnsName) },
  delNetns: { name: req(netnsName) },
  addVeth: { name: opt(ifName), peer: opt(ifName), netns: opt(netnsRef), peerNetns: opt(netnsRef) },
  moveLink: { name: req(ifName), from: req(netnsRef), to: opt(netnsRef), toPid: opt(pid) },
  attachNetns: { name: req(netnsName), pid: req(pid) },
  setLinkState: { netns: req(netnsRef), name: req(ifName), up: req(bool) },
  addAddress: { netns: req(netnsRef), name: req(ifName), address: req(cidr) },
  delAddress: { netns: req(netnsRef), name: req(ifName), address: req(cidr) },
  delLink: { netns: req(netnsRef), name: req(ifName) },
  watch: {},
  unwatch: {},
  installHelper: {},
  uninstallHelper: {},
  batch: { requests: req(batchItems) },
};

export const OPS = Object.keys(SCHEMAS) as Op[];

export function isOp(op: unknown): op is Op {
  return typeof op === 'string' && Object.prototype.hasOwnProperty.call(SCHEMAS, op);
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

/** Checks the op and fields of one request (or one batch item); `id` goes into the error. */
function checkRequest(obj: Record<string, unknown>, id: number | null, what: string): void {
  const op = obj.op;
  if (!isOp(op)) {
    throw new RequestError(id, 'EPROTO', `Unknown operation ${JSON.stringify(op)} in ${what}. Known: ${OPS.join(', ')}.`);
  }
  const schema = SCHEMAS[op];
  for (const key of Object.keys(obj)) {
    if (key !== 'id' && key !== 'op' && !Object.prototype.hasOwnProperty.call(schema, key)) {
      throw new RequestError(id, 'EPROTO', `Operation "${op}" has no field "${key}".`);
    }
  }
  for (const [field, { required, check }] of Object.entries(schema)) {
    if (!(field in obj) || obj[field] === undefined) {
      if (required) {
        throw new RequestError(id, 'EPROTO', `Operation "${op}" needs the field "${field}".`);
      }
      continue;
    }
    const problem = check(obj[field], field);
    if (problem) {
      throw new RequestError(id, 'EINVAL', problem);
    }
  }
  if (op === 'moveLink' && ('to' in obj) === ('toPid' in obj)) {
    throw new RequestError(id, 'EPROTO', 'Operation "moveLink" needs exactly one of "to" (a namespace) or "toPid" (a process).');
  }
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
