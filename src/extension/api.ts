// What activate() returns: handles for tests and for other extensions that want to look at the
// model. Not a stable public API.

import type * as vscode from 'vscode';
import type { NetnsClient } from '../client/types';
import type { AttachResult } from './commands/bridges/addToBridge';
import type { MoveResult } from './commands/interfaces/moveInterface';
import type { CheckMarks } from './diagnose/checkMarks';
import type { CaptureManager } from './capture/captureManager';
import type { Host } from './host';
import type { LabFiles } from './labs/labFiles';
import type { Log } from './log';
import type { NamespaceStore } from './model/namespaceStore';
import type { ViewActivation } from './model/viewActivation';
import type { OperationStatus } from './status/operationStatus';
import type { NamespaceDragAndDrop } from './tree/namespaceDragAndDrop';
import type { NamespaceTreeProvider } from './tree/namespaceTreeProvider';
import type { TreeNode } from './tree/nodes';
import type { TopologyPanel } from './topology/topologyPanel';

export interface NetnsApi {
  readonly client: NetnsClient;
  readonly model: NamespaceStore;
  /** Keeps the model live while the view is visible. */
  readonly activation: ViewActivation;
  readonly treeProvider: NamespaceTreeProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly dragAndDrop: NamespaceDragAndDrop<MoveResult | AttachResult | undefined>;
  readonly log: Log;
  readonly status: OperationStatus;
  readonly host: Host;
  /** Replaces the window seam (prompts, messages, progress, clipboard); returns the previous one. */
  setHost(host: Host): Host;
  /** The window's packet captures. */
  readonly captures: CaptureManager;
  /** The workspace's lab files. */
  readonly labFiles: LabFiles;
  /** The terminal profile provider, for tests. */
  readonly terminalProfileProvider: vscode.TerminalProfileProvider;
  /** The marks of the last connectivity check (file decorations of the rows' resourceUri). */
  readonly checkMarks: CheckMarks;
  /** The topology view. */
  readonly topology: TopologyPanel;
}
