// Lab files (`*.netns.yaml`): parsed with the `yaml` library (which keeps where every value is in
// the text), checked against the lab's JSON Schema with Ajv, then by labCheck.ts for what no
// schema can say. Every problem comes with its place in the file, so the editor can underline it.

import Ajv, { type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isMap, isNode, isPair, isScalar, type Document, type Node } from 'yaml';
import schema from '../../../schemas/netns-lab.schema.json';
import { msg } from '../messages';
import type { LabSpec } from './lab';
import { checkLab } from './labCheck';

/** A place in the file: 0-based lines and columns, end exclusive. */
export interface TextRange {
  start: { line: number; column: number };
  end: { line: number; column: number };
}

export interface LabProblem {
  message: string;
  range: TextRange;
  severity: 'error' | 'warning';
  /** Where in the lab: ["veths", 0, "a", "name"]. */
  path: (string | number)[];
  /** What found it: the YAML parser, the schema, or the lab's own checks. */
  source: 'yaml' | 'schema' | 'lab';
}

export interface ParsedLab {
  /** The lab, when the file has no errors. */
  spec?: LabSpec;
  problems: LabProblem[];
}

/** Compiled once: the schema does not change while running. */
let validator: ReturnType<Ajv['compile']> | undefined;
function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  return validator(value) ? [] : (validator.errors ?? []);
}

/** The lab schema, for the manifest's yamlValidation and for tests. */
export const LAB_SCHEMA = schema;

function pathOf(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** A schema error in plain words. */
function schemaMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  const field = e.instancePath.split('/').pop() ?? '';
  switch (e.keyword) {
    case 'required':
      return msg('"{0}" is missing here.', String(p.missingProperty));
    case 'additionalProperties':
      return msg('"{0}" is not a setting here.', String(p.additionalProperty));
    case 'type':
      return msg('"{0}" must be {1}.', field, String(p.type));
    case 'enum':
      return msg('"{0}" must be one of: {1}.', field, (p.allowedValues as unknown[]).join(', '));
    case 'pattern':
    case 'not':
      return msg('"{0}" is not a valid name or value here.', field);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
      return msg('"{0}" must be {1} {2}.', field, String(p.comparison), String(p.limit));
    case 'maxLength':
      return msg('"{0}" is longer than {1} characters.', field, String(p.limit));
    case 'minLength':
      return msg('"{0}" cannot be empty.', field);
    case 'minItems':
      return msg('"{0}" needs at least {1} entry.', field, String(p.limit));
    case 'uniqueItems':
      return msg('"{0}" lists the same value twice (entries {1} and {2}).', field, Number(p.j) + 1, Number(p.i) + 1);
    default:
      return `${field}: ${e.message ?? e.keyword}`;
  }
}

function rangeOf(offsets: [number, number], lines: LineCounter): TextRange {
  const at = (o: number) => {
    const { line, col } = lines.linePos(o);
    return { line: line - 1, column: col - 1 };
  };
  return { start: at(offsets[0]), end: at(Math.max(offsets[1], offsets[0] + 1)) };
}

/** The text range of the value at `path`, or of its key (`key`), or of the nearest parent that exists. */
export function rangeAt(doc: Document, lines: LineCounter, path: (string | number)[], key?: string): TextRange {
  if (key !== undefined) {
    const parent = path.length ? doc.getIn(path, true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((i) => isPair(i) && isScalar(i.key) && i.key.value === key);
      if (pair && isNode(pair.key) && pair.key.range) {
        return rangeOf([pair.key.range[0], pair.key.range[1]], lines);
      }
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | null | undefined;
    if (isNode(node) && node.range) {
      // A map or list: its first line, not all of it.
      const end = isMap(node) || !isScalar(node) ? Math.min(node.range[1], lineEnd(lines, node.range[0])) : node.range[1];
      return rangeOf([node.range[0], end], lines);
    }
  }
  return { start: { line: 0, column: 0 }, end: { line: 0, column: 1 } };
}

function lineEnd(lines: LineCounter, offset: number): number {
  const next = lines.lineStarts.find((s) => s > offset);
  return next === undefined ? offset + 1 : next - 1;
}

/** Parses and checks a lab file's text. */
export function parseLabFile(text: string): ParsedLab {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: LabProblem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    problems.push({ message: e.message.split('\n')[0], range: rangeOf([e.pos[0], e.pos[1]], lines), severity: doc.errors.includes(e as never) ? 'error' : 'warning', path: [], source: 'yaml' });
  }
  if (doc.errors.length > 0) {
    return { problems };
  }
  const value: unknown = doc.toJS();
  for (const e of validate(value)) {
    const path = pathOf(e.instancePath);
    const key = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : undefined;
    problems.push({ message: schemaMessage(e), range: rangeAt(doc, lines, path, key), severity: 'error', path, source: 'schema' });
  }
  if (problems.some((p) => p.severity === 'error')) {
    return { problems };
  }
  const spec = value as LabSpec;
  for (const c of checkLab(spec)) {
    problems.push({ message: c.message, range: rangeAt(doc, lines, c.path), severity: c.severity ?? 'error', path: c.path, source: 'lab' });
  }
  return problems.some((p) => p.severity === 'error') ? { problems } : { spec, problems };
}
