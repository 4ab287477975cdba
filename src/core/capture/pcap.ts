// The pcap file format (what `tcpdump -w` writes): a 24-byte global header, then one record per
// packet, each a 16-byte header (time, captured and original length) and the captured bytes. The
// helper frames tcpdump's stream into whole records with this (to count packets and to end a
// capture at a record's boundary, so the file it bounds stays readable); the extension reads the
// records back for its one-line decoder.

export const PCAP_HEADER_BYTES = 24;
export const RECORD_HEADER_BYTES = 16;
/** The largest record a capture takes (tcpdump runs with this snapshot length). */
export const MAX_SNAPLEN = 262144;

const MAGIC_MICROS = 0xa1b2c3d4;
const MAGIC_NANOS = 0xa1b23c4d;

export interface PcapHeader {
  littleEndian: boolean;
  /** Timestamps in nanoseconds (else microseconds). */
  nanos: boolean;
  snaplen: number;
  /** LINKTYPE_*: 1 Ethernet, 113 Linux cooked, 101 raw IP, ... */
  linkType: number;
}

export interface PcapRecord {
  /** Seconds since the epoch, and the fraction in micro- or nanoseconds (see the header). */
  seconds: number;
  fraction: number;
  /** Bytes captured (the length of `data`) and the packet's length on the wire. */
  capturedLength: number;
  originalLength: number;
  data: Uint8Array;
}

/** Reads a global header; a string says what is wrong. */
export function parsePcapHeader(b: Uint8Array): PcapHeader | string {
  if (b.length < PCAP_HEADER_BYTES) {
    return 'too short for a pcap header';
  }
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const le = v.getUint32(0, true);
  const be = v.getUint32(0, false);
  const littleEndian = le === MAGIC_MICROS || le === MAGIC_NANOS;
  if (!littleEndian && be !== MAGIC_MICROS && be !== MAGIC_NANOS) {
    return 'not a pcap file (unknown magic number)';
  }
  const magic = littleEndian ? le : be;
  return {
    littleEndian,
    nanos: magic === MAGIC_NANOS,
    snaplen: v.getUint32(16, littleEndian),
    linkType: v.getUint32(20, littleEndian) & 0x0fffffff,
  };
}

/** One whole piece of the stream: the global header, or one record with its header. */
export type PcapUnit = { kind: 'header'; bytes: Uint8Array; header: PcapHeader } | { kind: 'record'; bytes: Uint8Array; record: PcapRecord };

/**
 * Cuts a pcap byte stream, arriving in chunks of any size, into whole units. Throws when the
 * stream is not pcap or a record claims more bytes than any capture takes.
 */
export class PcapFramer {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  header: PcapHeader | undefined;

  push(chunk: Uint8Array): PcapUnit[] {
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    const out: PcapUnit[] = [];
    for (;;) {
      if (!this.header) {
        if (this.pendingBytes < PCAP_HEADER_BYTES) {
          return out;
        }
        const bytes = this.take(PCAP_HEADER_BYTES);
        const h = parsePcapHeader(bytes);
        if (typeof h === 'string') {
          throw new Error(h);
        }
        this.header = h;
        out.push({ kind: 'header', bytes, header: h });
        continue;
      }
      if (this.pendingBytes < RECORD_HEADER_BYTES) {
        return out;
      }
      const head = this.peek(RECORD_HEADER_BYTES);
      const v = new DataView(head.buffer, head.byteOffset, head.length);
      const le = this.header.littleEndian;
      const capturedLength = v.getUint32(8, le);
      if (capturedLength > Math.max(MAX_SNAPLEN, this.header.snaplen)) {
        throw new Error(`a record of ${capturedLength} bytes is larger than any capture takes`);
      }
      if (this.pendingBytes < RECORD_HEADER_BYTES + capturedLength) {
        return out;
      }
      const bytes = this.take(RECORD_HEADER_BYTES + capturedLength);
      out.push({
        kind: 'record',
        bytes,
        record: {
          seconds: v.getUint32(0, le),
          fraction: v.getUint32(4, le),
          capturedLength,
          originalLength: v.getUint32(12, le),
          data: bytes.subarray(RECORD_HEADER_BYTES),
        },
      });
    }
  }

  /** Bytes received that do not yet make a whole unit. */
  get partialBytes(): number {
    return this.pendingBytes;
  }

  private peek(n: number): Uint8Array {
    if (this.pending[0].length >= n) {
      return this.pending[0].subarray(0, n);
    }
    return this.join().subarray(0, n);
  }

  private take(n: number): Uint8Array {
    const first = this.pending[0].length >= n ? this.pending[0] : this.join();
    const bytes = first.slice(0, n);
    if (first.length === n) {
      this.pending.shift();
    } else {
      this.pending[0] = first.subarray(n);
    }
    this.pendingBytes -= n;
    return bytes;
  }

  private join(): Uint8Array {
    const all = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const p of this.pending) {
      all.set(p, at);
      at += p.length;
    }
    this.pending = [all];
    return all;
  }
}

/** A whole pcap file's header and records (throws when it is not one). */
export function readPcap(bytes: Uint8Array): { header: PcapHeader; records: PcapRecord[]; trailing: number } {
  const framer = new PcapFramer();
  const records: PcapRecord[] = [];
  for (const u of framer.push(bytes)) {
    if (u.kind === 'record') {
      records.push(u.record);
    }
  }
  if (!framer.header) {
    throw new Error('too short for a pcap header');
  }
  return { header: framer.header, records, trailing: framer.partialBytes };
}
