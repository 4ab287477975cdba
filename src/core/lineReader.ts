// Splits a byte stream into lines without ever holding more than `max` bytes of one line: an
// oversized line is dropped (reported once) and reading resumes at the next newline.

export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;
  private dropping = false;

  constructor(
    private readonly max: number,
    private readonly onLine: (line: string) => void,
    private readonly onOversized: () => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) {
        this.append(chunk.subarray(start));
        return;
      }
      this.append(chunk.subarray(start, nl));
      if (this.dropping) {
        this.dropping = false;
      } else {
        const line = Buffer.concat(this.parts, this.size).toString('utf8');
        if (line.trim() !== '') {
          this.onLine(line);
        }
      }
      this.parts = [];
      this.size = 0;
      start = nl + 1;
    }
  }

  private append(b: Buffer): void {
    if (this.dropping || b.length === 0) {
      return;
    }
    if (this.size + b.length > this.max) {
      this.parts = [];
      this.size = 0;
      this.dropping = true;
      this.onOversized();
      return;
    }
    this.parts.push(Buffer.from(b));
    this.size += b.length;
  }
}
