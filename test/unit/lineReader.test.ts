import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineReader } from '../../src/core/lineReader';

describe('line reader', () => {
  it('joins chunks and splits lines', () => {
    const lines: string[] = [];
    const r = new LineReader(100, (l) => lines.push(l), () => assert.fail());
    r.push(Buffer.from('{"a"'));
    r.push(Buffer.from(':1}\n{"b":2}\n\n{"c"'));
    r.push(Buffer.from(':3}\n'));
    assert.deepEqual(lines, ['{"a":1}', '{"b":2}', '{"c":3}']);
  });
  it('drops an oversized line without holding it, then resumes', () => {
    const lines: string[] = [];
    let oversized = 0;
    const r = new LineReader(10, (l) => lines.push(l), () => oversized++);
    r.push(Buffer.from('x'.repeat(8)));
    r.push(Buffer.from('x'.repeat(8)));
    r.push(Buffer.from('x'.repeat(1000) + '\nok\n'));
    assert.equal(oversized, 1);
    assert.deepEqual(lines, ['ok']);
  });
});
