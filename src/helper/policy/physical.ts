// Whether a host interface is backed by a device (a NIC, an SR-IOV function, netdevsim) rather
// than made in software (veth, bridge, dummy...): sysfs links a device-backed one to its device.
// The helper runs in the host's network namespace, so its /sys/class/net is the host's.

import * as fs from 'node:fs';

export function isPhysicalInterface(name: string): boolean {
  try {
    fs.lstatSync(`/sys/class/net/${name}/device`);
    return true;
  } catch {
    return false;
  }
}

/** How far down the stack of lower devices (bridge ports, a VLAN's parent) the search goes. */
const MAX_DEPTH = 4;

/**
 * The physical interface a host interface is or stands on: itself when device-backed, else one of
 * its lower devices (sysfs `lower_NAME`: a bridge's ports, a VLAN's parent), searched down a few
 * levels. A bridge that carries the machine's NIC is as much its network as the NIC itself.
 */
export function physicalBehind(name: string, depth = 0): string | undefined {
  if (isPhysicalInterface(name)) {
    return name;
  }
  if (depth >= MAX_DEPTH) {
    return undefined;
  }
  let entries: string[];
  try {
    entries = fs.readdirSync(`/sys/class/net/${name}`);
  } catch {
    return undefined;
  }
  for (const e of entries) {
    if (e.startsWith('lower_')) {
      const found = physicalBehind(e.slice('lower_'.length), depth + 1);
      if (found) {
        return found;
      }
    }
  }
  return undefined;
}
