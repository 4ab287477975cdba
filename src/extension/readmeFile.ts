// The README inside the extension's folder. The packaged .vsix stores it as `extension/readme.md`
// (vsce lowercases it), a development folder as README.md; names differ by case only on Linux.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** The README's path in `dir`, whatever the case of its name; undefined when there is none. */
export function findReadme(dir: string): string | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  const name = names.find((n) => n === 'README.md') ?? names.find((n) => n.toLowerCase() === 'readme.md');
  return name === undefined ? undefined : path.join(dir, name);
}
