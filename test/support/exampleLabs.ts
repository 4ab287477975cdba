// The example labs as the extension builds them: from their files in examples/labs/.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXAMPLE_LABS, exampleLab, exampleSpec, type ExampleLab } from '../../src/core/labs/examples';
import type { LabSpec } from '../../src/core/labs/lab';

/** The repository's examples/labs folder (tests run from out/test/...). */
export const EXAMPLE_LAB_DIR = path.resolve(__dirname, '..', '..', '..', 'examples', 'labs');

export function exampleLabText(lab: ExampleLab): string {
  return fs.readFileSync(path.join(EXAMPLE_LAB_DIR, lab.file), 'utf8');
}

export interface LoadedExample extends ExampleLab {
  spec: LabSpec;
}

export const EXAMPLES: LoadedExample[] = EXAMPLE_LABS.map((l) => ({ ...l, spec: exampleSpec(l, exampleLabText(l)) }));

export function loadedExample(id: string): LoadedExample {
  const lab = exampleLab(id);
  if (!lab) {
    throw new Error(`no example lab ${id}`);
  }
  return { ...lab, spec: exampleSpec(lab, exampleLabText(lab)) };
}
