// One line per packet for the live view of a capture. The best decoder there is is tcpdump itself:
// it runs here as the user (the extension host's user, never root through the helper), by absolute
// path, reading the same pcap stream from its stdin (`tcpdump -n -l -r -`). Where the user has no
// tcpdump, the small decoder of src/core/capture decodes the common protocols instead.

import { spawn, type ChildProcess } from 'node:child_process';
import { decodeRecord } from '../../core/capture/decode';
import type { PcapHeader, PcapUnit } from '../../core/capture/pcap';
import { findProgram } from '../../platform/programs';

/** Bytes waiting for tcpdump beyond which records are left out of the live view (not the file). */
const MAX_BACKLOG = 4 * 1024 * 1024;

export interface LiveDecoder {
  readonly kind: 'tcpdump' | 'builtin';
  /** Whole units of the stream, the header first. */
  push(units: PcapUnit[]): void;
  /** No more packets; resolves once every line has been given. */
  end(): Promise<void>;
  /** Records left out of the live view because the decoder fell behind. */
  readonly skipped: number;
}

/** A decoder that calls `line` for each packet, tcpdump when the user has it (unless `builtin`). */
export function createLiveDecoder(line: (text: string) => void, options: { builtin?: boolean } = {}): LiveDecoder {
  const tcpdump = options.builtin ? undefined : findProgram('tcpdump');
  return tcpdump ? new TcpdumpDecoder(tcpdump, line) : new BuiltinDecoder(line);
}

class BuiltinDecoder implements LiveDecoder {
  readonly kind = 'builtin';
  readonly skipped = 0;
  private header: PcapHeader | undefined;

  constructor(private readonly line: (text: string) => void) {}

  push(units: PcapUnit[]): void {
    for (const u of units) {
      if (u.kind === 'header') {
        this.header = u.header;
      } else if (this.header) {
        this.line(decodeRecord(u.record, this.header));
      }
    }
  }

  end(): Promise<void> {
    return Promise.resolve();
  }
}

class TcpdumpDecoder implements LiveDecoder {
  readonly kind = 'tcpdump';
  skipped = 0;
  private readonly child: ChildProcess;
  private partial = '';
  private readonly done: Promise<void>;
  private failed = false;
  private fallback: BuiltinDecoder | undefined;
  private headerUnit: PcapUnit | undefined;

  constructor(
    path: string,
    private readonly line: (text: string) => void,
  ) {
    this.child = spawn(path, ['-n', '-l', '-r', '-'], { stdio: ['pipe', 'pipe', 'pipe'], env: { LC_ALL: 'C', PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) } });
    this.child.stdin!.on('error', () => this.fail());
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (d: string) => {
      const lines = (this.partial + d).split('\n');
      this.partial = lines.pop() ?? '';
      for (const l of lines) {
        if (l !== '') {
          this.line(l);
        }
      }
    });
    this.done = new Promise((resolve) => {
      this.child.on('error', () => {
        this.fail();
        resolve();
      });
      this.child.on('close', () => {
        if (this.partial) {
          this.line(this.partial);
          this.partial = '';
        }
        resolve();
      });
    });
  }

  push(units: PcapUnit[]): void {
    if (this.fallback) {
      this.fallback.push(units);
      return;
    }
    const stdin = this.child.stdin!;
    for (const u of units) {
      if (u.kind === 'header') {
        this.headerUnit = u;
      } else if (stdin.writableLength > MAX_BACKLOG) {
        this.skipped++;
        continue;
      }
      stdin.write(u.bytes);
    }
  }

  end(): Promise<void> {
    if (!this.child.stdin!.destroyed) {
      this.child.stdin!.end();
    }
    return this.done;
  }

  /** tcpdump could not be run after all: the built-in decoder takes over. */
  private fail(): void {
    if (this.failed) {
      return;
    }
    this.failed = true;
    this.fallback = new BuiltinDecoder(this.line);
    if (this.headerUnit) {
      this.fallback.push([this.headerUnit]);
    }
  }
}
