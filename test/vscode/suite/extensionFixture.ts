// Shared by the extension's own extension-host tests: the extension's API (activated, view shown,
// model loaded), a Host that answers prompts from a script and records what was shown, polling,
// and processes started inside namespaces (killed in after hooks).
//
// Nodes must come from the extension (getChildren): it is bundled separately from these tests,
// so classes imported here would be different classes. Only types are imported from src/.

import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { NetnsApi } from '../../../src/extension/api';
import type { Host } from '../../../src/extension/host';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import { cleanupOnExit, cleanupPrefix, IP } from '../../support/kernel';

export const EXTENSION_ID = 'vscode-netns.vscode-netns';

/** Activates the extension, shows its view and waits for the first full read. */
export async function netnsApi(): Promise<NetnsApi> {
  const ext = vscode.extensions.getExtension<NetnsApi>(EXTENSION_ID);
  if (!ext) {
    throw new Error(`${EXTENSION_ID} is not loaded`);
  }
  const api = await ext.activate();
  await vscode.commands.executeCommand('netns.namespaces.focus');
  await waitFor(() => api.model.loaded, 30_000, 'the namespace model to load');
  return api;
}

/**
 * How long a test waits for a change made outside to show without a refresh. Tests check that it
 * shows; how fast it shows is a figure of `npm run bench`, not a pass/fail limit here.
 */
export const LIVE_MS = 5000;

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await cond()) {
      return Date.now() - start;
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

type InputAnswer = (options: vscode.InputBoxOptions) => string | undefined | Promise<string | undefined>;
type PickAnswer = (items: readonly vscode.QuickPickItem[], options: vscode.QuickPickOptions) => vscode.QuickPickItem | undefined;
type WarningAnswer = (message: string, options: vscode.MessageOptions, items: string[]) => string | undefined;

export interface Shown {
  level: 'info' | 'warning' | 'error';
  message: string;
  detail?: string;
}

/** A Host that answers from queues filled by the test and records every message. */
export class ScriptedHost implements Host {
  readonly inputs: InputAnswer[] = [];
  readonly picks: PickAnswer[] = [];
  readonly warnings: WarningAnswer[] = [];
  readonly shown: Shown[] = [];
  readonly unexpected: string[] = [];
  readonly progressTitles: string[] = [];
  /** Messages reported under a progress notification, after its title. */
  readonly progressMessages: string[] = [];
  clipboardText = '';
  /** Cancels the next progress notification once it has reported this many messages (then forgotten). */
  cancelProgressAfter?: number;

  readonly clipboard = {
    writeText: async (text: string) => {
      this.clipboardText = text;
    },
  };

  async showInputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    const answer = this.inputs.shift();
    if (!answer) {
      this.unexpected.push(`input box: ${options.prompt ?? options.title ?? ''}`);
      return undefined;
    }
    return answer(options);
  }

  async showQuickPick<T extends vscode.QuickPickItem>(
    items: readonly T[] | Thenable<readonly T[]>,
    options: vscode.QuickPickOptions,
  ): Promise<T | undefined> {
    const list = await items;
    const answer = this.picks.shift();
    if (!answer) {
      this.unexpected.push(`quick pick: ${options.placeHolder ?? options.title ?? ''}`);
      return undefined;
    }
    return answer(list, options) as T | undefined;
  }

  async showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Promise<string | undefined> {
    this.shown.push({ level: 'warning', message, detail: options.detail });
    const answer = this.warnings.shift();
    if (!answer) {
      this.unexpected.push(`warning: ${message}`);
      return undefined;
    }
    return answer(message, options, items);
  }

  async showErrorMessage(message: string): Promise<string | undefined> {
    this.shown.push({ level: 'error', message });
    return undefined;
  }

  async showInformationMessage(message: string): Promise<string | undefined> {
    this.shown.push({ level: 'info', message });
    return undefined;
  }

  async withProgress<R>(
    options: vscode.ProgressOptions,
    task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
  ): Promise<R> {
    this.progressTitles.push(options.title ?? '');
    const source = new vscode.CancellationTokenSource();
    const cancelAfter = this.cancelProgressAfter;
    this.cancelProgressAfter = undefined;
    let reported = 0;
    const report = (v: { message?: string }) => {
      if (v.message !== undefined) {
        this.progressMessages.push(v.message);
        if (++reported === cancelAfter && options.cancellable) {
          source.cancel();
        }
      }
    };
    try {
      return await task({ report }, source.token);
    } finally {
      source.dispose();
    }
  }

  /** Forgets answers and records between tests. */
  reset(): void {
    this.inputs.length = 0;
    this.picks.length = 0;
    this.warnings.length = 0;
    this.shown.length = 0;
    this.unexpected.length = 0;
    this.progressTitles.length = 0;
    this.progressMessages.length = 0;
    this.clipboardText = '';
    this.cancelProgressAfter = undefined;
  }

  errors(): string[] {
    return this.shown.filter((s) => s.level === 'error').map((s) => s.message);
  }
}

/**
 * The hooks of a suite that answers the extension's prompts itself: the API with a ScriptedHost in
 * place of the window (the previous Host back afterwards), `setup` once the model is loaded,
 * everything named with `prefix` removed at the end (also when the run is killed), the answers
 * reset before each test, and what was shown and logged printed when one fails.
 */
export function useScriptedHost(prefix: string, setup?: (api: NetnsApi) => void | Promise<void>): { host: ScriptedHost; api: () => NetnsApi } {
  const host = new ScriptedHost();
  let api: NetnsApi | undefined;
  let previous: Host | undefined;
  before(async () => {
    cleanupOnExit(prefix);
    api = await netnsApi();
    previous = api.setHost(host);
    await setup?.(api);
  });
  after(() => {
    if (api && previous) {
      api.setHost(previous);
    }
    cleanupPrefix(prefix);
  });
  beforeEach(() => host.reset());
  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log(`shown: ${JSON.stringify(host.shown)}\nunexpected prompts: ${JSON.stringify(host.unexpected)}`);
      console.log(api?.log.recent().slice(-20).join('\n'));
    }
  });
  return { host, api: () => api! };
}

/** Answers a QuickPick with the item whose label is `label`. */
export const pickLabel =
  (label: string): PickAnswer =>
  (items) =>
    items.find((i) => i.label === label);

/** Answers a modal confirmation with its first button. */
export const confirm: WarningAnswer = (_m, _o, items) => items[0];

// ---- the tree as VS Code sees it --------------------------------------------------------------

export async function children(api: NetnsApi, node?: TreeNode): Promise<TreeNode[]> {
  return (await api.treeProvider.getChildren(node)) ?? [];
}

export async function item(api: NetnsApi, node: TreeNode): Promise<vscode.TreeItem> {
  const it = await api.treeProvider.getTreeItem(node);
  return api.treeProvider.resolveTreeItem ? ((await api.treeProvider.resolveTreeItem(it, node)) ?? it) : it;
}

/** The child whose TreeItem id is `id`, or undefined. */
export async function childById(api: NetnsApi, id: string, parent?: TreeNode): Promise<TreeNode | undefined> {
  for (const c of await children(api, parent)) {
    if ((await api.treeProvider.getTreeItem(c)).id === id) {
      return c;
    }
  }
  return undefined;
}

export function label(it: vscode.TreeItem): string {
  return typeof it.label === 'string' ? it.label : (it.label?.label ?? '');
}

// ---- processes inside namespaces ----------------------------------------------------------------

const started: ChildProcess[] = [];

/** `sleep` inside a named namespace (or, with netns undefined, in a new unnamed one). */
export async function sleeper(netns: string | undefined): Promise<number> {
  const child =
    netns === undefined
      ? spawn('/usr/bin/unshare', ['--net', '/bin/sleep', '600'], { stdio: 'ignore' })
      : spawn(IP, ['netns', 'exec', netns, '/bin/sleep', '600'], { stdio: 'ignore' });
  started.push(child);
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error('could not start sleep');
  }
  // unshare and ip netns exec exec() sleep in place: wait until the pid is sleep in its namespace.
  await waitFor(() => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep';
    } catch {
      return false;
    }
  }, 5000, 'sleep to start');
  return pid;
}

export function killSleepers(): void {
  for (const c of started.splice(0)) {
    c.kill('SIGKILL');
  }
}

export function netnsInodeOf(pathname: string): number {
  return fs.statSync(pathname).ino;
}
