// The "Network Namespaces" log: the helper's own lines, each privileged operation with the
// equivalent ip command, and failures with the tool's words.

import * as vscode from 'vscode';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** How many recent lines are kept in memory (for tests and "what just happened"). */
const RECENT_LINES = 500;

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly lines: string[] = [];

  constructor(name = 'Network Namespaces') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** The shape the client and the model take. */
  readonly write = (level: LogLevel, msg: string): void => {
    this.lines.push(`[${level}] ${msg}`);
    if (this.lines.length > RECENT_LINES) {
      this.lines.splice(0, this.lines.length - RECENT_LINES);
    }
    if (level === 'error') {
      this.channel.error(msg);
    } else if (level === 'warn') {
      this.channel.warn(msg);
    } else if (level === 'debug') {
      this.channel.debug(msg);
    } else {
      this.channel.info(msg);
    }
  };

  info(msg: string): void {
    this.write('info', msg);
  }

  warn(msg: string): void {
    this.write('warn', msg);
  }

  error(msg: string): void {
    this.write('error', msg);
  }

  /** The last lines written, oldest first. */
  recent(): string[] {
    return [...this.lines];
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
