// What tcpdump prints when a capture cannot start or ends by itself, in words the user can act on.

import { part, type MessagePart } from '../../core/messages';
import type { NetnsRef } from '../../core/model';
import type { ErrorBody } from '../../core/protocol';
import { errorBody } from './ipErrors';
import { noSuchInterface, noSuchNamespace } from './missing';

/** The error for a tcpdump that exited before it was listening. */
export function mapCaptureStartError(netns: NetnsRef, name: string, filter: string | undefined, stderr: string): ErrorBody {
  const detail = stderr.replace(/\s+/g, ' ').trim() || 'tcpdump exited without a message';
  const e = (code: ErrorBody['code'], ...parts: MessagePart[]): ErrorBody => errorBody(code, parts, detail);
  if (/No such device|doesn't exist|does not exist/.test(stderr)) {
    return e('ENODEV', noSuchInterface(name, netns));
  }
  if (/That device is not up|is not up/.test(stderr)) {
    return e(
      'ENETDOWN',
      netns === null
        ? part('Interface "{0}" in the host namespace is down, so nothing can be captured on it. Set it up first.', name)
        : part('Interface "{0}" in namespace "{1}" is down, so nothing can be captured on it. Set it up first.', name, netns),
    );
  }
  if (/can't parse filter expression|syntax error|illegal|unknown host|not supported|expression rejects all packets/i.test(stderr)) {
    const why = /can't parse filter expression: (.*)/.exec(stderr)?.[1]?.trim() ?? firstLine(stderr);
    return e('EINVAL', part('tcpdump does not accept the filter "{0}": {1}. See "man pcap-filter" for the expression language.', filter ?? '', why));
  }
  if (/Operation not permitted|Permission denied|You don't have permission/.test(stderr)) {
    return e('EPERM', part('Capturing needs root privileges. Start the helper with pkexec or sudo (or run as root) and try again.'));
  }
  if (/Cannot open network namespace|reassociate with the new namespace|nsenter: cannot open/.test(stderr)) {
    return e('ENOENT', noSuchNamespace(netns));
  }
  return e('EIO', part('tcpdump could not capture on "{0}": {1}', name, firstLine(stderr)));
}

/** Why a running capture's tcpdump ended by itself, or undefined when it said nothing of note. */
export function captureExitMessage(name: string, stderr: string): MessagePart[] | undefined {
  if (/The interface disappeared|went down|Network is down|No such device/.test(stderr)) {
    return [part('Interface "{0}" went down or away, which ended the capture.', name)];
  }
  const error = stderr.split('\n').find((l) => /^tcpdump: /.test(l) && !/listening on/.test(l));
  return error ? [part('tcpdump stopped: {0}', error.replace(/^tcpdump: /, ''))] : undefined;
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '' && !/listening on/.test(l)) ?? s).replace(/^tcpdump: /, '').trim();
}
