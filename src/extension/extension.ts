// Entry point: wires the client, the model, the tree view, the commands and the terminal profile.

import * as vscode from 'vscode';
import { setTranslator } from '../core/messages';
import type { NetnsApi } from './api';
import { makeClient } from './clientFactory';
import type { CommandContext } from './commands/context';
import { attachToBridge, type AttachResult } from './commands/bridges/addToBridge';
import { moveInterfaces, type MoveResult } from './commands/interfaces/moveInterface';
import { registerCommands } from './commands/registry';
import { CheckMarks } from './diagnose/checkMarks';
import { ReportDocuments } from './diagnose/reportDocuments';
import { trackHelperState } from './helperState';
import { windowHost, type Host } from './host';
import { CaptureManager } from './capture/captureManager';
import { announceCaptureEnds } from './capture/captureNotices';
import { findWireshark } from './capture/wireshark';
import { labCodeLens, labHover } from './labs/labCodeLens';
import { labDiagnostics } from './labs/labDiagnostics';
import { LabFiles } from './labs/labFiles';
import { LabPlanDocuments } from './labs/labPlanDocument';
import { LabRecords } from './labs/labRecords';
import { Log } from './log';
import { NamespaceStore } from './model/namespaceStore';
import { ReadRouter } from './model/readRouter';
import { ViewActivation } from './model/viewActivation';
import { viewMessage } from './tree/viewMessage';
import { OperationStatus } from './status/operationStatus';
import { NamespaceTerminalProfileProvider, TERMINAL_PROFILE_ID } from './terminal/terminalProfileProvider';
import { NamespaceDragAndDrop } from './tree/namespaceDragAndDrop';
import { NamespaceTreeProvider } from './tree/namespaceTreeProvider';
import { LearnProgress } from './walkthrough/learnProgress';
import { InspectProvider } from './inspect/inspectProvider';
import { INSPECT_SCHEME } from './inspect/inspectUri';
import { SocketStore } from './tree/sockets/socketStore';
import { TOPOLOGY_VIEW_TYPE, TopologyPanel } from './topology/topologyPanel';
import type { TreeNode } from './tree/nodes';

export const VIEW_ID = 'netns.namespaces';

export function activate(context: vscode.ExtensionContext): NetnsApi {
  const started = Date.now();
  // Messages made by the name rules, the launcher and the helper are English templates (see
  // core/messages.ts); shown here, they go through the same l10n bundle as the extension's own.
  const { l10n } = vscode;
  setTranslator((template, args) => l10n.t(template, ...args));
  const log = new Log();
  const status = new OperationStatus();
  let host: Host = windowHost;
  const client = makeClient(context.extensionPath, log, () => host);
  // Reads before authentication go to a helper started as the user (nothing to wait for as root).
  const router = new ReadRouter(client, process.getuid?.() === 0 ? undefined : () => makeClient(context.extensionPath, log, () => host, { unprivileged: true }));
  const model = new NamespaceStore(router, log.write);
  const activation = new ViewActivation(client, model, log.write, router);
  const labFiles = new LabFiles(model);
  const labPlans = new LabPlanDocuments();
  const treeProvider = new NamespaceTreeProvider(model, labFiles, () => activation.topLevelAsked());
  // First in the list, so it is disposed (its captures stopped) while the client still runs.
  const captures = new CaptureManager(client, log, context.globalStorageUri.fsPath);
  context.subscriptions.push(captures);
  treeProvider.setCaptures(captures);
  // Sockets (the tree's counts and "Listening" rows) are read apart from the snapshot.
  const sockets = new SocketStore(client, model);
  treeProvider.setSockets(sockets);
  const inspectProvider = new InspectProvider({ client, model });
  const learn = new LearnProgress(model);
  const checkMarks = new CheckMarks();
  const reports = new ReportDocuments();
  const ctx: CommandContext = {
    client,
    model,
    activation,
    tree: treeProvider,
    log,
    status,
    get host() {
      return host;
    },
    bundledClient: () => makeClient(context.extensionPath, log, () => host, { installedLauncher: false }),
    extensionUri: context.extensionUri,
    labs: new LabRecords(context.globalState),
    labFiles,
    labPlans,
    learn,
    checkMarks,
    reports,
    captures,
  };
  const topology = new TopologyPanel(ctx, context.workspaceState, vscode.Uri.joinPath(context.extensionUri, 'dist'));
  ctx.topology = topology;
  const dragAndDrop = new NamespaceDragAndDrop<MoveResult | AttachResult | undefined>(model, (refs, to, bridge) =>
    bridge ? attachToBridge(ctx, refs, bridge) : moveInterfaces(ctx, refs, to),
  );
  const treeView = vscode.window.createTreeView<TreeNode>(VIEW_ID, {
    treeDataProvider: treeProvider,
    dragAndDropController: dragAndDrop,
    canSelectMany: true,
    showCollapseAll: true,
  });
  topology.attachTree(treeView);
  // Set only when it changes: VS Code sends a view's message and its rows through one queue that
  // holds an update for 200 ms after the one before, so an unchanged message set with each state
  // or model change held back the rows behind it (the first paint among them).
  const updateViewMessage = () => {
    const message = viewMessage(client.state, model, router);
    if (treeView.message !== message) {
      treeView.message = message;
    }
  };
  const terminalProfileProvider = new NamespaceTerminalProfileProvider(() => host);

  context.subscriptions.push(
    log,
    status,
    { dispose: () => client.dispose() },
    router,
    activation,
    model,
    sockets,
    labFiles,
    labPlans,
    labDiagnostics(labFiles),
    labCodeLens(labFiles),
    labHover(),
    treeProvider,
    inspectProvider,
    vscode.workspace.registerTextDocumentContentProvider(INSPECT_SCHEME, inspectProvider),
    learn,
    checkMarks,
    reports,
    treeView,
    // The client logs why a start failed (once); the view's welcome content says it to the user.
    trackHelperState(client),
    client.onStateChange(updateViewMessage),
    model.onDidChange(updateViewMessage),
    // Watch and read only while someone looks; one full read each time the view shows again.
    // The topology view counts as looking too.
    treeView.onDidChangeVisibility(() => void activation.setVisible(treeView.visible || topology.visible)),
    topology,
    topology.onDidChangeVisibility(() => void activation.setVisible(treeView.visible || topology.visible)),
    // The topology view comes back after a reload of the window, as it was (zoom, filter, groups).
    vscode.window.registerWebviewPanelSerializer(TOPOLOGY_VIEW_TYPE, { deserializeWebviewPanel: (panel) => topology.restore(panel) }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('netns.privilege') && client.state.kind === 'running') {
        void host.showInformationMessage(vscode.l10n.t('The new privilege settings apply the next time the helper starts.'));
      }
    }),
    vscode.window.registerTerminalProfileProvider(TERMINAL_PROFILE_ID, terminalProfileProvider),
    announceCaptureEnds(captures, () => host),
    captures.onDidChange(() => void vscode.commands.executeCommand('setContext', 'netns.capturesRunning', captures.runningCount > 0)),
    ...registerCommands(ctx, treeView),
  );
  void vscode.commands.executeCommand('setContext', 'netns.wiresharkInstalled', findWireshark() !== undefined);
  if (treeView.visible) {
    void activation.setVisible(true);
  }
  log.write('info', `Activated in ${Date.now() - started} ms.`);

  return {
    client,
    captures,
    model,
    activation,
    treeProvider,
    treeView,
    dragAndDrop,
    labFiles,
    log,
    status,
    get host() {
      return host;
    },
    setHost(h: Host): Host {
      const previous = host;
      host = h;
      return previous;
    },
    terminalProfileProvider,
    checkMarks,
    topology,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions; the client ends the helper.
}
