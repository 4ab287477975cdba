// The classic namespace labs, offered by "Create Example Lab" and shipped as lab files in
// examples/labs/ (the same files: a lab is built from its file's text): the walkthrough's two
// namespaces joined by a veth pair, three namespaces on a bridge, and two subnets joined by a router.

import type { LabSpec } from './lab';
import { parseLabFile } from './labFile';

export type ExampleLabId = 'veth' | 'bridge' | 'router';

export interface ExampleLab {
  id: ExampleLabId;
  /** Its file in examples/labs/. */
  file: string;
  /** Which address each namespace can ping to show the lab works: [from namespace, address]. */
  check: [string, string];
}

export const EXAMPLE_LABS: readonly ExampleLab[] = [
  { id: 'veth', file: 'veth.netns.yaml', check: ['ns1', '10.0.0.2'] },
  { id: 'bridge', file: 'bridge.netns.yaml', check: ['h1', '10.0.1.3'] },
  { id: 'router', file: 'router.netns.yaml', check: ['a', '10.0.2.2'] },
];

export function exampleLab(id: string): ExampleLab | undefined {
  return EXAMPLE_LABS.find((l) => l.id === id);
}

/** The lab an example's file describes (the files ship with the extension and have no errors). */
export function exampleSpec(lab: ExampleLab, text: string): LabSpec {
  const parsed = parseLabFile(text);
  if (!parsed.spec) {
    throw new Error(`examples/labs/${lab.file}: ${parsed.problems.map((p) => `${p.range.start.line + 1}:${p.range.start.column + 1} ${p.message}`).join('; ')}`);
  }
  return parsed.spec;
}
