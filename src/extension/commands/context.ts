// What every command gets: the client, the model and what keeps it live, the tree, the log, the
// status item and the Host (swappable by tests). All of it exists before the tree view, since the
// view's drag and drop moves interfaces through a command; commands that act on the view get it
// as an argument of its own (see registry.ts).

import type * as vscode from 'vscode';
import type { NetnsClient } from '../../client/types';
import type { CheckMarks } from '../diagnose/checkMarks';
import type { ReportDocuments } from '../diagnose/reportDocuments';
import type { CaptureManager } from '../capture/captureManager';
import type { Host } from '../host';
import type { LabFiles } from '../labs/labFiles';
import type { LabPlanDocuments } from '../labs/labPlanDocument';
import type { LabRecords } from '../labs/labRecords';
import type { LearnProgress } from '../walkthrough/learnProgress';
import type { Log } from '../log';
import type { NamespaceStore } from '../model/namespaceStore';
import type { ViewActivation } from '../model/viewActivation';
import type { OperationStatus } from '../status/operationStatus';
import type { NamespaceTreeProvider } from '../tree/namespaceTreeProvider';
import type { TopologyPanel } from '../topology/topologyPanel';

export interface CommandContext {
  readonly client: NetnsClient;
  readonly model: NamespaceStore;
  readonly activation: ViewActivation;
  readonly tree: NamespaceTreeProvider;
  readonly log: Log;
  readonly status: OperationStatus;
  readonly host: Host;
  /**
   * A new client that starts the extension's own copy of the helper, never the installed one: for
   * what the installed copy refuses to do (install or remove itself). Its start asks for a password.
   */
  bundledClient(): NetnsClient;
  /** The labs built from here, and what each made. */
  readonly labs: LabRecords;
  /** The walkthrough's progress (what the model cannot show: a ping that got its replies). */
  readonly learn: LearnProgress;
  /** The window's packet captures. */
  readonly captures: CaptureManager;
  /** The workspace's lab files and how the kernel compares with each. */
  readonly labFiles: LabFiles;
  /** The lab plans shown. */
  readonly labPlans: LabPlanDocuments;
  /** The marks of the last connectivity check on the tree's rows. */
  readonly checkMarks: CheckMarks;
  /** Read-only Markdown reports (the veth links table). */
  readonly reports: ReportDocuments;
  /** This extension's folder (README, media). */
  readonly extensionUri: vscode.Uri;
  /** The topology view (set once it is made, after the context). */
  topology?: TopologyPanel;
}
