// What a capture request may ask for: the interface (a name tcpdump reads as that interface and
// nothing else), the bounds, and a filter (a BPF expression of plain characters, never an option).

import { msg } from '../messages';
import { validateInterfaceName } from '../validate';

/** Captures one helper connection may run at once. */
export const MAX_CAPTURES = 8;
/** The largest file a capture may make, and the default when a request gives none. */
export const MAX_CAPTURE_BYTES = 2 * 1024 * 1024 * 1024;
export const DEFAULT_CAPTURE_BYTES = 100 * 1024 * 1024;
/** The longest a capture may run, and the default. */
export const MAX_CAPTURE_SECONDS = 24 * 60 * 60;
export const DEFAULT_CAPTURE_SECONDS = 600;
/** The smallest file bound: the pcap header and one record of a small frame. */
export const MIN_CAPTURE_BYTES = 128;
export const MAX_FILTER_LENGTH = 512;

/**
 * libpcap's own pseudo-devices, which it picks by name before any interface: "any" (all
 * interfaces), netfilter logs and queues, USB, Bluetooth and D-Bus monitors.
 */
const PSEUDO_DEVICE = /^(any$|nflog|nfqueue|usbmon|bluetooth|dbus)/;

/** An interface tcpdump can be pointed at by its name alone. */
export function validateCaptureInterfaceName(name: unknown): string | undefined {
  const problem = validateInterfaceName(name);
  if (problem) {
    return problem;
  }
  const n = name as string;
  if (/^[0-9]+$/.test(n)) {
    return msg('tcpdump reads "{0}" as the number of an interface in its own list, not as a name, so it cannot capture on it. Rename the interface to capture on it.', n);
  }
  if (PSEUDO_DEVICE.test(n)) {
    return msg('tcpdump reads "{0}" as one of its own pseudo-devices, not as this interface, so it cannot capture on it. Rename the interface to capture on it.', n);
  }
  return undefined;
}

/** Characters a filter may use: words, numbers, addresses, operators and brackets; no quotes or escapes. */
const FILTER_CHARS = /^[A-Za-z0-9 .:/_()!&|<>=[\]+*%^-]*$/;

/**
 * A capture filter: tcpdump's expression language (pcap-filter(7)), checked here for what can be
 * checked without compiling it (tcpdump compiles it and says when it is wrong).
 */
export function validateCaptureFilter(v: unknown): string | undefined {
  if (typeof v !== 'string') {
    return msg('A capture filter must be text.');
  }
  const f = v.trim();
  if (f.length > MAX_FILTER_LENGTH) {
    return msg('A capture filter is at most {0} characters long.', MAX_FILTER_LENGTH);
  }
  if (f.startsWith('-')) {
    return msg('A capture filter cannot start with "-". Write an expression such as "icmp" or "host 10.0.0.2 and port 80".');
  }
  if (!FILTER_CHARS.test(f)) {
    const bad = [...f].find((c) => !FILTER_CHARS.test(c)) ?? '';
    return msg('A capture filter cannot contain "{0}". Use letters, numbers, addresses, spaces and the operators of tcpdump\'s filter language (and, or, not, (), <, >, =, !, &, |).', bad === '\n' ? '\\n' : bad);
  }
  return undefined;
}

function wholeNumberIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

export function validateCaptureBytes(v: unknown, field: string): string | undefined {
  return wholeNumberIn(v, MIN_CAPTURE_BYTES, MAX_CAPTURE_BYTES) ? undefined : msg('"{0}" must be a whole number of bytes from {1} to {2}.', field, MIN_CAPTURE_BYTES, MAX_CAPTURE_BYTES);
}

export function validateCaptureSeconds(v: unknown, field: string): string | undefined {
  return wholeNumberIn(v, 1, MAX_CAPTURE_SECONDS) ? undefined : msg('"{0}" must be a whole number of seconds from 1 to {1}.', field, MAX_CAPTURE_SECONDS);
}

/** A capture's id, as the helper gave it. */
export function validateCaptureId(v: unknown, field: string): string | undefined {
  return typeof v === 'string' && /^[0-9]{1,10}\.[0-9]{1,10}$/.test(v) ? undefined : msg('"{0}" must be the id of a capture, as startCapture answered it.', field);
}

/** Why a capture ended. */
export type CaptureEndReason =
  /** stopCapture asked for it. */
  | 'stopped'
  /** The next packet would have made the file larger than maxBytes. */
  | 'maxBytes'
  /** It ran for maxSeconds. */
  | 'maxSeconds'
  /** tcpdump ended by itself (the interface went away, ...): `message` says why. */
  | 'exited'
  /** The client went away; the helper stopped it. */
  | 'disconnected';
