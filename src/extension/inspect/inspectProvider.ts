// The read-only documents of the netns-inspect: scheme. Each open document is read again while it
// is open: soon after the model says its namespace changed (or, for sockets, that processes came
// and went), and every few seconds while it is visible (neighbours, sockets and the firewall change
// without an event). Reads are debounced per document and never overlap; a document whose text is
// the same but for its time keeps its old text, so nothing moves under the cursor.

import * as vscode from 'vscode';
import type { ModelChange } from '../model/namespaceStore';
import { inspectionText, type InspectDeps } from './inspectContent';
import { INSPECT_SCHEME, parseInspectUri } from './inspectUri';

/** How long after a change event a document is read again. */
const DEBOUNCE_MS = 400;

/** The document without its time line, to tell a real change from a new time. */
const body = (text: string) => text.replace(/^; .*$/m, '');

export class InspectProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly last = new Map<string, string>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly reading = new Set<string>();
  /** Documents that changed while not visible: read again when they show. */
  private readonly dirty = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: InspectDeps) {
    this.disposables.push(
      this.changed,
      { dispose: deps.model.onDidChange((c) => this.onModelChange(c)).dispose },
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const e of editors) {
          const key = e.document.uri.toString();
          if (this.dirty.delete(key)) {
            this.refreshSoon(e.document.uri, 0);
          }
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === INSPECT_SCHEME) {
          this.forget(d.uri.toString());
        }
      }),
      // A helper (re)started: what the documents said about a stopped one is out of date.
      deps.client.onStateChange((st) => {
        if (st.kind === 'running') {
          const visible = this.visibleKeys();
          this.openUris().forEach((u) => (visible.has(u.toString()) ? this.refreshSoon(u) : this.dirty.add(u.toString())));
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('netns.inspect.refreshSeconds')) {
          this.restartTicker();
        }
      }),
    );
    this.restartTicker();
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const key = uri.toString();
    const target = parseInspectUri(uri);
    if (!target) {
      return vscode.l10n.t('This inspection address is not one the extension made: {0}', key);
    }
    this.reading.add(key);
    try {
      const before = this.last.get(key);
      // Only the first read (the user opened it) may start the helper, and with it a password prompt.
      const text = await inspectionText(this.deps, target.netns, target.view, before === undefined);
      if (before !== undefined && body(before) === body(text)) {
        return before;
      }
      this.last.set(key, text);
      return text;
    } finally {
      this.reading.delete(key);
    }
  }

  /** Reads the document again soon (once, however many times this is called meanwhile). */
  refreshSoon(uri: vscode.Uri, delayMs = DEBOUNCE_MS): void {
    const key = uri.toString();
    if (this.pending.has(key)) {
      return;
    }
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        if (this.reading.has(key)) {
          this.refreshSoon(uri, delayMs); // the read under way may predate the change
          return;
        }
        this.changed.fire(uri);
      }, delayMs),
    );
  }

  /** The inspection documents that are open. */
  openUris(): vscode.Uri[] {
    return vscode.workspace.textDocuments.filter((d) => d.uri.scheme === INSPECT_SCHEME && !d.isClosed).map((d) => d.uri);
  }

  private visibleKeys(): Set<string> {
    return new Set(vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()));
  }

  private onModelChange(c: ModelChange): void {
    const visible = this.visibleKeys();
    for (const uri of this.openUris()) {
      const t = parseInspectUri(uri);
      if (!t) {
        continue;
      }
      const sockets = t.view === 'sockets' || t.view === 'all';
      if (c.all || c.names || c.namespaces.includes(t.netns) || (c.processes && sockets)) {
        // Only what is on screen is read now; the rest when it shows.
        if (visible.has(uri.toString())) {
          this.refreshSoon(uri);
        } else {
          this.dirty.add(uri.toString());
        }
      }
    }
  }

  private restartTicker(): void {
    if (this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    const seconds = vscode.workspace.getConfiguration('netns').get<number>('inspect.refreshSeconds', 5);
    if (!(seconds > 0)) {
      return;
    }
    this.ticker = setInterval(() => {
      if (this.deps.client.state.kind !== 'running') {
        return;
      }
      const visible = this.visibleKeys();
      for (const uri of this.openUris()) {
        if (visible.has(uri.toString())) {
          this.refreshSoon(uri, 0);
        }
      }
    }, Math.max(1, seconds) * 1000);
  }

  private forget(key: string): void {
    this.last.delete(key);
    this.dirty.delete(key);
    const t = this.pending.get(key);
    if (t) {
      clearTimeout(t);
      this.pending.delete(key);
    }
  }

  dispose(): void {
    if (this.ticker) {
      clearInterval(this.ticker);
    }
    for (const t of this.pending.values()) {
      clearTimeout(t);
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
