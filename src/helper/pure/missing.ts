// The words for a namespace or an interface that is not (or no longer) there: the same wherever
// the helper finds it missing (its checks, a read, what ip or tcpdump said).

import { part, type MessagePart } from '../../core/messages';
import type { NetnsRef } from '../../core/model';

/** A namespace a request names is not in /run/netns. */
export function noSuchNamespace(netns: NetnsRef): MessagePart {
  return part('Namespace "{0}" does not exist. Refresh the view to see the current namespaces.', netns ?? 'host');
}

/** A namespace to delete is gone already. */
export function namespaceDeleted(name: string): MessagePart {
  return part('Namespace "{0}" does not exist (it may have been deleted already). Refresh the view.', name);
}

/** An interface a request names is not in its namespace. */
export function noSuchInterface(name: string, netns: NetnsRef): MessagePart {
  return netns === null
    ? part('Interface "{0}" does not exist in the host namespace (it may have been deleted or moved). Refresh the view.', name)
    : part('Interface "{0}" does not exist in namespace "{1}" (it may have been deleted or moved). Refresh the view.', name, netns);
}
