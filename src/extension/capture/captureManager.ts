// The window's packet captures: each one started through the helper (which runs tcpdump inside
// the namespace and streams the packets), written to a pcap file by this extension host, as the
// user, and decoded one line each for its terminal. Several may run at once; all stop when the
// window closes (and the helper stops them itself when the window goes away without asking).

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { NetnsClient } from '../../client/types';
import { PcapFramer, type PcapUnit } from '../../core/capture/pcap';
import { netnsExecCommand } from '../../core/ipCommand';
import type { CaptureEndReason } from '../../core/capture/rules';
import { localParts } from '../../core/messages';
import type { NetnsRef } from '../../core/model';
import type { StartCaptureParams } from '../../core/operations';
import type { CaptureEvent } from '../../core/protocol';
import type { Log } from '../log';
import { captureFileName, openCaptureFile } from './captureFiles';
import { createLiveDecoder, type LiveDecoder } from './liveDecoder';

/** Why a capture ended, as the extension knows it: the helper's reasons, or the helper stopped. */
export type CaptureEnd = CaptureEndReason | 'helperStopped';

export interface CaptureInfo {
  /** This window's number for it (stable while the window lives). */
  readonly key: number;
  readonly netns: NetnsRef;
  readonly name: string;
  readonly filter?: string;
  readonly file: string;
  readonly startedAt: number;
  state: 'running' | 'ended';
  bytes: number;
  packets: number;
  endedAt?: number;
  reason?: CaptureEnd;
  /** Why tcpdump ended by itself, in the user's words. */
  message?: string;
  dropped?: number;
  /** Which decoder shows its lines. */
  decoder: 'tcpdump' | 'builtin';
}

/** What the terminal of a capture is told. */
export interface CaptureSink {
  line(text: string): void;
  ended(info: CaptureInfo): void;
}

interface Running {
  info: CaptureInfo;
  helperId: string;
  fd: number;
  framer: PcapFramer;
  decoder: LiveDecoder;
  sinks: Set<CaptureSink>;
  /** Lines before a sink was attached (the terminal opens a moment later), the latest kept. */
  backlog: string[];
  ended: Promise<CaptureInfo>;
  resolveEnded(info: CaptureInfo): void;
}

/** Lines kept for a terminal that is not open yet. */
const BACKLOG_LINES = 2000;
/** Events of a capture whose start has not been answered yet, kept for it (at most this many). */
const EARLY_EVENTS = 1000;

export interface StartOptions {
  filter?: string;
  maxBytes: number;
  maxSeconds: number;
  folder: string;
  /** Decode with the built-in decoder even when tcpdump is there (tests). */
  builtinDecoder?: boolean;
}

export class CaptureManager implements vscode.Disposable {
  private readonly running = new Map<number, Running>();
  private readonly byHelperId = new Map<string, Running>();
  private readonly finished: CaptureInfo[] = [];
  private readonly early = new Map<string, CaptureEvent[]>();
  private nextKey = 1;
  /** The terminal of each capture, while it is open. */
  readonly terminals = new Map<number, vscode.Terminal>();
  private readonly changed = new vscode.EventEmitter<CaptureInfo | undefined>();
  /** A capture was added, changed (counts, end) or removed (undefined: the list changed). */
  readonly onDidChange = this.changed.event;
  private readonly endedEmitter = new vscode.EventEmitter<CaptureInfo>();
  /** A capture ended, its file complete and its lines all shown. */
  readonly onDidEnd = this.endedEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: NetnsClient,
    private readonly log: Log,
    /** Where captures go when no folder is open (the extension's global storage). */
    readonly storageFolder: string,
  ) {
    this.disposables.push(
      this.changed,
      this.endedEmitter,
      client.onCapture((e) => this.onEvent(e)),
      // A helper that stopped took its captures with it.
      client.onStateChange((s) => {
        if (s.kind !== 'running') {
          for (const r of [...this.running.values()]) {
            this.finish(r, { reason: 'helperStopped' });
          }
          this.early.clear();
        }
      }),
    );
  }

  /** Running captures first (newest first), then finished ones (newest first). */
  list(): CaptureInfo[] {
    return [...[...this.running.values()].map((r) => r.info).reverse(), ...[...this.finished].reverse()];
  }

  get(key: number): CaptureInfo | undefined {
    return this.running.get(key)?.info ?? this.finished.find((c) => c.key === key);
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Starts a capture; throws (the helper's error, or the file's) when it cannot. */
  async start(netns: NetnsRef, name: string, options: StartOptions): Promise<CaptureInfo> {
    const startedAt = Date.now();
    const { file, fd } = openCaptureFile(options.folder, captureFileName(netns, name, new Date(startedAt)));
    const params: StartCaptureParams = { netns, name, maxBytes: options.maxBytes, maxSeconds: options.maxSeconds };
    if (options.filter) {
      params.filter = options.filter;
    }
    let helperId: string;
    try {
      if (this.client.state.kind !== 'running') {
        await this.client.start();
      }
      helperId = (await this.client.request('startCapture', params)).capture;
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw e;
    }
    let resolveEnded!: (info: CaptureInfo) => void;
    const ended = new Promise<CaptureInfo>((resolve) => (resolveEnded = resolve));
    const r: Running = {
      info: { key: this.nextKey++, netns, name, filter: options.filter, file, startedAt, state: 'running', bytes: 0, packets: 0, decoder: 'builtin' },
      helperId,
      fd,
      framer: new PcapFramer(),
      decoder: createLiveDecoder((text) => this.line(r, text), { builtin: options.builtinDecoder }),
      sinks: new Set(),
      backlog: [],
      ended,
      resolveEnded,
    };
    r.info.decoder = r.decoder.kind;
    this.running.set(r.info.key, r);
    this.byHelperId.set(helperId, r);
    // What a user would type for the same capture.
    const equivalent = netnsExecCommand(netns, ['tcpdump', '-i', name, '-U', '-w', file, ...(options.filter ? [options.filter] : [])]);
    this.log.info(`capture ${r.info.key} (${helperId}): ${equivalent}`);
    this.changed.fire(undefined);
    // What came before the answer was read (same connection, same order).
    for (const e of this.early.get(helperId) ?? []) {
      this.onEvent(e);
    }
    this.early.delete(helperId);
    return r.info;
  }

  /** Asks the helper to stop it; resolves once it ended and its file is complete. */
  async stop(key: number): Promise<CaptureInfo | undefined> {
    const r = this.running.get(key);
    if (!r) {
      return this.get(key);
    }
    try {
      await this.client.request('stopCapture', { capture: r.helperId });
    } catch (e) {
      // Ended meanwhile (its end event is on its way), or the helper is gone.
      this.log.info(`stopCapture ${r.helperId}: ${(e as Error).message}`);
      if (this.client.state.kind !== 'running') {
        this.finish(r, { reason: 'helperStopped' });
      }
    }
    return r.ended;
  }

  async stopAll(): Promise<CaptureInfo[]> {
    return Promise.all([...this.running.keys()].map((k) => this.stop(k))).then((l) => l.filter((x) => x !== undefined));
  }

  /** Forgets finished captures (their files stay). */
  clearFinished(): void {
    this.finished.splice(0);
    this.changed.fire(undefined);
  }

  /** Resolves when the capture has ended (at once when it has). */
  whenEnded(key: number): Promise<CaptureInfo | undefined> {
    return this.running.get(key)?.ended ?? Promise.resolve(this.get(key));
  }

  /** Lines of the capture so far go to `sink` first, then each new one. */
  attach(key: number, sink: CaptureSink): vscode.Disposable {
    const r = this.running.get(key);
    if (!r) {
      const info = this.get(key);
      if (info) {
        sink.ended(info);
      }
      return { dispose: () => undefined };
    }
    for (const l of r.backlog) {
      sink.line(l);
    }
    r.backlog = [];
    r.sinks.add(sink);
    return { dispose: () => r.sinks.delete(sink) };
  }

  private line(r: Running, text: string): void {
    if (r.sinks.size === 0) {
      r.backlog.push(text);
      if (r.backlog.length > BACKLOG_LINES) {
        r.backlog.splice(0, r.backlog.length - BACKLOG_LINES);
      }
      return;
    }
    for (const s of r.sinks) {
      s.line(text);
    }
  }

  private onEvent(e: CaptureEvent): void {
    const r = this.byHelperId.get(e.capture);
    if (!r) {
      // Its start is being answered: keep it for a moment.
      const list = this.early.get(e.capture) ?? [];
      if (list.length < EARLY_EVENTS) {
        list.push(e);
        this.early.set(e.capture, list);
      }
      return;
    }
    if (e.event === 'capture') {
      const bytes = Buffer.from(e.data, 'base64');
      try {
        fs.writeSync(r.fd, bytes);
      } catch (err) {
        this.log.error(`capture ${r.info.key}: cannot write ${r.info.file}: ${(err as Error).message}`);
        void this.stop(r.info.key);
        return;
      }
      r.info.bytes += bytes.length;
      let units: PcapUnit[] = [];
      try {
        units = r.framer.push(bytes);
      } catch (err) {
        this.log.warn(`capture ${r.info.key}: ${(err as Error).message}`);
      }
      r.info.packets += units.filter((u) => u.kind === 'record').length;
      r.decoder.push(units);
      this.changed.fire(r.info);
    } else {
      this.finish(r, { reason: e.reason, message: e.parts ? localParts(e.parts) : e.message, dropped: e.dropped, bytes: e.bytes, packets: e.packets });
    }
  }

  private finish(r: Running, end: { reason: CaptureEnd; message?: string; dropped?: number; bytes?: number; packets?: number }): void {
    if (r.info.state === 'ended') {
      return;
    }
    const info = r.info;
    info.state = 'ended';
    info.endedAt = Date.now();
    info.reason = end.reason;
    info.message = end.message;
    info.dropped = end.dropped;
    if (end.bytes !== undefined && end.bytes !== info.bytes) {
      this.log.warn(`capture ${info.key}: the helper sent ${end.bytes} bytes, ${info.bytes} arrived`);
    }
    try {
      fs.closeSync(r.fd);
    } catch {
      // closed already
    }
    this.running.delete(info.key);
    this.byHelperId.delete(r.helperId);
    this.finished.push(info);
    this.log.info(`capture ${info.key} ended (${info.reason}): ${info.packets} packets, ${info.bytes} bytes in ${info.file}`);
    void r.decoder.end().then(() => {
      for (const s of r.sinks) {
        s.ended(info);
      }
      r.resolveEnded(info);
      this.changed.fire(undefined);
      this.endedEmitter.fire(info);
    });
    this.changed.fire(undefined);
  }

  dispose(): void {
    // The window is closing: ask the helper to stop each (it also does when the window's
    // connection closes), and close the files now.
    for (const r of [...this.running.values()]) {
      void this.client.request('stopCapture', { capture: r.helperId }).catch(() => undefined);
      this.finish(r, { reason: 'stopped' });
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
