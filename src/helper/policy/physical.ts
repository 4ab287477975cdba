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
