// The one owner of the walkthrough's context keys (netns.learn.*): set from the model whenever it
// changes, so a step completes however the learner did it; "pinged" when a ping across succeeded,
// from the Ping command or from a `ping` the learner ran in a terminal with shell integration.

import * as vscode from 'vscode';
import { learnSteps, type LearnSteps } from '../../core/learnSteps';
import type { NamespaceStore } from '../model/namespaceStore';

export class LearnProgress implements vscode.Disposable {
  private readonly shown = new Map<string, boolean>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly model: NamespaceStore) {
    this.disposables.push(
      { dispose: model.onDidChange(() => this.update()).dispose },
      vscode.window.onDidEndTerminalShellExecution((e) => {
        if (e.exitCode === 0 && /(^|[\s;&|])ping6?\s/.test(e.execution.commandLine.value)) {
          this.pinged();
        }
      }),
    );
    this.update();
  }

  /** A ping across got its replies. */
  pinged(): void {
    this.set('pinged', true);
  }

  private update(): void {
    const steps = learnSteps(this.model.all());
    for (const key of Object.keys(steps) as (keyof LearnSteps)[]) {
      this.set(key, steps[key]);
    }
  }

  private set(key: string, value: boolean): void {
    if (this.shown.get(key) === value) {
      return;
    }
    this.shown.set(key, value);
    void vscode.commands.executeCommand('setContext', `netns.learn.${key}`, value);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
