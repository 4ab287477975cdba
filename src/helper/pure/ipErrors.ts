// Turns what iproute2 prints on failure into an error the user can act on.

import { part, renderParts, type MessagePart } from '../../core/messages';
import type { NetnsRef } from '../../core/model';
import type { ErrorBody, Request } from '../../core/protocol';
import { namespaceDeleted } from './missing';

/** Where an interface can be found right now, if anywhere (filled in by the helper). */
export type LocateInterface = (name: string) => NetnsRef | undefined;

/** Strips ip's prefixes and trailing noise so the tool's words can be logged as one line. */
function clean(stderr: string): string {
  return stderr.replace(/\s+/g, ' ').trim();
}

/** An error body whose message is made of translatable parts. */
export function errorBody(code: ErrorBody['code'], parts: MessagePart[], detail?: string): ErrorBody {
  const body: ErrorBody = { code, message: renderParts(parts), parts };
  if (detail !== undefined) {
    body.detail = detail;
  }
  return body;
}

export function mapIpError(req: Request, stderr: string, locate?: LocateInterface): ErrorBody {
  const detail = clean(stderr) || 'ip failed without a message';
  const e = (code: ErrorBody['code'], ...parts: MessagePart[]): ErrorBody => errorBody(code, parts, detail);
  const s = stderr;
  const netnsOf = 'netns' in req && req.netns !== undefined ? req.netns : 'from' in req ? req.from : null;
  const name = 'name' in req && typeof req.name === 'string' ? req.name : '';

  if (/Operation not permitted|Permission denied|must be root/i.test(s)) {
    return e('EPERM', part('This needs root privileges. Start the helper with pkexec or sudo (or run as root) and try again.'));
  }
  if (req.op === 'addRoute' || req.op === 'delRoute') {
    const routeErr = routeError(req, s);
    if (routeErr) {
      return e(routeErr.code, ...routeErr.parts);
    }
  }
  const link = linkError(req, s);
  if (link) {
    return e(link.code, ...link.parts);
  }
  const noDev = /Cannot find device "([^"]*)"|Device does not exist|No such device/.exec(s);
  if (noDev) {
    const dev = noDev[1] ?? name;
    const here = netnsOf ?? null;
    const now = locate?.(dev);
    const parts = [
      here === null
        ? part('"{0}" is not in the host namespace (it may have been moved or deleted).', dev)
        : part('"{0}" is not in namespace "{1}" (it may have been moved or deleted).', dev, here),
    ];
    if (now !== undefined) {
      parts.push(now === null ? part('It is now in the host namespace.') : part('It is now in namespace "{0}".', now));
    }
    parts.push(part('Refresh the view and try again.'));
    return e('ENODEV', ...parts);
  }
  const openNs = /Cannot open network namespace "([^"]*)"|setting the network namespace "([^"]*)" failed/.exec(s);
  if (openNs) {
    const ns = openNs[1] ?? openNs[2];
    if (/Operation not permitted/.test(s)) {
      return e('EPERM', part('Entering a namespace needs root privileges.'));
    }
    return e('ENOENT', part('Namespace "{0}" no longer exists. Refresh the view to see the current namespaces.', ns));
  }
  if (/Cannot create namespace file "[^"]*": File exists/.test(s)) {
    return e('EEXIST', part('A namespace named "{0}" already exists. Choose another name.', name));
  }
  if (/Cannot remove namespace file "[^"]*": No such file/.test(s)) {
    return e('ENOENT', namespaceDeleted(name));
  }
  if (/Bind \/proc\/\d+\/ns\/net .*No such file|Invalid "netns" value|No such process/.test(s)) {
    const pid = 'pid' in req ? req.pid : 'toPid' in req ? req.toPid : undefined;
    return e('ESRCH', part('Process {0} does not exist (it may have exited). Check the PID and try again.', pid ?? '?'));
  }
  if (/same name exists in the target netns/.test(s) && req.op === 'moveLink') {
    return e('EEXIST', part('The target namespace already has an interface named "{0}". Rename or delete it there first.', req.name));
  }
  if (/netns is immutable/.test(s) && req.op === 'moveLink') {
    return e('ENOTSUP', part('"{0}" cannot be moved to another namespace (the kernel does not allow it for this device, such as lo).', req.name));
  }
  if (/File exists|already assigned/.test(s)) {
    if (req.op === 'addAddress') {
      return e('EEXIST', part('{0} is already assigned to "{1}".', req.address, req.name));
    }
    if (req.op === 'moveLink') {
      return e('EEXIST', part('The target namespace already has an interface named "{0}". Rename or delete it there first.', req.name));
    }
    if (req.op === 'addVeth') {
      return e('EEXIST', part('An interface with one of these names already exists there. Choose other names.'));
    }
    return e('EEXIST', part('That name is already in use.'));
  }
  if (/address not found|Cannot assign requested address/i.test(s) && req.op === 'delAddress') {
    return e(
      'EADDRNOTAVAIL',
      req.netns === null
        ? part('{0} is not assigned to "{1}" in the host namespace. Refresh the view.', req.address, req.name)
        : part('{0} is not assigned to "{1}" in namespace "{2}". Refresh the view.', req.address, req.name, req.netns),
    );
  }
  if (/Device or resource busy/.test(s)) {
    return e('EBUSY', part('The kernel says the device or namespace is busy. Try again in a moment.'));
  }
  if (/Operation not supported|not supported/i.test(s)) {
    if (req.op === 'moveLink') {
      return e('ENOTSUP', part('"{0}" cannot be moved to another namespace (the kernel does not allow it for this device, such as lo).', req.name));
    }
    if (req.op === 'delLink') {
      return e('ENOTSUP', part('"{0}" cannot be deleted (the loopback device and some physical devices cannot).', req.name));
    }
    return e('ENOTSUP', part('The kernel does not support this for that device.'));
  }
  if (/Invalid argument/.test(s)) {
    return e('EINVAL', invalidArgument(req));
  }
  return e('EIO', part('The change was not made: {0}. The log has the ip command and its output.', toolWords(detail)));
}

type RouteRequest = Extract<Request, { op: 'addRoute' | 'delRoute' }>;

/** The kernel's answers to a route change, in the user's words; undefined for the generic ones. */
function routeError(req: RouteRequest, s: string): { code: ErrorBody['code']; parts: MessagePart[] } | undefined {
  const host = req.netns === null;
  const ns = req.netns ?? '';
  const dest = req.destination;
  if (/Nexthop has invalid gateway|Network is unreachable|No route to host/.test(s)) {
    return {
      code: 'ENETUNREACH',
      parts: [
        host
          ? part('The gateway {0} is not in a subnet of the host namespace that the route can use.', req.gateway ?? '?')
          : part('The gateway {0} is not in a subnet of namespace "{1}" that the route can use.', req.gateway ?? '?', ns),
        part('Add an address in that subnet to one of its interfaces first, or choose a gateway in a connected subnet.'),
      ],
    };
  }
  if (/Gateway can not be a local address/.test(s)) {
    return { code: 'EINVAL', parts: [part('{0} is an address of this namespace itself; the gateway must be another host in the subnet.', req.gateway ?? '?')] };
  }
  if (/Device for nexthop is not up|Nexthop device is not up/.test(s)) {
    return { code: 'ENETDOWN', parts: [part('"{0}" is down. Set it up before routing through it.', req.device ?? '?')] };
  }
  if (req.op === 'addRoute' && /File exists/.test(s)) {
    return {
      code: 'EEXIST',
      parts: [
        host
          ? part('The host namespace already has a route to {0} with that metric. Delete it first, or give the new one another metric.', dest)
          : part('Namespace "{0}" already has a route to {1} with that metric. Delete it first, or give the new one another metric.', ns, dest),
      ],
    };
  }
  if (req.op === 'delRoute' && /No such process/.test(s)) {
    return {
      code: 'ENOENT',
      parts: [
        host
          ? part('The host namespace has no such route to {0} (it may have been deleted already). Refresh the view.', dest)
          : part('Namespace "{0}" has no such route to {1} (it may have been deleted already). Refresh the view.', ns, dest),
      ],
    };
  }
  if (/Invalid prefix for given prefix length/.test(s)) {
    return { code: 'EINVAL', parts: [part('{0} is not a network address: the bits after the prefix length must be zero.', dest)] };
  }
  return undefined;
}

/** The kernel's answers to addLink and setMaster that mean something of their own there. */
function linkError(req: Request, s: string): { code: ErrorBody['code']; parts: MessagePart[] } | undefined {
  const r = (code: ErrorBody['code'], ...parts: MessagePart[]) => ({ code, parts });
  if (req.op === 'addLink') {
    if (/Unknown device type/.test(s)) {
      return req.kind === 'vlan'
        ? r('ENOTSUP', part('This kernel has no VLAN support (the 8021q module, CONFIG_VLAN_8021Q). Load it with "modprobe 8021q", or use a kernel built with it.'))
        : req.kind === 'dummy'
          ? r('ENOTSUP', part('This kernel has no dummy interfaces (the dummy module, CONFIG_DUMMY). Load it with "modprobe dummy", or use a kernel built with it.'))
          : r('ENOTSUP', part('This kernel has no bridges (the bridge module, CONFIG_BRIDGE). Load it with "modprobe bridge", or use a kernel built with it.'));
    }
    if (/File exists/.test(s)) {
      return req.kind === 'vlan'
        ? r('EEXIST', part('"{0}" already exists, or "{1}" already has VLAN {2}. Choose another name or VLAN id.', req.name, req.parent ?? '', req.vlanId ?? ''))
        : r('EEXIST', part('An interface named "{0}" already exists there. Choose another name.', req.name));
    }
    const gone = /Cannot find device "([^"]*)"/.exec(s);
    if (gone && req.kind === 'vlan') {
      return r('ENODEV', part('The parent "{0}" is not there (it may have been moved or deleted). Refresh the view and choose another parent.', gone[1]));
    }
    if (/Invalid argument|not supported/i.test(s) && req.kind === 'vlan') {
      return r('EINVAL', part('The kernel refused a VLAN on "{0}" (it carries no VLANs, such as the loopback device). Choose an Ethernet-like parent.', req.parent ?? ''));
    }
    return undefined;
  }
  if (req.op !== 'setMaster') {
    return undefined;
  }
  const noMaster = /argument "([^"]*)" is wrong: Device does not exist/.exec(s);
  if (noMaster) {
    return r('ENODEV', part('There is no bridge "{0}" in that namespace. A port and its bridge must be in the same namespace. Refresh the view and try again.', noMaster[1]));
  }
  if (/enslave a bridge to a bridge/i.test(s)) {
    return r('EINVAL', part('"{0}" is a bridge itself, and the kernel does not make a bridge a port of another bridge. Connect them with a veth pair instead.', req.name));
  }
  if (/Operation not supported/.test(s) && req.master !== null) {
    return r('EINVAL', part('"{0}" is not a bridge: only a bridge takes ports. Choose a bridge.', req.master));
  }
  if (/Too many levels of symbolic links/.test(s)) {
    return r('EINVAL', part('Making "{0}" a port of "{1}" would make a loop of devices. Choose another bridge.', req.name, req.master ?? ''));
  }
  if (/Invalid argument/.test(s)) {
    return r('EINVAL', part('"{0}" cannot be a port of "{1}": the kernel refused it (it refuses the loopback device, bridges, and devices that are not Ethernet-like).', req.name, req.master ?? ''));
  }
  return undefined;
}

/** What the kernel's EINVAL refers to, by the field the operation gives it. */
function invalidArgument(req: Request): MessagePart {
  switch (req.op) {
    case 'moveLink':
      return part('"{0}" cannot be moved there (the kernel refused it, e.g. it is already in that namespace).', req.name);
    case 'addVeth':
      return part('The kernel refused the interface names ("{0}", "{1}"). Choose other names.', req.name ?? '', req.peer ?? '');
    case 'addAddress':
    case 'delAddress':
      return part('The kernel refused the address {0} on "{1}".', req.address, req.name);
    case 'addNetns':
    case 'delNetns':
    case 'attachNetns':
      return part('The kernel refused the namespace name "{0}". Choose another name.', req.name);
    default:
      return 'name' in req && typeof req.name === 'string'
        ? part('The kernel refused the request for interface "{0}" as invalid.', req.name)
        : part('The kernel refused the request as invalid.');
  }
}

/** ip's words without the prefixes that mean nothing to a user ("RTNETLINK answers:", "Error:"). */
export function toolWords(detail: string): string {
  return detail.replace(/\b(RTNETLINK answers|Error):\s*/g, '').trim() || detail;
}
