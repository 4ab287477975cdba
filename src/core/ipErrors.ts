// Turns what iproute2 prints on failure into an error the user can act on.

import type { NetnsRef } from './model';
import type { ErrorBody, Request } from './protocol';

/** Where an interface can be found right now, if anywhere (filled in by the helper). */
export type LocateInterface = (name: string) => NetnsRef | undefined;

function where(ns: NetnsRef): string {
  return ns === null ? 'the host namespace' : `namespace "${ns}"`;
}

/** Strips ip's prefixes and trailing noise so the tool's words can be logged as one line. */
function clean(stderr: string): string {
  return stderr.replace(/\s+/g, ' ').trim();
}

export function mapIpError(req: Request, stderr: string, locate?: LocateInterface): ErrorBody {
  const detail = clean(stderr) || 'ip failed without a message';
  const e = (code: ErrorBody['code'], message: string): ErrorBody => ({ code, message, detail });
  const s = stderr;
  const netnsOf = 'netns' in req && req.netns !== undefined ? req.netns : 'from' in req ? req.from : null;

  if (/Operation not permitted|Permission denied|must be root/i.test(s)) {
    return e('EPERM', 'This needs root privileges. Start the helper with pkexec or sudo (or run as root) and try again.');
  }
  const noDev = /Cannot find device "([^"]*)"|Device does not exist|No such device/.exec(s);
  if (noDev) {
    const name = noDev[1] ?? ('name' in req ? String(req.name) : 'the interface');
    const here = netnsOf ?? null;
    const now = locate?.(name);
    let message = `"${name}" is not in ${where(here)} (it may have been moved or deleted).`;
    if (now !== undefined) {
      message += ` It is now in ${where(now)}.`;
    }
    message += ' Refresh the view and try again.';
    return e('ENODEV', message);
  }
  const openNs = /Cannot open network namespace "([^"]*)"|setting the network namespace "([^"]*)" failed/.exec(s);
  if (openNs) {
    const ns = openNs[1] ?? openNs[2];
    if (/Operation not permitted/.test(s)) {
      return e('EPERM', 'Entering a namespace needs root privileges.');
    }
    return e('ENOENT', `Namespace "${ns}" no longer exists. Refresh the view to see the current namespaces.`);
  }
  if (/Cannot create namespace file "[^"]*": File exists/.test(s)) {
    const name = 'name' in req ? String(req.name) : '';
    return e('EEXIST', `A namespace named "${name}" already exists. Choose another name.`);
  }
  if (/Cannot remove namespace file "[^"]*": No such file/.test(s)) {
    const name = 'name' in req ? String(req.name) : '';
    return e('ENOENT', `Namespace "${name}" does not exist (it may have been deleted already). Refresh the view.`);
  }
  if (/Bind \/proc\/\d+\/ns\/net .*No such file|Invalid "netns" value|No such process/.test(s)) {
    const pid = 'pid' in req ? req.pid : 'toPid' in req ? req.toPid : undefined;
    return e('ESRCH', `Process ${pid ?? ''} does not exist (it may have exited). Check the PID and try again.`.replace('  ', ' '));
  }
  if (/same name exists in the target netns/.test(s) && req.op === 'moveLink') {
    return e('EEXIST', `The target namespace already has an interface named "${req.name}". Rename or delete it there first.`);
  }
  if (/netns is immutable/.test(s) && req.op === 'moveLink') {
    return e('ENOTSUP', `"${req.name}" cannot be moved to another namespace (the kernel does not allow it for this device, such as lo).`);
  }
  if (/File exists|already assigned/.test(s)) {
    if (req.op === 'addAddress') {
      return e('EEXIST', `${req.address} is already assigned to "${req.name}".`);
    }
    if (req.op === 'moveLink') {
      return e('EEXIST', `The target namespace already has an interface named "${req.name}". Rename or delete it first.`);
    }
    if (req.op === 'addVeth') {
      return e('EEXIST', 'An interface with one of these names already exists there. Choose other names.');
    }
    return e('EEXIST', 'That name is already in use.');
  }
  if (/Address not found|Cannot assign requested address/.test(s) && req.op === 'delAddress') {
    return e('EADDRNOTAVAIL', `${req.address} is not assigned to "${req.name}" in ${where(req.netns)}. Refresh the view.`);
  }
  if (/Device or resource busy/.test(s)) {
    return e('EBUSY', 'The kernel says the device or namespace is busy. Try again in a moment.');
  }
  if (/Operation not supported|not supported/i.test(s)) {
    if (req.op === 'moveLink') {
      return e('ENOTSUP', `"${req.name}" cannot be moved to another namespace (the kernel does not allow it for this kind of device, such as lo).`);
    }
    if (req.op === 'delLink') {
      return e('ENOTSUP', `"${req.name}" cannot be deleted (the loopback device and some physical devices cannot).`);
    }
    return e('ENOTSUP', 'The kernel does not support this for that device.');
  }
  if (/Invalid argument/.test(s) && req.op === 'moveLink') {
    return e('EINVAL', `"${req.name}" cannot be moved there (the kernel refused it, e.g. it is already in that namespace).`);
  }
  return e('EIO', `ip failed: ${detail}`);
}
