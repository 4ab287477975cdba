// An in-process NetnsClient for testing the model without a helper: it answers the read requests
// from namespaces the test sets, records every call, and can hold answers back to let work pile up.

import type { HelperState, NetnsClient } from '../../src/client/types';
import type { Namespace, ProcessNamespace } from '../../src/core/model';
import type { ChangeEvent, HelloResult, Op, Params, Result } from '../../src/core/protocol';
import { Emitter } from '../../src/extension/model/emitter';
import { ns } from '../support/modelRows';

/** A namespace with these interfaces and nothing else set (the host when the name is null). */
export function namespace(name: string | null, inode: number, interfaces: Namespace['interfaces'] = []): Namespace {
  return ns(name, inode, interfaces);
}

export class FakeNetnsClient implements NetnsClient {
  state: HelperState = { kind: 'stopped' };
  /** What the fake kernel holds: the host's namespace and the named ones. */
  root = namespace(null, 1);
  readonly named = new Map<string, Namespace>();
  processList: ProcessNamespace[] = [];
  /** Read requests, in the order they were sent. */
  readonly calls: { op: Op; params: unknown }[] = [];
  /** setWatching calls, in order. */
  readonly watching: boolean[] = [];
  /** When set, answers wait for it. */
  private gate: Promise<void> | undefined;
  private nextPid = 100;
  private readonly events = new Emitter<ChangeEvent>();
  private readonly states = new Emitter<HelperState>();
  readonly onEvent = this.events.event;
  readonly onStateChange = this.states.event;
  /** No captures here. */
  onCapture(): { dispose(): void } {
    return { dispose: () => undefined };
  }

  add(...list: Namespace[]): void {
    for (const ns of list) {
      if (ns.name === null) {
        this.root = ns;
      } else {
        this.named.set(ns.name, ns);
      }
    }
  }

  /** Holds every answer back until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((r) => (release = r));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  ops(): Op[] {
    return this.calls.map((c) => c.op);
  }

  async start(): Promise<HelloResult> {
    if (this.state.kind !== 'running') {
      this.setState({ kind: 'starting' });
      this.setState({ kind: 'running', hello: { pid: this.nextPid++ } as HelloResult, via: 'root' });
    }
    return (this.state as { hello: HelloResult }).hello;
  }

  async request<O extends Op>(op: O, params: Params<O>): Promise<Result<O>> {
    this.calls.push({ op, params });
    await this.gate;
    return this.answer(op, params) as Result<O>;
  }

  async setWatching(on: boolean): Promise<Result<'watch'> | undefined> {
    this.watching.push(on);
    return on && this.state.kind === 'running' ? { watching: true, kernelEvents: true } : undefined;
  }

  emit(e: Omit<ChangeEvent, 'event'>): void {
    this.events.fire({ event: 'changed', ...e });
  }

  setState(s: HelperState): void {
    this.state = s;
    this.states.fire(s);
  }

  dispose(): void {
    this.events.dispose();
    this.states.dispose();
  }

  private answer(op: Op, params: unknown): unknown {
    switch (op) {
      case 'listNames':
        return { names: [...this.named.keys()].sort() };
      case 'processes':
        return { namespaces: this.processList };
      case 'snapshot': {
        const p = params as Params<'snapshot'>;
        const named = p.names ?? [...this.named.keys()].sort();
        const namespaces = [
          ...(p.includeRoot ? [this.root] : []),
          ...named
            .map((n) => this.named.get(n))
            .filter((n): n is Namespace => n !== undefined)
            .map((n) => (p.idsOnly ? { ...n, interfaces: [], unprivileged: true } : n)),
        ];
        // Copies, as the helper sends: the store must not share objects with the fake kernel.
        return { namespaces: structuredClone(namespaces), reader: 'netlink', takenAt: Date.now() };
      }
      default:
        throw new Error(`the fake client does not answer "${op}"`);
    }
  }
}
