// The extension's picture of the kernel: every namespace's snapshot and the process list, kept
// current from the helper's change events (passed in by ViewActivation). Data flows one way into
// here (snapshot, listNames, processes); commands never write to it, they ask for a targeted
// refresh when they are done.
//
// All reads are serialized through one queue, so an older answer can never overwrite a newer one,
// and work that piles up while a read is in flight is merged into the next read.

import type { NetnsClient } from '../../client/types';
import { netnsId, type ContainerInfo, type Namespace, type NetnsRef, type ProcessNamespace } from '../../core/model';
import type { ChangeEvent } from '../../core/protocol';
import { compareNames } from './compareNames';
import { Emitter, type Disposable } from './emitter';

export interface ModelChange {
  /** Everything may have changed (first load, full refresh, cleared). */
  all: boolean;
  /** Namespaces were added to or removed from the list. */
  names: boolean;
  /** Namespaces whose interfaces, addresses or other details changed. */
  namespaces: NetnsRef[];
  /** The process list was read again. */
  processes: boolean;
  /**
   * With `processes`: the namespaces (by inode) whose processes differ from the list read before;
   * undefined when any may have changed.
   */
  processInodes?: number[];
}

interface Work {
  all: boolean;
  /**
   * Names and ids for a first paint, shown from this many namespaces (see paintIds); merged with
   * any other work, that work is done instead.
   */
  ids: number | undefined;
  /** The list of names is read again (which names changed is not known). */
  names: boolean;
  /** Names the helper said appeared (or were replaced) or vanished, the last change winning. */
  nameChanges: Map<string, 'added' | 'removed'>;
  netns: Set<NetnsRef>;
  processes: boolean;
}

const noWork = (): Work => ({ all: false, ids: undefined, names: false, nameChanges: new Map(), netns: new Set(), processes: false });
const isEmpty = (w: Work) => !w.all && w.ids === undefined && !w.names && w.nameChanges.size === 0 && w.netns.size === 0 && !w.processes;

/**
 * Fewer namespaces than this are not painted by name first: they are read whole in tens of
 * milliseconds, and a paint just before would hold the full rows back (VS Code sends a view's
 * updates at most one per 200 ms) and show "reading…" for that long.
 */
export const PAINT_FROM = 100;

/** How long a moved veth's peer may stay unplaced before everything is read to place it (ms). */
const PEER_GRACE_MS = 300;

export type StoreLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;

export class NamespaceStore implements Disposable {
  private rootNs: Namespace | undefined;
  private byName = new Map<string, Namespace>();
  private sorted: string[] | undefined;
  private procs: { list: ProcessNamespace[]; byInode: Map<number, ProcessNamespace>; at: number } | undefined;
  /**
   * The veths between namespaces, both ways: the namespaces each one's veths lead to, and those
   * whose veths lead to it (kept as namespaces are put and removed, so finding the neighbours of a
   * changed namespace costs its own veths, not every namespace's).
   */
  private readonly vethTo = new Map<NetnsRef, Set<NetnsRef>>();
  private readonly vethFrom = new Map<NetnsRef, Set<NetnsRef>>();
  /** Each namespace held by its inode. */
  private readonly byInode = new Map<number, NetnsRef>();
  private pending = noWork();
  private running: Promise<void> | undefined;
  /**
   * Veths (namespace -> ifindexes) that were just found pointing into a namespace not read with
   * them: a veth end moved there. The kernel tells of the move in the new namespace a little later
   * than in the old one (tens of milliseconds on a busy machine), so they are read again with what
   * the next events name; only when PEER_GRACE_MS pass without placing them is everything read.
   */
  private readonly lostPeers = new Map<NetnsRef, Set<number>>();
  private lostPeersTimer: ReturnType<typeof setTimeout> | undefined;
  private isLoaded = false;
  private isStale = true;
  /** Set while what is held is the names and ids of a first paint, before the first full read. */
  private painted = false;
  private failure: unknown;
  private readonly changed = new Emitter<ModelChange>();

  readonly onDidChange = this.changed.event;

  constructor(
    private readonly client: Pick<NetnsClient, 'request'>,
    private readonly log: StoreLog,
  ) {}

  /** True once the namespaces were read: in full, or their names and ids for a first paint (see painting). */
  get loaded(): boolean {
    return this.isLoaded;
  }

  /**
   * True while the model holds only the names and ids of a first paint and the full read is still
   * to come (a namespace marked `unprivileged` is then being read, not out of reach).
   */
  get painting(): boolean {
    return this.painted && this.failure === undefined;
  }

  /** True when change events were missed (view hidden, helper stopped) and the next look needs a full read. */
  get stale(): boolean {
    return this.isStale;
  }

  /** Why the last read failed, if it did. */
  get lastError(): unknown {
    return this.failure;
  }

  // ---- reading the model --------------------------------------------------------------------

  get root(): Namespace | undefined {
    return this.rootNs;
  }

  /** Named namespaces in display order. */
  names(): string[] {
    this.sorted ??= [...this.byName.keys()].sort(compareNames);
    return this.sorted;
  }

  /** The namespace with this inode, if the model holds it. */
  refOfInode(inode: number): NetnsRef | undefined {
    return this.byInode.get(inode);
  }

  get(ns: NetnsRef): Namespace | undefined {
    return ns === null ? this.rootNs : this.byName.get(ns);
  }

  has(ns: NetnsRef): boolean {
    return this.get(ns) !== undefined;
  }

  /** Every namespace the model holds: the host's first, then the named ones in order. */
  all(): Namespace[] {
    const out: Namespace[] = this.rootNs ? [this.rootNs] : [];
    for (const n of this.names()) {
      out.push(this.byName.get(n)!);
    }
    return out;
  }

  get processes(): ProcessNamespace[] | undefined {
    return this.procs?.list;
  }

  get processesAge(): number {
    return this.procs ? Date.now() - this.procs.at : Infinity;
  }

  /**
   * The processes and holders of a namespace. The helper lists only namespaces that something
   * holds besides their name: once the list is read, any other namespace has none.
   */
  processesOf(inode: number): ProcessNamespace | undefined {
    if (!this.procs) {
      return undefined;
    }
    return this.procs.byInode.get(inode) ?? { inode, id: netnsId(inode), processes: [] };
  }

  /** The container whose namespace this is, if the process list names one (nothing made per call: asked per row). */
  containerOf(inode: number): ContainerInfo | undefined {
    return this.procs?.byInode.get(inode)?.container;
  }

  /** Namespaces that processes are in but that have no name and are not the host's. */
  unnamed(): ProcessNamespace[] {
    const rootInode = this.rootNs?.inode;
    return (this.procs?.list ?? [])
      .filter((p) => p.name === undefined && p.inode !== rootInode)
      .sort((a, b) => a.inode - b.inode);
  }

  // ---- keeping it current --------------------------------------------------------------------

  /** A change the helper reported: reads what it names. */
  applyEvent(e: ChangeEvent): void {
    // Before the first full read completes this becomes another full read (see perform), so a
    // change that raced the first read is not lost.
    const known = e.names && (e.added !== undefined || e.removed !== undefined);
    void this.schedule({ names: e.names && !known, added: known ? e.added : undefined, removed: known ? e.removed : undefined, netns: e.netns, processes: e.processes });
  }

  /** Change events are being missed (view hidden, helper stopped): the next look reads everything. */
  markStale(): void {
    this.isStale = true;
  }

  /** Reads everything again. */
  refresh(): Promise<void> {
    return this.schedule({ all: true });
  }

  /** Reads everything when the model is missing or missed events; otherwise does nothing. */
  async ensureFresh(): Promise<void> {
    if (this.isStale || !this.isLoaded) {
      await this.refresh();
    }
  }

  /**
   * Before the first full read, reads the names and ids alone and shows them: a few milliseconds
   * at a thousand namespaces, where the full read takes hundreds. For a helper that needs no
   * password (as root); otherwise the helper without root paints (readRouter.ts). The full read
   * is still due (ensureFresh does it). Does nothing once anything was read, and shows nothing
   * for fewer than `from` namespaces (see PAINT_FROM).
   */
  paintIds(from = PAINT_FROM): Promise<void> {
    return this.isLoaded || this.running ? Promise.resolve() : this.schedule({ ids: from });
  }

  /** Reads these namespaces again (and the list of names, when `names` is set). */
  refreshNamespaces(netns: NetnsRef[], names = false): Promise<void> {
    if (!this.isLoaded) {
      return Promise.resolve();
    }
    return this.schedule({ netns, names });
  }

  /** Reads the process list when the one held is older than maxAgeMs. */
  refreshProcesses(maxAgeMs = 0): Promise<void> {
    if (this.processesAge <= maxAgeMs) {
      return Promise.resolve();
    }
    return this.schedule({ processes: true });
  }

  /** Forgets everything (the helper could not be started); the view then shows its welcome content. */
  clear(): void {
    this.rootNs = undefined;
    this.byName.clear();
    this.sorted = undefined;
    this.procs = undefined;
    this.vethTo.clear();
    this.vethFrom.clear();
    this.byInode.clear();
    this.isLoaded = false;
    this.isStale = true;
    this.painted = false;
    this.changed.fire({ all: true, names: true, namespaces: [], processes: true });
  }

  private schedule(w: { all?: boolean; ids?: number; names?: boolean; added?: string[]; removed?: string[]; netns?: Iterable<NetnsRef>; processes?: boolean }): Promise<void> {
    const p = this.pending;
    p.all ||= !!w.all;
    p.ids ??= w.ids;
    p.names ||= !!w.names;
    p.processes ||= !!w.processes;
    for (const n of w.removed ?? []) {
      p.nameChanges.set(n, 'removed');
    }
    for (const n of w.added ?? []) {
      p.nameChanges.set(n, 'added');
    }
    for (const n of w.netns ?? []) {
      p.netns.add(n);
    }
    // Work merged into a queue that is draining is picked up by its next round. Nothing to do
    // starts no drain: one that ends without awaiting would clear `running` before it is set.
    if (!this.running && isEmpty(p)) {
      return Promise.resolve();
    }
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (!isEmpty(this.pending)) {
        const work = this.pending;
        this.pending = noWork();
        try {
          await this.perform(work);
          this.failure = undefined;
        } catch (e) {
          this.failure = e;
          this.log('error', `Reading namespaces failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private async perform(work: Work): Promise<void> {
    if (work.ids !== undefined && isEmpty({ ...work, ids: undefined })) {
      if (!this.isLoaded) {
        const started = Date.now();
        const snap = await this.client.request('snapshot', { includeRoot: true, idsOnly: true });
        const named = snap.namespaces.filter((n) => !n.isRoot).length;
        if (named < work.ids) {
          this.log('debug', `Not painting ${named} namespaces by name: they are read whole at once.`);
          return;
        }
        this.replaceAll(snap.namespaces);
        // Shown, but the full read is still due: the model stays stale.
        this.isLoaded = true;
        this.painted = true;
        this.log('info', `Painted the names of ${snap.namespaces.length} namespaces in ${Date.now() - started} ms; reading them.`);
        this.changed.fire({ all: true, names: true, namespaces: [], processes: true });
      }
      return;
    }
    if (work.all || (!this.isLoaded && !isEmpty(work))) {
      const started = Date.now();
      const [snap, procs] = await Promise.all([
        this.client.request('snapshot', { includeRoot: true }),
        this.client.request('processes', {}).catch((e: unknown) => {
          this.log('warn', `Listing processes failed: ${e instanceof Error ? e.message : String(e)}`);
          return undefined;
        }),
      ]);
      this.replaceAll(snap.namespaces);
      if (procs) {
        this.setProcesses(procs.namespaces);
      }
      this.isLoaded = true;
      this.isStale = false;
      this.painted = false;
      this.log('info', `Read ${snap.namespaces.length} namespaces (${snap.reader} reader) in ${Date.now() - started} ms.`);
      this.changed.fire({ all: true, names: true, namespaces: [], processes: true });
      return;
    }

    const started = Date.now();
    const change: ModelChange = { all: false, names: false, namespaces: [], processes: false };
    const toRead = new Set(work.netns);
    for (const n of this.lostPeers.keys()) {
      if (this.has(n)) {
        toRead.add(n);
      }
    }
    /**
     * Whether the process list must be read again for the names that came and went: when names
     * were listed anew, or a namespace that got or lost a name is one the list holds (something
     * besides its name keeps it: it may now be unnamed, or no longer). A namespace made by
     * `ip netns add` or deleted with nothing in it changes no process list.
     */
    let namesTouchProcesses = work.names || !this.procs;
    if (!work.names && work.nameChanges.size > 0) {
      // The helper said which names changed: only those are looked at.
      const removed = new Set<NetnsRef>([...work.nameChanges].filter(([n, c]) => c === 'removed' && this.byName.has(n)).map(([n]) => n));
      for (const n of removed) {
        namesTouchProcesses ||= this.procs?.byInode.has(this.byName.get(n as string)!.inode) ?? true;
      }
      this.dropNames(removed, toRead, change);
      for (const [n, c] of work.nameChanges) {
        if (c === 'added') {
          toRead.add(n);
        }
      }
    }
    if (work.names) {
      const { names } = await this.client.request('listNames', {});
      const now = new Set(names);
      const removed = new Set<NetnsRef>([...this.byName.keys()].filter((n) => !now.has(n)));
      this.dropNames(removed, toRead, change);
      for (const n of names) {
        if (!this.byName.has(n)) {
          toRead.add(n);
        }
      }
    }
    // The helper resolves a veth's peer only among the namespaces it reads together, so the
    // namespaces joined to these by veths are read along with them.
    const changedSet = new Set(toRead);
    for (const n of this.joinedByVeth(changedSet)) {
      toRead.add(n);
    }
    const named = [...toRead].filter((n): n is string => n !== null);
    const includeRoot = toRead.has(null);
    if (named.length > 0 || includeRoot) {
      const snap = await this.client.request('snapshot', { names: named, includeRoot });
      const seen = new Set<NetnsRef>();
      for (const ns of snap.namespaces) {
        seen.add(ns.name);
        const old = this.get(ns.name);
        if (ns.name !== null && !old) {
          change.names = true;
        }
        keepPeerPlaces(old, ns, (n) => n === undefined || (!toRead.has(n) && this.has(n)));
        const lost = lostPeersOf(old, ns, this.lostPeers.get(ns.name));
        if (lost.size > 0) {
          this.lostPeers.set(ns.name, lost);
        } else {
          this.lostPeers.delete(ns.name);
        }
        if (old && old.inode !== ns.inode) {
          change.names = true; // the name now stands for another namespace
          namesTouchProcesses = true;
        }
        if (ns.name !== null && !old) {
          namesTouchProcesses ||= this.procs?.byInode.has(ns.inode) ?? true;
        }
        this.put(ns);
        if (changedSet.has(ns.name) || !sameContent(old, ns)) {
          change.namespaces.push(ns.name);
        }
      }
      // A namespace asked for but not returned is gone.
      for (const n of named) {
        if (!seen.has(n) && this.remove(n)) {
          change.names = true;
        }
      }
    }
    for (const n of this.lostPeers.keys()) {
      if (!this.has(n)) {
        this.lostPeers.delete(n);
      }
    }
    const peersLost = this.lostPeers.size > 0;
    if (!peersLost) {
      this.forgetLostPeers();
    } else if (!this.lostPeersTimer) {
      // Steady unresolved peers (containers) do not come here: only a veth that just changed.
      this.lostPeersTimer = setTimeout(() => {
        this.lostPeersTimer = undefined;
        if (this.lostPeers.size > 0) {
          this.log('debug', `A moved veth's peer was not placed within ${PEER_GRACE_MS} ms: reading everything.`);
          void this.schedule({ all: true });
        }
      }, PEER_GRACE_MS);
    }
    if (work.processes || (change.names && namesTouchProcesses)) {
      try {
        const { namespaces } = await this.client.request('processes', {});
        const before = this.procs?.list;
        this.setProcesses(namespaces);
        // Processes come and go all the time (each ip command is one): after a process event, only
        // a difference is a change. A names change redraws everything anyway.
        const differ = before && !change.names ? changedProcessLists(before, namespaces) : undefined;
        change.processes = differ === undefined || differ.length > 0;
        if (differ) {
          change.processInodes = differ;
        }
      } catch (e) {
        this.log('warn', `Listing processes failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.log(
      'debug',
      `Read ${named.length + (includeRoot ? 1 : 0)} namespaces (${change.namespaces.map((n) => n ?? 'host').join(', ') || 'none'} changed${change.names ? ', names changed' : ''}${peersLost ? `, a veth peer moved: waiting for its namespace (${[...this.lostPeers.keys()].map((n) => n ?? 'host').join(', ')})` : ''}) in ${Date.now() - started} ms.`,
    );
    if (change.names || change.namespaces.length > 0 || change.processes) {
      this.changed.fire(change);
    }
  }

  /** Holds these namespaces and no others (a full read). */
  private replaceAll(namespaces: Namespace[]): void {
    this.byName.clear();
    this.rootNs = undefined;
    this.vethTo.clear();
    this.vethFrom.clear();
    this.byInode.clear();
    this.sorted = undefined;
    this.forgetLostPeers();
    for (const ns of namespaces) {
      this.put(ns);
    }
  }

  /**
   * Drops the namespaces whose names went. A veth into one of them now points into an unnamed
   * namespace (processes may keep it alive): its namespace is read again so its peer says where it is now.
   */
  private dropNames(removed: Set<NetnsRef>, toRead: Set<NetnsRef>, change: ModelChange): void {
    for (const n of this.joinedByVeth(removed)) {
      toRead.add(n);
    }
    for (const old of removed) {
      this.remove(old as string);
      toRead.delete(old);
      change.names = true;
    }
  }

  /** Namespaces holding the other end of a veth in `set`, or holding a veth whose other end is in it. */
  private joinedByVeth(set: Set<NetnsRef>): NetnsRef[] {
    const out = new Set<NetnsRef>();
    for (const n of set) {
      for (const to of this.vethTo.get(n) ?? []) {
        if (!set.has(to) && this.has(to)) {
          out.add(to);
        }
      }
      for (const from of this.vethFrom.get(n) ?? []) {
        if (!set.has(from) && this.has(from)) {
          out.add(from);
        }
      }
    }
    return [...out];
  }

  private put(ns: Namespace): void {
    const old = this.get(ns.name);
    if (old && this.byInode.get(old.inode) === ns.name) {
      this.byInode.delete(old.inode);
    }
    if (ns.name === null) {
      this.unlinkVeths(null);
      this.rootNs = ns;
    } else {
      if (!old && this.sorted) {
        // Placed where it sorts, in a new array (a caller may still be going through the old one).
        const at = sortedIndex(this.sorted, ns.name);
        this.sorted = [...this.sorted.slice(0, at), ns.name, ...this.sorted.slice(at)];
      }
      this.unlinkVeths(ns.name);
      this.byName.set(ns.name, ns);
    }
    if (ns.inode !== 0) {
      this.byInode.set(ns.inode, ns.name);
    }
    let to: Set<NetnsRef> | undefined;
    for (const i of ns.interfaces) {
      const peerNs = i.peer?.netns;
      if (i.kind === 'veth' && peerNs !== undefined && peerNs !== ns.name) {
        (to ??= new Set()).add(peerNs);
        let from = this.vethFrom.get(peerNs);
        if (!from) {
          this.vethFrom.set(peerNs, (from = new Set()));
        }
        from.add(ns.name);
      }
    }
    if (to) {
      this.vethTo.set(ns.name, to);
    }
  }

  /** Forgets where a namespace's own veths lead (those leading to it stay: their namespaces still say so). */
  private unlinkVeths(name: NetnsRef): void {
    for (const peerNs of this.vethTo.get(name) ?? []) {
      const from = this.vethFrom.get(peerNs);
      from?.delete(name);
      if (from?.size === 0) {
        this.vethFrom.delete(peerNs);
      }
    }
    this.vethTo.delete(name);
  }

  private remove(name: string): boolean {
    if (this.sorted && this.byName.has(name)) {
      const at = sortedIndex(this.sorted, name);
      this.sorted = this.sorted[at] === name ? [...this.sorted.slice(0, at), ...this.sorted.slice(at + 1)] : undefined;
    }
    this.unlinkVeths(name);
    const old = this.byName.get(name);
    if (old && this.byInode.get(old.inode) === name) {
      this.byInode.delete(old.inode);
    }
    return this.byName.delete(name);
  }

  private setProcesses(list: ProcessNamespace[]): void {
    this.procs = { list, byInode: new Map(list.map((p) => [p.inode, p])), at: Date.now() };
  }

  private forgetLostPeers(): void {
    this.lostPeers.clear();
    clearTimeout(this.lostPeersTimer);
    this.lostPeersTimer = undefined;
  }

  dispose(): void {
    this.forgetLostPeers();
    this.changed.dispose();
  }
}

/** Where `name` is, or would go, in the sorted list `names`. */
function sortedIndex(names: string[], name: string): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareNames(names[mid], name) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * A veth of `next` whose peer is in a namespace not read with it comes back unplaced (the helper
 * places peers among the namespaces it reads together). Where the namespace was read before with
 * the same veth (same ifindex, same peer ifindex and link-netnsid: the same pair, as both stay
 * while both namespaces exist), the place it had is kept, so reading a namespace with its veth
 * neighbours does not need everything read again for the neighbours' other veths.
 */
function keepPeerPlaces(prev: Namespace | undefined, next: Namespace, stillThere: (netns: NetnsRef | undefined) => boolean): void {
  if (!prev) {
    return;
  }
  for (const i of next.interfaces) {
    const p = i.peer;
    if (i.kind !== 'veth' || !p || p.linkNetnsid === undefined || p.netns !== undefined || p.netnsInode !== undefined) {
      continue;
    }
    const before = prev.interfaces.find((x) => x.ifindex === i.ifindex && x.name === i.name)?.peer;
    const placed = before !== undefined && (before.netns !== undefined || before.netnsInode !== undefined);
    if (placed && before.ifindex === p.ifindex && before.linkNetnsid === p.linkNetnsid && stillThere(before.netns)) {
      i.peer = { ...p, netns: before.netns, netnsInode: before.netnsInode, name: p.name ?? before.name };
    }
  }
}

/**
 * The ifindexes of `next`'s veths whose peer, in another namespace, no read placed: those already
 * lost before (`lost`) that still are, and those placed, or not there, in `prev` (a veth steadily
 * unplaced, a container's, is no news).
 */
function lostPeersOf(prev: Namespace | undefined, next: Namespace, lost: ReadonlySet<number> | undefined): Set<number> {
  const out = new Set<number>();
  for (const i of next.interfaces) {
    const p = i.peer;
    if (i.kind !== 'veth' || p?.linkNetnsid === undefined || p.netns !== undefined || p.netnsInode !== undefined) {
      continue;
    }
    const before = prev?.interfaces.find((x) => x.name === i.name && x.ifindex === i.ifindex)?.peer;
    const steady = before !== undefined && before.netns === undefined && before.ifindex === p.ifindex;
    if (lost?.has(i.ifindex) || !steady) {
      out.add(i.ifindex);
    }
  }
  return out;
}

/** Whether a namespace read again along with a changed one actually differs. */
function sameContent(a: Namespace | undefined, b: Namespace): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** The inodes of the namespaces whose processes, holders, container or name differ between two process lists. */
function changedProcessLists(before: ProcessNamespace[], after: ProcessNamespace[]): number[] {
  const key = (p: ProcessNamespace) =>
    `${p.name ?? ''}\n${p.processes.map((x) => `${x.pid} ${x.command}`).join('\n')}\n${JSON.stringify(p.holders ?? [])}\n${JSON.stringify(p.container ?? null)}`;
  const old = new Map(before.map((p) => [p.inode, key(p)]));
  const out: number[] = [];
  for (const p of after) {
    if (old.get(p.inode) !== key(p)) {
      out.push(p.inode);
    }
    old.delete(p.inode);
  }
  return [...out, ...old.keys()];
}
