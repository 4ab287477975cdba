// The classic namespace labs, offered by "Create Example Lab": the walkthrough's two namespaces
// joined by a veth pair, three namespaces on a bridge, and two subnets joined by a router.

import type { LabSpec } from './lab';

export type ExampleLabId = 'veth' | 'bridge' | 'router';

export interface ExampleLab {
  id: ExampleLabId;
  /** The prefix offered for its namespace names. */
  prefix: string;
  spec: LabSpec;
  /** Which address each namespace can ping to show the lab works: [from namespace, address]. */
  check: [string, string];
}

export const EXAMPLE_LABS: readonly ExampleLab[] = [
  {
    id: 'veth',
    prefix: 'lab-',
    spec: {
      namespaces: [{ name: 'ns1' }, { name: 'ns2' }],
      veths: [{ a: { netns: 'ns1', name: 'veth-a', address: '10.0.0.1/24' }, b: { netns: 'ns2', name: 'veth-b', address: '10.0.0.2/24' } }],
    },
    check: ['ns1', '10.0.0.2'],
  },
  {
    id: 'bridge',
    prefix: 'br-',
    spec: {
      namespaces: [{ name: 'h1' }, { name: 'h2' }, { name: 'h3' }, { name: 'sw' }],
      veths: [1, 2, 3].map((i) => ({
        a: { netns: `h${i}`, name: 'eth0', address: `10.0.1.${i}/24` },
        b: { netns: 'sw', name: `port${i}` },
      })),
      bridges: [{ netns: 'sw', name: 'br0', ports: ['port1', 'port2', 'port3'] }],
    },
    check: ['h1', '10.0.1.3'],
  },
  {
    id: 'router',
    prefix: 'rt-',
    spec: {
      namespaces: [
        { name: 'a', forwarding: false, routes: [{ destination: 'default', gateway: '10.0.1.1' }] },
        { name: 'r', forwarding: true },
        { name: 'b', forwarding: false, routes: [{ destination: 'default', gateway: '10.0.2.1' }] },
      ],
      veths: [
        { a: { netns: 'a', name: 'eth0', address: '10.0.1.2/24' }, b: { netns: 'r', name: 'eth-a', address: '10.0.1.1/24' } },
        { a: { netns: 'b', name: 'eth0', address: '10.0.2.2/24' }, b: { netns: 'r', name: 'eth-b', address: '10.0.2.1/24' } },
      ],
    },
    check: ['a', '10.0.2.2'],
  },
];

export function exampleLab(id: string): ExampleLab | undefined {
  return EXAMPLE_LABS.find((l) => l.id === id);
}
