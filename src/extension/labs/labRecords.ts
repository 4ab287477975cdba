// The labs this extension built, remembered across windows and restarts (VS Code's global state):
// which namespaces each one made, with their inode numbers, so that removing a lab deletes exactly
// those namespaces and never one that took the same name later.

import type * as vscode from 'vscode';
import type { NetnsFile } from '../../core/labs/lab';

export interface LabRecord {
  /** Which example lab it was built from, or "file" for a lab file. */
  kind: string;
  /** A lab file's lab name (its `name`): the record is found by it, whatever the file is called now. */
  lab?: string;
  prefix: string;
  /** When it was built (ISO time). */
  created: string;
  namespaces: { name: string; inode: number }[];
  /** Interfaces a lab file made in namespaces it did not make (namespace inode, so a new namespace by that name is not touched). */
  links?: { netns: string; inode: number; name: string }[];
  /** /etc/netns files a lab file wrote. */
  files?: { netns: string; file: NetnsFile }[];
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

  /** The record of a lab file's lab, by its name. */
  ofLab(lab: string): LabRecord | undefined {
    return this.all().find((r) => r.kind === 'file' && r.lab === lab);
  }

  /** Replaces the record of a lab file's lab (none: removes it). */
  async setLab(lab: string, record: LabRecord | undefined): Promise<void> {
    const rest = this.all().filter((r) => !(r.kind === 'file' && r.lab === lab));
    await this.memento.update(KEY, record ? [...rest, record] : rest);
  }

  /** The lab a namespace belongs to, if this extension built it. */
  labOf(name: string, inode: number): LabRecord | undefined {
    return this.all().find((r) => r.namespaces.some((n) => n.name === name && n.inode === inode));
  }
}
