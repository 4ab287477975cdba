// A status bar item shown while privileged operations run ("$(sync~spin) Moving veth-a...").

import * as vscode from 'vscode';

export class OperationStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly running = new Map<number, string>();
  private next = 1;

  constructor() {
    this.item = vscode.window.createStatusBarItem('netns.operation', vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('Network Namespaces: operation in progress');
    this.item.command = 'netns.showLog';
  }

  /** Shows `title` until the returned function is called. */
  begin(title: string): () => void {
    const id = this.next++;
    this.running.set(id, title);
    this.update();
    return () => {
      this.running.delete(id);
      this.update();
    };
  }

  /** What the item shows now (for tests), or undefined when hidden. */
  get text(): string | undefined {
    return this.running.size > 0 ? this.item.text : undefined;
  }

  private update(): void {
    if (this.running.size === 0) {
      this.item.hide();
      return;
    }
    const titles = [...this.running.values()];
    const more = titles.length > 1 ? ` (+${titles.length - 1})` : '';
    this.item.text = `$(sync~spin) ${titles[titles.length - 1]}${more}`;
    this.item.tooltip = titles.join('\n') + '\n\n' + vscode.l10n.t('Click to show the log.');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
