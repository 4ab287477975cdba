// The labs this extension built, remembered across windows and restarts (VS Code's global state):
// which namespaces each one made, with their inode numbers, so that removing a lab deletes exactly
// those namespaces and never one that took the same name later.

import type * as vscode from 'vscode';

export interface LabRecord {
  /** Which example lab (or, later, lab file) it was built from. */
  kind: string;
  prefix: string;
  /** When it was built (ISO time). */
  created: string;
  namespaces: { name: string; inode: number }[];
}

const KEY = 'netns.labs';

export class LabRecords {
  constructor(private readonly memento: vscode.Memento) {}

  all(): LabRecord[] {
    return this.memento.get<LabRecord[]>(KEY, []);
  }

  async add(record: LabRecord): Promise<void> {
    await this.memento.update(KEY, [...this.all().filter((r) => r.prefix !== record.prefix), record]);
  }

  async remove(prefix: string): Promise<void> {
    await this.memento.update(KEY, this.all().filter((r) => r.prefix !== prefix));
  }

  /** The lab a namespace belongs to, if this extension built it. */
  labOf(name: string, inode: number): LabRecord | undefined {
    return this.all().find((r) => r.namespaces.some((n) => n.name === name && n.inode === inode));
  }
}
