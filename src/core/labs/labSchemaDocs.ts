// What the lab schema says about the key under the cursor: the hover text of a lab file when
// the YAML extension (which reads the schema itself) is not installed.

import { isMap, isNode, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { LAB_SCHEMA } from './labFile';

type SchemaNode = { $ref?: string; description?: string; properties?: Record<string, SchemaNode>; items?: SchemaNode };

const definitions = (LAB_SCHEMA as { definitions: Record<string, SchemaNode> }).definitions;

function resolve(s: SchemaNode | undefined): SchemaNode | undefined {
  return s?.$ref ? { ...definitions[s.$ref.replace('#/definitions/', '')], ...s, $ref: undefined } : s;
}

/** The schema of the value at `path`, or undefined when the schema has no such place. */
export function schemaAt(path: (string | number)[]): SchemaNode | undefined {
  let s: SchemaNode | undefined = LAB_SCHEMA as SchemaNode;
  for (const p of path) {
    s = resolve(typeof p === 'number' ? s?.items : s?.properties?.[p]);
  }
  return resolve(s);
}

/** The path of the key whose text holds `offset`, and that key; undefined elsewhere. */
export function keyAt(text: string, offset: number): { path: (string | number)[]; key: string } | undefined {
  const doc = parseDocument(text);
  const inside = (n: unknown) => isNode(n) && n.range !== undefined && n.range !== null && offset >= n.range[0] && offset <= n.range[1];
  const walk = (node: Node | null | undefined, path: (string | number)[]): { path: (string | number)[]; key: string } | undefined => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && inside(pair.key)) {
          return { path: [...path, String(pair.key.value)], key: String(pair.key.value) };
        }
        if (isScalar(pair.key) && inside(pair.value)) {
          return walk(pair.value as Node, [...path, String(pair.key.value)]);
        }
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) {
        if (inside(item)) {
          return walk(item as Node, [...path, i]);
        }
      }
    }
    return undefined;
  };
  return walk(doc.contents as Node, []);
}

/** The schema's description of the key at `offset`. */
export function describeKeyAt(text: string, offset: number): { key: string; description: string } | undefined {
  const at = keyAt(text, offset);
  const description = at && schemaAt(at.path)?.description;
  return at && description ? { key: at.key, description } : undefined;
}
